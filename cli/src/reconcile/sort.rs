//! An external sort: records go in by `(group, tie)` keys in any order and come out sorted, with
//! at most `chunk` records in memory. Full chunks are sorted and written to a file as JSON lines
//! (a "run"); reading merges the runs, holding one record per run.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;

/// One sorted record: records compare by `group`, then `tie`.
pub type Keyed<T> = (String, String, T);

#[derive(Debug)]
pub struct Sorter<T> {
    dir: PathBuf,
    name: &'static str,
    chunk: usize,
    buffer: Vec<Keyed<T>>,
    runs: Vec<PathBuf>,
}

impl<T: Serialize + DeserializeOwned> Sorter<T> {
    /// Runs are written to `dir` as `{name}-{n}.jsonl`; `chunk` is at least 1.
    pub fn new(dir: &Path, name: &'static str, chunk: usize) -> Sorter<T> {
        Sorter {
            dir: dir.to_path_buf(),
            name,
            chunk: chunk.max(1),
            buffer: Vec::new(),
            runs: Vec::new(),
        }
    }

    pub fn push(&mut self, group: String, tie: String, item: T) -> io::Result<()> {
        self.buffer.push((group, tie, item));
        if self.buffer.len() >= self.chunk {
            self.spill()?;
        }
        Ok(())
    }

    fn spill(&mut self) -> io::Result<()> {
        sort(&mut self.buffer);
        let path = self
            .dir
            .join(format!("{}-{}.jsonl", self.name, self.runs.len()));
        let mut out = BufWriter::new(File::create(&path)?);
        for record in self.buffer.drain(..) {
            serde_json::to_writer(&mut out, &record)?;
            out.write_all(b"\n")?;
        }
        out.flush()?;
        self.runs.push(path);
        Ok(())
    }

    /// Every record pushed, sorted.
    pub fn finish(mut self) -> io::Result<Sorted<T>> {
        if self.runs.is_empty() {
            sort(&mut self.buffer);
            return Ok(Sorted(Source::Memory(self.buffer.into_iter())));
        }
        if !self.buffer.is_empty() {
            self.spill()?;
        }
        // Few enough runs to have every one open at once: merge runs into longer ones first.
        let mut merged = 0;
        while self.runs.len() > MAX_OPEN_RUNS {
            let batch: Vec<PathBuf> = self.runs.drain(..MAX_OPEN_RUNS).collect();
            let path = self
                .dir
                .join(format!("{}-merged-{merged}.jsonl", self.name));
            merged += 1;
            let mut out = BufWriter::new(File::create(&path)?);
            for record in merge::<T>(&batch)? {
                serde_json::to_writer(&mut out, &record?)?;
                out.write_all(b"\n")?;
            }
            out.flush()?;
            for old in &batch {
                std::fs::remove_file(old)?;
            }
            self.runs.push(path);
        }
        merge(&self.runs)
    }
}

/// At most this many runs are read at once (file descriptors are limited, often to 1024).
const MAX_OPEN_RUNS: usize = 64;

fn merge<T: DeserializeOwned>(paths: &[PathBuf]) -> io::Result<Sorted<T>> {
    let mut runs = Vec::with_capacity(paths.len());
    let mut heap = BinaryHeap::new();
    for (i, path) in paths.iter().enumerate() {
        let mut run = BufReader::new(File::open(path)?);
        if let Some(record) = read(&mut run)? {
            heap.push(Reverse(Head { record, run: i }));
        }
        runs.push(run);
    }
    Ok(Sorted(Source::Merge { runs, heap }))
}

fn sort<T>(records: &mut [Keyed<T>]) {
    records.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
}

