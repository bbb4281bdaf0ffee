//! The public error of the binding: the cases and fields of core's `Error`, as a uniffi error enum
//! (a sealed `IamportException` hierarchy in Kotlin, an `Error` enum in Swift), with field and
//! operation names in camelCase (Kotlin's and Swift's convention): `InvalidRequest.field` is
//! `cardNumber`, messages say `findPayment`. The names and texts come from core
//! (`Error::field_in`, `Error::message_in` with `Case::Camel`); this file only carries them.

use iamport_subscribe::{Case, Error, Payment};
use std::fmt;
use std::time::Duration;

/// Everything that can go wrong with a call. Messages never carry card data or secrets.
#[derive(Debug, Clone, uniffi::Error)]
#[uniffi::export(Display)]
pub enum IamportError {
    /// The request or the client's options failed validation (`field` names it, in camelCase);
    /// nothing was sent.
    InvalidRequest { field: String, reason: String },

    /// The credentials or the access token were refused.
    Authentication { message: String },

    /// The billing key, customer or payment does not exist.
    NotFound { message: String },

    /// The card company declined the charge; `payment` is the failed payment record.
    CardDeclined {
        // Boxed as in core (keeps every Result small); uniffi passes a Box as its content.
        payment: Box<Payment>,
        fail_reason: Option<String>,
    },

    /// `merchant_uid` already has a paid or cancelled payment: nothing was charged.
    DuplicateOrder {
        merchant_uid: String,
        message: String,
    },

    /// The payment was already fully refunded: nothing was refunded now. Same fields as `Api`.
    AlreadyCancelled {
        http_status: u16,
        code: Option<i64>,
        message: String,
    },

    /// HTTP 429, also after the retries; nothing was processed. `retry_after` is the server's
    /// `Retry-After`, when it sent one. Same fields as `Api`, plus `retry_after`.
    RateLimited {
        http_status: u16,
        code: Option<i64>,
        message: String,
        retry_after: Option<Duration>,
    },

    /// Any other failure reported by the API (`code` is null when the answer was not the API's
    /// JSON envelope). The API's Korean message is kept verbatim.
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

    /// The outcome of a charge could not be established: look the order up with `findPayment`
    /// before charging it again.
    OutcomeUnknown { merchant_uid: String },
}

impl std::error::Error for IamportError {}

impl fmt::Display for IamportError {
    /// Core's text in camelCase (the names this error carries are camelCase already, and the
    /// conversion leaves camelCase as it is).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&Error::from(self.clone()).message_in(Case::Camel))
    }
}

impl From<Error> for IamportError {
    fn from(e: Error) -> Self {
        let camel = |text: &str| Case::Camel.text(text).into_owned();
        match e {
            Error::InvalidRequest { field, reason } => IamportError::InvalidRequest {
                field: Case::Camel.name(&field).into_owned(),
                reason: camel(&reason),
            },
            Error::Authentication { message } => IamportError::Authentication { message },
            Error::NotFound { message } => IamportError::NotFound { message },
            Error::CardDeclined {
                payment,
                fail_reason,
            } => IamportError::CardDeclined {
                payment,
                fail_reason,
            },
            Error::DuplicateOrder {
                merchant_uid,
                message,
            } => IamportError::DuplicateOrder {
                merchant_uid,
                message,
            },
            Error::AlreadyCancelled {
                http_status,
                code,
                message,
            } => IamportError::AlreadyCancelled {
                http_status,
                code,
                message,
            },
            Error::RateLimited {
                http_status,
                code,
                message,
                retry_after,
            } => IamportError::RateLimited {
                http_status,
                code,
                message,
                retry_after,
            },
            Error::Api {
                http_status,
                code,
                message,
            } => IamportError::Api {
                http_status,
                code,
                message,
            },
            Error::Network {
                message,
                may_have_reached_server,
            } => IamportError::Network {
                message,
                may_have_reached_server,
            },
            Error::Timeout {
                may_have_reached_server,
            } => IamportError::Timeout {
                may_have_reached_server,
            },
            Error::OutcomeUnknown { merchant_uid } => IamportError::OutcomeUnknown { merchant_uid },
            // Core's enum is non-exhaustive: a case added there later still crosses the FFI,
            // with its text, until it gets its own case here.
            other => IamportError::Api {
                http_status: 0,
                code: None,
                message: other.message_in(Case::Camel),
            },
        }
    }
}

