//! `iamport bill PLAN.csv`: the monthly billing run. Every row is charged once with `pay_again`,
//! with bounded concurrency and an optional rate limit, journaled so that a run stopped in any
//! way (crash, `kill -9`, Ctrl-C) resumes where it was: finished rows are skipped and rows that
//! were in flight are looked up before anything is sent again.

mod journal;
mod plan;
mod progress;

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use clap::Args;
use iamport_subscribe::{Client, Decimal, Error, PaymentStatus};
use serde::Serialize;
use tokio::sync::Semaphore;

use crate::output::{self, Exit, code};
use crate::{Connection, Global};
use journal::{Journal, Outcome, Record, Started, Status};
use plan::{Plan, Row};
use progress::Progress;

#[derive(Args, Debug)]
#[command(after_help = "\
The plan is a CSV file with a header row: customer_uid,merchant_uid,amount,name (name may be
left empty or the column left out). Every row is checked before the run starts; bad rows are
listed with their line numbers and nothing is charged.

Running the same command again after a crash, kill -9 or Ctrl-C resumes the run: rows with a
final outcome (paid, declined, failed) are skipped, rows that were in flight are looked up by
merchant_uid before anything is sent again. The exit status is 0 when every row has a final
outcome and 9 while any is unresolved.

Examples:
  iamport bill plan.csv
  iamport bill plan.csv --concurrency 64 --rate 200 --results november.json
  iamport --sandbox bill plan.csv        try it: customers get sandbox test cards")]
pub struct BillArgs {
    /// The plan (CSV).
    pub plan: PathBuf,
    /// Charges in flight at once.
    #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub concurrency: u32,
    /// At most this many charges started per second.
    #[arg(long, value_name = "PER_SECOND", value_parser = parse_rate)]
    pub rate: Option<f64>,
    /// The journal (default: PLAN.journal next to the plan).
    #[arg(long, value_name = "PATH")]
    pub journal: Option<PathBuf>,
    /// The results file, CSV or JSON by its extension (default: PLAN.results.csv).
    #[arg(long, value_name = "PATH")]
    pub results: Option<PathBuf>,
    /// Only check the plan; charge nothing.
    #[arg(long)]
    pub check: bool,
    /// On resume, how long after the last journaled start to wait before looking up rows that
    /// were in flight (a request sent just before a crash may still land). Default: the
    /// request timeout.
    #[arg(long, value_name = "SECONDS", value_parser = crate::parse_seconds)]
    pub resume_grace: Option<Duration>,
}

fn parse_rate(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(r) if r.is_finite() && r > 0.0 => Ok(r),
        _ => Err(format!(
            "expected a positive number of charges per second, got {text:?}"
        )),
    }
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let stem = path
        .file_stem()
        .map(|s| s.to_os_string())
        .unwrap_or_default();
    let mut name = stem;
    name.push(suffix);
    path.with_file_name(name)
}

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// Counters shared by the row tasks and the progress display.
#[derive(Debug, Default)]
pub struct Counts {
    pub paid: AtomicU64,
    pub declined: AtomicU64,
    pub failed: AtomicU64,
    pub unknown: AtomicU64,
    pub not_sent: AtomicU64,
    /// Final outcomes reached by this run (for the rate).
    pub finished_now: AtomicU64,
}

impl Counts {
    pub fn finished(&self) -> u64 {
        self.paid.load(Ordering::Relaxed)
            + self.declined.load(Ordering::Relaxed)
            + self.failed.load(Ordering::Relaxed)
    }
}

struct Ctx {
    client: Client,
    journal: Journal,
    counts: Arc<Counts>,
    progress: Progress,
    stop: AtomicBool,
    stop_reason: std::sync::Mutex<Option<Exit>>,
    /// Non-final outcomes in a row: many mean the API is down, so the run stops.
    unanswered_streak: AtomicU64,
    streak_limit: u64,
}

impl Ctx {
    fn stop_with(&self, exit: Exit) {
        if let Ok(mut reason) = self.stop_reason.lock() {
            if reason.is_none() {
                self.progress
                    .println(&format!("stopping: {}", exit.message));
                *reason = Some(exit);
            }
        }
        self.stop.store(true, Ordering::SeqCst);
    }
}

