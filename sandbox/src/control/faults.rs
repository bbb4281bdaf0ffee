//! Fault injection: a seeded plan of rules that make API answers slow, wrong or missing, so
//! a client's retry and reconciliation logic can be tested over real HTTP.
//!
//! The decision is drawn under the state lock, together with the processing of the request,
//! so the order of draws is the order in which the sandbox handles requests.

use std::collections::BTreeMap;
use std::fmt;

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::wire::envelope::Reply;
use crate::wire::messages;
use crate::wire::routes::Route;

/// Body of a [`Fault::MalformedBody`] answer (sent with the usual JSON content type).
pub(crate) const MALFORMED_BODY: &str =
    "<html><body><h1>iamport-sandbox: malformed_body fault</h1></body></html>";

/// The route of `POST /users/getToken` as counted.
const GET_TOKEN: &str = "POST /users/getToken";

/// A list of fault rules plus the seed of the random draws that apply them.
///
/// JSON: `{"seed": 7, "rules": [{"route": "POST /subscribe/payments/again", "probability":
/// 0.5, "fault": {"type": "drop_after_commit"}}]}` (`seed` defaults to 0).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultPlan {
    /// Seed of the random number generator (`rand` `StdRng`); the same seed and the same
    /// sequence of requests give the same faults.
    #[serde(default)]
    pub seed: u64,
    /// Examined in order for every API request; the first matching rule whose draw hits
    /// decides the fault (at most one per request).
    pub rules: Vec<FaultRule>,
}

/// One rule of a [`FaultPlan`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultRule {
    /// A route as counted in `request_counts` (`"POST /subscribe/payments/again"`,
    /// `"GET /payments/{imp_uid}"`), or `"*"` for every API request.
    pub route: String,
    /// Chance (0.0–1.0) that a matching request gets the fault: 0 never, 1 always.
    pub probability: f64,
    /// What happens to the request.
    pub fault: Fault,
}

impl FaultRule {
    /// A rule for `route` (or `"*"`).
    pub fn new(route: impl Into<String>, probability: f64, fault: Fault) -> FaultRule {
        FaultRule {
            route: route.into(),
            probability,
            fault,
        }
    }
}

fn default_status() -> u16 {
    500
}

fn default_retry_after() -> u64 {
    1
}

/// What an injected fault does. JSON: `{"type": "<snake_case name>", ...fields}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Fault {
    /// Processed at once, answered normally `ms` milliseconds later.
    Latency {
        /// Extra delay of the answer, in milliseconds.
        ms: u64,
    },
    /// Not processed; answered with this 5xx status and `{"code": -1, "message": <reason>,
    /// "response": null}`.
    ServerError {
        /// 500–599 (default 500).
        #[serde(default = "default_status")]
        status: u16,
    },
    /// Not processed; answered HTTP 429 with a `Retry-After` header and `{"code": -1,
    /// "message": "Too Many Requests", "response": null}`.
    TooManyRequests {
        /// Value of the `Retry-After` header, in seconds (default 1).
        #[serde(default = "default_retry_after")]
        retry_after_secs: u64,
    },
    /// Processed normally, then answered HTTP 200 with a body that is not JSON.
    MalformedBody,
    /// Processed normally, then answered with the status and `Content-Length` of the whole
    /// answer (HTTP 200 for a success), but the connection is closed after about half of the
    /// body.
    TruncatedBody,
    /// Not processed; the connection is closed without an answer.
    DropBeforeCommit,
    /// Processed (a charge is committed), then the connection is closed without an answer.
    DropAfterCommit,
    /// Not processed; the access token is revoked and the request answered HTTP 401 as if
    /// it had expired. Never applies to `POST /users/getToken`.
    TokenExpired,
}

