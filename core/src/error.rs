//! The one public error type.
//!
//! The API answers most business failures with HTTP 200 and a non-zero `code`, and a declined card
//! with `code: 0` and `status: "failed"`; both are mapped here into cases a caller can act on.
//! Messages from the API (Korean) are kept verbatim. No case carries card data or secrets.
//!
//! Field and method names in the library's own texts are written once, in core's snake_case;
//! [`Case`] renders them in a binding's convention (`Error::field_in`, `Error::message_in`), so
//! Kotlin reports `cardNumber` and `findPayment` where Rust and Python say `card_number` and
//! `find_payment`.

use crate::models::Payment;
use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

/// Everything that can go wrong with a call.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Error {
    /// The request (or the client's configuration) failed validation; nothing was sent. `field`
    /// is core's snake_case name: see [`Error::field_in`] for a binding's convention.
    InvalidRequest { field: String, reason: String },

    /// The credentials or the access token were refused.
    Authentication { message: String },

    /// The billing key, customer or payment does not exist.
    NotFound { message: String },

    /// The card company declined the charge. The API records a payment with `status: "failed"`.
    CardDeclined {
        payment: Box<Payment>,
        fail_reason: Option<String>,
    },

    /// `merchant_uid` already has a paid or cancelled payment: the order was not charged again.
    DuplicateOrder {
        merchant_uid: String,
        message: String,
    },

    /// The payment was already fully refunded ("이미 전액취소된 주문입니다"): nothing was refunded
    /// now. A refinement of [`Error::Api`] (same fields).
    AlreadyCancelled {
        http_status: u16,
        code: Option<i64>,
        message: String,
    },

    /// The API refused the request with HTTP 429, also after the retries. Nothing was processed.
    /// `retry_after` is the server's `Retry-After`, when it sent one. A refinement of
    /// [`Error::Api`] (same fields).
    RateLimited {
        http_status: u16,
        code: Option<i64>,
        message: String,
        retry_after: Option<Duration>,
    },

    /// Any other failure reported by the API. `code` is `None` when the answer was not the API's
    /// JSON envelope.
    Api {
        http_status: u16,
        code: Option<i64>,
        message: String,
    },

    /// The request could not be completed on the network.
    Network {
        message: String,
        may_have_reached_server: bool,
    },

    /// No answer in time.
    Timeout { may_have_reached_server: bool },

    /// The outcome of a charge could not be established. Look the order up with `find_payment`
    /// before charging it again.
    OutcomeUnknown { merchant_uid: String },
}

impl std::error::Error for Error {}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message_in(Case::Snake))
    }
}

fn sent_note(may_have_reached_server: bool) -> &'static str {
    if may_have_reached_server {
        "the request may have reached the server"
    } else {
        "the request did not reach the server"
    }
}

/// The naming convention of a language binding: core names fields and operations in snake_case
/// (`card_number`, `find_payment`); Kotlin, Swift and JavaScript use camelCase (`cardNumber`,
/// `findPayment`, `pwd_2digit` → `pwd2digit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Case {
    /// `card_number`: Rust, Python, the wire.
    Snake,
    /// `cardNumber`: Kotlin, Swift, JavaScript.
    Camel,
}

impl Case {
    /// A field or operation name (given in snake_case) in this convention. Names that are not
    /// lower-case snake_case (an environment variable such as `IAMPORT_IMP_KEY`) stay as they are.
    pub fn name<'a>(self, snake: &'a str) -> Cow<'a, str> {
        match self {
            Case::Snake => Cow::Borrowed(snake),
            Case::Camel if !is_snake_identifier(snake) || !snake.contains('_') => {
                Cow::Borrowed(snake)
            }
            Case::Camel => {
                let mut out = String::with_capacity(snake.len());
                let mut upper = false;
                for c in snake.chars() {
                    if c == '_' {
                        upper = true;
                    } else if upper {
                        out.push(c.to_ascii_uppercase());
                        upper = false;
                    } else {
                        out.push(c);
                    }
                }
                Cow::Owned(out)
            }
        }
    }

    /// A text of the library's own (a validation reason) with every snake_case name in it
    /// (a word of lower-case letters and digits joined by `_`, such as `imp_uid` or
    /// `unschedule_all`) in this convention. Such texts never quote values, only names.
    pub fn text<'a>(self, text: &'a str) -> Cow<'a, str> {
        if self == Case::Snake || !text.contains('_') {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len());
        let mut word = String::new();
        for c in text.chars() {
            if c.is_ascii_alphanumeric() || c == '_' {
                word.push(c);
            } else {
                out.push_str(&self.name(&word));
                word.clear();
                out.push(c);
            }
        }
        out.push_str(&self.name(&word));
        Cow::Owned(out)
    }
}

