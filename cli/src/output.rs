//! Exit codes, error reports and the human/JSON renderings shared by the commands.

use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use iamport_subscribe::{BillingKey, Error, ErrorKind, Payment, Schedule};
use serde::Serialize;
use std::process::ExitCode;

/// Exit codes scripts can rely on (listed in `iamport --help`).
pub mod code {
    pub const FAILURE: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const AUTHENTICATION: u8 = 3;
    pub const NOT_FOUND: u8 = 4;
    pub const DECLINED: u8 = 5;
    pub const DUPLICATE: u8 = 6;
    pub const API: u8 = 7;
    pub const NETWORK: u8 = 8;
    pub const UNRESOLVED: u8 = 9;
    /// `reconcile`: the run and Iamport's records differ.
    pub const DIFFERS: u8 = 10;
}

/// How a command ended when it did not succeed: the exit code, a message for stderr, and what
/// `--json` prints on stdout.
#[derive(Debug)]
pub struct Exit {
    pub code: u8,
    pub kind: &'static str,
    pub message: String,
    /// The payment of a declined charge, shown with the error.
    pub payment: Option<Box<Payment>>,
    /// Whether the command already wrote its own output for this outcome.
    pub reported: bool,
}

impl Exit {
    pub fn usage(message: impl Into<String>) -> Exit {
        Exit::new(code::USAGE, "InvalidUsage", message)
    }

    pub fn failure(message: impl Into<String>) -> Exit {
        Exit::new(code::FAILURE, "Failure", message)
    }

    pub fn new(code: u8, kind: &'static str, message: impl Into<String>) -> Exit {
        Exit {
            code,
            kind,
            message: message.into(),
            payment: None,
            reported: false,
        }
    }

    /// An exit whose output the command has already written (e.g. `bill`'s summary).
    pub fn silent(code: u8) -> Exit {
        Exit {
            reported: true,
            ..Exit::new(code, "", "")
        }
    }

    /// The exit for a client error. Error texts never carry card data or secrets (core's rule).
    pub fn from_error(e: &Error) -> Exit {
        let kind = e.kind();
        let code = match kind {
            ErrorKind::InvalidRequest => code::USAGE,
            ErrorKind::Authentication => code::AUTHENTICATION,
            ErrorKind::NotFound => code::NOT_FOUND,
            ErrorKind::CardDeclined => code::DECLINED,
            ErrorKind::DuplicateOrder => code::DUPLICATE,
            ErrorKind::Network | ErrorKind::Timeout => code::NETWORK,
            ErrorKind::OutcomeUnknown => code::UNRESOLVED,
            _ => code::API,
        };
        let payment = match e {
            Error::CardDeclined { payment, .. } => Some(payment.clone()),
            _ => None,
        };
        Exit {
            code,
            kind: kind.as_str(),
            message: e.to_string(),
            payment,
            reported: false,
        }
    }

    pub fn report(self, json: bool) -> ExitCode {
        if !self.reported {
            if json {
                let mut error = serde_json::json!({"kind": self.kind, "message": self.message});
                if let Some(p) = &self.payment {
                    error["payment"] = serde_json::to_value(p.as_ref()).unwrap_or_default();
                }
                println!("{}", serde_json::json!({ "error": error }));
            } else {
                if let Some(p) = &self.payment {
                    println!("{}", payment_table(p));
                }
                eprintln!("error: {}", self.message);
            }
        }
        ExitCode::from(self.code)
    }
}

pub fn new_table() -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED);
    t
}

/// Prints `value` as pretty JSON.
pub fn print_json<T: Serialize + ?Sized>(value: &T) -> Result<(), Exit> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| Exit::failure(format!("cannot write JSON: {e}")))?;
    println!("{text}");
    Ok(())
}

/// A JSON array written to stdout one item at a time (for listings that are not held in
/// memory): `[`, the items, then `]` from [`JsonList::finish`].
#[derive(Debug, Default)]
pub struct JsonList {
    count: u64,
}

impl JsonList {
    pub fn push<T: Serialize + ?Sized>(&mut self, item: &T) -> Result<(), Exit> {
        let text = serde_json::to_string(item)
            .map_err(|e| Exit::failure(format!("cannot write JSON: {e}")))?;
        let sep = if self.count == 0 { "[\n  " } else { ",\n  " };
        print!("{sep}{text}");
        self.count += 1;
        Ok(())
    }