impl Fault {
    /// The `type` name: `latency`, `server_error`, `too_many_requests`, `malformed_body`,
    /// `truncated_body`, `drop_before_commit`, `drop_after_commit`, `token_expired`.
    pub fn name(&self) -> &'static str {
        match self {
            Fault::Latency { .. } => "latency",
            Fault::ServerError { .. } => "server_error",
            Fault::TooManyRequests { .. } => "too_many_requests",
            Fault::MalformedBody => "malformed_body",
            Fault::TruncatedBody => "truncated_body",
            Fault::DropBeforeCommit => "drop_before_commit",
            Fault::DropAfterCommit => "drop_after_commit",
            Fault::TokenExpired => "token_expired",
        }
    }

    /// Whether the request is processed (state may change) despite the fault.
    pub fn processes_request(&self) -> bool {
        matches!(
            self,
            Fault::Latency { .. }
                | Fault::MalformedBody
                | Fault::TruncatedBody
                | Fault::DropAfterCommit
        )
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The keys routes are counted under, e.g. `"POST /subscribe/payments/again"`.
fn known_routes() -> impl Iterator<Item = String> {
    Route::ALL.into_iter().map(Route::key)
}

impl FaultPlan {
    /// A plan with these rules.
    pub fn new(seed: u64, rules: Vec<FaultRule>) -> FaultPlan {
        FaultPlan { seed, rules }
    }

    /// Checks every rule: `route` is `"*"` or an emulated endpoint as counted
    /// (`"POST /subscribe/payments/again"`), `probability` is within 0.0–1.0, a
    /// `server_error` status is 500–599. The message names the first bad rule.
    ///
    /// `Sandbox::set_faults` does not require this (a rule naming no endpoint never
    /// matches, a probability above 1 always hits, a non-5xx status is answered as 500);
    /// `POST /__sandbox/faults` and the binary's `--faults` refuse a plan that fails it.
    pub fn validate(&self) -> Result<(), String> {
        for (i, rule) in self.rules.iter().enumerate() {
            if rule.route != "*" && !known_routes().any(|k| k == rule.route) {
                return Err(format!(
                    "rules[{i}].route: {:?} is not \"*\" nor an emulated endpoint such as \
                     \"POST /subscribe/payments/again\" or \"GET /payments/{{imp_uid}}\"",
                    rule.route
                ));
            }
            if !(rule.probability.is_finite() && (0.0..=1.0).contains(&rule.probability)) {
                return Err(format!(
                    "rules[{i}].probability: {} is not between 0.0 and 1.0",
                    rule.probability
                ));
            }
            if let Fault::ServerError { status } = rule.fault {
                if !(500..=599).contains(&status) {
                    return Err(format!(
                        "rules[{i}].fault.status: {status} is not between 500 and 599"
                    ));
                }
            }
        }
        Ok(())
    }
}

/// The plan in force, its random number generator and the count of faults applied.
pub(crate) struct Faults {
    plan: Option<FaultPlan>,
    rng: StdRng,
    pub counts: BTreeMap<String, u64>,
}

impl fmt::Debug for Faults {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Faults")
            .field("plan", &self.plan)
            .field("counts", &self.counts)
            .finish_non_exhaustive()
    }
}

impl Faults {
    pub fn new(plan: Option<FaultPlan>) -> Faults {
        let seed = plan.as_ref().map_or(0, |p| p.seed);
        Faults {
            plan,
            rng: StdRng::seed_from_u64(seed),
            counts: BTreeMap::new(),
        }
    }

    pub fn plan(&self) -> Option<&FaultPlan> {
        self.plan.as_ref()
    }

    /// A new plan: the draws restart from its seed and the counts from zero.
    pub fn set(&mut self, plan: FaultPlan) {
        *self = Faults::new(Some(plan));
    }

    /// No more faults (the counts stay readable).
    pub fn clear(&mut self) {
        self.plan = None;
    }

    /// Back to the start of the plan's sequence, counts cleared (sandbox reset).
    pub fn restart(&mut self) {
        *self = Faults::new(self.plan.take());
    }

    /// The fault for one request counted under `key`, if any (and counts it).
    pub fn draw(&mut self, key: &str) -> Option<Fault> {
        let plan = self.plan.as_ref()?;
        let mut hit = None;
        for rule in &plan.rules {
            if rule.route != "*" && rule.route != key {
                continue;
            }
            if rule.fault == Fault::TokenExpired && key == GET_TOKEN {
                continue;
            }
            let x: f64 = self.rng.random();
            if x < rule.probability {
                hit = Some(rule.fault);
                break;
            }
        }
        let fault = match hit? {
            Fault::ServerError { status } if !(500..=599).contains(&status) => {
                Fault::ServerError { status: 500 }
            }
            f => f,
        };
        *self.counts.entry(fault.name().to_owned()).or_insert(0) += 1;
        Some(fault)
    }
}

/// What is sent for one API request.
#[derive(Debug)]
pub(crate) enum Outgoing {
    /// A JSON envelope (normal answers and the error-answer faults).
    Envelope {
        reply: Reply,
        retry_after: Option<u64>,
    },
    /// HTTP 200 with [`MALFORMED_BODY`].
    Malformed,
    /// The answer's status, announcing `full.len()` bytes, closed after `cut` of them.
    Truncated {
        status: StatusCode,
        full: Vec<u8>,
        cut: usize,
    },
    /// No answer at all.
    Drop,
}

