//! The answer envelope `{"code", "message", "response"}` with its HTTP status, and the paged
//! object `{total, previous, next, list}`.

use axum::http::StatusCode;
use serde_json::{Value, json};

/// An answer: HTTP status plus envelope.
#[derive(Debug)]
pub(crate) struct Reply {
    pub status: StatusCode,
    pub body: Value,
}

impl Reply {
    pub fn ok(response: Value) -> Reply {
        Reply::ok_with(200, response)
    }

    /// Success with another 2xx status (207 for partly resolved multi-lookups).
    pub fn ok_with(status: u16, response: Value) -> Reply {
        Reply {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
            body: json!({"code": 0, "message": null, "response": response}),
        }
    }

    pub fn error(status: u16, code: i64, message: impl Into<String>) -> Reply {
        Reply {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            body: json!({"code": code, "message": message.into(), "response": null}),
        }
    }

    /// Business failure: HTTP 200 with a non-zero code, as the live API reports most errors.
    pub fn fail(code: i64, message: impl Into<String>) -> Reply {
        Reply::error(200, code, message)
    }

    /// The same failure with another HTTP status.
    pub fn with_status(mut self, status: u16) -> Reply {
        self.status = StatusCode::from_u16(status).unwrap_or(self.status);
        self
    }
}

/// The `response` of a success, or the failure.
pub(crate) type Res = Result<Value, Reply>;

/// `{total, previous, next, list}` of page `page` (1-based); `previous`/`next` are 0 when none.
pub(crate) fn paged<T>(items: &[T], page: u64, limit: u64, to_json: impl Fn(&T) -> Value) -> Value {
    let total = items.len() as u64;
    let start = (page - 1).saturating_mul(limit);
    let list: Vec<Value> = items
        .iter()
        .skip(usize::try_from(start).unwrap_or(usize::MAX))
        .take(usize::try_from(limit).unwrap_or(usize::MAX))
        .map(to_json)
        .collect();
    let next = if page.saturating_mul(limit) < total {
        page + 1
    } else {
        0
    };
    json!({"total": total, "previous": page - 1, "next": next, "list": list})
}
