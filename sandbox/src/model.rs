//! Stored records and their JSON form (`PaymentAnnotation`, `CustomerAnnotation`,
//! `PaymentCancelAnnotation`, `ScheduleResultAnnotation` of the vendor spec, with the live API's
//! conventions: unset strings `null`, not-happened timestamps `0`, empty lists `[]`).

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde_json::{Map, Value, json};

use crate::card::Pg;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    Ready,
    Paid,
    Failed,
    Cancelled,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ready => "ready",
            Status::Paid => "paid",
            Status::Failed => "failed",
            Status::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        match s {
            "ready" => Some(Status::Ready),
            "paid" => Some(Status::Paid),
            "failed" => Some(Status::Failed),
            "cancelled" => Some(Status::Cancelled),
            _ => None,
        }
    }
}

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

/// `buyer_*` of a payment, `customer_*` of a billing key.
#[derive(Debug, Clone, Default)]
pub(crate) struct Contact {
    pub name: Option<String>,
    pub email: Option<String>,
    pub tel: Option<String>,
    pub addr: Option<String>,
    pub postcode: Option<String>,
}

impl Contact {
    /// Fields absent here are taken from `other`.
    pub fn or(self, other: &Contact) -> Contact {
        Contact {
            name: self.name.or_else(|| other.name.clone()),
            email: self.email.or_else(|| other.email.clone()),
            tel: self.tel.or_else(|| other.tel.clone()),
            addr: self.addr.or_else(|| other.addr.clone()),
            postcode: self.postcode.or_else(|| other.postcode.clone()),
        }
    }

