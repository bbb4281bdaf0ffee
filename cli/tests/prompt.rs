//! Card data typed at a real terminal (a pseudo-terminal) is not echoed.

mod common;

use std::fs::File;
use std::io::{Read, Write};
use std::process::Stdio;

use common::TestResult;
use iamport_sandbox::Sandbox;
use rustix::pty::{OpenptFlags, grantpt, openpt, ptsname, unlockpt};

const CARD: &str = "4111-5555-6666-7771";

#[tokio::test]
async fn card_data_typed_at_a_terminal_is_not_echoed() -> TestResult {
    let sandbox = Sandbox::start().await?;
    let master = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY)?;
    grantpt(&master)?;
    unlockpt(&master)?;
    let slave_path = ptsname(&master, Vec::new())?;
    let slave = File::options()
        .read(true)
        .write(true)
        .open(slave_path.to_str()?)?;

    let mut cmd = common::command(&sandbox, &["billing-keys", "issue", "cust-tty"]);
    cmd.stdin(Stdio::from(slave.try_clone()?))
        .stderr(Stdio::from(slave))
        .stdout(Stdio::piped());
    let child = cmd.spawn()?;
    // (The parent's copies of the terminal's slave side went into the child and are closed, so
    // reading the master side ends when the child exits.)
    drop(cmd);

    let mut master = File::from(master);
    let screen = tokio::task::spawn_blocking(move || -> std::io::Result<String> {
        // Answer each prompt once it is shown: echo is off by then.
        let answers = [
            ("Card number: ", CARD),
            ("Expiry (YYYY-MM): ", "2099-12"),
            ("(empty to skip): ", "900101"),
        ];
        let mut screen = String::new();
        let mut next = 0;
        let mut buf = [0u8; 1024];
        loop {
            let n = match master.read(&mut buf) {
                Ok(0) | Err(_) => return Ok(screen), // EIO once the child has exited
                Ok(n) => n,
            };
            screen.push_str(&String::from_utf8_lossy(&buf[..n]));
            while next < 4 {
                let (prompt, answer) = match answers.get(next) {
                    Some(a) => *a,
                    None => ("(empty to skip): ", ""),
                };
                // The n-th prompt is on screen when the text has that many prompts.
                let shown = screen.matches(prompt).count();
                let needed = if next == 3 { 2 } else { 1 };
                if shown < needed {
                    break;
                }
                master.write_all(format!("{answer}\n").as_bytes())?;
                next += 1;
            }
        }
    });
    let out = child.wait_with_output().await?;
    let screen = screen.await??;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{screen}\n{stdout}");
    assert!(screen.contains("Card number: "), "{screen}");
    for secret in [CARD, "41115555", "2099-12", "900101"] {
        assert!(!screen.contains(secret), "{secret} was echoed: {screen:?}");
        assert!(!stdout.contains(secret), "{secret} was printed: {stdout}");
    }
    // The key exists, issued from what was typed (the API's masked number only).
    assert!(stdout.contains("411155******7771"), "{stdout}");
    Ok(())
}