impl Outgoing {
    /// The answer for a request that got `fault` (`None`: no fault). `processed` is the
    /// answer the API computed, `None` when the fault kept the request from being processed.
    pub fn new(fault: Option<Fault>, processed: Option<Reply>) -> Outgoing {
        let reply = || processed.unwrap_or_else(|| Reply::error(500, -1, "no answer computed"));
        match fault {
            None | Some(Fault::Latency { .. }) => Outgoing::Envelope {
                reply: reply(),
                retry_after: None,
            },
            Some(Fault::ServerError { status }) => {
                let reason = StatusCode::from_u16(status)
                    .ok()
                    .and_then(|s| s.canonical_reason())
                    .unwrap_or("Server Error");
                Outgoing::Envelope {
                    reply: Reply::error(status, -1, reason),
                    retry_after: None,
                }
            }
            Some(Fault::TooManyRequests { retry_after_secs }) => Outgoing::Envelope {
                reply: Reply::error(429, -1, "Too Many Requests"),
                retry_after: Some(retry_after_secs),
            },
            Some(Fault::TokenExpired) => Outgoing::Envelope {
                reply: messages::unauthorized(),
                retry_after: None,
            },
            Some(Fault::MalformedBody) => Outgoing::Malformed,
            Some(Fault::TruncatedBody) => {
                let reply = reply();
                let full = envelope_bytes(&reply.body);
                let text = String::from_utf8_lossy(&full);
                // About half, on a character boundary so the log can show it as text.
                let mut cut = (full.len() / 2).max(1);
                while cut > 1 && !text.is_char_boundary(cut) {
                    cut -= 1;
                }
                Outgoing::Truncated {
                    status: reply.status,
                    full,
                    cut,
                }
            }
            Some(Fault::DropBeforeCommit | Fault::DropAfterCommit) => Outgoing::Drop,
        }
    }

    /// Status and body as recorded in the exchange log: what was sent (a malformed or
    /// truncated body as a JSON string; status 0 and `null` when nothing was sent).
    pub fn recorded(&self) -> (u16, Value) {
        match self {
            Outgoing::Envelope { reply, .. } => (reply.status.as_u16(), reply.body.clone()),
            Outgoing::Malformed => (200, Value::String(MALFORMED_BODY.to_owned())),
            Outgoing::Truncated { status, full, cut } => (
                status.as_u16(),
                Value::String(String::from_utf8_lossy(full.get(..*cut).unwrap_or(&[])).into()),
            ),
            Outgoing::Drop => (0, Value::Null),
        }
    }

    pub fn into_response(self) -> Response {
        match self {
            Outgoing::Envelope { reply, retry_after } => {
                let mut resp = json_response(reply.status, envelope_bytes(&reply.body));
                if let Some(secs) = retry_after {
                    resp.headers_mut()
                        .insert(header::RETRY_AFTER, HeaderValue::from(secs));
                }
                resp
            }
            Outgoing::Malformed => {
                json_response(StatusCode::OK, MALFORMED_BODY.as_bytes().to_vec())
            }
            Outgoing::Truncated {
                status,
                mut full,
                cut,
            } => {
                let len = full.len();
                full.truncate(cut);
                let prefix = Bytes::from(full);
                // The prefix, then (after a pause that lets hyper flush it) an error: hyper
                // aborts the connection short of the announced length.
                let stream = futures_util::stream::iter([Ok::<_, std::io::Error>(prefix)]).chain(
                    futures_util::stream::once(async {
                        tokio::task::yield_now().await;
                        Err(std::io::Error::other("truncated_body fault"))
                    }),
                );
                let mut resp = json_response(status, Vec::new());
                *resp.body_mut() = Body::from_stream(stream);
                resp.headers_mut()
                    .insert(header::CONTENT_LENGTH, HeaderValue::from(len));
                resp
            }
            Outgoing::Drop => {
                // A body whose first poll fails: hyper closes the connection before the
                // buffered status line and headers are flushed.
                let stream = futures_util::stream::once(async {
                    Err::<Bytes, _>(std::io::Error::other("dropped connection fault"))
                });
                (StatusCode::OK, Body::from_stream(stream)).into_response()
            }
        }
    }
}

fn envelope_bytes(body: &Value) -> Vec<u8> {
    serde_json::to_vec(body).unwrap_or_else(|_| b"{}".to_vec())
}

