//! Response models, with every field the vendor's spec declares for them.
//!
//! Decoding is lenient the way the live API needs: unknown fields are ignored, `null` where the
//! spec promises a value becomes the default, and "not happened" timestamps (`0`) become `None`.

use crate::money::Amount;
use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;

/// Unix time in seconds.
pub type Timestamp = i64;

/// State of a payment record.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum), uniffi::export(Display))]
pub enum PaymentStatus {
    /// Not paid yet (e.g. a virtual account awaiting deposit).
    #[default]
    Ready,
    /// Approved.
    Paid,
    /// Declined or failed.
    Failed,
    /// Fully refunded.
    Cancelled,
    /// A status this crate does not know, kept verbatim.
    Other(String),
}

impl PaymentStatus {
    /// The wire value.
    pub fn as_str(&self) -> &str {
        match self {
            PaymentStatus::Ready => "ready",
            PaymentStatus::Paid => "paid",
            PaymentStatus::Failed => "failed",
            PaymentStatus::Cancelled => "cancelled",
            PaymentStatus::Other(s) => s,
        }
    }
}

impl From<String> for PaymentStatus {
    fn from(s: String) -> Self {
        match s.as_str() {
            "ready" => PaymentStatus::Ready,
            "paid" => PaymentStatus::Paid,
            "failed" => PaymentStatus::Failed,
            "cancelled" => PaymentStatus::Cancelled,
            _ => PaymentStatus::Other(s),
        }
    }
}

impl From<&str> for PaymentStatus {
    fn from(s: &str) -> Self {
        PaymentStatus::from(s.to_owned())
    }
}

impl From<PaymentStatus> for String {
    fn from(s: PaymentStatus) -> String {
        s.as_str().to_owned()
    }
}

impl fmt::Display for PaymentStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A payment record (`PaymentAnnotation`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "shape", derive(crate::shape::Shape))]
pub struct Payment {
    pub imp_uid: String,
    pub merchant_uid: String,
    #[serde(default)]
    pub pay_method: Option<String>,
    #[serde(default)]
    pub channel: Option<String>,
    #[serde(default)]
    pub pg_provider: Option<String>,
    #[serde(default)]
    pub emb_pg_provider: Option<String>,
    #[serde(default)]
    pub pg_tid: Option<String>,
    #[serde(default)]
    pub pg_id: Option<String>,
    /// Made through a test channel.
    #[serde(default, deserialize_with = "null_as_default")]
    pub sandbox: bool,
    #[serde(default, deserialize_with = "null_as_default")]
    pub escrow: bool,
    /// Card approval number.
    #[serde(default)]
    pub apply_num: Option<String>,
    #[serde(default)]
    pub bank_code: Option<String>,
    #[serde(default)]
    pub bank_name: Option<String>,
    #[serde(default)]
    pub card_code: Option<String>,
    #[serde(default)]
    pub card_name: Option<String>,
    #[serde(default)]
    pub card_issuer_code: Option<String>,
    #[serde(default)]
    pub card_issuer_name: Option<String>,
    #[serde(default)]
    pub card_publisher_code: Option<String>,
    #[serde(default)]
    pub card_publisher_name: Option<String>,
    /// Installment months; 0 is a lump sum.
    #[serde(default, deserialize_with = "lenient_int")]
    pub card_quota: Option<i64>,
    /// Masked by the API.
    #[serde(default)]
    pub card_number: Option<String>,
    /// 0 credit, 1 check card; `None` when the PG does not say.
    #[serde(default, deserialize_with = "lenient_int")]
    pub card_type: Option<i64>,
    #[serde(default)]
    pub vbank_code: Option<String>,
    #[serde(default)]
    pub vbank_name: Option<String>,
    #[serde(default)]
    pub vbank_num: Option<String>,
    #[serde(default)]
    pub vbank_holder: Option<String>,
    #[serde(default, deserialize_with = "time")]
    pub vbank_date: Option<Timestamp>,
    #[serde(default, deserialize_with = "time")]
    pub vbank_issued_at: Option<Timestamp>,
    #[serde(default)]
    pub name: Option<String>,
    pub amount: Amount,
    #[serde(default, deserialize_with = "null_as_default")]
    pub cancel_amount: Amount,
    #[serde(default = "krw", deserialize_with = "null_as_krw")]
    pub currency: String,
    #[serde(default)]
    pub buyer_name: Option<String>,
    #[serde(default)]
    pub buyer_email: Option<String>,
    #[serde(default)]
    pub buyer_tel: Option<String>,
    #[serde(default)]
    pub buyer_addr: Option<String>,
    #[serde(default)]
    pub buyer_postcode: Option<String>,
    #[serde(default)]
    pub custom_data: Option<String>,
    #[serde(default)]
    pub user_agent: Option<String>,
    pub status: PaymentStatus,
    #[serde(default, deserialize_with = "time")]
    pub started_at: Option<Timestamp>,
    #[serde(default, deserialize_with = "time")]
    pub paid_at: Option<Timestamp>,
    #[serde(default, deserialize_with = "time")]
    pub failed_at: Option<Timestamp>,
    #[serde(default, deserialize_with = "time")]
    pub cancelled_at: Option<Timestamp>,
    #[serde(default)]
    pub fail_reason: Option<String>,
    #[serde(default)]
    pub cancel_reason: Option<String>,
    #[serde(default)]
    pub receipt_url: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub cancel_history: Vec<PaymentCancel>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub deposit_history: Vec<VbankDeposit>,
    /// Deprecated by the API; `cancel_history[].receipt_url` replaces it.
    #[serde(default, deserialize_with = "null_as_default")]
    pub cancel_receipt_urls: Vec<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub cash_receipt_issued: bool,
    /// The billing key used, if any.
    #[serde(default)]
    pub customer_uid: Option<String>,
    /// `issue`, `payment`, `payment.scheduled`, or `None` for an ordinary payment.
    #[serde(default)]
    pub customer_uid_usage: Option<String>,
    #[serde(default)]
    pub promotion: Option<Promotion>,
}

