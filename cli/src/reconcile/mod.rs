//! `iamport reconcile RESULTS --from … --to …`: proves a billing run against what Iamport
//! recorded. Every row the run recorded as paid must have exactly one paid payment of its amount
//! under its merchant_uid; rows recorded as declined or failed must have none. Reported: rows
//! with no payment, rows charged more than once (twice under their merchant_uid, or a second
//! charge of the same customer and amount under another), payments in the window that belong to
//! no row (strays), amounts that differ, refunds made since, and rows the run left unresolved.
//!
//! Memory stays flat however many rows there are: the rows and the payments listed in the window
//! are sorted on disk ([`sort`]) by merchant_uid and read side by side (a merge join); payments
//! that match no row are sorted again by customer and amount and joined with the rows the same
//! way, to tell a second charge of an order from a stray.

mod sort;

use std::collections::BTreeMap;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use clap::Args;
use futures_util::TryStreamExt;
use iamport_subscribe::{Amount, Client, Decimal, Payment, PaymentSorting, PaymentStatus};
use serde::{Deserialize, Serialize};

use crate::Global;
use crate::output::{self, Exit, code};
use sort::{Join, Sorted, Sorter};

#[derive(Args, Debug)]
#[command(after_help = "\
RESULTS is the results file of `iamport bill` (CSV or JSON, by its extension). The window is
searched with payments by status (every status, each payment by the time of its status); give
one that covers the run and what happened since. A row whose payment is not in the window is
looked up by its merchant_uid before it is reported.

Exit status: 0 when the run and Iamport's records agree, 10 when anything differs (each
difference is listed), other codes as for every command (3 authentication, 8 network, ...).

Examples:
  iamport reconcile plan.results.csv --from 2026-11-01 --to 2026-11-30
  iamport reconcile november.json --from 2026-11-01 --json > reconcile.json")]
pub struct ReconcileArgs {
    /// The results file of the billing run.
    pub results: PathBuf,
    /// Start of the window, inclusive: YYYY-MM-DD (midnight, Korean time), RFC 3339, or Unix
    /// seconds.
    #[arg(long, value_parser = crate::ops::parse_time)]
    pub from: i64,
    /// End of the window, inclusive (a date means the end of that day). Default: now.
    #[arg(long, value_parser = crate::ops::parse_end_time)]
    pub to: Option<i64>,
    /// Where the sorted runs are kept while reconciling (default: the system's temp directory).
    #[arg(long, value_name = "DIR")]
    pub work_dir: Option<PathBuf>,
    /// Records sorted in memory at once, per sort (tests use a small number to exercise the
    /// disk).
    #[arg(long, hide = true, default_value_t = 20_000)]
    pub sort_chunk: usize,
}

/// One row of the results file, as `bill` writes it.
#[derive(Debug, Deserialize)]
struct ResultRecord {
    line: u64,
    customer_uid: String,
    merchant_uid: String,
    amount: String,
    status: String,
    #[serde(default)]
    imp_uid: String,
}

/// A row of the run, as it is sorted and reported.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Row {
    line: u64,
    customer_uid: String,
    merchant_uid: String,
    amount: Amount,
    /// What the run recorded: paid, declined, failed, or unresolved (unknown, not_sent).
    status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    imp_uid: Option<String>,
}

impl Row {
    fn recorded_paid(&self) -> bool {
        self.status == "paid"
    }

    fn recorded_unpaid(&self) -> bool {
        matches!(self.status.as_str(), "declined" | "failed")
    }
}

/// A payment at Iamport, as it is sorted and reported.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Charge {
    imp_uid: String,
    merchant_uid: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    customer_uid: Option<String>,
    status: String,
    amount: Amount,
    cancel_amount: Amount,
    currency: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    paid_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cancelled_at: Option<i64>,
}

impl From<Payment> for Charge {
    fn from(p: Payment) -> Charge {
        Charge {
            imp_uid: p.imp_uid,
            merchant_uid: p.merchant_uid,
            customer_uid: p.customer_uid,
            status: p.status.to_string(),
            amount: p.amount,
            cancel_amount: p.cancel_amount,
            currency: p.currency,
            paid_at: p.paid_at,
            cancelled_at: p.cancelled_at,
        }
    }
}

impl Charge {
    /// Money was taken: paid, or paid and refunded since.
    fn took_money(&self) -> bool {
        self.status == PaymentStatus::Paid.as_str()
            || self.status == PaymentStatus::Cancelled.as_str()
    }

