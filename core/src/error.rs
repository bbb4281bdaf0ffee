//! The one public error type.
//!
//! The API answers most business failures with HTTP 200 and a non-zero `code`, and a declined card
//! with `code: 0` and `status: "failed"`; both are mapped here into cases a caller can act on.
//! Messages from the API (Korean) are kept verbatim. No case carries card data or secrets.

use crate::models::Payment;
use std::fmt;

/// Everything that can go wrong with a call.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request failed validation; nothing was sent.
    #[error("invalid request: {field} {reason}")]
    InvalidRequest { field: String, reason: String },

    /// The credentials or the access token were refused.
    #[error("authentication failed: {message}")]
    Authentication { message: String },

    /// The billing key, customer or payment does not exist.
    #[error("not found: {message}")]
    NotFound { message: String },

    /// The card company declined the charge. The API records a payment with `status: "failed"`.
    #[error("card declined: {}", fail_reason.as_deref().unwrap_or("no reason given"))]
    CardDeclined {
        payment: Box<Payment>,
        fail_reason: Option<String>,
    },

    /// The `merchant_uid` already has a paid or cancelled payment: the order was not charged again.
    #[error("duplicate order: {message}")]
    DuplicateOrder { message: String },

    /// Any other failure reported by the API. `code` is `None` when the answer was not the API's
    /// JSON envelope.
    #[error("API error (HTTP {http_status}, code {}): {message}", DisplayCode(*code))]
    Api {
        http_status: u16,
        code: Option<i64>,
        message: String,
    },

    /// The request could not be completed on the network.
    #[error("network error: {message} ({})", sent_note(*may_have_reached_server))]
    Network {
        message: String,
        may_have_reached_server: bool,
    },

    /// No answer in time.
    #[error("request timed out ({})", sent_note(*may_have_reached_server))]
    Timeout { may_have_reached_server: bool },

    /// The outcome of a charge could not be established. Look the order up with `find_payment`
    /// before charging it again.
    #[error(
        "outcome of the charge for merchant_uid {merchant_uid} is unknown: look it up with \
         find_payment before charging again"
    )]
    OutcomeUnknown { merchant_uid: String },
}

struct DisplayCode(Option<i64>);

impl fmt::Display for DisplayCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(c) => write!(f, "{c}"),
            None => f.write_str("none"),
        }
    }
}

fn sent_note(may_have_reached_server: bool) -> &'static str {
    if may_have_reached_server {
        "the request may have reached the server"
    } else {
        "the request did not reach the server"
    }
}

/// The case of an [`Error`] without its data: stable names shared by every language binding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    InvalidRequest,
    Authentication,
    NotFound,
    CardDeclined,
    DuplicateOrder,
    Api,
    Network,
    Timeout,
    OutcomeUnknown,
}

impl ErrorKind {
    /// The case name, as used in the scenario files (`CardDeclined`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidRequest => "InvalidRequest",
            ErrorKind::Authentication => "Authentication",
            ErrorKind::NotFound => "NotFound",
            ErrorKind::CardDeclined => "CardDeclined",
            ErrorKind::DuplicateOrder => "DuplicateOrder",
            ErrorKind::Api => "Api",
            ErrorKind::Network => "Network",
            ErrorKind::Timeout => "Timeout",
            ErrorKind::OutcomeUnknown => "OutcomeUnknown",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Error {
    /// Which case this is.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::InvalidRequest { .. } => ErrorKind::InvalidRequest,
            Error::Authentication { .. } => ErrorKind::Authentication,
            Error::NotFound { .. } => ErrorKind::NotFound,
            Error::CardDeclined { .. } => ErrorKind::CardDeclined,
            Error::DuplicateOrder { .. } => ErrorKind::DuplicateOrder,
            Error::Api { .. } => ErrorKind::Api,
            Error::Network { .. } => ErrorKind::Network,
            Error::Timeout { .. } => ErrorKind::Timeout,
            Error::OutcomeUnknown { .. } => ErrorKind::OutcomeUnknown,
        }
    }

    /// The field that failed validation, for `InvalidRequest`.
    pub fn field(&self) -> Option<&str> {
        match self {
            Error::InvalidRequest { field, .. } => Some(field),
            _ => None,
        }
    }

    pub(crate) fn invalid(field: &str, reason: impl Into<String>) -> Self {
        Error::InvalidRequest {
            field: field.to_owned(),
            reason: reason.into(),
        }
    }
}

/// Result with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

// Message fragments of the API's answers that mean "not found" or "already ordered". The API has
// no machine-readable codes for them (facts file §3.3); these texts are stable across a decade of
// SDK tests.
const NOT_FOUND_MESSAGES: &[&str] = &[
    "로 등록된 정보를 찾을 수 없습니다",
    "등록되지 않은 구매자입니다",
    "존재하지 않는 결제정보입니다",
    "취소할 결제건이 존재하지 않습니다",
    "등록된 고객정보가 없습니다",
];
const DUPLICATE_MESSAGES: &[&str] = &["이미 주문이 이루어진 건입니다"];

/// Maps an API failure (non-zero code, or a non-2xx status) to a case.
pub(crate) fn from_api_failure(http_status: u16, code: Option<i64>, message: String) -> Error {
    if http_status == 401 {
        return Error::Authentication { message };
    }
    if http_status == 404 || NOT_FOUND_MESSAGES.iter().any(|m| message.contains(m)) {
        return Error::NotFound { message };
    }
    if DUPLICATE_MESSAGES.iter().any(|m| message.contains(m)) {
        return Error::DuplicateOrder { message };
    }
    Error::Api {
        http_status,
        code,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_the_documented_messages() {
        let e = from_api_failure(200, Some(1), "등록되지 않은 구매자입니다.".into());
        assert_eq!(e.kind(), ErrorKind::NotFound);
        let e = from_api_failure(
            200,
            Some(1),
            "요청하신 customer_uid(c1)로 등록된 정보를 찾을 수 없습니다.".into(),
        );
        assert_eq!(e.kind(), ErrorKind::NotFound);
        // A channel configuration problem also says "찾을 수 없습니다" but is not a missing key.
        let e = from_api_failure(
            200,
            Some(1),
            "비인증결제모듈 사용정보를 찾을 수 없습니다.".into(),
        );
        assert_eq!(e.kind(), ErrorKind::Api);
        let e = from_api_failure(200, Some(1), "이미 주문이 이루어진 건입니다. (동일한 merchant_uid로 결제 또는 취소된 기록이 있습니다)".into());
        assert_eq!(e.kind(), ErrorKind::DuplicateOrder);
        assert_eq!(
            from_api_failure(401, Some(-1), "Unauthorized".into()).kind(),
            ErrorKind::Authentication
        );
        assert_eq!(
            from_api_failure(404, None, "x".into()).kind(),
            ErrorKind::NotFound
        );
    }
}