/// `[a-z][a-z0-9]*(_[a-z0-9]+)*`: a name core writes in snake_case.
fn is_snake_identifier(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_lowercase())
        && !s.ends_with('_')
        && !s.contains("__")
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
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

/// The case of an [`Error`] without its data: stable names shared by every language binding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    InvalidRequest,
    Authentication,
    NotFound,
    CardDeclined,
    DuplicateOrder,
    AlreadyCancelled,
    RateLimited,
    Api,
    Network,
    Timeout,
    OutcomeUnknown,
}

impl ErrorKind {
    /// Every case, in declaration order.
    pub const ALL: [ErrorKind; 11] = [
        ErrorKind::InvalidRequest,
        ErrorKind::Authentication,
        ErrorKind::NotFound,
        ErrorKind::CardDeclined,
        ErrorKind::DuplicateOrder,
        ErrorKind::AlreadyCancelled,
        ErrorKind::RateLimited,
        ErrorKind::Api,
        ErrorKind::Network,
        ErrorKind::Timeout,
        ErrorKind::OutcomeUnknown,
    ];

    /// The case name, as used in the scenario files (`CardDeclined`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidRequest => "InvalidRequest",
            ErrorKind::Authentication => "Authentication",
            ErrorKind::NotFound => "NotFound",
            ErrorKind::CardDeclined => "CardDeclined",
            ErrorKind::DuplicateOrder => "DuplicateOrder",
            ErrorKind::AlreadyCancelled => "AlreadyCancelled",
            ErrorKind::RateLimited => "RateLimited",
            ErrorKind::Api => "Api",
            ErrorKind::Network => "Network",
            ErrorKind::Timeout => "Timeout",
            ErrorKind::OutcomeUnknown => "OutcomeUnknown",
        }
    }

    /// True for the refinements of `Api` (`AlreadyCancelled`, `RateLimited`): bindings make them
    /// subclasses of their `ApiError`, so that code catching `ApiError` keeps catching them.
    pub fn is_api(self) -> bool {
        matches!(
            self,
            ErrorKind::Api | ErrorKind::AlreadyCancelled | ErrorKind::RateLimited
        )
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
            Error::AlreadyCancelled { .. } => ErrorKind::AlreadyCancelled,
            Error::RateLimited { .. } => ErrorKind::RateLimited,
            Error::Api { .. } => ErrorKind::Api,
            Error::Network { .. } => ErrorKind::Network,
            Error::Timeout { .. } => ErrorKind::Timeout,
            Error::OutcomeUnknown { .. } => ErrorKind::OutcomeUnknown,
        }
    }

    /// The field that failed validation, for `InvalidRequest` (core's snake_case name).
    pub fn field(&self) -> Option<&str> {
        match self {
            Error::InvalidRequest { field, .. } => Some(field),
            _ => None,
        }
    }

    /// The field that failed validation, in a binding's convention (`card_number` →
    /// `cardNumber` for [`Case::Camel`]).
    pub fn field_in(&self, case: Case) -> Option<String> {
        self.field().map(|f| case.name(f).into_owned())
    }

    /// Why the field was refused, for `InvalidRequest`, with the names in it in `case`.
    pub fn reason_in(&self, case: Case) -> Option<String> {
        match self {
            Error::InvalidRequest { reason, .. } => Some(case.text(reason).into_owned()),
            _ => None,
        }
    }

    /// The error's text with field and operation names in `case` (`Display` is
    /// [`Case::Snake`]). The API's own messages are kept verbatim.
    pub fn message_in(&self, case: Case) -> String {
        match self {
            Error::InvalidRequest { field, reason } => format!(
                "invalid request: {} {}",
                case.name(field),
                case.text(reason)
            ),
            Error::Authentication { message } => format!("authentication failed: {message}"),
            Error::NotFound { message } => format!("not found: {message}"),
            Error::CardDeclined { fail_reason, .. } => format!(
                "card declined: {}",
                fail_reason.as_deref().unwrap_or("no reason given")
            ),
            Error::DuplicateOrder {
                merchant_uid,
                message,
            } => format!(
                "duplicate order ({} {merchant_uid}): {message}",
                case.name("merchant_uid")
            ),
            Error::AlreadyCancelled { message, .. } => {
                format!("already cancelled: {message}")
            }
            Error::RateLimited {
                http_status,
                message,
                retry_after,
                ..
            } => match retry_after {
                Some(wait) => format!(
                    "rate limited (HTTP {http_status}, retry after {} s): {message}",
                    wait.as_secs_f64()
                ),
                None => format!("rate limited (HTTP {http_status}): {message}"),
            },
            Error::Api {
                http_status,
                code,
                message,
            } => format!(
                "API error (HTTP {http_status}, code {}): {message}",
                DisplayCode(*code)
            ),
            Error::Network {
                message,
                may_have_reached_server,
            } => format!(
                "network error: {message} ({})",
                sent_note(*may_have_reached_server)
            ),
            Error::Timeout {
                may_have_reached_server,
            } => format!(
                "request timed out ({})",
                sent_note(*may_have_reached_server)
            ),
            Error::OutcomeUnknown { merchant_uid } => format!(
                "outcome of the charge for {} {merchant_uid} is unknown: look it up with {} \
                 before charging again",
                case.name("merchant_uid"),
                case.name("find_payment")
            ),
        }
    }

    /// The case's fields as JSON, keys and field names in `case` (`http_status` /
    /// `httpStatus`), for bindings that carry errors as data: `field` and `reason`
    /// (InvalidRequest), `message` (the API's text), `code`, `http_status`, `retry_after`
    /// (seconds), `merchant_uid`, `fail_reason`, `payment` (the model's wire JSON),
    /// `may_have_reached_server`. Not the text: that is [`Error::message_in`].
    pub fn data(&self, case: Case) -> serde_json::Map<String, serde_json::Value> {
        use serde_json::{Value, json};
        let mut out = serde_json::Map::new();
        let mut put = |key: &str, value: Value| {
            out.insert(case.name(key).into_owned(), value);
        };
        match self {
            Error::InvalidRequest { field, reason } => {
                put("field", json!(case.name(field)));
                put("reason", json!(case.text(reason)));
            }
            Error::Authentication { message } | Error::NotFound { message } => {
                put("message", json!(message));
            }
            Error::CardDeclined {
                payment,
                fail_reason,
            } => {
                put(
                    "payment",
                    serde_json::to_value(payment).unwrap_or(Value::Null),
                );
                put("fail_reason", json!(fail_reason));
            }
            Error::DuplicateOrder {
                merchant_uid,
                message,
            } => {
                put("merchant_uid", json!(merchant_uid));
                put("message", json!(message));
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
            }
            | Error::RateLimited {
                http_status,
                code,
                message,
                ..
            } => {
                put("http_status", json!(http_status));
                put("code", json!(code));
                put("message", json!(message));
                if let Error::RateLimited { retry_after, .. } = self {
                    put("retry_after", json!(retry_after.map(|d| d.as_secs_f64())));
                }
            }
            Error::Network {
                message,
                may_have_reached_server,
            } => {
                put("message", json!(message));
                put("may_have_reached_server", json!(may_have_reached_server));
            }
            Error::Timeout {
                may_have_reached_server,
            } => put("may_have_reached_server", json!(may_have_reached_server)),
            Error::OutcomeUnknown { merchant_uid } => put("merchant_uid", json!(merchant_uid)),
        }
        out
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

// Message fragments of the API's answers that mean "not found", "already ordered" or "already
// fully refunded". The API has no machine-readable codes for them (facts file §3.3); these texts
// are stable across a decade of SDK tests.
const NOT_FOUND_MESSAGES: &[&str] = &[
    "로 등록된 정보를 찾을 수 없습니다",
    "등록되지 않은 구매자입니다",
    "존재하지 않는 결제정보입니다",
    "취소할 결제건이 존재하지 않습니다",
    "등록된 고객정보가 없습니다",
];
const DUPLICATE_MESSAGES: &[&str] = &["이미 주문이 이루어진 건입니다"];
const ALREADY_CANCELLED_MESSAGES: &[&str] = &["이미 전액취소된 주문입니다"];

/// What an API failure is about: the order a charge was for (a duplicate names it), and the
/// answer's `Retry-After`.
#[derive(Clone, Copy, Default)]
pub(crate) struct Context<'a> {
    pub order: Option<&'a str>,
    pub retry_after: Option<Duration>,
}