    fn describe(&self) -> String {
        format!(
            "{} ({}, {} {}{})",
            self.imp_uid,
            self.status,
            self.amount,
            self.currency,
            self.paid_at
                .map(|t| format!(", paid {}", output::time(Some(t))))
                .unwrap_or_default()
        )
    }
}

/// The group key of the second join: a charge of this customer and amount.
fn charge_key(customer_uid: Option<&str>, amount: &Amount) -> String {
    format!("{}\u{1f}{amount}", customer_uid.unwrap_or(""))
}

/// What can differ between the run and Iamport's records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
enum Kind {
    /// The run recorded the row paid; Iamport has no paid payment for it.
    NotCharged,
    /// More than one payment for one row.
    ChargedTwice,
    /// A payment in the window that belongs to no row.
    Stray,
    /// The row's payment is of another amount than the plan's.
    AmountDiffers,
    /// The row's payment was refunded, partly or fully.
    Refunded,
    /// The run recorded another outcome (declined but paid, another imp_uid).
    StatusDiffers,
    /// The run left the row unresolved.
    Unresolved,
    /// A merchant_uid on several rows of the results.
    DuplicateRow,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::NotCharged => "not_charged",
            Kind::ChargedTwice => "charged_twice",
            Kind::Stray => "stray",
            Kind::AmountDiffers => "amount_differs",
            Kind::Refunded => "refunded",
            Kind::StatusDiffers => "status_differs",
            Kind::Unresolved => "unresolved",
            Kind::DuplicateRow => "duplicate_row",
        }
    }
}

#[derive(Debug, Serialize)]
struct Finding<'a> {
    kind: Kind,
    detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    row: Option<&'a Row>,
    #[serde(skip_serializing_if = "Option::is_none")]
    payment: Option<&'a Charge>,
}

/// The counts printed at the end (and the `summary` of `--json`).
#[derive(Debug, Default, Serialize)]
struct Summary {
    from: i64,
    to: Option<i64>,
    rows: u64,
    /// Rows recorded as paid whose payment was found (findings about it aside).
    rows_charged: u64,
    /// Rows recorded as declined or failed with no paid payment, as recorded.
    rows_not_charged_as_recorded: u64,
    /// Payments the window holds (every status).
    payments_in_window: u64,
    /// Rows looked up by merchant_uid because the window held nothing of theirs.
    looked_up: u64,
    /// The plan's amount of the rows recorded as paid.
    expected_amount: Decimal,
    /// What the rows' payments took, before refunds.
    charged_amount: Decimal,
    refunded_amount: Decimal,
    /// What payments of no row took.
    stray_amount: Decimal,
    findings: BTreeMap<&'static str, u64>,
    clean: bool,
}

/// Writes findings as they are found: lines for people, or the `findings` array of `--json`.
struct Report {
    json: Option<output::JsonList>,
    summary: Summary,
}

impl Report {
    fn add(
        &mut self,
        kind: Kind,
        detail: String,
        row: Option<&Row>,
        payment: Option<&Charge>,
    ) -> Result<(), Exit> {
        *self.summary.findings.entry(kind.as_str()).or_default() += 1;
        match &mut self.json {
            Some(list) => list.push(&Finding {
                kind,
                detail,
                row,
                payment,
            }),
            None => {
                let line = row.map_or_else(|| "-".to_owned(), |r| r.line.to_string());
                let order = row
                    .map(|r| r.merchant_uid.as_str())
                    .or(payment.map(|p| p.merchant_uid.as_str()))
                    .unwrap_or("");
                println!("{:<15} line {line:<7} {order}: {detail}", kind.as_str());
                Ok(())
            }
        }
    }

    fn count(&self) -> u64 {
        self.summary.findings.values().sum()
    }
}

