//! Verifying webhooks.
//!
//! The V1 webhook is unsigned: anyone can POST `{"imp_uid", "merchant_uid", "status"}` to your
//! endpoint. The only trustworthy reading is to fetch the payment by `imp_uid` and act on what the
//! API says, which is what [`Client::verify_webhook`] does. Deliveries can repeat (retries, manual
//! resends): deduplicate on (`imp_uid`, `status`) and make the handler idempotent.

use crate::client::Client;
use crate::error::{Error, Result};
use crate::models::Payment;
use serde::Serialize;

/// A webhook confirmed against the API.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "shape", derive(crate::shape::Shape))]
pub struct VerifiedWebhook {
    /// The payment as the API has it now (the truth; act on this).
    pub payment: Payment,
    /// The `status` the webhook announced (`paid`, `failed`, `cancelled`, `ready`). It can differ
    /// from `payment.status` when the payment changed since (e.g. refunded after `paid`).
    pub reported_status: String,
}

impl VerifiedWebhook {
    /// The key to deduplicate deliveries on.
    pub fn dedupe_key(&self) -> (String, String) {
        (self.payment.imp_uid.clone(), self.reported_status.clone())
    }
}

impl Client {
    /// Parses a webhook body (JSON, or `application/x-www-form-urlencoded`), fetches the payment
    /// by its `imp_uid` and checks that its `merchant_uid` matches. Refuses a body that does not
    /// parse or lacks a field (`InvalidRequest` naming it), a payment that does not exist
    /// (`NotFound`) and one whose `merchant_uid` differs (`InvalidRequest` on `merchant_uid`).
    pub async fn verify_webhook(&self, body: &[u8], content_type: &str) -> Result<VerifiedWebhook> {
        let fields = parse_webhook(body, content_type)?;
        let payment = self.get_payment(&fields.imp_uid).await?;
        if payment.merchant_uid != fields.merchant_uid {
            return Err(Error::invalid(
                "merchant_uid",
                "does not match the payment's merchant_uid (forged or misrouted webhook)",
            ));
        }
        Ok(VerifiedWebhook {
            payment,
            reported_status: fields.status,
        })
    }
}

struct WebhookFields {
    imp_uid: String,
    merchant_uid: String,
    status: String,
}

fn parse_webhook(body: &[u8], content_type: &str) -> Result<WebhookFields> {
    let media = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let pairs: Vec<(String, String)> = match media.as_str() {
        "application/json" | "text/json" | "" => {
            let value: serde_json::Value =
                serde_json::from_slice(body).map_err(|_| Error::invalid("body", "is not JSON"))?;
            let object = value
                .as_object()
                .ok_or_else(|| Error::invalid("body", "is not a JSON object"))?;
            object
                .iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_owned())))
                .collect()
        }
        "application/x-www-form-urlencoded" => url::form_urlencoded::parse(body)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect(),
        other => {
            return Err(Error::invalid(
                "content_type",
                format!("{other:?} is neither JSON nor a form"),
            ));
        }
    };
    let take = |name: &str| -> Result<String> {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
            .filter(|v| !v.is_empty())
            .ok_or_else(|| Error::invalid(name, "is missing from the webhook body"))
    };
    Ok(WebhookFields {
        imp_uid: take("imp_uid")?,
        merchant_uid: take("merchant_uid")?,
        status: take("status")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_json_and_form_bodies() {
        let json = parse_webhook(
            br#"{"imp_uid":"imps_1","merchant_uid":"o/1","status":"paid"}"#,
            "application/json; charset=utf-8",
        );
        let form = parse_webhook(
            b"imp_uid=imps_1&merchant_uid=o%2F1&status=paid",
            "application/x-www-form-urlencoded",
        );
        for parsed in [json, form] {
            let fields = parsed.map(|f| (f.imp_uid, f.merchant_uid, f.status));
            let expected = ("imps_1".to_owned(), "o/1".to_owned(), "paid".to_owned());
            assert_eq!(fields.ok(), Some(expected));
        }
    }

    #[test]
    fn refuses_what_does_not_parse_or_lacks_a_field() {
        let cases: [(&[u8], &str, &str); 5] = [
            (b"{not json", "application/json", "body"),
            (b"[1]", "application/json", "body"),
            (
                br#"{"imp_uid":"imps_1","status":"paid"}"#,
                "application/json",
                "merchant_uid",
            ),
            (
                b"merchant_uid=o1&status=paid",
                "application/x-www-form-urlencoded",
                "imp_uid",
            ),
            (b"imp_uid=imps_1", "text/plain", "content_type"),
        ];
        for (body, ct, field) in cases {
            let err = parse_webhook(body, ct)
                .err()
                .map(|e| e.field().map(str::to_owned));
            assert_eq!(
                err,
                Some(Some(field.to_owned())),
                "{ct} {:?}",
                String::from_utf8_lossy(body)
            );
        }
    }
}
