//! The public error of the binding: the same cases and fields as core's `Error`, as a uniffi error
//! enum (a sealed `IamportException` hierarchy in Kotlin, an `Error` enum in Swift).

use iamport_subscribe::{Error, Payment};

/// Everything that can go wrong with a call. Messages never carry card data or secrets.
#[derive(Debug, Clone, thiserror::Error, uniffi::Error)]
#[uniffi::export(Display)]
pub enum IamportError {
    /// The request failed validation (`field` names it); nothing was sent.
    #[error("invalid request: {field} {reason}")]
    InvalidRequest { field: String, reason: String },

    /// The credentials or the access token were refused.
    #[error("authentication failed: {message}")]
    Authentication { message: String },

    /// The billing key, customer or payment does not exist.
    #[error("not found: {message}")]
    NotFound { message: String },

    /// The card company declined the charge; `payment` is the failed payment record.
    #[error("card declined: {}", fail_reason.as_deref().unwrap_or("no reason given"))]
    CardDeclined {
        // Boxed as in core (keeps every Result small); uniffi passes a Box as its content.
        payment: Box<Payment>,
        fail_reason: Option<String>,
    },

    /// The `merchant_uid` already has a paid or cancelled payment: nothing was charged.
    #[error("duplicate order: {message}")]
    DuplicateOrder { message: String },

    /// Any other failure reported by the API (`code` is null when the answer was not the API's
    /// JSON envelope). The API's Korean message is kept verbatim.
    #[error("API error (HTTP {http_status}, code {}): {message}", code.map_or_else(|| "none".to_owned(), |c| c.to_string()))]
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

    /// The outcome of a charge could not be established: look the order up with `find_payment`
    /// before charging it again.
    #[error(
        "outcome of the charge for merchant_uid {merchant_uid} is unknown: look it up with \
         find_payment before charging again"
    )]
    OutcomeUnknown { merchant_uid: String },
}

fn sent_note(may_have_reached_server: bool) -> &'static str {
    if may_have_reached_server {
        "the request may have reached the server"
    } else {
        "the request did not reach the server"
    }
}

impl From<Error> for IamportError {
    fn from(e: Error) -> Self {
        match e {
            Error::InvalidRequest { field, reason } => {
                IamportError::InvalidRequest { field, reason }
            }
            Error::Authentication { message } => IamportError::Authentication { message },
            Error::NotFound { message } => IamportError::NotFound { message },
            Error::CardDeclined {
                payment,
                fail_reason,
            } => IamportError::CardDeclined {
                payment,
                fail_reason,
            },
            Error::DuplicateOrder { message } => IamportError::DuplicateOrder { message },
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
                message: other.to_string(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use iamport_subscribe::{Amount, PaymentStatus};

    fn kind(e: &IamportError) -> &'static str {
        match e {
            IamportError::InvalidRequest { .. } => "InvalidRequest",
            IamportError::Authentication { .. } => "Authentication",
            IamportError::NotFound { .. } => "NotFound",
            IamportError::CardDeclined { .. } => "CardDeclined",
            IamportError::DuplicateOrder { .. } => "DuplicateOrder",
            IamportError::Api { .. } => "Api",
            IamportError::Network { .. } => "Network",
            IamportError::Timeout { .. } => "Timeout",
            IamportError::OutcomeUnknown { .. } => "OutcomeUnknown",
        }
    }

    /// Every case keeps its fields and core's text.
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
                message: "dup".into(),
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
                merchant_uid: "o1".into(),
            },
        ];
        for core in cases {
            let ours = IamportError::from(core.clone());
            assert_eq!(ours.to_string(), core.to_string());
            assert_eq!(
                kind(&ours),
                core.kind().as_str(),
                "{core:?} became {ours:?}"
            );
        }
        let declined = IamportError::from(Error::CardDeclined {
            payment: Box::new(payment.clone()),
            fail_reason: Some("limit".into()),
        });
        assert!(matches!(declined, IamportError::CardDeclined { payment: p, .. } if *p == payment));
    }
}