pub async fn run(global: &Global, args: BillArgs) -> Result<(), Exit> {
    let plan_path = args.plan.clone();
    let checked = plan::check(&plan_path).map_err(Exit::usage)?;
    if checked.error_count > 0 {
        return Err(plan_refused(&checked, global.json));
    }
    if args.check {
        if global.json {
            return output::print_json(&serde_json::json!({"rows": checked.rows, "ok": true}));
        }
        println!("plan OK: {} rows", checked.rows);
        return Ok(());
    }
    let journal_path = args
        .journal
        .clone()
        .unwrap_or_else(|| with_suffix(&plan_path, ".journal"));
    let results_path = args
        .results
        .clone()
        .unwrap_or_else(|| with_suffix(&plan_path, ".results.csv"));
    let conn = global.connect().await?;
    if conn.sandbox.is_some() {
        sandbox_keys(&conn, &plan_path).await?;
    }
    let (journal, recovered, writer) =
        Journal::open(&journal_path, &checked.sha256, checked.rows).map_err(Exit::failure)?;
    let resumed = recovered.finished.contains_any() || !recovered.in_flight.is_empty();

    let counts = Arc::new(Counts::default());
    counts.paid.store(recovered.paid, Ordering::Relaxed);
    counts.declined.store(recovered.declined, Ordering::Relaxed);
    counts.failed.store(recovered.failed, Ordering::Relaxed);
    let progress = Progress::new(checked.rows, counts.clone());
    if resumed {
        progress.println(&format!(
            "resuming from {}: {} rows finished, {} to look up",
            journal_path.display(),
            counts.finished(),
            recovered.in_flight.len()
        ));
    }
    let ctx = Arc::new(Ctx {
        client: conn.client.clone(),
        journal,
        counts: counts.clone(),
        progress,
        stop: AtomicBool::new(false),
        stop_reason: std::sync::Mutex::new(None),
        unanswered_streak: AtomicU64::new(0),
        streak_limit: (2 * u64::from(args.concurrency)).max(50),
    });
    // Registered now (not when the task first runs), so no early Ctrl-C kills the run outright.
    let sigint = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())
        .map_err(|e| Exit::failure(format!("cannot watch for Ctrl-C: {e}")))?;
    let interrupts = tokio::spawn(watch_interrupts(ctx.clone(), sigint));
    let started = Instant::now();

    let grace = args
        .resume_grace
        .or(global.timeout)
        .unwrap_or(Duration::from_secs(60));
    let (previously_started, skip) = reconcile(
        &ctx,
        recovered.in_flight,
        recovered.last_write_ms,
        args.concurrency,
        grace,
    )
    .await;
    if !ctx.stop.load(Ordering::SeqCst) {
        charge_rows(
            &ctx,
            &plan_path,
            &recovered.finished,
            &previously_started,
            &skip,
            &args,
        )
        .await?;
    }
    interrupts.abort();
    // (Its handle on the journal must be gone before the writer can finish.)
    let _ = interrupts.await;
    ctx.progress.finish();
    let elapsed = started.elapsed();
    let finished_now = counts.finished_now.load(Ordering::Relaxed);

    // Every append has been acknowledged; close the journal and read it back for the results.
    let stop_reason = ctx.stop_reason.lock().ok().and_then(|mut r| r.take());
    drop(ctx);
    let _ = tokio::task::spawn_blocking(move || writer.join()).await;
    let summary = write_results(&journal_path, &results_path, checked.rows)?;
    report(
        &summary,
        &results_path,
        &journal_path,
        elapsed,
        finished_now,
        global.json,
    )?;
    if let Some(exit) = stop_reason.filter(|e| e.kind != "Interrupted") {
        if exit.code != code::UNRESOLVED || summary.finished < checked.rows {
            return Err(Exit {
                reported: global.json,
                ..exit
            });
        }
    }
    if summary.finished < checked.rows {
        if !global.json {
            eprintln!(
                "{} row(s) unresolved: run the same command again to resume (the journal is {})",
                checked.rows - summary.finished,
                journal_path.display()
            );
        }
        return Err(Exit::silent(code::UNRESOLVED));
    }
    Ok(())
}

fn plan_refused(checked: &plan::Checked, json: bool) -> Exit {
    let more = checked.error_count - checked.errors.len() as u64;
    if json {
        let _ = output::print_json(&serde_json::json!({"error": {
            "kind": "InvalidPlan",
            "message": format!("{} bad row(s); nothing was charged", checked.error_count),
            "errors": checked.errors,
            "more": more,
        }}));
    } else {
        for e in &checked.errors {
            eprintln!("{e}");
        }
        if more > 0 {
            eprintln!("... and {more} more");
        }
        eprintln!(
            "error: the plan has {} bad row(s); nothing was charged",
            checked.error_count
        );
    }
    Exit::silent(code::USAGE)
}

