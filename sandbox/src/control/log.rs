//! The record of API requests: a count per route and the most recent answers.

use std::collections::{BTreeMap, VecDeque};

/// Most recent API answers kept by the exchange log.
pub(crate) const EXCHANGE_CAP: usize = 20_000;

/// One API answer as recorded by the sandbox.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Exchange {
    /// HTTP method of the request.
    pub method: String,
    /// Route template, as used as key of `Sandbox::request_counts` (without the method).
    pub route: String,
    /// Request path (after trailing-slash normalisation), without the query.
    pub path: String,
    /// HTTP status of the answer; 0 when the connection was dropped without one.
    pub status: u16,
    /// JSON body of the answer. Under a fault: what was sent, i.e. the error envelope, or a
    /// malformed or truncated body as a JSON string; `null` (with `status` 0) when the
    /// connection was dropped without an answer.
    pub body: serde_json::Value,
    /// The injected fault's type name (`"drop_after_commit"`, ...); `None` (and absent from
    /// the JSON) for a normal answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fault: Option<String>,
}

#[derive(Debug, Default)]
pub(crate) struct RequestLog {
    pub counts: BTreeMap<String, u64>,
    pub total: u64,
    pub exchanges: VecDeque<Exchange>,
}

impl RequestLog {
    pub fn record(&mut self, key: String, exchange: Exchange) {
        *self.counts.entry(key).or_insert(0) += 1;
        self.total += 1;
        if self.exchanges.len() >= EXCHANGE_CAP {
            self.exchanges.pop_front();
        }
        self.exchanges.push_back(exchange);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use serde_json::Value;

    #[test]
    fn exchange_log_keeps_the_most_recent() {
        let mut log = RequestLog::default();
        for i in 0..EXCHANGE_CAP + 5 {
            log.record(
                "GET /x".to_owned(),
                Exchange {
                    method: "GET".into(),
                    route: "/x".into(),
                    path: format!("/x/{i}"),
                    status: 200,
                    body: Value::Null,
                    fault: None,
                },
            );
        }
        assert_eq!(log.exchanges.len(), EXCHANGE_CAP);
        assert_eq!(log.exchanges.front().unwrap().path, "/x/5");
        assert_eq!(log.total, (EXCHANGE_CAP + 5) as u64);
        assert_eq!(log.counts["GET /x"], (EXCHANGE_CAP + 5) as u64);
    }
}