pub async fn run(global: &Global, args: ReconcileArgs) -> Result<(), Exit> {
    if args.to.is_some_and(|to| to < args.from) {
        return Err(Exit::usage("--to must not be before --from"));
    }
    let conn = global.connect().await?;
    let base = args.work_dir.clone().unwrap_or_else(std::env::temp_dir);
    let work = tempfile::Builder::new()
        .prefix("iamport-reconcile-")
        .tempdir_in(&base)
        .map_err(|e| {
            Exit::failure(format!(
                "cannot create a work directory in {}: {e}",
                base.display()
            ))
        })?;
    let chunk = args.sort_chunk;

    // 1. The rows, sorted by merchant_uid, and (a second read of the file) by customer and
    // amount. Each sort is finished before the next fills: at most one chunk in memory.
    let sorted_rows = |name: &'static str, key: fn(&Row) -> String| {
        let mut sorter = Sorter::<Row>::new(work.path(), name, chunk);
        let count = read_results(&args.results, |row| {
            let tie = format!("{:020}", row.line);
            sorter
                .push(key(&row), tie, row)
                .map_err(|e| format!("cannot write to the work directory: {e}"))
        })?;
        let sorted = sorter.finish().map_err(|e| io("sorting the rows", e))?;
        Ok::<_, Exit>((count, sorted))
    };
    let (rows, rows_by_order) = sorted_rows("rows", |r| r.merchant_uid.clone())?;
    let (again, rows_by_charge) = sorted_rows("rows-by-charge", |r| {
        charge_key(Some(&r.customer_uid), &r.amount)
    })?;
    if again != rows {
        return Err(Exit::failure(format!(
            "{} changed while it was read",
            args.results.display()
        )));
    }
    eprintln!(
        "reconcile: {rows} rows read from {}",
        args.results.display()
    );

    // 2. Every payment in the window, sorted by merchant_uid (then imp_uid: a payment a page
    // boundary shifted into two pages comes twice, next to itself).
    let mut charges = Sorter::<Charge>::new(work.path(), "payments", chunk);
    let mut listing = std::pin::pin!(conn.client.list_payments(
        None,
        Some(args.from),
        args.to,
        Some(PaymentSorting::StartedAsc)
    ));
    while let Some(payment) = listing.try_next().await? {
        let charge = Charge::from(payment);
        charges
            .push(charge.merchant_uid.clone(), charge.imp_uid.clone(), charge)
            .map_err(|e| io("cannot write to the work directory", e))?;
    }
    let charges = charges
        .finish()
        .map_err(|e| io("sorting the payments", e))?;

    let mut report = Report {
        json: global.json.then(|| {
            print!("{{\"findings\": ");
            output::JsonList::default()
        }),
        summary: Summary {
            from: args.from,
            to: args.to,
            rows,
            ..Default::default()
        },
    };

    let compared = compare(
        &conn.client,
        &mut report,
        rows_by_order,
        charges,
        rows_by_charge,
        work.path(),
        chunk,
    )
    .await;
    drop(work);
    if let Err(exit) = compared {
        // The findings so far stay readable: the JSON document ends with the error.
        if let Some(list) = report.json.take() {
            list.finish();
            let error = serde_json::json!({"kind": exit.kind, "message": exit.message});
            println!(",\n\"error\": {error}}}");
            return Err(Exit {
                reported: true,
                ..exit
            });
        }
        return Err(exit);
    }

    let findings = report.count();
    report.summary.clean = findings == 0;
    let summary = &report.summary;
    match report.json.take() {
        Some(list) => {
            list.finish();
            let text = serde_json::to_string_pretty(summary)
                .map_err(|e| Exit::failure(format!("cannot write JSON: {e}")))?;
            println!(",\n\"summary\": {text}}}");
        }
        None => print_summary(summary),
    }
    if findings > 0 {
        if !global.json {
            eprintln!("reconcile: {findings} difference(s) between the run and Iamport's records");
        }
        return Err(Exit::silent(code::DIFFERS));
    }
    Ok(())
}

/// Phases 3 and 4: the merge joins, findings reported as they are found.
async fn compare(
    client: &Client,
    report: &mut Report,
    rows_by_order: Sorted<Row>,
    charges: Sorted<Charge>,
    rows_by_charge: Sorted<Row>,
    work: &Path,
    chunk: usize,
) -> Result<(), Exit> {
    // 3. Rows and payments by merchant_uid.
    let mut unmatched = Sorter::<Charge>::new(work, "unmatched", chunk);
    let mut join = Join::new(rows_by_order, charges);
    while let Some((rows, mut payments)) =
        join.next().map_err(|e| io("reading the work files", e))?
    {
        payments.dedup_by(|a, b| a.imp_uid == b.imp_uid);
        report.summary.payments_in_window += payments.len() as u64;
        if rows.is_empty() {
            for p in payments.into_iter().filter(Charge::took_money) {
                let key = charge_key(p.customer_uid.as_deref(), &p.amount);
                unmatched
                    .push(key, p.imp_uid.clone(), p)
                    .map_err(|e| io("cannot write to the work directory", e))?;
            }
            continue;
        }
        check_order(client, report, &rows, payments).await?;
    }

    // 4. Payments of no row, by customer and amount: a second charge of a row, or a stray.
    let unmatched = unmatched
        .finish()
        .map_err(|e| io("sorting the payments", e))?;
    let mut join = Join::new(rows_by_charge, unmatched);
    while let Some((rows, payments)) = join.next().map_err(|e| io("reading the work files", e))? {
        let charged_row = rows.iter().find(|r| r.recorded_paid());
        for p in &payments {
            match charged_row {
                Some(row) => report.add(
                    Kind::ChargedTwice,
                    format!(
                        "charged again under merchant_uid {}: {} (same customer and amount as \
                         the row, which was charged under its own merchant_uid)",
                        p.merchant_uid,
                        p.describe()
                    ),
                    Some(row),
                    Some(p),
                )?,
                None => {
                    report.summary.stray_amount += p.amount.as_decimal();
                    let like = rows.first().map_or_else(String::new, |r| {
                        format!(
                            "; line {} has its customer and amount, recorded {}",
                            r.line, r.status
                        )
                    });
                    report.add(
                        Kind::Stray,
                        format!(
                            "{} belongs to no row of the run{}{like}",
                            p.describe(),
                            p.customer_uid
                                .as_deref()
                                .map(|c| format!(" (customer {c})"))
                                .unwrap_or_default()
                        ),
                        None,
                        Some(p),
                    )?
                }
            }
        }
    }
    Ok(())
}