/// With `--sandbox`, every customer of the plan gets a test billing key first (memory grows with
/// the distinct customers here: this is for trying the command, not for big plans).
async fn sandbox_keys(conn: &Connection, plan_path: &Path) -> Result<(), Exit> {
    let mut plan = Plan::open(plan_path).map_err(Exit::usage)?;
    let mut seen = HashSet::new();
    while let Some(row) = plan.next_row() {
        let row = row.map_err(Exit::usage)?;
        if seen.insert(row.customer_uid.clone()) {
            crate::ops::ensure_sandbox_key(conn, &row.customer_uid).await?;
        }
    }
    Ok(())
}

/// Ctrl-C once: no new charges, the ones in flight finish and are journaled. Twice: quit now
/// (the journal is consistent at every moment).
async fn watch_interrupts(ctx: Arc<Ctx>, mut sigint: tokio::signal::unix::Signal) {
    if sigint.recv().await.is_none() {
        return;
    }
    ctx.stop_with(Exit::new(
        code::UNRESOLVED,
        "Interrupted",
        "interrupted: finishing the charges in flight (Ctrl-C again to quit at once)",
    ));
    if sigint.recv().await.is_some() {
        std::process::exit(130);
    }
}

/// Rows that were in flight when an earlier run stopped: wait for a late request to land, then
/// look each up by merchant_uid. Returns the rows to send again (known to be previously
/// started) and the rows to skip in this run: found (final now) or not looked up (unresolved).
async fn reconcile(
    ctx: &Arc<Ctx>,
    in_flight: HashMap<u64, Started>,
    last_write_ms: u64,
    concurrency: u32,
    grace: Duration,
) -> (HashSet<u64>, HashSet<u64>) {
    let mut again = HashSet::new();
    let mut skip = HashSet::new();
    if in_flight.is_empty() {
        return (again, skip);
    }
    // A charge may have been re-sent (by the client's reconciliation) after its row started, up
    // to the moment the run died; the journal's last write is the best mark of that moment.
    let last = in_flight
        .values()
        .map(|s| s.at_ms)
        .max()
        .unwrap_or(0)
        .max(last_write_ms);
    let settle_at = last.saturating_add(grace.as_millis() as u64);
    let now = now_ms();
    if settle_at > now {
        let wait = Duration::from_millis(settle_at - now);
        ctx.progress.println(&format!(
            "waiting {:.1} s for requests of the interrupted run to land before looking them up",
            wait.as_secs_f64()
        ));
        tokio::time::sleep(wait).await;
    }
    let limit = Arc::new(Semaphore::new(concurrency as usize));
    let mut tasks = tokio::task::JoinSet::new();
    for (_, started) in in_flight {
        let (ctx, limit) = (ctx.clone(), limit.clone());
        tasks.spawn(async move {
            let _permit = limit.acquire_owned().await;
            let looked_up = look_up(&ctx.client, &started.merchant_uid).await;
            let outcome = match looked_up {
                Ok(Some((status, imp_uid, detail))) => {
                    Some(outcome_of(&started, status, imp_uid, detail))
                }
                Ok(None) => None,
                Err(e) => Some(outcome_of(
                    &started,
                    Status::Unknown,
                    None,
                    Some(format!("could not be looked up: {e}")),
                )),
            };
            let row = started.row;
            match outcome {
                Some(o) => {
                    let status = o.status;
                    record(&ctx, o);
                    (row, Some(status))
                }
                None => (row, None),
            }
        });
    }
    while let Some(done) = tasks.join_next().await {
        match done {
            Ok((row, None)) => {
                again.insert(row);
            }
            Ok((row, Some(_))) => {
                skip.insert(row);
            }
            Err(e) => ctx.stop_with(Exit::failure(format!("a lookup task failed: {e}"))),
        }
    }
    (again, skip)
}