impl From<IamportError> for Error {
    /// Back to core's case (for its texts); names stay as they are.
    fn from(e: IamportError) -> Self {
        match e {
            IamportError::InvalidRequest { field, reason } => {
                Error::InvalidRequest { field, reason }
            }
            IamportError::Authentication { message } => Error::Authentication { message },
            IamportError::NotFound { message } => Error::NotFound { message },
            IamportError::CardDeclined {
                payment,
                fail_reason,
            } => Error::CardDeclined {
                payment,
                fail_reason,
            },
            IamportError::DuplicateOrder {
                merchant_uid,
                message,
            } => Error::DuplicateOrder {
                merchant_uid,
                message,
            },
            IamportError::AlreadyCancelled {
                http_status,
                code,
                message,
            } => Error::AlreadyCancelled {
                http_status,
                code,
                message,
            },
            IamportError::RateLimited {
                http_status,
                code,
                message,
                retry_after,
            } => Error::RateLimited {
                http_status,
                code,
                message,
                retry_after,
            },
            IamportError::Api {
                http_status,
                code,
                message,
            } => Error::Api {
                http_status,
                code,
                message,
            },
            IamportError::Network {
                message,
                may_have_reached_server,
            } => Error::Network {
                message,
                may_have_reached_server,
            },
            IamportError::Timeout {
                may_have_reached_server,
            } => Error::Timeout {
                may_have_reached_server,
            },
            IamportError::OutcomeUnknown { merchant_uid } => Error::OutcomeUnknown { merchant_uid },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use iamport_subscribe::{Amount, ErrorKind, PaymentStatus};

    /// Every case keeps its kind, its fields and core's text (in camelCase).
    #[test]
    fn maps_every_case_with_core_text() {
        let payment = Payment {
            imp_uid: "imps_1".into(),
            merchant_uid: "o1".into(),
            amount: Amount::new(9900),
            status: PaymentStatus::Failed,
            fail_reason: Some("limit".into()),
            ..Default::default()
        };
        let cases = vec![
            Error::InvalidRequest {
                field: "card_number".into(),
                reason: "must have 13 to 19 digits".into(),
            },
            Error::InvalidRequest {
                field: "imp_uid".into(),
                reason: "either imp_uid or merchant_uid is required".into(),
            },
            Error::Authentication {
                message: "bad key".into(),
            },
            Error::NotFound {
                message: "none".into(),
            },
            Error::CardDeclined {
                payment: Box::new(payment.clone()),
                fail_reason: Some("limit".into()),
            },
            Error::CardDeclined {
                payment: Box::new(payment.clone()),
                fail_reason: None,
            },
            Error::DuplicateOrder {
                merchant_uid: "order_1".into(),
                message: "dup".into(),
            },
            Error::AlreadyCancelled {
                http_status: 200,
                code: Some(1),
                message: "이미 전액취소된 주문입니다.".into(),
            },
            Error::RateLimited {
                http_status: 429,
                code: None,
                message: "HTTP 429".into(),
                retry_after: Some(Duration::from_secs(2)),
            },
            Error::Api {
                http_status: 200,
                code: Some(-1),
                message: "카드정보 인증에 실패하였습니다.".into(),
            },
            Error::Api {
                http_status: 502,
                code: None,
                message: "HTTP 502".into(),
            },
            Error::Network {
                message: "refused".into(),
                may_have_reached_server: false,
            },
            Error::Timeout {
                may_have_reached_server: true,
            },
            Error::OutcomeUnknown {
                merchant_uid: "order_1".into(),
            },
        ];
        let mut kinds = std::collections::HashSet::new();
        for core in cases {
            let ours = IamportError::from(core.clone());
            assert_eq!(ours.to_string(), core.message_in(Case::Camel));
            let back = Error::from(ours.clone());
            assert_eq!(back.kind(), core.kind(), "{core:?} became {ours:?}");
            kinds.insert(core.kind());
        }
        assert_eq!(kinds.len(), ErrorKind::ALL.len(), "a case is not covered");
        let declined = IamportError::from(Error::CardDeclined {
            payment: Box::new(payment.clone()),
            fail_reason: Some("limit".into()),
        });
        assert!(matches!(declined, IamportError::CardDeclined { payment: p, .. } if *p == payment));
        let invalid = IamportError::from(Error::InvalidRequest {
            field: "pwd_2digit".into(),
            reason: "either imp_uid or merchant_uid".into(),
        });
        assert!(
            matches!(&invalid, IamportError::InvalidRequest { field, reason }
                if field == "pwd2digit" && reason == "either impUid or merchantUid"),
            "{invalid:?}"
        );
        let unknown = IamportError::OutcomeUnknown {
            merchant_uid: "order_1".into(),
        };
        assert!(
            unknown.to_string().contains("merchantUid order_1"),
            "{unknown}"
        );
        assert!(unknown.to_string().contains("findPayment"), "{unknown}");
    }
}
