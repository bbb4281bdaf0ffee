//! The run's journal: append-only JSON lines, fsync'd before anything depends on them.
//!
//! A row is journaled `started` (durably) before its charge is sent, and gets an `outcome` once
//! the client has answered. After a crash the journal says which rows are finished (skipped),
//! and which were in flight (looked up before anything is re-sent). Writes are group-committed:
//! one thread writes every record that is waiting and fsyncs once for all of them, so a run with
//! hundreds of charges in flight does not wait for one fsync per record.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Seek, SeekFrom, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, oneshot};

pub const VERSION: u32 = 1;

/// One line of the journal.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Record {
    /// First line: which plan this journal belongs to.
    Plan {
        version: u32,
        plan_sha256: String,
        rows: u64,
    },
    /// The charge of a row is about to be sent.
    Started(Started),
    /// What became of it.
    Outcome(Outcome),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Started {
    pub row: u64,
    pub line: u64,
    pub customer_uid: String,
    pub merchant_uid: String,
    pub amount: String,
    /// Wall clock, Unix milliseconds: how long ago the request may have left.
    pub at_ms: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Charged.
    Paid,
    /// The card company declined; a failed payment is recorded.
    Declined,
    /// Refused before charging (no billing key, invalid, duplicate order, ...).
    Failed,
    /// May or may not have been charged: looked up on the next run.
    Unknown,
    /// Certainly not charged (never reached the API): sent again on the next run.
    NotSent,
}