/// The payment recorded under `merchant_uid`: paid (or since refunded) wins over failed.
async fn look_up(
    client: &Client,
    merchant_uid: &str,
) -> Result<Option<(Status, Option<String>, Option<String>)>, Error> {
    let all = client.find_all_payments(merchant_uid, None).await?;
    if let Some(p) = all
        .iter()
        .find(|p| matches!(p.status, PaymentStatus::Paid | PaymentStatus::Cancelled))
    {
        return Ok(Some((Status::Paid, Some(p.imp_uid.clone()), None)));
    }
    if let Some(p) = all.iter().find(|p| p.status == PaymentStatus::Failed) {
        return Ok(Some((
            Status::Declined,
            Some(p.imp_uid.clone()),
            p.fail_reason.clone(),
        )));
    }
    Ok(None)
}

fn outcome_of(
    s: &Started,
    status: Status,
    imp_uid: Option<String>,
    detail: Option<String>,
) -> Outcome {
    Outcome {
        row: s.row,
        line: s.line,
        status,
        customer_uid: s.customer_uid.clone(),
        merchant_uid: s.merchant_uid.clone(),
        amount: s.amount.clone(),
        imp_uid,
        detail,
    }
}

/// Journals an outcome and counts it. A journal that cannot be written stops the run.
///
/// The outcome is not waited for: if the run dies before it reaches the disk, the row is only
/// `started` in the journal and is looked up on resume. (Only `started` must be durable before
/// the request leaves.) This halves the fsyncs a row waits for.
fn record(ctx: &Ctx, outcome: Outcome) {
    let status = outcome.status;
    if let Err(e) = ctx.journal.append_soon(&Record::Outcome(outcome)) {
        ctx.stop_with(Exit::failure(format!("cannot write the journal: {e}")));
        return;
    }
    let c = &ctx.counts;
    match status {
        Status::Paid => &c.paid,
        Status::Declined => &c.declined,
        Status::Failed => &c.failed,
        Status::Unknown => &c.unknown,
        Status::NotSent => &c.not_sent,
    }
    .fetch_add(1, Ordering::Relaxed);
    if status.is_final() {
        c.finished_now.fetch_add(1, Ordering::Relaxed);
        ctx.unanswered_streak.store(0, Ordering::Relaxed);
    } else if ctx.unanswered_streak.fetch_add(1, Ordering::Relaxed) + 1 >= ctx.streak_limit {
        ctx.stop_with(Exit::new(
            code::UNRESOLVED,
            "Unavailable",
            format!(
                "{} charges in a row ended without an answer: the API looks unavailable",
                ctx.streak_limit
            ),
        ));
    }
    ctx.progress.update();
}

/// The second pass over the plan: charge every row not finished yet.
async fn charge_rows(
    ctx: &Arc<Ctx>,
    plan_path: &Path,
    finished: &journal::RowSet,
    previously_started: &HashSet<u64>,
    skip: &HashSet<u64>,
    args: &BillArgs,
) -> Result<(), Exit> {
    let mut plan = Plan::open(plan_path).map_err(Exit::usage)?;
    let limit = Arc::new(Semaphore::new(args.concurrency as usize));
    let interval = args.rate.map(|r| Duration::from_secs_f64(1.0 / r));
    let mut next_start = tokio::time::Instant::now();
    while let Some(row) = plan.next_row() {
        // The plan was checked a moment ago; a row that no longer parses means it changed.
        let row = row.map_err(|e| Exit::usage(format!("the plan changed during the run: {e}")))?;
        if finished.contains(row.index) || skip.contains(&row.index) {
            continue;
        }
        let Ok(permit) = limit.clone().acquire_owned().await else {
            break;
        };
        if ctx.stop.load(Ordering::SeqCst) {
            break;
        }
        if let Some(interval) = interval {
            next_start = next_start.max(tokio::time::Instant::now());
            tokio::time::sleep_until(next_start).await;
            next_start += interval;
        }
        let again = previously_started.contains(&row.index);
        let ctx = ctx.clone();
        tokio::spawn(async move {
            charge_row(&ctx, row, again).await;
            drop(permit);
        });
    }
    // Wait for the charges in flight: every permit back.
    let _all = limit.acquire_many(args.concurrency).await;
    Ok(())
}