fn json_response(status: StatusCode, bytes: Vec<u8>) -> Response {
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=UTF-8"),
        )],
        bytes,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn json_shape() {
        let plan: FaultPlan = serde_json::from_str(
            r#"{"seed": 7, "rules": [
                {"route": "*", "probability": 0.25, "fault": {"type": "latency", "ms": 50}},
                {"route": "POST /subscribe/payments/again", "probability": 1,
                 "fault": {"type": "drop_after_commit"}},
                {"route": "*", "probability": 0, "fault": {"type": "server_error"}},
                {"route": "*", "probability": 0, "fault": {"type": "too_many_requests"}}
            ]}"#,
        )
        .unwrap();
        assert_eq!(plan.seed, 7);
        assert_eq!(plan.rules[0].fault, Fault::Latency { ms: 50 });
        assert_eq!(plan.rules[1].fault, Fault::DropAfterCommit);
        assert_eq!(plan.rules[2].fault, Fault::ServerError { status: 500 });
        assert_eq!(
            plan.rules[3].fault,
            Fault::TooManyRequests {
                retry_after_secs: 1
            }
        );
        plan.validate().unwrap();
        let back = serde_json::to_value(&plan).unwrap();
        assert_eq!(
            back["rules"][1]["fault"],
            serde_json::json!({"type": "drop_after_commit"})
        );
        assert_eq!(
            back["rules"][0]["fault"],
            serde_json::json!({"type": "latency", "ms": 50})
        );
        assert_eq!(serde_json::from_value::<FaultPlan>(back).unwrap(), plan);
        let no_seed: FaultPlan = serde_json::from_str(r#"{"rules": []}"#).unwrap();
        assert_eq!(no_seed, FaultPlan::default());
    }

    #[test]
    fn refused_plans() {
        for bad in [
            r#"{"rules": [{"route": "*", "probability": 1, "fault": {"type": "nope"}}]}"#,
            r#"{"rules": [{"route": "*", "probability": 1, "fault": {"type": "latency"}}]}"#,
            r#"{"rules": [{"route": "*", "probability": 1}]}"#,
            r#"{"rules": [{"route": "*", "probabilty": 1, "fault": {"type": "token_expired"}}]}"#,
            r#"{"rules": [{"route": "*", "probability": 1, "fault": {"type": "latency", "ms": 1, "x": 2}}]}"#,
            r#"{"seed": -1, "rules": []}"#,
            r#"{"seed": 1}"#,
            r#"[]"#,
        ] {
            assert!(serde_json::from_str::<FaultPlan>(bad).is_err(), "{bad}");
        }
        for (rule, field) in [
            (
                FaultRule::new("POST /nope", 1.0, Fault::TokenExpired),
                "route",
            ),
            (FaultRule::new("", 1.0, Fault::TokenExpired), "route"),
            (FaultRule::new("*", 1.5, Fault::TokenExpired), "probability"),
            (
                FaultRule::new("*", -0.1, Fault::TokenExpired),
                "probability",
            ),
            (
                FaultRule::new("*", f64::NAN, Fault::TokenExpired),
                "probability",
            ),
            (
                FaultRule::new("*", 1.0, Fault::ServerError { status: 404 }),
                "status",
            ),
        ] {
            let err = FaultPlan::new(0, vec![rule]).validate().unwrap_err();
            assert!(err.starts_with("rules[0].") && err.contains(field), "{err}");
        }
    }

    #[test]
    fn draws_follow_the_seed_and_the_rules() {
        let plan = FaultPlan::new(
            42,
            vec![
                FaultRule::new("POST /users/getToken", 1.0, Fault::TokenExpired),
                FaultRule::new("GET /payments/{imp_uid}", 0.5, Fault::MalformedBody),
                FaultRule::new("*", 0.0, Fault::DropBeforeCommit),
            ],
        );
        let run = || {
            let mut f = Faults::new(Some(plan.clone()));
            let seq: Vec<Option<Fault>> =
                (0..64).map(|_| f.draw("GET /payments/{imp_uid}")).collect();
            (seq, f.counts)
        };
        let (a, counts) = run();
        assert_eq!(a, run().0);
        let hits = a.iter().filter(|x| x.is_some()).count();
        assert!(hits > 0 && hits < 64, "{hits}");
        assert_eq!(counts["malformed_body"], hits as u64);
        // token_expired never applies to getToken; the 0-probability rule never hits.
        let mut f = Faults::new(Some(plan));
        assert!((0..64).all(|_| f.draw(GET_TOKEN).is_none()));
        assert!(f.counts.is_empty());
        let mut none = Faults::new(None);
        assert_eq!(none.draw("GET /payments/{imp_uid}"), None);
    }

    #[test]
    fn out_of_range_values_are_tolerated() {
        let mut f = Faults::new(Some(FaultPlan::new(
            1,
            vec![FaultRule::new("*", 2.0, Fault::ServerError { status: 200 })],
        )));
        assert_eq!(f.draw("GET x"), Some(Fault::ServerError { status: 500 }));
        let mut f = Faults::new(Some(FaultPlan::new(
            1,
            vec![FaultRule::new("*", f64::NAN, Fault::MalformedBody)],
        )));
        assert_eq!(f.draw("GET x"), None);
    }
}
