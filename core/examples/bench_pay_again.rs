//! Benchmark driver, not a test: `BENCH_CHARGES` `pay_again` charges with `BENCH_CONCURRENCY` in
//! flight (`buffer_unordered`) against a running sandbox, all on one billing key.
//! `scripts/bench-clients` builds it in release and measures the process's CPU time from outside.
//!
//! Environment: `BENCH_URL` (required), `BENCH_CHARGES` (20000), `BENCH_CONCURRENCY` (64),
//! `BENCH_CUSTOMER` (`bench`), `BENCH_PREFIX` (`rust-`, the merchant_uid prefix), and
//! `BENCH_RUNTIME`, where the charging future runs:
//! - `main` (default): tokio's multi-thread runtime, polled by the main thread in `block_on`, as
//!   in a program whose `#[tokio::main]` function charges;
//! - `spawned`: the multi-thread runtime, inside a spawned task, as in a server's handler;
//! - `current`: the current-thread runtime, one thread for everything, like `wrk -t1`.
//!
//! Prints one JSON line: charges, paid, errors, the first error, elapsed seconds.

use futures_util::StreamExt;
use iamport_subscribe::{Client, PayAgainRequest, PaymentStatus};
use std::time::Instant;

fn var(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

struct Settings {
    url: String,
    charges: usize,
    concurrency: usize,
    customer: String,
    prefix: String,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let settings = Settings {
        url: std::env::var("BENCH_URL").map_err(|_| "BENCH_URL is not set")?,
        charges: var("BENCH_CHARGES", "20000").parse()?,
        concurrency: var("BENCH_CONCURRENCY", "64").parse()?,
        customer: var("BENCH_CUSTOMER", "bench"),
        prefix: var("BENCH_PREFIX", "rust-"),
    };
    let summary = match var("BENCH_RUNTIME", "main").as_str() {
        "main" => tokio::runtime::Runtime::new()?.block_on(charge_all(settings))?,
        "spawned" => {
            let runtime = tokio::runtime::Runtime::new()?;
            runtime.block_on(runtime.spawn(charge_all(settings)))??
        }
        "current" => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?
            .block_on(charge_all(settings))?,
        other => {
            return Err(format!("BENCH_RUNTIME is main, spawned or current, not {other:?}").into());
        }
    };
    println!("{summary}");
    Ok(())
}

async fn charge_all(settings: Settings) -> iamport_subscribe::Result<serde_json::Value> {
    let client = Client::builder()
        .imp_key(var("BENCH_IMP_KEY", "sandbox_imp_key"))
        .imp_secret(var("BENCH_IMP_SECRET", "sandbox_imp_secret"))
        .base_url(&settings.url)
        .build()?;
    let started = Instant::now();
    let mut results = futures_util::stream::iter(0..settings.charges)
        .map(|i| {
            let client = &client;
            let request = PayAgainRequest {
                customer_uid: settings.customer.clone(),
                merchant_uid: format!("{}{i}", settings.prefix),
                amount: 9_900.into(),
                ..Default::default()
            };
            async move { client.pay_again(&request).await }
        })
        .buffer_unordered(settings.concurrency);
    let (mut paid, mut errors, mut first_error) = (0usize, 0usize, None);
    while let Some(result) = results.next().await {
        match result {
            Ok(payment) if payment.status == PaymentStatus::Paid => paid += 1,
            Ok(payment) => {
                errors += 1;
                first_error.get_or_insert_with(|| format!("status {}", payment.status));
            }
            Err(e) => {
                errors += 1;
                first_error.get_or_insert_with(|| e.to_string());
            }
        }
    }
    Ok(serde_json::json!({
        "charges": settings.charges,
        "paid": paid,
        "errors": errors,
        "first_error": first_error,
        "elapsed_s": started.elapsed().as_secs_f64(),
    }))
}
