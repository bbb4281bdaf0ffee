//! Core errors as data for the package's JS layer, which turns each into the error class of its
//! `code` (napi cannot give a rejected promise's error a class or a `code`).

use crate::convert::{camel_text, field_name};
use crate::options::setting_name;
use iamport_subscribe as core;
use iamport_subscribe::shape::{Shape, Ty};
use iamport_subscribe::{Error, ErrorKind};
use serde::{Serialize, Serializer};

/// The stable `code` of each error case.
pub(crate) fn code(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::InvalidRequest => "INVALID_REQUEST",
        ErrorKind::Authentication => "AUTHENTICATION",
        ErrorKind::NotFound => "NOT_FOUND",
        ErrorKind::CardDeclined => "CARD_DECLINED",
        ErrorKind::DuplicateOrder => "DUPLICATE_ORDER",
        ErrorKind::AlreadyCancelled => "ALREADY_CANCELLED",
        ErrorKind::RateLimited => "RATE_LIMITED",
        ErrorKind::Api => "API_ERROR",
        ErrorKind::Network => "NETWORK",
        ErrorKind::Timeout => "TIMEOUT",
        ErrorKind::OutcomeUnknown => "OUTCOME_UNKNOWN",
    }
}

/// An error's `code`.
#[derive(Debug)]
pub(crate) struct ErrorCode(&'static str);

impl Shape for ErrorCode {
    const SHAPE: &'static Ty = &Ty::Enum(&[
        "INVALID_REQUEST",
        "AUTHENTICATION",
        "NOT_FOUND",
        "CARD_DECLINED",
        "DUPLICATE_ORDER",
        "ALREADY_CANCELLED",
        "RATE_LIMITED",
        "API_ERROR",
        "NETWORK",
        "TIMEOUT",
        "OUTCOME_UNKNOWN",
    ]);
}

impl Serialize for ErrorCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0)
    }
}

/// A core error as data.
#[derive(Debug, Serialize, Shape)]
pub(crate) struct NativeError {
    /// The error class: `INVALID_REQUEST`, `AUTHENTICATION`, `NOT_FOUND`, `CARD_DECLINED`,
    /// `DUPLICATE_ORDER`, `ALREADY_CANCELLED`, `RATE_LIMITED`, `API_ERROR`, `NETWORK`, `TIMEOUT` or
    /// `OUTCOME_UNKNOWN`.
    code: ErrorCode,
    /// The case's own `message` (the API's text, verbatim) where it has one, else the
    /// description of the error.
    message: String,
    /// The field that was refused, as the package names it (`cardNumber`, `timeoutMs`).
    field: Option<String>,
    reason: Option<String>,
    /// The declined payment.
    payment: Option<core::Payment>,
    fail_reason: Option<String>,
    api_code: Option<i64>,
    http_status: Option<u16>,
    may_have_reached_server: Option<bool>,
    merchant_uid: Option<String>,
    /// `RATE_LIMITED`: the server's `Retry-After`, in milliseconds.
    retry_after_ms: Option<f64>,
}

impl From<Error> for NativeError {
    fn from(e: Error) -> Self {
        let mut out = NativeError {
            code: ErrorCode(code(e.kind())),
            // Core's texts never hold card data or secrets.
            message: e.to_string(),
            field: None,
            reason: None,
            payment: None,
            fail_reason: None,
            api_code: None,
            http_status: None,
            may_have_reached_server: None,
            merchant_uid: None,
            retry_after_ms: None,
        };
        match e {
            Error::InvalidRequest { field, reason } => {
                let field = setting_name(&field)
                    .map(str::to_owned)
                    .unwrap_or_else(|| field_name(&field));
                let reason = camel_text(&reason);
                out.message = format!("invalid request: {field} {reason}");
                out.field = Some(field);
                out.reason = Some(reason);
            }
            Error::Authentication { message } | Error::NotFound { message } => {
                out.message = message
            }
            Error::DuplicateOrder {
                merchant_uid,
                message,
            } => {
                out.message = message;
                out.merchant_uid = Some(merchant_uid);
            }
            Error::CardDeclined {
                payment,
                fail_reason,
            } => {
                out.payment = Some(*payment);
                out.fail_reason = fail_reason;
            }
            Error::Api {
                http_status,
                code,
                message,
            }
            | Error::AlreadyCancelled {
                http_status,
                code,
                message,
            } => {
                out.message = message;
                out.api_code = code;
                out.http_status = Some(http_status);
            }
            Error::RateLimited {
                http_status,
                code,
                message,
                retry_after,
            } => {
                out.message = message;
                out.api_code = code;
                out.http_status = Some(http_status);
                out.retry_after_ms = retry_after.map(|d| d.as_secs_f64() * 1000.0);
            }
            Error::Network {
                message,
                may_have_reached_server,
            } => {
                out.message = message;
                out.may_have_reached_server = Some(may_have_reached_server);
            }
            Error::Timeout {
                may_have_reached_server,
            } => out.may_have_reached_server = Some(may_have_reached_server),
            Error::OutcomeUnknown { merchant_uid } => {
                // Core's own text: its hint names the method (`findPayment` here); the order id
                // in it is data and stays as it is.
                out.message = out
                    .message
                    .split(merchant_uid.as_str())
                    .map(camel_text)
                    .collect::<Vec<_>>()
                    .join(&merchant_uid);
                out.merchant_uid = Some(merchant_uid);
            }
            // A case added to core later still has its code and description.
            _ => {}
        }
        out
    }
}