async fn charge_row(ctx: &Ctx, row: Row, previously_started: bool) {
    let started = Started {
        row: row.index,
        line: row.line,
        customer_uid: row.customer_uid.clone(),
        merchant_uid: row.merchant_uid.clone(),
        amount: row.amount.to_string(),
        at_ms: now_ms(),
    };
    // Durable before the request leaves: after a crash, every charge that may have been sent
    // is in the journal.
    if let Err(e) = ctx.journal.append(&Record::Started(started.clone())).await {
        ctx.stop_with(Exit::failure(format!("cannot write the journal: {e}")));
        return;
    }
    let result = ctx.client.pay_again(&row.request()).await;
    let outcome = match result {
        Ok(p) => outcome_of(&started, Status::Paid, Some(p.imp_uid), None),
        Err(Error::CardDeclined {
            payment,
            fail_reason,
        }) => outcome_of(
            &started,
            Status::Declined,
            Some(payment.imp_uid),
            fail_reason,
        ),
        Err(Error::DuplicateOrder { message, .. }) if previously_started => {
            // Our own earlier attempt landed after all.
            match look_up(&ctx.client, &row.merchant_uid).await {
                Ok(Some((status, imp_uid, detail))) => {
                    outcome_of(&started, status, imp_uid, detail)
                }
                _ => outcome_of(&started, Status::Unknown, None, Some(message)),
            }
        }
        Err(
            e @ (Error::Network {
                may_have_reached_server: false,
                ..
            }
            | Error::Timeout {
                may_have_reached_server: false,
            }),
        ) => outcome_of(&started, Status::NotSent, None, Some(e.to_string())),
        Err(e @ (Error::OutcomeUnknown { .. } | Error::Network { .. } | Error::Timeout { .. })) => {
            outcome_of(&started, Status::Unknown, None, Some(e.to_string()))
        }
        Err(Error::Api { http_status, .. } | Error::RateLimited { http_status, .. })
            if http_status >= 500 || http_status == 429 =>
        {
            outcome_of(
                &started,
                Status::Unknown,
                None,
                Some(format!("HTTP {http_status} after retries")),
            )
        }
        Err(e @ Error::Authentication { .. }) => {
            ctx.stop_with(Exit::from_error(&e));
            outcome_of(&started, Status::NotSent, None, Some(e.to_string()))
        }
        Err(e) => outcome_of(&started, Status::Failed, None, Some(e.to_string())),
    };
    record(ctx, outcome);
}

/// What the results file holds.
#[derive(Debug, Default, Serialize)]
struct Summary {
    rows: u64,
    finished: u64,
    paid: u64,
    paid_amount: Decimal,
    declined: u64,
    failed: u64,
    unknown: u64,
    not_sent: u64,
    in_flight: u64,
    not_started: u64,
}

#[derive(Serialize)]
struct ResultRow<'a> {
    line: u64,
    customer_uid: &'a str,
    merchant_uid: &'a str,
    amount: &'a str,
    status: &'a str,
    imp_uid: &'a str,
    detail: &'a str,
}

enum ResultWriter {
    Csv(Box<csv::Writer<std::fs::File>>),
    Json(std::io::BufWriter<std::fs::File>, bool),
}

impl ResultWriter {
    fn write(&mut self, row: &ResultRow<'_>) -> Result<(), String> {
        match self {
            ResultWriter::Csv(w) => w.serialize(row).map_err(|e| e.to_string()),
            ResultWriter::Json(w, first) => {
                let sep = if *first { "\n  " } else { ",\n  " };
                *first = false;
                let text = serde_json::to_string(row).map_err(|e| e.to_string())?;
                w.write_all(sep.as_bytes())
                    .and_then(|()| w.write_all(text.as_bytes()))
                    .map_err(|e| e.to_string())
            }
        }
    }

    fn finish(self) -> Result<(), String> {
        match self {
            ResultWriter::Csv(mut w) => w.flush().map_err(|e| e.to_string()),
            ResultWriter::Json(mut w, _) => w
                .write_all(b"\n]\n")
                .and_then(|()| w.flush())
                .map_err(|e| e.to_string()),
        }
    }
}