/// Maps an API failure (non-zero code, or a non-2xx status) to a case.
pub(crate) fn from_api_failure(
    http_status: u16,
    code: Option<i64>,
    message: String,
    context: Context<'_>,
) -> Error {
    if http_status == 401 {
        return Error::Authentication { message };
    }
    if http_status == 429 {
        return Error::RateLimited {
            http_status,
            code,
            message,
            retry_after: context.retry_after,
        };
    }
    if http_status == 404 || NOT_FOUND_MESSAGES.iter().any(|m| message.contains(m)) {
        return Error::NotFound { message };
    }
    if let Some(order) = context.order {
        if DUPLICATE_MESSAGES.iter().any(|m| message.contains(m)) {
            return Error::DuplicateOrder {
                merchant_uid: order.to_owned(),
                message,
            };
        }
    }
    if ALREADY_CANCELLED_MESSAGES
        .iter()
        .any(|m| message.contains(m))
    {
        return Error::AlreadyCancelled {
            http_status,
            code,
            message,
        };
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

    fn map(http_status: u16, code: Option<i64>, message: &str) -> Error {
        from_api_failure(http_status, code, message.into(), Context::default())
    }

    #[test]
    fn maps_the_documented_messages() {
        assert_eq!(
            map(200, Some(1), "등록되지 않은 구매자입니다.").kind(),
            ErrorKind::NotFound
        );
        let e = map(
            200,
            Some(1),
            "요청하신 customer_uid(c1)로 등록된 정보를 찾을 수 없습니다.",
        );
        assert_eq!(e.kind(), ErrorKind::NotFound);
        // A channel configuration problem also says "찾을 수 없습니다" but is not a missing key.
        let e = map(200, Some(1), "비인증결제모듈 사용정보를 찾을 수 없습니다.");
        assert_eq!(e.kind(), ErrorKind::Api);
        let dup = "이미 주문이 이루어진 건입니다. (동일한 merchant_uid로 결제 또는 취소된 기록이 있습니다)";
        let e = from_api_failure(
            200,
            Some(1),
            dup.into(),
            Context {
                order: Some("o-1"),
                ..Context::default()
            },
        );
        assert!(
            matches!(&e, Error::DuplicateOrder { merchant_uid, .. } if merchant_uid == "o-1"),
            "{e:?}"
        );
        // Without an order (not a charge) the text is not taken as a duplicate charge.
        assert_eq!(map(200, Some(1), dup).kind(), ErrorKind::Api);
        let e = map(200, Some(1), "이미 전액취소된 주문입니다.");
        assert!(
            matches!(
                e,
                Error::AlreadyCancelled {
                    http_status: 200,
                    code: Some(1),
                    ..
                }
            ),
            "{e:?}"
        );
        assert!(e.kind().is_api());
        assert_eq!(
            map(401, Some(-1), "Unauthorized").kind(),
            ErrorKind::Authentication
        );
        assert_eq!(map(404, None, "x").kind(), ErrorKind::NotFound);
        let e = from_api_failure(
            429,
            None,
            "HTTP 429".into(),
            Context {
                retry_after: Some(Duration::from_secs(3)),
                ..Context::default()
            },
        );
        assert!(
            matches!(e, Error::RateLimited { retry_after: Some(d), .. } if d == Duration::from_secs(3)),
            "{e:?}"
        );
        assert_eq!(
            e.to_string(),
            "rate limited (HTTP 429, retry after 3 s): HTTP 429"
        );
    }

    #[test]
    fn names_follow_the_case_convention() {
        for (snake, camel) in [
            ("card_number", "cardNumber"),
            ("pwd_2digit", "pwd2digit"),
            ("secure_3d_charge_id", "secure3dChargeId"),
            ("channel_group_id", "channelGroupId"),
            ("find_payment", "findPayment"),
            ("amount", "amount"),
            ("IAMPORT_IMP_KEY", "IAMPORT_IMP_KEY"),
            ("schedules[0].amount", "schedules[0].amount"),
        ] {
            assert_eq!(Case::Camel.name(snake), camel);
            assert_eq!(Case::Snake.name(snake), snake);
        }
        let e = Error::invalid(
            "imp_uid",
            "either imp_uid or merchant_uid is required (see unschedule_all, 2_000)",
        );
        assert_eq!(e.field_in(Case::Camel).as_deref(), Some("impUid"));
        assert_eq!(
            e.message_in(Case::Camel),
            "invalid request: impUid either impUid or merchantUid is required (see \
             unscheduleAll, 2_000)"
        );
        assert_eq!(e.message_in(Case::Snake), e.to_string());
        let e = Error::OutcomeUnknown {
            merchant_uid: "order_2026_11".into(),
        };
        // The value is never converted, only the names around it.
        assert_eq!(
            e.message_in(Case::Camel),
            "outcome of the charge for merchantUid order_2026_11 is unknown: look it up with \
             findPayment before charging again"
        );
        assert!(e.to_string().contains("merchant_uid order_2026_11"));
        assert!(e.to_string().contains("find_payment"));
    }

    #[test]
    fn data_carries_the_fields_in_the_case_convention() {
        let e = Error::RateLimited {
            http_status: 429,
            code: Some(-1),
            message: "Too Many Requests".into(),
            retry_after: Some(Duration::from_millis(1500)),
        };
        let camel = e.data(Case::Camel);
        assert_eq!(camel["httpStatus"], 429);
        assert_eq!(camel["retryAfter"], 1.5);
        assert_eq!(e.data(Case::Snake)["retry_after"], 1.5);
        let e = Error::invalid("card_number", "see imp_uid");
        assert_eq!(e.data(Case::Camel)["field"], "cardNumber");
        assert_eq!(e.data(Case::Camel)["reason"], "see impUid");
        assert_eq!(e.data(Case::Snake)["field"], "card_number");
    }

    #[test]
    fn every_kind_has_a_distinct_name() {
        let names: std::collections::HashSet<_> =
            ErrorKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(names.len(), ErrorKind::ALL.len());
    }
}
