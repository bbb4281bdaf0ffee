//! Records as the API shows them (`PaymentAnnotation`, `CustomerAnnotation`,
//! `PaymentCancelAnnotation`, `ScheduleResultAnnotation` of the vendor spec, with the live
//! API's conventions: unset strings `null`, not-happened timestamps `0`, empty lists `[]`).

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde_json::{Map, Value, json};

use crate::domain::keys::BillingKey;
use crate::domain::ledger::{Ledger, Payment, Status};
use crate::domain::order::Contact;
use crate::domain::schedules::Schedule;
use crate::wire::messages;

/// An amount as a JSON number: integers exactly, fractions through their shortest f64 text.
pub(crate) fn money(d: Decimal) -> Value {
    let d = d.normalize();
    if d.scale() == 0 {
        if let Some(i) = d.to_i64() {
            return Value::from(i);
        }
        if let Some(u) = d.to_u64() {
            return Value::from(u);
        }
    }
    d.to_string()
        .parse::<f64>()
        .ok()
        .and_then(serde_json::Number::from_f64)
        .map_or(Value::Null, Value::Number)
}

fn contact(c: &Contact, prefix: &str, m: &mut Map<String, Value>) {
    for (field, value) in [
        ("name", &c.name),
        ("email", &c.email),
        ("tel", &c.tel),
        ("addr", &c.addr),
        ("postcode", &c.postcode),
    ] {
        m.insert(format!("{prefix}_{field}"), json!(value));
    }
}

pub(crate) fn payment(p: &Payment) -> Value {
    let history: Vec<Value> = p
        .cancels
        .iter()
        .map(|c| {
            json!({
                "pg_tid": c.pg_tid,
                "amount": money(c.amount),
                "cancelled_at": c.cancelled_at,
                "reason": c.reason,
                "cancellation_id": c.cancellation_id,
                "receipt_url": c.receipt_url,
            })
        })
        .collect();
    let receipts: Vec<&str> = p.cancels.iter().map(|c| c.receipt_url.as_str()).collect();
    let mut m = Map::new();
    let mut put = |k: &str, v: Value| {
        m.insert(k.to_owned(), v);
    };
    put("imp_uid", json!(p.imp_uid));
    put("merchant_uid", json!(p.merchant_uid));
    put("pay_method", json!("card"));
    put("channel", json!("api"));
    put("pg_provider", json!(p.pg.provider));
    put("emb_pg_provider", Value::Null);
    put("pg_tid", json!(p.pg_tid));
    put("pg_id", json!(p.pg.id));
    put("sandbox", json!(true));
    put("escrow", json!(false));
    put("apply_num", json!(p.apply_num));
    put("bank_code", Value::Null);
    put("bank_name", Value::Null);
    put("card_code", json!(p.card_code));
    put("card_name", json!(p.card_name));
    put("card_issuer_code", Value::Null);
    put("card_issuer_name", Value::Null);
    put("card_publisher_code", Value::Null);
    put("card_publisher_name", Value::Null);
    put("card_quota", json!(p.card_quota));
    put("card_number", json!(p.card_number));
    put("card_type", json!(0));
    put("vbank_code", Value::Null);
    put("vbank_name", Value::Null);
    put("vbank_num", Value::Null);
    put("vbank_holder", Value::Null);
    put("vbank_date", json!(0));
    put("vbank_issued_at", json!(0));
    put("name", json!(p.name));
    put("amount", money(p.amount));
    put("cancel_amount", money(p.cancel_amount));
    put("currency", json!(p.currency));
    put("custom_data", json!(p.custom_data));
    put("user_agent", Value::Null);
    put("status", json!(p.status.as_str()));
    put("started_at", json!(p.started_at));
    put("paid_at", json!(p.paid_at));
    put("failed_at", json!(p.failed_at));
    put("cancelled_at", json!(p.cancelled_at));
    put(
        "fail_reason",
        json!(p.decline.map(messages::decline_reason)),
    );
    put("cancel_reason", json!(p.cancel_reason));
    put("receipt_url", json!(p.receipt_url));
    put("cancel_history", Value::Array(history));
    put("deposit_history", json!([]));
    put("cancel_receipt_urls", json!(receipts));
    put("cash_receipt_issued", json!(false));
    put("customer_uid", json!(p.customer_uid));
    put("customer_uid_usage", json!(p.customer_uid_usage));
    contact(&p.buyer, "buyer", &mut m);
    Value::Object(m)
}

/// The payment at `position` of the ledger (`null` if there is none).
pub(crate) fn payment_at(ledger: &Ledger, position: usize) -> Value {
    ledger.get(position).map(payment).unwrap_or_default()
}

pub(crate) fn billing_key(k: &BillingKey) -> Value {
    let mut m = Map::new();
    let mut put = |key: &str, v: Value| {
        m.insert(key.to_owned(), v);
    };
    put("customer_uid", json!(k.customer_uid));
    put("pg_provider", json!(k.pg.provider));
    put("pg_id", json!(k.pg.id));
    put("sandbox", json!(true));
    put("customer_id", json!(k.customer_id));
    put("card_name", json!(k.card_name));
    put("card_code", json!(k.card_code));
    put("card_issuer_code", Value::Null);
    put("card_issuer_name", Value::Null);
    put("card_publisher_code", Value::Null);
    put("card_publisher_name", Value::Null);
    put("card_number", json!(k.card_number));
    put("card_type", json!(0));
    put("inserted", json!(k.inserted));
    put("updated", json!(k.updated));
    contact(&k.customer, "customer", &mut m);
    Value::Object(m)
}

pub(crate) fn schedule(s: &Schedule, ledger: &Ledger) -> Value {
    let payment = s.payment.and_then(|i| ledger.get(i));
    let fail_reason = match payment {
        Some(p) => p.decline.map(|d| messages::decline_reason(d).to_owned()),
        None => s.failure.map(|f| messages::schedule_failure(f).to_owned()),
    };
    let mut m = Map::new();
    let mut put = |k: &str, v: Value| {
        m.insert(k.to_owned(), v);
    };
    put("customer_uid", json!(s.customer_uid));
    put("merchant_uid", json!(s.merchant_uid));
    put("imp_uid", json!(payment.map(|p| p.imp_uid.as_str())));
    put("pg_provider", json!(s.pg.provider));
    put("pg_id", json!(s.pg.id));
    put("customer_id", json!(s.customer_id));
    put("schedule_at", json!(s.schedule_at));
    put("executed_at", json!(s.executed_at));
    put("revoked_at", json!(s.revoked_at));
    put("amount", money(s.amount));
    put("currency", json!(s.currency));
    put("name", json!(s.name));
    put("custom_data", json!(s.custom_data));
    put("schedule_status", json!(s.status.as_str()));
    put(
        "payment_status",
        json!(s.payment_status(ledger).map(Status::as_str)),
    );
    put("fail_reason", json!(fail_reason));
    put("promotion_id", json!(s.promotion_id));
    contact(&s.buyer, "buyer", &mut m);
    Value::Object(m)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use std::str::FromStr;

    #[test]
    fn money_is_exact_json() {
        assert_eq!(money(Decimal::from(3000)).to_string(), "3000");
        assert_eq!(
            money(Decimal::from_str("3000.00").unwrap()).to_string(),
            "3000"
        );
        assert_eq!(
            money(Decimal::from_str("10.99").unwrap()).to_string(),
            "10.99"
        );
        assert_eq!(money(Decimal::from_str("0.1").unwrap()).to_string(), "0.1");
        assert_eq!(
            money(Decimal::from(u64::MAX)).to_string(),
            u64::MAX.to_string()
        );
    }
}
