//! Progress of the run: a live bar on a terminal, a plain line per percent otherwise.

use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::Counts;

#[derive(Debug)]
pub struct Progress {
    bar: Option<ProgressBar>,
    rows: u64,
    counts: Arc<Counts>,
    start: Instant,
    /// The last percentage printed as a plain line.
    last_percent: AtomicU64,
}

impl Progress {
    pub fn new(rows: u64, counts: Arc<Counts>) -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::with_draw_target(Some(rows), ProgressDrawTarget::stderr());
            let style = ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        let finished = counts.finished();
        let p = Progress {
            bar,
            rows,
            counts,
            start: Instant::now(),
            last_percent: AtomicU64::new(percent(finished, rows)),
        };
        p.update();
        p
    }

    /// The rows finished and the counts, from one reading of each counter (so they agree).
    fn line(&self) -> (u64, String) {
        let c = &self.counts;
        let (paid, declined, failed) = (
            c.paid.load(Ordering::Relaxed),
            c.declined.load(Ordering::Relaxed),
            c.failed.load(Ordering::Relaxed),
        );
        let finished = paid + declined + failed;
        let now = c.finished_now.load(Ordering::Relaxed);
        let secs = self.start.elapsed().as_secs_f64().max(1e-3);
        let rate = now as f64 / secs;
        let unknown = c.unknown.load(Ordering::Relaxed) + c.not_sent.load(Ordering::Relaxed);
        let left = self.rows.saturating_sub(finished + unknown);
        let eta = if rate > 0.0 {
            format!("{:.0} s", left as f64 / rate)
        } else {
            "-".to_string()
        };
        let text = format!(
            "paid {paid}, declined {declined}, failed {failed}, unknown {unknown}, {rate:.1}/s, \
             ETA {eta}"
        );
        (finished, text)
    }

    /// After every outcome.
    pub fn update(&self) {
        let (finished, line) = self.line();
        match &self.bar {
            Some(bar) => {
                bar.set_position(finished);
                bar.set_message(line);
            }
            None => {
                let pct = percent(finished, self.rows);
                let last = self.last_percent.load(Ordering::Relaxed);
                if pct > last
                    && self
                        .last_percent
                        .compare_exchange(last, pct, Ordering::Relaxed, Ordering::Relaxed)
                        .is_ok()
                {
                    eprintln!("progress: {finished}/{} rows ({pct}%), {line}", self.rows);
                }
            }
        }
    }

    /// A message that does not break the bar.
    pub fn println(&self, message: &str) {
        match &self.bar {
            Some(bar) => bar.println(message),
            None => eprintln!("{message}"),
        }
    }

    pub fn finish(&self) {
        match &self.bar {
            Some(bar) => {
                let (finished, line) = self.line();
                bar.set_position(finished);
                bar.set_message(line);
                bar.finish();
            }
            None => {
                let (finished, line) = self.line();
                eprintln!("progress: {finished}/{} rows, {line}", self.rows);
            }
        }
    }
}

fn percent(finished: u64, rows: u64) -> u64 {
    (finished * 100).checked_div(rows).unwrap_or(100)
}
