//! Reading card data: from a terminal with echo off, or from piped stdin (one value a line).
//!
//! Card data is never taken from flags (they end up in shell history and the process list), never
//! echoed, and goes straight into core's zeroizing secret types.

use std::io::{BufRead, IsTerminal, Write};

use rustix::termios::{self, LocalModes, OptionalActions};

/// Turns terminal echo back on when dropped, also on an early return or a panic.
struct EchoGuard {
    saved: termios::Termios,
}

impl Drop for EchoGuard {
    fn drop(&mut self) {
        let _ = termios::tcsetattr(std::io::stdin(), OptionalActions::Now, &self.saved);
    }
}

/// Asks for one value. On a terminal the answer is not echoed; `Ok(None)` at end of input.
pub fn ask(label: &str, hidden: bool) -> std::io::Result<Option<String>> {
    let stdin = std::io::stdin();
    let terminal = stdin.is_terminal();
    let mut err = std::io::stderr();
    // Echo goes off before the prompt is shown: whatever is typed after seeing it stays hidden.
    let guard = if terminal && hidden {
        let saved = termios::tcgetattr(&stdin)?;
        let mut quiet = saved.clone();
        quiet.local_modes.remove(LocalModes::ECHO);
        // Keep the newline visible so the next prompt starts on its own line.
        quiet.local_modes.insert(LocalModes::ECHONL);
        termios::tcsetattr(&stdin, OptionalActions::Now, &quiet)?;
        Some(EchoGuard { saved })
    } else {
        None
    };
    write!(err, "{label}: ")?;
    err.flush()?;
    let mut line = String::new();
    let n = stdin.lock().read_line(&mut line)?;
    drop(guard);
    if !terminal {
        // Piped input: end the prompt line ourselves (the value itself is not shown).
        writeln!(err)?;
    }
    if n == 0 {
        return Ok(None);
    }
    // Trim in place: the value stays in this one buffer, which moves into a zeroizing type.
    while line.ends_with(['\n', '\r']) {
        line.pop();
    }
    Ok(Some(line))
}