impl Status {
    /// Finished for good: the row is skipped when the run is resumed.
    pub fn is_final(self) -> bool {
        matches!(self, Status::Paid | Status::Declined | Status::Failed)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Paid => "paid",
            Status::Declined => "declined",
            Status::Failed => "failed",
            Status::Unknown => "unknown",
            Status::NotSent => "not_sent",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Outcome {
    pub row: u64,
    pub line: u64,
    pub status: Status,
    pub customer_uid: String,
    pub merchant_uid: String,
    pub amount: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub imp_uid: Option<String>,
    /// Decline reason or error message (never card data: core's errors carry none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// One bit per row: finished or not. 125 KB for a million rows.
#[derive(Debug, Default)]
pub struct RowSet(Vec<u64>);

impl RowSet {
    pub fn insert(&mut self, row: u64) {
        let (word, bit) = ((row / 64) as usize, row % 64);
        if self.0.len() <= word {
            self.0.resize(word + 1, 0);
        }
        self.0[word] |= 1 << bit;
    }

    pub fn contains_any(&self) -> bool {
        self.0.iter().any(|w| *w != 0)
    }

    pub fn contains(&self, row: u64) -> bool {
        let (word, bit) = ((row / 64) as usize, row % 64);
        self.0.get(word).is_some_and(|w| w & (1 << bit) != 0)
    }
}

/// What an existing journal says.
#[derive(Debug, Default)]
pub struct Recovered {
    pub finished: RowSet,
    pub paid: u64,
    pub declined: u64,
    pub failed: u64,
    /// Rows started (or left unknown / not sent) without a final outcome: at most the rows that
    /// were in flight when earlier runs stopped.
    pub in_flight: HashMap<u64, Started>,
    /// When the journal was last written (Unix ms): about when the earlier run stopped.
    pub last_write_ms: u64,
}

impl Recovered {
    fn apply(&mut self, record: Record) {
        match record {
            Record::Plan { .. } => {}
            Record::Started(s) => {
                if !self.finished.contains(s.row) {
                    self.in_flight.insert(s.row, s);
                }
            }
            Record::Outcome(o) => {
                if o.status.is_final() && !self.finished.contains(o.row) {
                    self.finished.insert(o.row);
                    self.in_flight.remove(&o.row);
                    match o.status {
                        Status::Paid => self.paid += 1,
                        Status::Declined => self.declined += 1,
                        _ => self.failed += 1,
                    }
                }
            }
        }
    }
}

/// Calls `each` for every complete record of the journal at `path`, in order. A last line cut
/// short by a crash is ignored; returns the length of the intact part.
pub fn read(path: &Path, mut each: impl FnMut(u64, Record)) -> Result<u64, String> {
    let file = File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    let mut reader = BufReader::new(file);
    let mut buf = Vec::new();
    let (mut good, mut number) = (0u64, 0u64);
    loop {
        buf.clear();
        let n = reader
            .read_until(b'\n', &mut buf)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if n == 0 {
            return Ok(good);
        }
        number += 1;
        if buf.last() != Some(&b'\n') {
            // Torn by a crash in the middle of a write: never acknowledged, so nothing was sent
            // on its account.
            return Ok(good);
        }
        let record: Record = serde_json::from_slice(&buf).map_err(|e| {
            format!(
                "{} line {number} is not a journal record ({e}); it was not written by this \
                 command, or was edited",
                path.display()
            )
        })?;
        each(number, record);
        good += n as u64;
    }
}

type Pending = (Vec<u8>, oneshot::Sender<io::Result<()>>);

/// The append side: records go to a writer thread and are acknowledged once durable.
#[derive(Debug, Clone)]
pub struct Journal {
    tx: mpsc::UnboundedSender<Pending>,
}

impl Journal {
    /// Opens (or creates) the journal of the plan with this hash; recovers what it holds.
    pub fn open(
        path: &Path,
        plan_sha256: &str,
        rows: u64,
    ) -> Result<(Journal, Recovered, std::thread::JoinHandle<()>), String> {
        let mut recovered = Recovered::default();
        let exists = path.metadata().map(|m| m.len() > 0).unwrap_or(false);
        recovered.last_write_ms = path
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0);
        let mut header_ok = false;
        let good = if exists {
            let mut problem = None;
            let good = read(path, |number, record| {
                if number == 1 {
                    match &record {
                        Record::Plan {
                            version,
                            plan_sha256: sha,
                            ..
                        } if *version == VERSION && sha == plan_sha256 => header_ok = true,
                        Record::Plan { .. } => {
                            problem = Some(format!(
                                "the journal {} belongs to another plan (or another version of \
                                 this one): finish that plan, or pass another --journal",
                                path.display()
                            ))
                        }
                        _ => problem = Some(format!("{} is not a journal", path.display())),
                    }
                }
                recovered.apply(record);
            })?;
            if let Some(p) = problem {
                return Err(p);
            }
            good
        } else {
            0
        };
        let mut file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(path)
            .map_err(|e| format!("cannot open the journal {}: {e}", path.display()))?;
        // Drop a torn last line so the next record starts on a line of its own.
        file.set_len(good)
            .and_then(|()| file.seek(SeekFrom::End(0)).map(|_| ()))
            .map_err(|e| format!("cannot prepare the journal {}: {e}", path.display()))?;
        if !header_ok {
            let header = Record::Plan {
                version: VERSION,
                plan_sha256: plan_sha256.to_string(),
                rows,
            };
            let mut line = serde_json::to_vec(&header).map_err(|e| e.to_string())?;
            line.push(b'\n');
            file.write_all(&line)
                .and_then(|()| file.sync_all())
                .map_err(|e| format!("cannot write the journal {}: {e}", path.display()))?;
        }
        let (tx, rx) = mpsc::unbounded_channel();
        let writer = std::thread::Builder::new()
            .name("journal".into())
            .spawn(move || write_loop(file, rx))
            .map_err(|e| format!("cannot start the journal writer: {e}"))?;
        Ok((Journal { tx }, recovered, writer))
    }

    /// Appends a record; returns once it is on disk.
    pub async fn append(&self, record: &Record) -> io::Result<()> {
        self.submit(record)?
            .await
            .map_err(|_| io::Error::other("the journal writer has stopped"))?
    }

    /// Queues a record without waiting for the disk: for outcomes, which are safe to lose in a
    /// crash (the row is then looked up on resume). Everything queued is on disk once the writer
    /// thread has been joined.
    pub fn append_soon(&self, record: &Record) -> io::Result<()> {
        self.submit(record).map(drop)
    }

    fn submit(&self, record: &Record) -> io::Result<oneshot::Receiver<io::Result<()>>> {
        let mut line = serde_json::to_vec(record).map_err(io::Error::other)?;
        line.push(b'\n');
        let (ack, done) = oneshot::channel();
        self.tx
            .send((line, ack))
            .map_err(|_| io::Error::other("the journal writer has stopped"))?;
        Ok(done)
    }
}

fn write_loop(mut file: File, mut rx: mpsc::UnboundedReceiver<Pending>) {
    let mut bytes = Vec::new();
    let mut acks = Vec::new();
    while let Some((line, ack)) = rx.blocking_recv() {
        bytes.clear();
        bytes.extend_from_slice(&line);
        acks.push(ack);
        while let Ok((line, ack)) = rx.try_recv() {
            bytes.extend_from_slice(&line);
            acks.push(ack);
        }
        let result = file.write_all(&bytes).and_then(|()| file.sync_data());
        for ack in acks.drain(..) {
            let _ = ack.send(match &result {
                Ok(()) => Ok(()),
                Err(e) => Err(io::Error::new(e.kind(), e.to_string())),
            });
        }
        if result.is_err() {
            // A journal that cannot be written cannot vouch for anything after this point.
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn started(row: u64) -> Record {
        Record::Started(Started {
            row,
            line: row + 2,
            customer_uid: "c".into(),
            merchant_uid: format!("m{row}"),
            amount: "100".into(),
            at_ms: 1,
        })
    }

    fn outcome(row: u64, status: Status) -> Record {
        Record::Outcome(Outcome {
            row,
            line: row + 2,
            status,
            customer_uid: "c".into(),
            merchant_uid: format!("m{row}"),
            amount: "100".into(),
            imp_uid: None,
            detail: None,
        })
    }

    #[tokio::test]
    async fn a_torn_last_line_is_dropped_and_the_rest_recovered() -> Result<(), String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let path = dir.path().join("j");
        {
            let (j, rec, writer) = Journal::open(&path, "abc", 3)?;
            assert!(rec.in_flight.is_empty());
            for r in [
                started(0),
                outcome(0, Status::Paid),
                started(1),
                outcome(1, Status::Unknown),
                started(2),
            ] {
                j.append(&r).await.map_err(|e| e.to_string())?;
            }
            drop(j);
            writer.join().map_err(|_| "writer panicked")?;
        }
        // A crash in the middle of a write.
        let mut f = OpenOptions::new()
            .append(true)
            .open(&path)
            .map_err(|e| e.to_string())?;
        f.write_all(br#"{"event":"outcome","row":2,"li"#)
            .map_err(|e| e.to_string())?;
        drop(f);

        let (j, rec, writer) = Journal::open(&path, "abc", 3)?;
        assert!(rec.finished.contains(0) && !rec.finished.contains(1));
        assert_eq!(rec.paid, 1);
        let mut in_flight: Vec<u64> = rec.in_flight.keys().copied().collect();
        in_flight.sort();
        assert_eq!(in_flight, vec![1, 2]);
        j.append(&outcome(2, Status::Declined))
            .await
            .map_err(|e| e.to_string())?;
        drop(j);
        writer.join().map_err(|_| "writer panicked")?;
        let (_, rec, _) = Journal::open(&path, "abc", 3)?;
        assert!(rec.finished.contains(2));
        assert_eq!(rec.declined, 1);

        let other = Journal::open(&path, "another plan", 3);
        assert!(matches!(other, Err(e) if e.contains("belongs to another plan")));
        Ok(())
    }
}