fn io(what: &str, e: std::io::Error) -> Exit {
    Exit::failure(format!("{what}: {e}"))
}

/// One merchant_uid with its row(s) and the window's payments of it.
async fn check_order(
    client: &Client,
    report: &mut Report,
    rows: &[Row],
    payments: Vec<Charge>,
) -> Result<(), Exit> {
    let Some((row, others)) = rows.split_first() else {
        return Ok(());
    };
    for other in others {
        report.add(
            Kind::DuplicateRow,
            format!(
                "merchant_uid {} is on line {} of the results too",
                other.merchant_uid, row.line
            ),
            Some(other),
            None,
        )?;
    }
    let mut charged: Vec<Charge> = payments.into_iter().filter(Charge::took_money).collect();
    let mut outside = false;
    if charged.is_empty() && !row.recorded_unpaid() {
        // Nothing of it in the window: paid before --from, or refunded after --to?
        report.summary.looked_up += 1;
        charged = client
            .find_all_payments(&row.merchant_uid, None)
            .await?
            .into_iter()
            .map(Charge::from)
            .filter(Charge::took_money)
            .collect();
        outside = !charged.is_empty();
    }
    if row.recorded_paid() {
        report.summary.expected_amount += row.amount.as_decimal();
    }
    // The payment the run recorded first, when it is among them.
    if let Some(i) = charged
        .iter()
        .position(|c| row.imp_uid.as_deref() == Some(c.imp_uid.as_str()))
    {
        charged.swap(0, i);
    }
    let Some(first) = charged.first() else {
        if row.recorded_paid() {
            report.add(
                Kind::NotCharged,
                format!(
                    "the run recorded it paid{}; Iamport has no paid payment for it",
                    row.imp_uid
                        .as_deref()
                        .map(|i| format!(" ({i})"))
                        .unwrap_or_default()
                ),
                Some(row),
                None,
            )?;
        } else if row.recorded_unpaid() {
            report.summary.rows_not_charged_as_recorded += 1;
        } else {
            report.add(
                Kind::Unresolved,
                format!(
                    "the run left it unresolved ({}) and Iamport has no paid payment for it: \
                     run `iamport bill` again to finish it",
                    row.status
                ),
                Some(row),
                None,
            )?;
        }
        return Ok(());
    };
    if row.recorded_paid() {
        report.summary.rows_charged += 1;
    }
    for c in &charged {
        report.summary.charged_amount += c.amount.as_decimal();
        report.summary.refunded_amount += c.cancel_amount.as_decimal();
    }
    let at = if outside { " (outside the window)" } else { "" };
    if row.recorded_unpaid() {
        report.add(
            Kind::StatusDiffers,
            format!(
                "the run recorded it {}; Iamport has it charged: {}{at}",
                row.status,
                first.describe()
            ),
            Some(row),
            Some(first),
        )?;
    } else if !row.recorded_paid() {
        report.add(
            Kind::Unresolved,
            format!(
                "the run left it unresolved ({}); Iamport has it charged: {}{at}. Run `iamport \
                 bill` again to record it",
                row.status,
                first.describe()
            ),
            Some(row),
            Some(first),
        )?;
    } else if let Some(recorded) = row.imp_uid.as_deref().filter(|i| *i != first.imp_uid) {
        report.add(
            Kind::StatusDiffers,
            format!(
                "the run recorded imp_uid {recorded}; Iamport's payment is {}{at}",
                first.describe()
            ),
            Some(row),
            Some(first),
        )?;
    }
    for extra in &charged[1..] {
        report.add(
            Kind::ChargedTwice,
            format!(
                "{} payments under its merchant_uid; this one too: {}",
                charged.len(),
                extra.describe()
            ),
            Some(row),
            Some(extra),
        )?;
    }
    if first.amount != row.amount {
        report.add(
            Kind::AmountDiffers,
            format!(
                "charged {} {}, the run's amount is {}",
                first.amount, first.currency, row.amount
            ),
            Some(row),
            Some(first),
        )?;
    }
    for c in &charged {
        if c.cancel_amount.as_decimal() > Decimal::ZERO {
            let how = if c.cancel_amount == c.amount {
                "fully"
            } else {
                "partly"
            };
            report.add(
                Kind::Refunded,
                format!(
                    "{how} refunded since: {} of {} {} ({}){}",
                    c.cancel_amount,
                    c.amount,
                    c.currency,
                    c.imp_uid,
                    c.cancelled_at
                        .map(|t| format!(", cancelled {}", output::time(Some(t))))
                        .unwrap_or_default()
                ),
                Some(row),
                Some(c),
            )?;
        }
    }
    Ok(())
}

