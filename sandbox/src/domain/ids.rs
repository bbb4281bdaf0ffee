//! Identifiers the emulated account generates: `imp_uid` (`imps_` + 12 digits), approval
//! numbers, PG transaction ids in each PG's style, cancellation ids and receipt URLs (on a
//! deliberately unresolvable host).

use crate::domain::clock::kst_stamp;
use crate::domain::pg::Pg;

const RECEIPT_BASE: &str = "https://sandbox.iamport.invalid/receipts";

pub(crate) fn random_digits(n: usize) -> String {
    (0..n)
        .map(|_| char::from(b'0' + rand::random_range(0..10u8)))
        .collect()
}

/// A candidate `imp_uid` (the ledger makes sure it is unused).
pub(crate) fn imp_uid() -> String {
    format!("imps_{}", random_digits(12))
}

/// NICE: `{MID}0116{YYMMDDhhmmss}{4 digits}`; daou: `{YYMMDDhhmmss}{8 digits}`.
pub(crate) fn pg_tid(pg: &Pg, now: i64) -> String {
    match pg.provider {
        "nice" => format!("{}0116{}{}", pg.id, kst_stamp(now), random_digits(4)),
        _ => format!("{}{}", kst_stamp(now), random_digits(8)),
    }
}

pub(crate) fn apply_num() -> String {
    random_digits(8)
}

pub(crate) fn cancellation_id() -> String {
    random_digits(20)
}

pub(crate) fn receipt_url(imp_uid: &str) -> String {
    format!("{RECEIPT_BASE}/{imp_uid}")
}

pub(crate) fn cancel_receipt_url(imp_uid: &str, cancellation_id: &str) -> String {
    format!("{RECEIPT_BASE}/{imp_uid}/cancel/{cancellation_id}")
}