fn read<T: DeserializeOwned>(run: &mut BufReader<File>) -> io::Result<Option<Keyed<T>>> {
    let mut line = String::new();
    if run.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    serde_json::from_str(&line)
        .map(Some)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

/// The next record of one run, ordered by its keys (ties between runs by run, for stability).
#[derive(Debug)]
struct Head<T> {
    record: Keyed<T>,
    run: usize,
}

impl<T> Head<T> {
    fn key(&self) -> (&String, &String, usize) {
        (&self.record.0, &self.record.1, self.run)
    }
}

impl<T> PartialEq for Head<T> {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl<T> Eq for Head<T> {}

impl<T> PartialOrd for Head<T> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl<T> Ord for Head<T> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key().cmp(&other.key())
    }
}

/// The sorted records: from memory when they fit in one chunk, else merged from the runs.
#[derive(Debug)]
pub struct Sorted<T>(Source<T>);

#[derive(Debug)]
enum Source<T> {
    Memory(std::vec::IntoIter<Keyed<T>>),
    Merge {
        runs: Vec<BufReader<File>>,
        heap: BinaryHeap<Reverse<Head<T>>>,
    },
}

impl<T: DeserializeOwned> Iterator for Sorted<T> {
    type Item = io::Result<Keyed<T>>;

    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.0 {
            Source::Memory(records) => records.next().map(Ok),
            Source::Merge { runs, heap } => {
                let Reverse(head) = heap.pop()?;
                match runs.get_mut(head.run).map(read) {
                    Some(Ok(Some(record))) => heap.push(Reverse(Head {
                        record,
                        run: head.run,
                    })),
                    Some(Err(e)) => return Some(Err(e)),
                    _ => {}
                }
                Some(Ok(head.record))
            }
        }
    }
}

/// Reads a sorted stream a group at a time: every record whose `group` is the next one.
#[derive(Debug)]
pub struct Groups<T: DeserializeOwned> {
    sorted: std::iter::Peekable<Sorted<T>>,
}

impl<T: DeserializeOwned> Groups<T> {
    pub fn new(sorted: Sorted<T>) -> Groups<T> {
        Groups {
            sorted: sorted.peekable(),
        }
    }

    /// The group that comes next, if any.
    pub fn peek_group(&mut self) -> io::Result<Option<String>> {
        if let Some(Err(_)) = self.sorted.peek() {
            if let Some(Err(e)) = self.sorted.next() {
                return Err(e);
            }
        }
        Ok(self
            .sorted
            .peek()
            .and_then(|r| r.as_ref().ok())
            .map(|(group, _, _)| group.clone()))
    }

    /// The records of `group` (empty when the next group is another one).
    pub fn take(&mut self, group: &str) -> io::Result<Vec<T>> {
        let mut items = Vec::new();
        while let Some(Ok((g, _, _))) = self.sorted.peek() {
            if g != group {
                break;
            }
            match self.sorted.next() {
                Some(Ok((_, _, item))) => items.push(item),
                Some(Err(e)) => return Err(e),
                None => break,
            }
        }
        if let Some(Err(_)) = self.sorted.peek() {
            if let Some(Err(e)) = self.sorted.next() {
                return Err(e);
            }
        }
        Ok(items)
    }
}

/// A merge join of two sorted streams on their groups: each group's records from both sides
/// (one side empty where only the other has the group).
#[derive(Debug)]
pub struct Join<A: DeserializeOwned, B: DeserializeOwned> {
    left: Groups<A>,
    right: Groups<B>,
}

impl<A: DeserializeOwned, B: DeserializeOwned> Join<A, B> {
    pub fn new(left: Sorted<A>, right: Sorted<B>) -> Join<A, B> {
        Join {
            left: Groups::new(left),
            right: Groups::new(right),
        }
    }