/// Streams the results file (CSV or JSON, as `bill` writes it) into `each`; returns the count.
fn read_results(path: &Path, mut each: impl FnMut(Row) -> Result<(), String>) -> Result<u64, Exit> {
    let open = || {
        std::fs::File::open(path)
            .map_err(|e| Exit::usage(format!("cannot open the results {}: {e}", path.display())))
    };
    let mut count = 0u64;
    let mut take = |record: ResultRecord| -> Result<(), String> {
        count += 1;
        let amount = record.amount.parse::<Amount>().map_err(|_| {
            format!(
                "row {count} (plan line {}): amount {:?} is not a number",
                record.line, record.amount
            )
        })?;
        each(Row {
            line: record.line,
            customer_uid: record.customer_uid,
            merchant_uid: record.merchant_uid,
            amount,
            status: record.status,
            imp_uid: Some(record.imp_uid).filter(|i| !i.is_empty()),
        })
    };
    let json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let refused = |e: String| Exit::usage(format!("{}: {e}", path.display()));
    if json {
        use serde::de::Deserializer as _;
        let mut de = serde_json::Deserializer::from_reader(BufReader::new(open()?));
        de.deserialize_seq(EachRecord(&mut take))
            .map_err(|e| refused(e.to_string()))?;
        de.end().map_err(|e| refused(e.to_string()))?;
    } else {
        let mut reader = csv::Reader::from_reader(BufReader::new(open()?));
        for record in reader.deserialize::<ResultRecord>() {
            let record = record.map_err(|e| refused(e.to_string()))?;
            take(record).map_err(refused)?;
        }
    }
    Ok(count)
}

/// Reads a JSON array element by element, handing each to the closure (never the whole array).
struct EachRecord<'a, F>(&'a mut F);

impl<'de, F: FnMut(ResultRecord) -> Result<(), String>> serde::de::Visitor<'de>
    for EachRecord<'_, F>
{
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an array of result rows")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(record) = seq.next_element::<ResultRecord>()? {
            (self.0)(record).map_err(serde::de::Error::custom)?;
        }
        Ok(())
    }
}

fn print_summary(s: &Summary) {
    let mut t = output::new_table();
    t.set_header(vec!["", ""]);
    let window = format!(
        "{} .. {}",
        output::time(Some(s.from)),
        s.to.map_or_else(|| "now".to_owned(), |t| output::time(Some(t)))
    );
    let mut rows: Vec<(&str, String)> = vec![
        ("window", window),
        ("rows", s.rows.to_string()),
        ("rows charged", s.rows_charged.to_string()),
        (
            "rows not charged (as recorded)",
            s.rows_not_charged_as_recorded.to_string(),
        ),
        ("payments in the window", s.payments_in_window.to_string()),
        ("expected amount", s.expected_amount.to_string()),
        ("charged amount", s.charged_amount.to_string()),
        ("refunded amount", s.refunded_amount.to_string()),
        ("stray amount", s.stray_amount.to_string()),
    ];
    for (kind, n) in &s.findings {
        rows.push((kind, n.to_string()));
    }
    for (k, v) in rows {
        t.add_row(vec![k.to_owned(), v]);
    }
    println!("{t}");
    if s.clean {
        println!("reconciled: the run and Iamport's records agree");
    }
}