    /// Closes the array (an empty one is `[]`), without a newline; returns how many items it
    /// holds.
    pub fn finish(self) -> u64 {
        if self.count == 0 {
            print!("[]");
        } else {
            print!("\n]");
        }
        self.count
    }
}

/// Unix seconds as `2026-11-22 09:30:00 UTC` (empty when absent or zero).
pub fn time(ts: Option<i64>) -> String {
    match ts.filter(|t| *t > 0) {
        Some(t) => chrono::DateTime::from_timestamp(t, 0)
            .map(|d| d.format("%Y-%m-%d %H:%M:%S UTC").to_string())
            .unwrap_or_else(|| t.to_string()),
        None => String::new(),
    }
}

fn opt(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

/// One payment as a two-column table.
pub fn payment_table(p: &Payment) -> Table {
    let mut t = new_table();
    t.set_header(vec!["payment", ""]);
    let amount = format!("{} {}", p.amount, p.currency);
    let rows: Vec<(&str, String)> = vec![
        ("imp_uid", p.imp_uid.clone()),
        ("merchant_uid", p.merchant_uid.clone()),
        ("status", p.status.to_string()),
        ("amount", amount),
        ("cancelled", p.cancel_amount.to_string()),
        ("name", opt(&p.name)),
        ("customer_uid", opt(&p.customer_uid)),
        ("pg", opt(&p.pg_provider)),
        (
            "card",
            format!("{} {}", opt(&p.card_name), opt(&p.card_number)),
        ),
        ("started_at", time(p.started_at)),
        ("paid_at", time(p.paid_at)),
        ("failed_at", time(p.failed_at)),
        ("cancelled_at", time(p.cancelled_at)),
        ("fail_reason", opt(&p.fail_reason)),
        ("receipt_url", opt(&p.receipt_url)),
    ];
    for (k, v) in rows {
        if !v.trim().is_empty() {
            t.add_row(vec![k.to_string(), v]);
        }
    }
    t
}

/// Payments as one row each.
pub fn payments_table(list: &[Payment]) -> Table {
    let mut t = new_table();
    t.set_header(vec![
        "imp_uid",
        "merchant_uid",
        "status",
        "amount",
        "cancelled",
        "customer_uid",
        "started_at",
        "fail_reason",
    ]);
    for p in list {
        t.add_row(vec![
            p.imp_uid.clone(),
            p.merchant_uid.clone(),
            p.status.to_string(),
            format!("{} {}", p.amount, p.currency),
            p.cancel_amount.to_string(),
            opt(&p.customer_uid),
            time(p.started_at),
            opt(&p.fail_reason),
        ]);
    }
    t
}

/// Billing keys as one row each (the card number is the API's masked one).
pub fn billing_keys_table(list: &[BillingKey]) -> Table {
    let mut t = new_table();
    t.set_header(vec![
        "customer_uid",
        "pg",
        "card",
        "card_number",
        "customer_name",
        "inserted",
        "updated",
    ]);
    for k in list {
        t.add_row(vec![
            k.customer_uid.clone(),
            opt(&k.pg_provider),
            opt(&k.card_name),
            opt(&k.card_number),
            opt(&k.customer_name),
            time(k.inserted),
            time(k.updated),
        ]);
    }
    t
}

/// Schedules as one row each.
pub fn schedules_table(list: &[Schedule]) -> Table {
    let mut t = new_table();
    t.set_header(vec![
        "merchant_uid",
        "customer_uid",
        "schedule_at",
        "amount",
        "status",
        "payment",
        "imp_uid",
        "name",
    ]);
    for s in list {
        t.add_row(vec![
            s.merchant_uid.clone(),
            s.customer_uid.clone(),
            time(s.schedule_at),
            format!("{} {}", s.amount, s.currency.clone().unwrap_or_default()),
            s.schedule_status.to_string(),
            s.payment_status
                .as_ref()
                .map(|p| p.to_string())
                .unwrap_or_default(),
            opt(&s.imp_uid),
            opt(&s.name),
        ]);
    }
    t
}