/// Streams the journal into the results file (finished rows in the order they finished, then
/// the unresolved ones) and counts. Written to a temporary file, then renamed into place.
fn write_results(journal_path: &Path, results_path: &Path, rows: u64) -> Result<Summary, Exit> {
    let json = results_path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    // Next to the results (same file system), renamed into place once complete.
    let mut tmp_name = results_path.file_name().unwrap_or_default().to_os_string();
    tmp_name.push(".partial");
    let tmp = results_path.with_file_name(tmp_name);
    let file = std::fs::File::create(&tmp)
        .map_err(|e| Exit::failure(format!("cannot write {}: {e}", tmp.display())))?;
    let mut out = if json {
        let mut w = std::io::BufWriter::new(file);
        w.write_all(b"[")
            .map_err(|e| Exit::failure(format!("cannot write {}: {e}", tmp.display())))?;
        ResultWriter::Json(w, true)
    } else {
        ResultWriter::Csv(Box::new(csv::Writer::from_writer(file)))
    };
    let mut summary = Summary {
        rows,
        ..Default::default()
    };
    let mut finished = journal::RowSet::default();
    // Rows without a final outcome yet: bounded by what was in flight or unresolved.
    let mut open: HashMap<u64, Outcome> = HashMap::new();
    let mut failure = None;
    journal::read(journal_path, |_, record| {
        if failure.is_some() {
            return;
        }
        let outcome = match record {
            Record::Plan { .. } => return,
            Record::Started(s) => {
                if !finished.contains(s.row) {
                    let o = outcome_of(&s, Status::Unknown, None, Some("in flight".into()));
                    open.entry(s.row).or_insert(o);
                }
                return;
            }
            Record::Outcome(o) => o,
        };
        if finished.contains(outcome.row) {
            return;
        }
        if !outcome.status.is_final() {
            open.insert(outcome.row, outcome);
            return;
        }
        finished.insert(outcome.row);
        open.remove(&outcome.row);
        match outcome.status {
            Status::Paid => {
                summary.paid += 1;
                summary.paid_amount += outcome.amount.parse::<Decimal>().unwrap_or_default();
            }
            Status::Declined => summary.declined += 1,
            _ => summary.failed += 1,
        }
        summary.finished += 1;
        if let Err(e) = out.write(&result_row(&outcome)) {
            failure = Some(e);
        }
    })
    .map_err(Exit::failure)?;
    let mut open: Vec<Outcome> = open.into_values().collect();
    open.sort_by_key(|o| o.row);
    for o in &open {
        match (o.status, o.detail.as_deref()) {
            (Status::NotSent, _) => summary.not_sent += 1,
            (_, Some("in flight")) => summary.in_flight += 1,
            _ => summary.unknown += 1,
        }
        if let Err(e) = out.write(&result_row(o)) {
            failure = Some(e);
        }
    }
    if let Some(e) = failure {
        return Err(Exit::failure(format!(
            "cannot write {}: {e}",
            tmp.display()
        )));
    }
    out.finish()
        .and_then(|()| std::fs::rename(&tmp, results_path).map_err(|e| e.to_string()))
        .map_err(|e| Exit::failure(format!("cannot write {}: {e}", results_path.display())))?;
    summary.not_started = rows.saturating_sub(summary.finished + open.len() as u64);
    Ok(summary)
}

fn result_row(o: &Outcome) -> ResultRow<'_> {
    ResultRow {
        line: o.line,
        customer_uid: &o.customer_uid,
        merchant_uid: &o.merchant_uid,
        amount: &o.amount,
        status: o.status.as_str(),
        imp_uid: o.imp_uid.as_deref().unwrap_or(""),
        detail: o.detail.as_deref().unwrap_or(""),
    }
}

fn report(
    summary: &Summary,
    results_path: &Path,
    journal_path: &Path,
    elapsed: Duration,
    finished_now: u64,
    json: bool,
) -> Result<(), Exit> {
    let rate = finished_now as f64 / elapsed.as_secs_f64().max(1e-9);
    if json {
        let mut value = serde_json::to_value(summary)
            .map_err(|e| Exit::failure(format!("cannot write JSON: {e}")))?;
        value["results"] = results_path.display().to_string().into();
        value["journal"] = journal_path.display().to_string().into();
        value["elapsed_secs"] = elapsed.as_secs_f64().into();
        value["finished_this_run"] = finished_now.into();
        value["charges_per_second"] = rate.into();
        return output::print_json(&value);
    }
    let mut t = output::new_table();
    t.set_header(vec!["rows", "count"]);
    let unresolved = summary.unknown + summary.not_sent + summary.in_flight + summary.not_started;
    for (k, v) in [
        ("paid", summary.paid),
        ("declined", summary.declined),
        ("failed", summary.failed),
        ("unresolved", unresolved),
        ("total", summary.rows),
    ] {
        t.add_row(vec![k.to_string(), v.to_string()]);
    }
    println!("{t}");
    println!("paid amount: {}", summary.paid_amount);
    println!(
        "this run: {finished_now} rows finished in {:.1} s ({rate:.1}/s)",
        elapsed.as_secs_f64()
    );
    println!("results: {}", results_path.display());
    Ok(())
}