    fn write(&self, prefix: &str, m: &mut Map<String, Value>) {
        for (field, value) in [
            ("name", &self.name),
            ("email", &self.email),
            ("tel", &self.tel),
            ("addr", &self.addr),
            ("postcode", &self.postcode),
        ] {
            m.insert(format!("{prefix}_{field}"), json!(value));
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Cancel {
    pub pg_tid: String,
    pub amount: Decimal,
    pub cancelled_at: i64,
    pub reason: String,
    pub cancellation_id: String,
    pub receipt_url: String,
}

#[derive(Debug, Clone)]
pub(crate) struct Payment {
    pub imp_uid: String,
    pub merchant_uid: String,
    pub pg: Pg,
    pub pg_tid: String,
    pub apply_num: Option<String>,
    pub card_code: &'static str,
    pub card_name: &'static str,
    pub card_number: String,
    pub card_quota: i64,
    pub name: Option<String>,
    pub amount: Decimal,
    pub cancel_amount: Decimal,
    pub currency: String,
    pub buyer: Contact,
    pub custom_data: Option<String>,
    pub status: Status,
    pub started_at: i64,
    pub paid_at: i64,
    pub failed_at: i64,
    pub cancelled_at: i64,
    /// Not part of the JSON; drives `sorting=updated`.
    pub updated_at: i64,
    pub fail_reason: Option<String>,
    pub cancel_reason: Option<String>,
    pub receipt_url: Option<String>,
    pub cancels: Vec<Cancel>,
    pub customer_uid: Option<String>,
    pub customer_uid_usage: Option<&'static str>,
    /// Not part of the JSON; where webhooks about this payment go (else the configured URL).
    pub notice_url: Option<String>,
}

impl Payment {
    pub fn remaining(&self) -> Decimal {
        self.amount - self.cancel_amount
    }

    pub fn to_json(&self) -> Value {
        let history: Vec<Value> = self
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
        let receipts: Vec<&str> = self
            .cancels
            .iter()
            .map(|c| c.receipt_url.as_str())
            .collect();
        let mut m = Map::new();
        let mut put = |k: &str, v: Value| {
            m.insert(k.to_owned(), v);
        };
        put("imp_uid", json!(self.imp_uid));
        put("merchant_uid", json!(self.merchant_uid));
        put("pay_method", json!("card"));
        put("channel", json!("api"));
        put("pg_provider", json!(self.pg.provider));
        put("emb_pg_provider", Value::Null);
        put("pg_tid", json!(self.pg_tid));
        put("pg_id", json!(self.pg.id));
        put("sandbox", json!(true));
        put("escrow", json!(false));
        put("apply_num", json!(self.apply_num));
        put("bank_code", Value::Null);
        put("bank_name", Value::Null);
        put("card_code", json!(self.card_code));
        put("card_name", json!(self.card_name));
        put("card_issuer_code", Value::Null);
        put("card_issuer_name", Value::Null);
        put("card_publisher_code", Value::Null);
        put("card_publisher_name", Value::Null);
        put("card_quota", json!(self.card_quota));
        put("card_number", json!(self.card_number));
        put("card_type", json!(0));
        put("vbank_code", Value::Null);
        put("vbank_name", Value::Null);
        put("vbank_num", Value::Null);
        put("vbank_holder", Value::Null);
        put("vbank_date", json!(0));
        put("vbank_issued_at", json!(0));
        put("name", json!(self.name));
        put("amount", money(self.amount));
        put("cancel_amount", money(self.cancel_amount));
        put("currency", json!(self.currency));
        put("custom_data", json!(self.custom_data));
        put("user_agent", Value::Null);
        put("status", json!(self.status.as_str()));
        put("started_at", json!(self.started_at));
        put("paid_at", json!(self.paid_at));
        put("failed_at", json!(self.failed_at));
        put("cancelled_at", json!(self.cancelled_at));
        put("fail_reason", json!(self.fail_reason));
        put("cancel_reason", json!(self.cancel_reason));
        put("receipt_url", json!(self.receipt_url));
        put("cancel_history", Value::Array(history));
        put("deposit_history", json!([]));
        put("cancel_receipt_urls", json!(receipts));
        put("cash_receipt_issued", json!(false));
        put("customer_uid", json!(self.customer_uid));
        put("customer_uid_usage", json!(self.customer_uid_usage));
        self.buyer.write("buyer", &mut m);
        Value::Object(m)
    }
}

#[derive(Debug, Clone)]
pub(crate) struct BillingKey {
    pub customer_uid: String,
    pub pg: Pg,
    pub card_code: &'static str,
    pub card_name: &'static str,
    pub card_number: String,
    /// Issued from the decline test card: every charge with it is declined.
    pub declines: bool,
    pub customer_id: Option<String>,
    pub customer: Contact,
    pub inserted: i64,
    pub updated: i64,
}

impl BillingKey {
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        let mut put = |k: &str, v: Value| {
            m.insert(k.to_owned(), v);
        };
        put("customer_uid", json!(self.customer_uid));
        put("pg_provider", json!(self.pg.provider));
        put("pg_id", json!(self.pg.id));
        put("sandbox", json!(true));
        put("customer_id", json!(self.customer_id));
        put("card_name", json!(self.card_name));
        put("card_code", json!(self.card_code));
        put("card_issuer_code", Value::Null);
        put("card_issuer_name", Value::Null);
        put("card_publisher_code", Value::Null);
        put("card_publisher_name", Value::Null);
        put("card_number", json!(self.card_number));
        put("card_type", json!(0));
        put("inserted", json!(self.inserted));
        put("updated", json!(self.updated));
        self.customer.write("customer", &mut m);
        Value::Object(m)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ScheduleStatus {
    Scheduled,
    Executed,
    Revoked,
}

impl ScheduleStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ScheduleStatus::Scheduled => "scheduled",
            ScheduleStatus::Executed => "executed",
            ScheduleStatus::Revoked => "revoked",
        }
    }

    pub fn parse(s: &str) -> Option<ScheduleStatus> {
        match s {
            "scheduled" => Some(ScheduleStatus::Scheduled),
            "executed" => Some(ScheduleStatus::Executed),
            "revoked" => Some(ScheduleStatus::Revoked),
            _ => None,
        }
    }
}

/// One scheduled charge (`ScheduleAnnotation` as stored, `ScheduleResultAnnotation` as shown).
#[derive(Debug, Clone)]
pub(crate) struct Schedule {
    pub customer_uid: String,
    pub merchant_uid: String,
    pub pg: Pg,
    pub customer_id: Option<String>,
    pub schedule_at: i64,
    pub executed_at: i64,
    pub revoked_at: i64,
    pub amount: Decimal,
    pub currency: String,
    pub name: Option<String>,
    pub buyer: Contact,
    pub custom_data: Option<String>,
    pub notice_url: Option<String>,
    pub card_quota: i64,
    pub promotion_id: Option<String>,
    pub status: ScheduleStatus,
    /// Position in the payment list of the payment its execution made.
    pub payment: Option<usize>,
    /// Why an execution made no payment at all (billing key gone, `merchant_uid` already paid).
    pub failure: Option<String>,
}

impl Schedule {
    /// `paid`/`failed`/`cancelled` once executed (the payment's current status), else `None`.
    pub fn payment_status(&self, payments: &[Payment]) -> Option<Status> {
        match self.payment.and_then(|i| payments.get(i)) {
            Some(p) => Some(p.status),
            None => self.failure.as_ref().map(|_| Status::Failed),
        }
    }

    pub fn to_json(&self, payments: &[Payment]) -> Value {
        let payment = self.payment.and_then(|i| payments.get(i));
        let fail_reason = match payment {
            Some(p) => p.fail_reason.clone(),
            None => self.failure.clone(),
        };
        let mut m = Map::new();
        let mut put = |k: &str, v: Value| {
            m.insert(k.to_owned(), v);
        };
        put("customer_uid", json!(self.customer_uid));
        put("merchant_uid", json!(self.merchant_uid));
        put("imp_uid", json!(payment.map(|p| p.imp_uid.as_str())));
        put("pg_provider", json!(self.pg.provider));
        put("pg_id", json!(self.pg.id));
        put("customer_id", json!(self.customer_id));
        put("schedule_at", json!(self.schedule_at));
        put("executed_at", json!(self.executed_at));
        put("revoked_at", json!(self.revoked_at));
        put("amount", money(self.amount));
        put("currency", json!(self.currency));
        put("name", json!(self.name));
        put("custom_data", json!(self.custom_data));
        put("schedule_status", json!(self.status.as_str()));
        put(
            "payment_status",
            json!(self.payment_status(payments).map(Status::as_str)),
        );
        put("fail_reason", json!(fail_reason));
        put("promotion_id", json!(self.promotion_id));
        self.buyer.write("buyer", &mut m);
        Value::Object(m)
    }
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