impl Payment {
    /// What can still be refunded.
    pub fn cancellable_amount(&self) -> Amount {
        Amount::from_decimal(self.amount.as_decimal() - self.cancel_amount.as_decimal())
    }
}

/// One refund of a payment (`PaymentCancelAnnotation`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "shape", derive(crate::shape::Shape))]
pub struct PaymentCancel {
    #[serde(default)]
    pub pg_tid: Option<String>,
    pub amount: Amount,
    #[serde(default, deserialize_with = "time")]
    pub cancelled_at: Option<Timestamp>,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub cancellation_id: Option<String>,
    #[serde(default)]
    pub receipt_url: Option<String>,
}

/// A deposit into a fixed virtual account (`VbankDepositAnnotation`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "shape", derive(crate::shape::Shape))]
pub struct VbankDeposit {
    #[serde(default)]
    pub pg_tid: Option<String>,
    pub amount: Amount,
    #[serde(default)]
    pub depositor_name: Option<String>,
    #[serde(default, deserialize_with = "time")]
    pub deposited_at: Option<Timestamp>,
}

/// A promotion applied to a payment.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "shape", derive(crate::shape::Shape))]
pub struct Promotion {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub discount: Option<Amount>,
}

/// A stored billing key (`CustomerAnnotation`): the card behind a `customer_uid`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "shape", derive(crate::shape::Shape))]
pub struct BillingKey {
    pub customer_uid: String,
    #[serde(default)]
    pub pg_provider: Option<String>,
    #[serde(default)]
    pub pg_id: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub sandbox: bool,
    #[serde(default)]
    pub customer_id: Option<String>,
    #[serde(default)]
    pub card_name: Option<String>,
    #[serde(default)]
    pub card_code: Option<String>,
    #[serde(default)]
    pub card_issuer_code: Option<String>,
    #[serde(default)]
    pub card_issuer_name: Option<String>,
    #[serde(default)]
    pub card_publisher_code: Option<String>,
    #[serde(default)]
    pub card_publisher_name: Option<String>,
    /// Masked by the API.
    #[serde(default)]
    pub card_number: Option<String>,
    #[serde(default, deserialize_with = "lenient_int")]
    pub card_type: Option<i64>,
    #[serde(default)]
    pub customer_name: Option<String>,
    #[serde(default)]
    pub customer_tel: Option<String>,
    #[serde(default)]
    pub customer_email: Option<String>,
    #[serde(default)]
    pub customer_addr: Option<String>,
    #[serde(default)]
    pub customer_postcode: Option<String>,
    #[serde(default, deserialize_with = "time")]
    pub inserted: Option<Timestamp>,
    #[serde(default, deserialize_with = "time")]
    pub updated: Option<Timestamp>,
}

