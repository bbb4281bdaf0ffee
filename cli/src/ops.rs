//! The operations commands: one API call each (or a lazy listing), a table or `--json`.

use clap::{Args, Subcommand};
use futures_util::{StreamExt, TryStreamExt};
use iamport_subscribe::{
    Amount, Birth, CancelPaymentRequest, CardDetails, CardNumber, Expiry, IssueBillingKeyRequest,
    PayAgainRequest, PaymentSorting, PaymentStatus, Pg, Pwd2Digit, ScheduleStatus,
};

use crate::Connection;
use crate::output::{self, Exit};
use crate::prompt;

/// The sandbox's test cards: approved, and declined on every charge.
pub const SANDBOX_CARD: &str = "4111-1111-1111-1111";
pub const SANDBOX_DECLINE_CARD: &str = "4000-0000-0000-0002";

#[derive(Subcommand, Debug)]
pub enum BillingKeysCommand {
    /// Show one billing key.
    Get { customer_uid: String },
    /// Show several billing keys; the ones that do not exist are listed as missing.
    List {
        #[arg(required = true)]
        customer_uids: Vec<String>,
    },
    /// Issue (or replace) a billing key. Card number, expiry, birth date and the PIN's first two
    /// digits are asked for on the terminal without echo (or read from piped stdin, one a line).
    Issue {
        customer_uid: String,
        /// PG: `nice`, `daou`, or `provider.MID` for a specific merchant id.
        #[arg(long)]
        pg: Option<String>,
        #[arg(long)]
        customer_name: Option<String>,
        #[arg(long)]
        customer_email: Option<String>,
        #[arg(long)]
        customer_tel: Option<String>,
    },
    /// Delete a billing key (scheduled charges of the customer fail afterwards).
    Delete {
        customer_uid: String,
        #[arg(long)]
        reason: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum PaymentsCommand {
    /// Show one payment by imp_uid.
    Get { imp_uid: String },
    /// Find the payment of an order (merchant_uid): the latest attempt, or every attempt.
    Find {
        merchant_uid: String,
        /// Only attempts in this status: paid, failed, cancelled, ready.
        #[arg(long)]
        status: Option<String>,
        /// Every attempt, not only the latest.
        #[arg(long)]
        all: bool,
    },
    /// List payments by status in a time range of any length (read in the API's 90-day windows,
    /// page by page). Each payment is found by the time of its status: paid_at, failed_at,
    /// cancelled_at (started_at for ready); with `all`, each by its own.
    List {
        /// all, paid, failed, cancelled, ready.
        #[arg(long, default_value = "all")]
        status: String,
        /// Start, inclusive: YYYY-MM-DD (midnight, Korean time), RFC 3339, or Unix seconds.
        /// Default: 90 days before --to.
        #[arg(long, value_parser = parse_time)]
        from: Option<i64>,
        /// End, inclusive: a date means the end of that day (Korean time). Default: now.
        #[arg(long, value_parser = parse_end_time)]
        to: Option<i64>,
        /// -started (default: most recently started first), started, -paid, paid, -updated,
        /// updated.
        #[arg(long, allow_hyphen_values = true)]
        sorting: Option<String>,
        /// Stop after this many payments.
        #[arg(long, value_name = "N")]
        max: Option<u64>,
    },
    /// Refund a payment fully, or partly with --amount (give --checksum to make a repeat safe).
    Cancel {
        /// The payment's imp_uid (or use --merchant-uid).
        #[arg(required_unless_present = "merchant_uid")]
        imp_uid: Option<String>,
        #[arg(long, conflicts_with = "imp_uid")]
        merchant_uid: Option<String>,
        /// Amount to refund (default: all that is left).
        #[arg(long)]
        amount: Option<Amount>,
        /// The refundable balance you expect; the API refuses the refund if it differs.
        #[arg(long)]
        checksum: Option<Amount>,
        #[arg(long)]
        tax_free: Option<Amount>,
        #[arg(long)]
        reason: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum SchedulesCommand {
    /// List scheduled charges in a time range (all customers, or one with --customer).
    List {
        /// Start: YYYY-MM-DD (Korean time), RFC 3339, or Unix seconds. Default: now.
        #[arg(long, value_parser = parse_time)]
        from: Option<i64>,
        /// End (exclusive). Default: 31 days after --from.
        #[arg(long, value_parser = parse_time)]
        to: Option<i64>,
        /// scheduled, executed, revoked (or the API's newer values).
        #[arg(long)]
        status: Option<String>,
        #[arg(long)]
        customer: Option<String>,
    },
    /// Show one scheduled charge by its merchant_uid.
    Get { merchant_uid: String },
    /// Revoke a customer's pending scheduled charges: the ones named, or --all.
    Revoke {
        customer_uid: String,
        #[arg(long = "merchant-uid", required_unless_present = "all")]
        merchant_uids: Vec<String>,
        #[arg(long, conflicts_with = "merchant_uids")]
        all: bool,
    },
}

#[derive(Args, Debug)]
pub struct ChargeArgs {
    #[arg(long)]
    pub customer_uid: String,
    /// The order id: the API's only guard against charging twice.
    #[arg(long)]
    pub merchant_uid: String,
    #[arg(long)]
    pub amount: Amount,
    /// Order name.
    #[arg(long)]
    pub name: Option<String>,
    /// Currency (default KRW).
    #[arg(long)]
    pub currency: Option<String>,
}

/// `YYYY-MM-DD` (midnight, Korean time), RFC 3339, or Unix seconds.
pub fn parse_time(text: &str) -> Result<i64, String> {
    let text = text.trim();
    if let Ok(secs) = text.parse::<i64>() {
        return Ok(secs);
    }
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(text) {
        return Ok(t.timestamp());
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        let kst = chrono::FixedOffset::east_opt(9 * 3600).ok_or("bad offset")?;
        return d
            .and_hms_opt(0, 0, 0)
            .and_then(|t| t.and_local_timezone(kst).single())
            .map(|t| t.timestamp())
            .ok_or_else(|| format!("not a date: {text:?}"));
    }
    Err(format!(
        "expected YYYY-MM-DD, an RFC 3339 time or Unix seconds, got {text:?}"
    ))
}

/// The end of a range that includes its end: as [`parse_time`], but a bare date is the last
/// second of that day (`--to 2026-11-30` includes November 30th).
pub fn parse_end_time(text: &str) -> Result<i64, String> {
    let start = parse_time(text)?;
    let is_date = chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").is_ok();
    Ok(if is_date { start + 86_400 - 1 } else { start })
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// The value as JSON with `--json`, else as the table `table` makes of it.
fn show<T: serde::Serialize>(
    conn: &Connection,
    value: &T,
    table: impl FnOnce(&T) -> comfy_table::Table,
) -> Result<(), Exit> {
    if conn.json {
        return output::print_json(value);
    }
    println!("{}", table(value));
    Ok(())
}

pub async fn token(conn: &Connection) -> Result<(), Exit> {
    conn.client.check_credentials().await?;
    if conn.json {
        output::print_json(&serde_json::json!({"ok": true, "base_url": conn.client.base_url()}))
    } else {
        println!("credentials accepted by {}", conn.client.base_url());
        Ok(())
    }
}

pub async fn billing_keys(conn: &Connection, command: BillingKeysCommand) -> Result<(), Exit> {
    let client = &conn.client;
    match command {
        BillingKeysCommand::Get { customer_uid } => {
            let key = client.get_billing_key(&customer_uid).await?;
            show(conn, &key, |key| {
                output::billing_keys_table(std::slice::from_ref(key))
            })?;
        }
        BillingKeysCommand::List { customer_uids } => {
            let found = client.get_billing_keys(&customer_uids).await?;
            if conn.json {
                return output::print_json(
                    &serde_json::json!({"found": found.found, "missing": found.missing}),
                );
            }
            println!("{}", output::billing_keys_table(&found.found));
            if !found.missing.is_empty() {
                println!("missing: {}", found.missing.join(", "));
            }
        }
        BillingKeysCommand::Issue {
            customer_uid,
            pg,
            customer_name,
            customer_email,
            customer_tel,
        } => {
            let card = read_card()?;
            let request = IssueBillingKeyRequest {
                customer_uid,
                card,
                pg: pg.map(|p| p.parse::<Pg>().unwrap_or_else(|e| match e {})),
                customer_name,
                customer_email,
                customer_tel,
                ..Default::default()
            };
            let key = client.issue_billing_key(&request).await?;
            show(conn, &key, |key| {
                output::billing_keys_table(std::slice::from_ref(key))
            })?;
        }
        BillingKeysCommand::Delete {
            customer_uid,
            reason,
        } => {
            let key = client
                .delete_billing_key(&customer_uid, reason.as_deref())
                .await?;
            if conn.json {
                return output::print_json(&key);
            }
            println!("deleted:");
            println!("{}", output::billing_keys_table(std::slice::from_ref(&key)));
        }
    }
    Ok(())
}

/// Card data from the prompt, straight into core's zeroizing types; validated before anything is
/// sent (by `issue_billing_key`).
fn read_card() -> Result<CardDetails, Exit> {
    let ask = |label: &str| {
        prompt::ask(label, true).map_err(|e| Exit::failure(format!("cannot read {label}: {e}")))
    };
    let number = ask("Card number")?.ok_or_else(|| Exit::usage("no card number given"))?;
    let mut card = CardDetails::new(CardNumber::new(number), Expiry::new(String::new()));
    let expiry = ask("Expiry (YYYY-MM)")?.ok_or_else(|| Exit::usage("no expiry given"))?;
    card.expiry = Expiry::new(expiry);
    if let Some(birth) = ask("Birth date YYMMDD or business number (empty to skip)")? {
        if !birth.trim().is_empty() {
            card.birth = Some(Birth::new(birth));
        }
    }
    if let Some(pwd) = ask("First 2 digits of the card PIN (empty to skip)")? {
        if !pwd.trim().is_empty() {
            card.pwd_2digit = Some(Pwd2Digit::new(pwd));
        }
    }
    Ok(card)
}

pub async fn payments(conn: &Connection, command: PaymentsCommand) -> Result<(), Exit> {
    let client = &conn.client;
    match command {
        PaymentsCommand::Get { imp_uid } => {
            let p = client.get_payment(&imp_uid).await?;
            show(conn, &p, output::payment_table)?;
        }
        PaymentsCommand::Find {
            merchant_uid,
            status,
            all,
        } => {
            let status = status.map(PaymentStatus::from);
            if all {
                let list = client
                    .find_all_payments(&merchant_uid, status.as_ref())
                    .await?;
                if list.is_empty() {
                    return Err(Exit::new(
                        crate::output::code::NOT_FOUND,
                        "NotFound",
                        format!("no payment recorded for merchant_uid {merchant_uid}"),
                    ));
                }
                show(conn, &list, |list| output::payments_table(list))?;
            } else {
                let p = client.find_payment(&merchant_uid, status.as_ref()).await?;
                show(conn, &p, output::payment_table)?;
            }
        }
        PaymentsCommand::List {
            status,
            from,
            to,
            sorting,
            max,
        } => {
            let sorting = sorting.map(|s| s.parse::<PaymentSorting>()).transpose()?;
            let status = match status.as_str() {
                "all" => None,
                s => Some(PaymentStatus::from(s)),
            };
            let payments = client
                .list_payments(status, from, to, sorting)
                .take(max.map_or(usize::MAX, |m| usize::try_from(m).unwrap_or(usize::MAX)));
            let mut payments = std::pin::pin!(payments);
            if conn.json {
                // Streamed: a listing of any length is never held in memory.
                let mut out = output::JsonList::default();
                while let Some(p) = payments.try_next().await? {
                    out.push(&p)?;
                }
                out.finish();
                println!();
            } else {
                let list: Vec<_> = payments.try_collect().await?;
                println!("{}", output::payments_table(&list));
                println!("{} payment(s)", list.len());
            }
        }
        PaymentsCommand::Cancel {
            imp_uid,
            merchant_uid,
            amount,
            checksum,
            tax_free,
            reason,
        } => {
            let request = CancelPaymentRequest {
                imp_uid,
                merchant_uid,
                amount,
                checksum,
                tax_free,
                reason,
                ..Default::default()
            };
            let p = client.cancel_payment(&request).await?;
            show(conn, &p, output::payment_table)?;
        }
    }
    Ok(())
}

pub async fn schedules(conn: &Connection, command: SchedulesCommand) -> Result<(), Exit> {
    let client = &conn.client;
    match command {
        SchedulesCommand::List {
            from,
            to,
            status,
            customer,
        } => {
            let from = from.unwrap_or_else(now);
            let to = to.unwrap_or(from + 31 * 24 * 3600);
            if to <= from {
                return Err(Exit::usage("--to must be after --from"));
            }
            let status = status.map(ScheduleStatus::from);
            let list: Vec<_> = match customer {
                Some(c) => {
                    client
                        .list_schedules_by_customer(&c, from, to, status)
                        .try_collect()
                        .await?
                }
                None => {
                    client
                        .list_schedules(from, to, status)
                        .try_collect()
                        .await?
                }
            };
            show(conn, &list, |list| output::schedules_table(list))?;
            if !conn.json {
                println!("{} scheduled charge(s)", list.len());
            }
        }
        SchedulesCommand::Get { merchant_uid } => {
            let s = client.get_schedule(&merchant_uid).await?;
            show(conn, &s, |s| {
                output::schedules_table(std::slice::from_ref(s))
            })?;
        }
        SchedulesCommand::Revoke {
            customer_uid,
            merchant_uids,
            all,
        } => {
            let revoked = if all {
                client.unschedule_all(&customer_uid).await?
            } else {
                client
                    .unschedule(Some(&customer_uid), &merchant_uids)
                    .await?
            };
            show(conn, &revoked, |revoked| output::schedules_table(revoked))?;
            if !conn.json {
                println!("{} scheduled charge(s) revoked", revoked.len());
            }
        }
    }
    Ok(())
}

pub async fn charge(conn: &Connection, args: ChargeArgs) -> Result<(), Exit> {
    if conn.sandbox.is_some() {
        ensure_sandbox_key(conn, &args.customer_uid).await?;
    }
    let request = PayAgainRequest {
        customer_uid: args.customer_uid,
        merchant_uid: args.merchant_uid,
        amount: args.amount,
        name: args.name,
        currency: args.currency,
        ..Default::default()
    };
    let p = conn.client.pay_again(&request).await?;
    show(conn, &p, output::payment_table)?;
    Ok(())
}

/// With `--sandbox`, a customer gets a test billing key before its first charge, so the command
/// can be tried without setup: the declining test card when the customer_uid contains
/// `decline`, an approved one otherwise.
pub async fn ensure_sandbox_key(conn: &Connection, customer_uid: &str) -> Result<(), Exit> {
    if conn.client.get_billing_key(customer_uid).await.is_ok() {
        return Ok(());
    }
    let number = if customer_uid.contains("decline") {
        SANDBOX_DECLINE_CARD
    } else {
        SANDBOX_CARD
    };
    let request = IssueBillingKeyRequest {
        customer_uid: customer_uid.to_string(),
        card: CardDetails::new(number, "2099-12"),
        ..Default::default()
    };
    conn.client.issue_billing_key(&request).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_ends_a_range_at_the_end_of_its_day_in_korean_time() {
        let start = parse_time("2026-11-30");
        assert_eq!(start, parse_time("2026-11-30T00:00:00+09:00"));
        assert_eq!(
            parse_end_time("2026-11-30"),
            parse_time("2026-12-01").map(|t| t - 1)
        );
        assert_eq!(parse_end_time("1700000000"), Ok(1_700_000_000));
        assert_eq!(
            parse_end_time("2026-11-30T12:00:00Z"),
            parse_time("2026-11-30T12:00:00Z")
        );
        assert!(parse_end_time("November").is_err());
    }
}