    /// The records of the next group (the smaller of the two sides' next), `None` at the end.
    pub fn next(&mut self) -> io::Result<Option<(Vec<A>, Vec<B>)>> {
        let group = match (self.left.peek_group()?, self.right.peek_group()?) {
            (Some(a), Some(b)) => a.min(b),
            (Some(x), None) | (None, Some(x)) => x,
            (None, None) => return Ok(None),
        };
        Ok(Some((self.left.take(&group)?, self.right.take(&group)?)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(chunk: usize, input: &[(u32, u32)]) -> Result<Vec<(String, String, u32)>, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let mut sorter = Sorter::new(dir.path(), "t", chunk);
        for (i, (g, t)) in input.iter().enumerate() {
            sorter
                .push(format!("g{g:03}"), format!("t{t:03}"), i as u32)
                .map_err(|e| e.to_string())?;
        }
        let runs = std::fs::read_dir(dir.path())
            .map(|d| d.count())
            .unwrap_or(0);
        assert_eq!(runs, input.len() / chunk, "full chunks are spilled");
        sorter
            .finish()
            .map_err(|e| e.to_string())?
            .collect::<io::Result<Vec<_>>>()
            .map_err(|e| e.to_string())
    }

    #[test]
    fn spilled_runs_merge_into_the_same_order_as_an_in_memory_sort() -> Result<(), String> {
        // A fixed pseudo-random sequence with many equal keys.
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let input: Vec<(u32, u32)> = (0..2_000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                ((x % 97) as u32, ((x >> 20) % 5) as u32)
            })
            .collect();
        let expected = sorted(usize::MAX, &input)?;
        assert_eq!(expected.len(), 2_000);
        assert!(
            expected
                .windows(2)
                .all(|w| (&w[0].0, &w[0].1) <= (&w[1].0, &w[1].1))
        );
        // 1: 2,000 runs, merged 64 at a time first.
        for chunk in [1, 7, 100, 1_999, 2_000] {
            let got = sorted(chunk, &input)?;
            let keys = |v: &[(String, String, u32)]| {
                v.iter()
                    .map(|(g, t, _)| (g.clone(), t.clone()))
                    .collect::<Vec<_>>()
            };
            assert_eq!(keys(&got), keys(&expected), "chunk {chunk}");
            let mut items: Vec<u32> = got.iter().map(|r| r.2).collect();
            items.sort_unstable();
            assert_eq!(items, (0..2_000).collect::<Vec<_>>(), "chunk {chunk}");
        }
        Ok(())
    }

    #[test]
    fn groups_are_read_one_key_at_a_time_and_joined() -> Result<(), String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let mut sorter = Sorter::new(dir.path(), "g", 2);
        for (g, item) in [("b", 1), ("a", 2), ("b", 3), ("c", 4), ("a", 5)] {
            sorter
                .push(g.to_owned(), item.to_string(), item)
                .map_err(|e| e.to_string())?;
        }
        let mut groups = Groups::new(sorter.finish().map_err(|e| e.to_string())?);
        let mut seen = Vec::new();
        while let Some(g) = groups.peek_group().map_err(|e| e.to_string())? {
            let items = groups.take(&g).map_err(|e| e.to_string())?;
            seen.push((g, items));
        }
        assert_eq!(
            seen,
            vec![
                ("a".to_owned(), vec![2, 5]),
                ("b".to_owned(), vec![1, 3]),
                ("c".to_owned(), vec![4]),
            ]
        );

        let sorted = |items: &[(&str, u32)]| -> Result<Sorted<u32>, String> {
            let mut sorter = Sorter::new(dir.path(), "j", 100);
            for (g, item) in items {
                sorter
                    .push((*g).to_owned(), String::new(), *item)
                    .map_err(|e| e.to_string())?;
            }
            sorter.finish().map_err(|e| e.to_string())
        };
        let mut join = Join::new(
            sorted(&[("a", 1), ("c", 3), ("c", 4)])?,
            sorted(&[("b", 20), ("c", 30), ("d", 40)])?,
        );
        let mut pairs = Vec::new();
        while let Some(pair) = join.next().map_err(|e| e.to_string())? {
            pairs.push(pair);
        }
        assert_eq!(
            pairs,
            vec![
                (vec![1], vec![]),
                (vec![], vec![20]),
                (vec![3, 4], vec![30]),
                (vec![], vec![40]),
            ]
        );
        Ok(())
    }
}