/// One page of payments (`PagedPaymentAnnotation`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "shape", derive(crate::shape::Shape))]
pub struct PaymentPage {
    #[serde(default, deserialize_with = "null_as_default")]
    pub total: u64,
    /// Previous page number, `None` on the first page.
    #[serde(default, deserialize_with = "zero_as_none")]
    pub previous: Option<u32>,
    /// Next page number, `None` on the last page.
    #[serde(default, deserialize_with = "zero_as_none")]
    pub next: Option<u32>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub list: Vec<Payment>,
}

/// The answer of `POST /users/getToken` (`AuthAnnotation`).
#[derive(Clone, Debug, Deserialize)]
pub(crate) struct TokenGrant {
    pub access_token: crate::secret::AccessToken,
    pub now: i64,
    pub expired_at: i64,
}

fn krw() -> String {
    "KRW".to_owned()
}

fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

fn null_as_krw<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(d)?.unwrap_or_else(krw))
}

/// An integer as the API may write it: a number (beyond i64 saturated, a fraction truncated) or
/// numeric text; `None` for null and for anything else, so that one odd field never makes a
/// whole payment unreadable.
pub(crate) fn lenient_int<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    use serde_json::Value;
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Number(n)) => n
            .as_i64()
            .or_else(|| n.as_u64().map(|_| i64::MAX))
            // `as` saturates: a finite double far beyond i64 becomes its bound.
            .or_else(|| n.as_f64().filter(|f| f.is_finite()).map(|f| f as i64)),
        Some(Value::String(s)) => {
            let s = s.trim();
            s.parse::<i64>().ok().or_else(|| {
                s.parse::<f64>()
                    .ok()
                    .filter(|f| f.is_finite())
                    .map(|f| f as i64)
            })
        }
        _ => None,
    })
}

/// A unix time in seconds as the API may write it (see [`lenient_int`]); `0` is "has not
/// happened". Any other value is kept, also one far in the future (a schedule made with
/// milliseconds by another client is still readable, and can be revoked).
pub(crate) fn time<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Timestamp>, D::Error> {
    Ok(lenient_int(d)?.filter(|t| *t != 0))
}

/// The API writes `0` for a time that has not happened (and for "no page").
fn zero_as_none<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default + PartialEq,
{
    Ok(Option::<T>::deserialize(d)?.filter(|v| *v != T::default()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_timestamps_and_nulls_decode_as_absent() {
        let p: Payment = serde_json::from_str(
            r#"{"imp_uid":"imps_1","merchant_uid":"o1","amount":3000,"cancel_amount":null,
                "currency":null,"status":"paid","paid_at":1700000000,"failed_at":0,
                "cancelled_at":0,"cancel_history":null,"unknown_future_field":{"x":1}}"#,
        )
        .unwrap_or_default();
        assert_eq!(p.imp_uid, "imps_1");
        assert_eq!(p.paid_at, Some(1_700_000_000));
        assert_eq!(p.failed_at, None);
        assert_eq!(p.cancel_amount, Amount::ZERO);
        assert_eq!(p.currency, "KRW");
        assert_eq!(p.status, PaymentStatus::Paid);
    }

    #[test]
    fn odd_values_from_the_api_decode() {
        let p: Payment = serde_json::from_str(
            r#"{"imp_uid":"imps_1","merchant_uid":"o1","amount":3000,"status":"paid",
                "paid_at":1767225600000,"failed_at":"0","cancelled_at":null,
                "started_at":"1700000000","card_quota":"00","card_type":1e30,
                "vbank_date":99999999999999999999,"vbank_issued_at":"soon"}"#,
        )
        .unwrap_or_default();
        assert_eq!(p.imp_uid, "imps_1");
        // Milliseconds by mistake (the year 57,000): kept as it is, not an error.
        assert_eq!(p.paid_at, Some(1_767_225_600_000));
        assert_eq!(p.failed_at, None);
        assert_eq!(p.started_at, Some(1_700_000_000));
        assert_eq!(p.card_quota, Some(0));
        assert_eq!(p.card_type, Some(i64::MAX));
        assert_eq!(p.vbank_date, Some(i64::MAX));
        assert_eq!(p.vbank_issued_at, None);
    }

    #[test]
    fn unknown_status_is_kept() {
        let s: PaymentStatus = serde_json::from_str("\"partial_cancelled\"").unwrap_or_default();
        assert_eq!(s, PaymentStatus::Other("partial_cancelled".into()));
        assert_eq!(s.as_str(), "partial_cancelled");
    }
}
