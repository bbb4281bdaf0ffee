//! The billing plan: a CSV with a header row naming `customer_uid`, `merchant_uid`, `amount` and
//! (optionally) `name`, read as a stream. Rows are validated with core's own request checks.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::{self, BufRead, Read};
use std::path::Path;

use iamport_subscribe::{Amount, Error, PayAgainRequest};
use sha2::{Digest, Sha256};

/// Bad rows listed before the run refuses to start (the rest are counted).
const MAX_LISTED_ERRORS: usize = 50;

/// One row of the plan. `index` counts data rows from 0 (the journal's key); `line` is the
/// file's line number where the row starts (for people).
#[derive(Debug, Clone)]
pub struct Row {
    pub index: u64,
    pub line: u64,
    pub customer_uid: String,
    pub merchant_uid: String,
    pub amount: Amount,
    pub name: Option<String>,
}

impl Row {
    pub fn request(&self) -> PayAgainRequest {
        PayAgainRequest {
            customer_uid: self.customer_uid.clone(),
            merchant_uid: self.merchant_uid.clone(),
            amount: self.amount,
            name: self.name.clone(),
            ..Default::default()
        }
    }
}

/// What the validation pass found.
#[derive(Debug)]
pub struct Checked {
    pub rows: u64,
    /// Hex SHA-256 of the file: the journal refuses to resume with another plan.
    pub sha256: String,
    /// `line N: ...`, at most [`MAX_LISTED_ERRORS`].
    pub errors: Vec<String>,
    pub error_count: u64,
}

/// Hashes everything read through it.
struct Hashing<R> {
    inner: R,
    hasher: Sha256,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

const COLUMNS: [&str; 4] = ["customer_uid", "merchant_uid", "amount", "name"];

/// Line numbers from byte offsets, by reading the file a second time alongside the parser (the
/// CSV parser does not count the blank lines it skips).
struct Lines {
    reader: io::BufReader<Box<dyn Read + Send>>,
    offset: u64,
    line: u64,
}

impl Lines {
    fn new(input: Box<dyn Read + Send>) -> Lines {
        Lines {
            reader: io::BufReader::new(input),
            offset: 0,
            line: 1,
        }
    }

    /// The line on which the byte at `offset` lies (offsets only grow).
    fn at(&mut self, offset: u64) -> u64 {
        while self.offset < offset {
            let Ok(buf) = self.reader.fill_buf() else {
                break;
            };
            if buf.is_empty() {
                break;
            }
            let take = buf.len().min((offset - self.offset) as usize);
            self.line += buf[..take].iter().filter(|b| **b == b'\n').count() as u64;
            self.offset += take as u64;
            self.reader.consume(take);
        }
        // The parser reports a record after blank lines at the start of those blank lines.
        loop {
            let next = match self.reader.fill_buf() {
                Ok(buf) => buf.first().copied(),
                Err(_) => None,
            };
            match next {
                Some(b'\n') => self.line += 1,
                Some(b'\r') => {}
                _ => break,
            }
            self.offset += 1;
            self.reader.consume(1);
        }
        self.line
    }
}

/// A streaming reader of plan rows.
pub struct Plan<R: Read> {
    reader: csv::Reader<R>,
    lines: Lines,
    /// Positions of customer_uid, merchant_uid, amount and (maybe) name.
    columns: [Option<usize>; 4],
    next_index: u64,
}

impl<R: Read> std::fmt::Debug for Plan<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Plan")
            .field("next_index", &self.next_index)
            .finish()
    }
}

impl Plan<File> {
    pub fn open(path: &Path) -> Result<Plan<File>, String> {
        let open = || {
            File::open(path).map_err(|e| format!("cannot open the plan {}: {e}", path.display()))
        };
        Plan::new(open()?, Box::new(open()?))
    }
}

impl<R: Read> Plan<R> {
    fn new(input: R, again: Box<dyn Read + Send>) -> Result<Plan<R>, String> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .trim(csv::Trim::All)
            .from_reader(input);
        let headers = reader
            .headers()
            .map_err(|e| format!("line 1: cannot read the header row: {}", csv_reason(&e)))?
            .clone();
        let mut columns = [None; 4];
        for (i, h) in headers.iter().enumerate() {
            let h = h.trim_start_matches('\u{feff}').to_ascii_lowercase();
            match COLUMNS.iter().position(|c| *c == h) {
                Some(c) if columns[c].is_none() => columns[c] = Some(i),
                Some(_) => return Err(format!("line 1: column {h:?} appears twice")),
                None => {
                    return Err(format!(
                        "line 1: unknown column {h:?} (expected the header \
                         customer_uid,merchant_uid,amount,name)"
                    ));
                }
            }
        }
        for (c, name) in columns.iter().zip(COLUMNS).take(3) {
            if c.is_none() {
                return Err(format!(
                    "line 1: no column {name:?} (expected the header \
                     customer_uid,merchant_uid,amount,name)"
                ));
            }
        }
        Ok(Plan {
            reader,
            lines: Lines::new(again),
            columns,
            next_index: 0,
        })
    }

    /// The next row, `Err("line N: ...")` for a bad one, `None` at the end.
    pub fn next_row(&mut self) -> Option<Result<Row, String>> {
        let mut record = csv::StringRecord::new();
        let index = self.next_index;
        match self.reader.read_record(&mut record) {
            Ok(false) => return None,
            Ok(true) => {}
            Err(e) => {
                self.next_index += 1;
                let line = e.position().map(|p| self.lines.at(p.byte())).unwrap_or(0);
                return Some(Err(format!("line {line}: {}", csv_reason(&e))));
            }
        }
        self.next_index += 1;
        let line = record
            .position()
            .map(|p| self.lines.at(p.byte()))
            .unwrap_or(0);
        let field = |c: usize| {
            self.columns[c]
                .and_then(|i| record.get(i))
                .unwrap_or("")
                .to_string()
        };
        let amount_text = field(2);
        let amount = match amount_text.parse::<Amount>() {
            Ok(a) => a,
            Err(_) => {
                return Some(Err(format!(
                    "line {line}: amount {amount_text:?} is not a number"
                )));
            }
        };
        let name = Some(field(3)).filter(|n| !n.is_empty());
        let row = Row {
            index,
            line,
            customer_uid: field(0),
            merchant_uid: field(1),
            amount,
            name,
        };
        match row.request().validate() {
            Ok(()) => Some(Ok(row)),
            Err(Error::InvalidRequest { field, reason }) => {
                Some(Err(format!("line {line}: {field} {reason}")))
            }
            Err(other) => Some(Err(format!("line {line}: {other}"))),
        }
    }
}

fn csv_reason(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("expected {expected_len} fields, found {len}"),
        csv::ErrorKind::Utf8 { .. } => "not valid UTF-8".to_string(),
        csv::ErrorKind::Io(io) => format!("cannot read: {io}"),
        _ => e.to_string(),
    }
}

/// A Bloom filter over merchant_uids: a fixed number of bits, so the duplicate check does not
/// keep every merchant_uid. A hit only makes a row a suspect; suspects are confirmed exactly by a
/// second pass.
struct Bloom {
    bits: Vec<u64>,
}

impl Bloom {
    const HASHES: u64 = 7;

    /// About 10 bits per row the file could hold at most (6 bytes is the shortest row), between
    /// 8 KiB and 32 MiB: under 1 % false hits for any plan that fits, 1.25 bytes a row at most.
    fn for_file(bytes: u64) -> Bloom {
        Bloom::with_bits((bytes / 6).saturating_mul(10).clamp(1 << 16, 1 << 28))
    }

    fn with_bits(bits: u64) -> Bloom {
        Bloom {
            bits: vec![0; bits.div_ceil(64) as usize],
        }
    }

    /// Inserts; returns whether every bit was already set (maybe seen before).
    fn insert(&mut self, key: &str) -> bool {
        let (h1, h2) = (hash(0, key), hash(1, key) | 1);
        let len = self.bits.len() as u64 * 64;
        let mut seen = true;
        for i in 0..Self::HASHES {
            let bit = h1.wrapping_add(i.wrapping_mul(h2)) % len;
            let (word, mask) = ((bit / 64) as usize, 1u64 << (bit % 64));
            if let Some(w) = self.bits.get_mut(word) {
                seen &= *w & mask != 0;
                *w |= mask;
            }
        }
        seen
    }
}

fn hash(seed: u64, key: &str) -> u64 {
    let mut h = DefaultHasher::new();
    seed.hash(&mut h);
    key.hash(&mut h);
    h.finish()
}

/// The validation pass: every row checked, a merchant_uid used twice refused, the file hashed.
///
/// Memory does not grow with the plan beyond the Bloom filter's cap: merchant_uids the filter
/// flags are kept as 64-bit hashes and confirmed by a second pass over the file, which holds only
/// those suspects' merchant_uids.
pub fn check(path: &Path) -> Result<Checked, String> {
    check_with(path, None)
}

/// `check` with a Bloom filter of `bits` (tests: a tiny one makes every row a suspect).
fn check_with(path: &Path, bits: Option<u64>) -> Result<Checked, String> {
    let file =
        File::open(path).map_err(|e| format!("cannot open the plan {}: {e}", path.display()))?;
    let bytes = file.metadata().map(|m| m.len()).unwrap_or(0);
    let hashing = Hashing {
        inner: io::BufReader::new(file),
        hasher: Sha256::new(),
    };
    let again = File::open(path).map_err(|e| format!("cannot open the plan: {e}"))?;
    let mut plan = Plan::new(hashing, Box::new(again))?;
    let mut bloom = bits.map_or_else(|| Bloom::for_file(bytes), Bloom::with_bits);
    let mut suspects: HashSet<u64> = HashSet::new();
    let mut errors = Vec::new();
    let mut error_count = 0u64;
    let mut rows = 0u64;
    let mut report = |message: String| {
        error_count += 1;
        if errors.len() < MAX_LISTED_ERRORS {
            errors.push(message);
        }
    };
    while let Some(row) = plan.next_row() {
        rows += 1;
        match row {
            Ok(row) => {
                if bloom.insert(&row.merchant_uid) {
                    suspects.insert(hash(0, &row.merchant_uid));
                }
            }
            Err(message) => report(message),
        }
    }
    drop(bloom);
    // Read to the very end so the hash covers the whole file.
    let mut inner = plan.reader.into_inner();
    io::copy(&mut inner, &mut io::sink()).map_err(|e| format!("cannot read the plan: {e}"))?;
    let sha256 = inner
        .hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    if !suspects.is_empty() {
        // Only the suspects' merchant_uids, with the line each was first seen on.
        let mut first: HashMap<String, u64> = HashMap::new();
        let mut plan = Plan::open(path)?;
        while let Some(row) = plan.next_row() {
            let Ok(row) = row else { continue };
            if !suspects.contains(&hash(0, &row.merchant_uid)) {
                continue;
            }
            match first.get(&row.merchant_uid) {
                Some(line) => report(format!(
                    "line {}: merchant_uid {:?} is already used on line {line} (each row needs \
                     its own order id)",
                    row.line, row.merchant_uid
                )),
                None => {
                    first.insert(row.merchant_uid, row.line);
                }
            }
        }
    }
    Ok(Checked {
        rows,
        sha256,
        errors,
        error_count,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str) -> Vec<Result<Row, String>> {
        let again = Box::new(io::Cursor::new(text.as_bytes().to_vec()));
        let mut plan = match Plan::new(text.as_bytes(), again) {
            Ok(p) => p,
            Err(e) => return vec![Err(e)],
        };
        std::iter::from_fn(|| plan.next_row()).collect()
    }

    #[test]
    fn rows_carry_their_line_numbers_and_exact_amounts() {
        let got = rows(
            "customer_uid,merchant_uid,amount,name\nc1,m1,9900,Basic\n\nc2,m2,\"10000\",\"Pro, yearly\"\n",
        );
        let ok: Vec<Row> = got.into_iter().flatten().collect();
        assert_eq!(ok.len(), 2);
        assert_eq!((ok[0].index, ok[0].line), (0, 2));
        assert_eq!((ok[1].index, ok[1].line), (1, 4));
        assert_eq!(ok[1].amount.to_string(), "10000");
        assert_eq!(ok[1].name.as_deref(), Some("Pro, yearly"));
    }

    #[test]
    fn bad_values_are_reported_with_the_line_and_the_field() {
        let got = rows(
            "merchant_uid,customer_uid,amount\nm1,c1,abc\nm2,,100\nm3,c3,-5\nm4,c4,10.5\nm5,c5\n",
        );
        let errors: Vec<String> = got.into_iter().filter_map(|r| r.err()).collect();
        assert_eq!(errors.len(), 5, "{errors:?}");
        assert!(
            errors[0].starts_with("line 2: amount \"abc\""),
            "{errors:?}"
        );
        assert!(errors[1].starts_with("line 3: customer_uid"), "{errors:?}");
        assert!(errors[2].starts_with("line 4: amount"), "{errors:?}");
        assert!(errors[3].starts_with("line 5: amount"), "{errors:?}");
        assert!(
            errors[4].starts_with("line 6: expected 3 fields"),
            "{errors:?}"
        );
    }

    #[test]
    fn every_duplicate_is_found_whatever_the_filter_says() -> Result<(), String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let path = dir.path().join("plan.csv");
        let mut text = String::from("customer_uid,merchant_uid,amount\n");
        for r in 0..20_000 {
            // Rows 5,000, 12,345 and 19,999 reuse earlier orders.
            let order = match r {
                5_000 => 10,
                12_345 => 4_999,
                19_999 => 10,
                r => r,
            };
            text.push_str(&format!("c,order-{order},100\n"));
        }
        std::fs::write(&path, text).map_err(|e| e.to_string())?;
        // The sized filter, and one of 64 bits that flags every row as a suspect.
        for bits in [None, Some(64)] {
            let checked = check_with(&path, bits)?;
            assert_eq!(checked.rows, 20_000);
            assert_eq!(
                checked.errors,
                vec![
                    "line 5002: merchant_uid \"order-10\" is already used on line 12 (each row needs its own order id)",
                    "line 12347: merchant_uid \"order-4999\" is already used on line 5001 (each row needs its own order id)",
                    "line 20001: merchant_uid \"order-10\" is already used on line 12 (each row needs its own order id)",
                ],
                "{bits:?}"
            );
        }
        Ok(())
    }

    #[test]
    fn a_wrong_header_is_refused() {
        for header in ["customer,merchant_uid,amount", "customer_uid,amount,name"] {
            let got = rows(&format!("{header}\nx,y,1\n"));
            assert!(
                matches!(&got[0], Err(e) if e.starts_with("line 1:")),
                "{got:?}"
            );
        }
    }
}
