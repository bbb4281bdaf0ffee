//! Fault injection: every fault type over real HTTP, the seeded draws, route matching, the
//! inspection API and the binary's `--faults`.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use iamport_sandbox::{Fault, FaultPlan, FaultRule};
use reqwest::Response;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::common::{Api, CARD, DUPLICATE, assert_fail, client, ok};

const AGAIN: &str = "POST /subscribe/payments/again";
const FIND: &str = "GET /payments/find/{merchant_uid}";

fn plan(route: &str, probability: f64, fault: Fault) -> FaultPlan {
    FaultPlan::new(0, vec![FaultRule::new(route, probability, fault)])
}

fn counts(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect()
}

impl Api {
    /// `again` without any checks: the raw outcome of `send()`.
    async fn again_raw(&self, customer_uid: &str, merchant_uid: &str) -> reqwest::Result<Response> {
        self.http
            .post(self.url("/subscribe/payments/again"))
            .bearer_auth(&self.token)
            .json(&json!({"customer_uid": customer_uid, "merchant_uid": merchant_uid, "amount": 9900}))
            .send()
            .await
    }

    async fn find_raw(&self, merchant_uid: &str) -> reqwest::Result<Response> {
        self.http
            .get(self.url(&format!("/payments/find/{merchant_uid}")))
            .bearer_auth(&self.token)
            .send()
            .await
    }

    /// A billing key `cu` ready to be charged.
    async fn with_key() -> Api {
        let api = Api::start().await;
        ok(&api.issue("cu", CARD).await);
        api
    }
}

/// The `std::io::Error` kinds in the source chain of `err`.
fn io_kinds(err: &reqwest::Error) -> Vec<std::io::ErrorKind> {
    let mut kinds = Vec::new();
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            kinds.push(io.kind());
        }
        source = s.source();
    }
    kinds
}

/// Whether `err` comes from a JSON parse error.
fn is_json_error(err: &reqwest::Error) -> bool {
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        if s.is::<serde_json::Error>() {
            return true;
        }
        source = s.source();
    }
    false
}

/// A connection closed without an answer: `send()` fails with a request error.
fn assert_no_answer(outcome: reqwest::Result<Response>) {
    let err = match outcome {
        Ok(resp) => panic!("expected no answer, got HTTP {}", resp.status()),
        Err(err) => err,
    };
    println!("no answer: {err:?}");
    assert!(err.is_request(), "{err:?}");
    assert!(
        !err.is_status()
            && !err.is_timeout()
            && !err.is_connect()
            && !err.is_body()
            && !err.is_decode(),
        "{err:?}"
    );
}

#[tokio::test]
async fn drop_after_commit_leaves_a_paid_payment() {
    let api = Api::with_key().await;
    api.sb.set_faults(plan(AGAIN, 1.0, Fault::DropAfterCommit));

    assert_no_answer(api.again_raw("cu", "dac-1").await);

    // The charge was committed although the client never heard of it.
    let ledger = api.ledger_for("dac-1");
    assert_eq!(ledger.len(), 1);
    assert_eq!(ledger[0]["status"], "paid");
    assert_eq!(api.sb.request_counts()[AGAIN], 1);
    assert_eq!(api.sb.fault_counts(), counts(&[("drop_after_commit", 1)]));
    let last = api.sb.exchanges().pop().unwrap();
    assert_eq!(
        (
            last.route.as_str(),
            last.status,
            &last.body,
            last.fault.as_deref()
        ),
        (
            "/subscribe/payments/again",
            0,
            &Value::Null,
            Some("drop_after_commit")
        )
    );

    // Reconciliation over the same client (the dropped connection is not reused).
    let (status, body) = api.get("/payments/find/dac-1").await;
    assert_eq!(status, 200);
    assert_eq!(ok(&body)["status"], "paid");
    assert_eq!(ok(&body)["imp_uid"], ledger[0]["imp_uid"]);
    api.sb.clear_faults();
    let body = api.again("cu", "dac-1", 9900).await;
    assert_fail(&body, 1, DUPLICATE);
    assert_eq!(api.ledger_for("dac-1").len(), 1);
}

#[tokio::test]
async fn drop_before_commit_leaves_nothing() {
    let api = Api::with_key().await;
    api.sb.set_faults(plan(AGAIN, 1.0, Fault::DropBeforeCommit));

    assert_no_answer(api.again_raw("cu", "dbc-1").await);

    assert!(api.ledger_for("dbc-1").is_empty());
    assert_eq!(api.sb.request_counts()[AGAIN], 1);
    assert_eq!(api.sb.fault_counts(), counts(&[("drop_before_commit", 1)]));
    let last = api.sb.exchanges().pop().unwrap();
    assert_eq!(
        (last.status, last.fault.as_deref()),
        (0, Some("drop_before_commit"))
    );
    let (status, body) = api.get("/payments/find/dbc-1").await;
    assert_eq!(status, 404, "{body}");

    api.sb.clear_faults();
    let body = api.again("cu", "dbc-1", 9900).await;
    assert_eq!(ok(&body)["status"], "paid");
}

#[tokio::test]
async fn truncated_body_is_a_body_error() {
    let api = Api::with_key().await;
    api.sb.set_faults(plan(AGAIN, 1.0, Fault::TruncatedBody));

    // An HTTP answer arrives (status and headers), its body cannot be read.
    let resp = api.again_raw("cu", "tr-1").await.unwrap();
    assert_eq!(resp.status(), 200);
    let declared: usize = resp.headers()["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(declared > 100, "{declared}");
    // reqwest 0.13 reports a failed body read as a decode error (`is_decode`, not
    // `is_body`), caused by an unexpected EOF rather than by a JSON error.
    let err = resp.bytes().await.unwrap_err();
    assert!(
        err.is_decode() && !err.is_body() && !err.is_request(),
        "{err:?}"
    );
    assert_eq!(
        io_kinds(&err),
        [std::io::ErrorKind::UnexpectedEof],
        "{err:?}"
    );
    assert!(!is_json_error(&err), "{err:?}");
    let ledger = api.ledger_for("tr-1");
    assert_eq!(ledger.len(), 1);
    assert_eq!(ledger[0]["status"], "paid");

    // `.json()` reports the same read error (not a parse error of a short JSON).
    let resp = api.again_raw("cu", "tr-2").await.unwrap();
    let err = resp.json::<Value>().await.unwrap_err();
    assert!(err.is_decode(), "{err:?}");
    assert_eq!(
        io_kinds(&err),
        [std::io::ErrorKind::UnexpectedEof],
        "{err:?}"
    );
    assert!(!is_json_error(&err), "{err:?}");
    assert_eq!(api.ledger_for("tr-2").len(), 1);

    // The log holds what was sent: the first part of the envelope.
    let last = api.sb.exchanges().pop().unwrap();
    assert_eq!(last.fault.as_deref(), Some("truncated_body"));
    let sent = last.body.as_str().unwrap();
    assert!(sent.starts_with("{\"code\":0,"), "{sent}");
    assert!(sent.len() < declared && serde_json::from_str::<Value>(sent).is_err());

    // On the wire: fewer bytes than the declared Content-Length, then the connection closes.
    let mut tcp = tokio::net::TcpStream::connect(api.sb.local_addr())
        .await
        .unwrap();
    let request = format!(
        "GET /payments/find/tr-1 HTTP/1.1\r\nHost: sandbox\r\nAuthorization: Bearer {}\r\n\r\n",
        api.token
    );
    api.sb.set_faults(plan(FIND, 1.0, Fault::TruncatedBody));
    tcp.write_all(request.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    let mut buf = [0u8; 4096];
    // Until EOF (or a reset): the server closes the connection itself.
    while let Ok(n) = tcp.read(&mut buf).await {
        if n == 0 {
            break;
        }
        raw.extend_from_slice(&buf[..n]);
    }
    let text = String::from_utf8_lossy(&raw);
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200 OK"), "{head}");
    let length: usize = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length: ")
                .map(str::to_owned)
        })
        .unwrap()
        .parse()
        .unwrap();
    let body_len = raw.len() - head.len() - 4;
    assert!(
        body_len > 0 && body_len < length,
        "{body_len} of {length}: {body}"
    );
    assert!(body.starts_with("{\"code\":0,"), "{body}");
}

#[tokio::test]
async fn malformed_body_is_processed() {
    let api = Api::start().await;
    api.sb.set_faults(plan(
        "POST /subscribe/payments/onetime",
        1.0,
        Fault::MalformedBody,
    ));
    let resp = api
        .http
        .post(api.url("/subscribe/payments/onetime"))
        .bearer_auth(&api.token)
        .json(&json!({"merchant_uid": "mal-1", "amount": 1000, "card_number": CARD, "expiry": "2099-12"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.headers()["content-type"],
        "application/json; charset=UTF-8"
    );
    let text = resp.text().await.unwrap();
    assert!(serde_json::from_str::<Value>(&text).is_err(), "{text}");
    assert!(text.starts_with("<html>"), "{text}");
    // Processed: the payment exists.
    assert_eq!(api.ledger_for("mal-1")[0]["status"], "paid");

    // Through `.json()` it is a decode error.
    let err = api
        .http
        .post(api.url("/subscribe/payments/onetime"))
        .bearer_auth(&api.token)
        .json(&json!({"merchant_uid": "mal-2", "amount": 1000, "card_number": CARD, "expiry": "2099-12"}))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap_err();
    assert!(err.is_decode() && is_json_error(&err), "{err:?}");
    assert!(io_kinds(&err).is_empty(), "{err:?}");
    assert_eq!(api.ledger_for("mal-2").len(), 1);
    let last = api.sb.exchanges().pop().unwrap();
    assert_eq!(
        (last.status, last.body.as_str(), last.fault.as_deref()),
        (200, Some(text.as_str()), Some("malformed_body"))
    );
}

#[tokio::test]
async fn server_error_and_too_many_requests_process_nothing() {
    let api = Api::with_key().await;
    api.sb
        .set_faults(plan(AGAIN, 1.0, Fault::ServerError { status: 503 }));
    let (status, body) = api
        .post(
            "/subscribe/payments/again",
            &json!({"customer_uid": "cu", "merchant_uid": "se-1", "amount": 9900}),
        )
        .await;
    assert_eq!(status, 503);
    assert_fail(&body, -1, "Service Unavailable");
    assert!(api.ledger_for("se-1").is_empty());

    api.sb.set_faults(plan(
        AGAIN,
        1.0,
        Fault::TooManyRequests {
            retry_after_secs: 7,
        },
    ));
    let resp = api.again_raw("cu", "se-1").await.unwrap();
    assert_eq!(resp.status(), 429);
    assert_eq!(resp.headers()["retry-after"], "7");
    assert_eq!(
        resp.headers()["content-type"],
        "application/json; charset=UTF-8"
    );
    let body: Value = resp.json().await.unwrap();
    assert_fail(&body, -1, "Too Many Requests");
    assert!(api.ledger_for("se-1").is_empty());
    // set_faults started new counts; every faulted request was still counted.
    assert_eq!(api.sb.fault_counts(), counts(&[("too_many_requests", 1)]));
    assert_eq!(api.sb.request_counts()[AGAIN], 2);
    let statuses: Vec<(u16, Option<String>)> = api
        .sb
        .exchanges()
        .into_iter()
        .skip(2)
        .map(|e| (e.status, e.fault))
        .collect();
    assert_eq!(
        statuses,
        [
            (503, Some("server_error".into())),
            (429, Some("too_many_requests".into()))
        ]
    );

    api.sb.clear_faults();
    assert_eq!(ok(&api.again("cu", "se-1", 9900).await)["status"], "paid");
}

#[tokio::test]
async fn token_expired_revokes_the_token() {
    let mut api = Api::with_key().await;
    let old = api.token.clone();
    api.sb.set_faults(plan("*", 1.0, Fault::TokenExpired));

    let (status, body) = api
        .post(
            "/subscribe/payments/again",
            &json!({"customer_uid": "cu", "merchant_uid": "te-1", "amount": 9900}),
        )
        .await;
    assert_eq!(status, 401);
    assert_fail(&body, -1, "Unauthorized");
    assert!(api.ledger_for("te-1").is_empty());

    // getToken is never given this fault: a fresh token comes at once.
    api.refresh_token().await;
    assert_ne!(api.token, old);
    assert_eq!(api.sb.fault_counts(), counts(&[("token_expired", 1)]));

    api.sb.clear_faults();
    let (status, _) = api
        .send(
            api.http
                .get(api.url("/payments/find/te-1"))
                .bearer_auth(&old),
        )
        .await;
    assert_eq!(status, 401, "the old token was revoked");
    assert_eq!(ok(&api.again("cu", "te-1", 9900).await)["status"], "paid");
}

#[tokio::test]
async fn latency_delays_the_answer() {
    let api = Api::with_key().await;
    api.sb
        .set_faults(plan(AGAIN, 1.0, Fault::Latency { ms: 300 }));
    let started = Instant::now();
    let body = api.again("cu", "lat-1", 9900).await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(ok(&body)["status"], "paid");
    assert_eq!(
        api.sb.exchanges().pop().unwrap().fault.as_deref(),
        Some("latency")
    );

    // A client timeout shorter than the latency is a timeout error.
    api.sb
        .set_faults(plan(FIND, 1.0, Fault::Latency { ms: 60_000 }));
    let err = api
        .http
        .get(api.url("/payments/find/lat-1"))
        .bearer_auth(&api.token)
        .timeout(Duration::from_millis(200))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    // Other routes are not delayed.
    let (status, _) = api.get("/subscribe/customers/cu").await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn probability_zero_never_one_always() {
    let api = Api::start().await;
    api.sb
        .set_faults(plan("*", 0.0, Fault::ServerError { status: 500 }));
    for _ in 0..30 {
        let (status, _) = api.get("/payments/find/none").await;
        assert_eq!(status, 404);
    }
    assert!(api.sb.fault_counts().is_empty());

    api.sb
        .set_faults(plan("*", 1.0, Fault::ServerError { status: 500 }));
    for _ in 0..30 {
        let (status, body) = api.get("/payments/find/none").await;
        assert_eq!(status, 500);
        assert_fail(&body, -1, "Internal Server Error");
    }
    assert_eq!(api.sb.fault_counts(), counts(&[("server_error", 30)]));
    assert_eq!(api.sb.request_counts()[FIND], 60);
}

/// The statuses of `n` sequential `find` requests.
async fn statuses(api: &Api, n: usize) -> Vec<u16> {
    let mut out = Vec::new();
    for _ in 0..n {
        out.push(api.get("/payments/find/none").await.0);
    }
    out
}

#[tokio::test]
async fn the_same_seed_gives_the_same_faults() {
    let seeded = |seed| {
        FaultPlan::new(
            seed,
            vec![
                FaultRule::new(FIND, 0.3, Fault::ServerError { status: 502 }),
                FaultRule::new(
                    "*",
                    0.3,
                    Fault::TooManyRequests {
                        retry_after_secs: 1,
                    },
                ),
            ],
        )
    };
    let (a, b, c) = (Api::start().await, Api::start().await, Api::start().await);
    a.sb.set_faults(seeded(5));
    b.sb.set_faults(seeded(5));
    c.sb.set_faults(seeded(6));
    let first = statuses(&a, 60).await;
    assert_eq!(first, statuses(&b, 60).await);
    for s in [404, 502, 429] {
        assert!(first.contains(&s), "{s} in {first:?}");
    }
    assert_eq!(a.sb.fault_counts(), b.sb.fault_counts());
    let total: u64 = a.sb.fault_counts().values().sum();
    assert_eq!(total, first.iter().filter(|s| **s != 404).count() as u64);
    assert_ne!(first, statuses(&c, 60).await);

    // set_faults restarts the sequence from the seed.
    a.sb.set_faults(seeded(5));
    assert_eq!(statuses(&a, 60).await, first);
    // So does reset (which also forgets the token: unfaulted answers are 401 now).
    b.sb.reset();
    let after_reset: Vec<u16> = statuses(&b, 60)
        .await
        .into_iter()
        .map(|s| if s == 401 { 404 } else { s })
        .collect();
    assert_eq!(after_reset, first);
    assert_eq!(a.sb.fault_counts(), b.sb.fault_counts());
}

#[tokio::test]
async fn star_matches_every_route_a_route_only_itself() {
    let api = Api::with_key().await;
    api.sb
        .set_faults(plan(AGAIN, 1.0, Fault::ServerError { status: 500 }));
    assert_eq!(api.get("/payments/find/x").await.0, 404);
    assert_eq!(api.get("/subscribe/customers/cu").await.0, 200);
    assert_eq!(ok(&api.onetime("st-1", CARD, 1000).await)["status"], "paid");
    let (status, _) = api
        .post(
            "/subscribe/payments/again",
            &json!({"customer_uid": "cu", "merchant_uid": "st-2", "amount": 9900}),
        )
        .await;
    assert_eq!(status, 500);

    api.sb
        .set_faults(plan("*", 1.0, Fault::ServerError { status: 500 }));
    let (status, _) = api
        .send(
            api.http
                .post(api.url("/users/getToken"))
                .json(&json!({"imp_key": api.sb.imp_key(), "imp_secret": api.sb.imp_secret()})),
        )
        .await;
    assert_eq!(status, 500);
    assert_eq!(api.get("/subscribe/customers/cu").await.0, 500);
    assert_eq!(api.get("/no/such/api").await.0, 500);
    assert_eq!(api.sb.fault_counts(), counts(&[("server_error", 3)]));

    // The first matching rule whose draw hits wins.
    api.sb.set_faults(FaultPlan::new(
        0,
        vec![
            FaultRule::new(
                AGAIN,
                1.0,
                Fault::TooManyRequests {
                    retry_after_secs: 2,
                },
            ),
            FaultRule::new("*", 1.0, Fault::ServerError { status: 504 }),
        ],
    ));
    assert_eq!(api.again_raw("cu", "st-3").await.unwrap().status(), 429);
    assert_eq!(api.get("/payments/find/x").await.0, 504);
    // Inspection endpoints are never faulted.
    let resp = client()
        .get(api.url("/__sandbox/requests"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
}

#[tokio::test]
async fn clear_faults_restores_normal_answers() {
    let api = Api::with_key().await;
    api.sb.set_faults(plan("*", 1.0, Fault::DropBeforeCommit));
    assert_no_answer(api.find_raw("x").await);
    assert_eq!(
        api.sb.fault_plan(),
        Some(plan("*", 1.0, Fault::DropBeforeCommit))
    );
    api.sb.clear_faults();
    assert_eq!(api.sb.fault_plan(), None);
    assert_eq!(api.get("/payments/find/x").await.0, 404);
    assert_eq!(ok(&api.again("cu", "cl-1", 9900).await)["status"], "paid");
    // The counts of the cleared plan stay readable.
    assert_eq!(api.sb.fault_counts(), counts(&[("drop_before_commit", 1)]));
    let last = api.sb.exchanges().pop().unwrap();
    assert_eq!(last.fault, None);
    // No fault: no "fault" key in the JSON of the exchange.
    let json = serde_json::to_value(&last).unwrap();
    assert_eq!(
        json.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["body", "method", "path", "route", "status"]
    );
}

#[tokio::test]
async fn http_inspection_of_faults() {
    let api = Api::with_key().await;
    let http = client();
    let url = api.url("/__sandbox/faults");
    let plan_json = json!({"seed": 3, "rules": [
        {"route": "POST /subscribe/payments/again", "probability": 1.0,
         "fault": {"type": "drop_after_commit"}},
        {"route": "*", "probability": 0.0, "fault": {"type": "latency", "ms": 50}}
    ]});
    let resp = http.post(&url).json(&plan_json).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.json::<Value>().await.unwrap(), json!({"ok": true}));
    assert_no_answer(api.again_raw("cu", "in-1").await);
    let got: Value = http.get(&url).send().await.unwrap().json().await.unwrap();
    assert_eq!(
        got,
        json!({"plan": plan_json, "counts": {"drop_after_commit": 1}})
    );

    // The exchange log over HTTP marks the faulted answer.
    let log: Value = http
        .get(api.url("/__sandbox/exchanges"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let last = log.as_array().unwrap().last().unwrap();
    assert_eq!(
        last,
        &json!({"method": "POST", "route": "/subscribe/payments/again",
                "path": "/subscribe/payments/again", "status": 0, "body": null,
                "fault": "drop_after_commit"})
    );

    for bad in [
        json!({"rules": [{"route": "*", "probability": 1.5, "fault": {"type": "token_expired"}}]}),
        json!({"rules": [{"route": "POST /nope", "probability": 1, "fault": {"type": "token_expired"}}]}),
        json!({"rules": [{"route": "*", "probability": 1, "fault": {"type": "explode"}}]}),
        json!({"rules": [{"route": "*", "probability": 1, "fault": {"type": "server_error", "status": 404}}]}),
        json!({"rules": [{"route": "*", "probability": 1, "fault": {"type": "latency"}}]}),
        json!({"seed": 1}),
        json!([]),
    ] {
        let resp = http.post(&url).json(&bad).send().await.unwrap();
        assert_eq!(resp.status(), 400, "{bad}");
        let body: Value = resp.json().await.unwrap();
        assert_eq!(body["ok"], false);
        assert!(
            body["error"]
                .as_str()
                .unwrap()
                .starts_with("invalid fault plan"),
            "{body}"
        );
    }
    let resp = http.post(&url).body("not json").send().await.unwrap();
    assert_eq!(resp.status(), 400);
    // Nothing changed by the refused plans.
    let got: Value = http.get(&url).send().await.unwrap().json().await.unwrap();
    assert_eq!(got["plan"], plan_json);

    let resp = http.delete(&url).send().await.unwrap();
    assert_eq!(resp.json::<Value>().await.unwrap(), json!({"ok": true}));
    let got: Value = http.get(&url).send().await.unwrap().json().await.unwrap();
    assert_eq!(
        got,
        json!({"plan": null, "counts": {"drop_after_commit": 1}})
    );
    assert_eq!(ok(&api.again("cu", "in-2", 9900).await)["status"], "paid");
    // Inspection requests are not counted.
    assert_eq!(api.sb.request_counts()[AGAIN], 2);
}

/// The binary with a plan file (`--faults`) or a bad one (`IAMPORT_SANDBOX_FAULTS`).
#[tokio::test]
async fn binary_starts_with_a_fault_plan() {
    let dir = std::env::temp_dir();
    let unique = format!(
        "{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    );
    let good = dir.join(format!("iamport-sandbox-faults-{unique}.json"));
    let bad = dir.join(format!("iamport-sandbox-faults-bad-{unique}.json"));
    std::fs::write(
        &good,
        json!({"seed": 1, "rules": [{"route": "POST /users/getToken", "probability": 1,
               "fault": {"type": "server_error", "status": 502}}]})
        .to_string(),
    )
    .unwrap();
    std::fs::write(
        &bad,
        r#"{"rules": [{"route": "*", "probability": 2, "fault": {"type": "token_expired"}}]}"#,
    )
    .unwrap();
    let binary = || {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_iamport-sandbox"));
        cmd.args(["--port", "0"])
            .env_remove("IAMPORT_SANDBOX_PORT")
            .env_remove("IAMPORT_SANDBOX_IMP_KEY")
            .env_remove("IAMPORT_SANDBOX_IMP_SECRET")
            .env_remove("IAMPORT_SANDBOX_FAULTS");
        cmd
    };

    let refused = binary()
        .env("IAMPORT_SANDBOX_FAULTS", &bad)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(refused.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("rules[0].probability"), "{stderr}");

    let mut child = binary()
        .arg("--faults")
        .arg(&good)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let line = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        line
    })
    .await
    .unwrap();
    let result = async move {
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap()
            .to_owned();
        let http = client();
        let resp = http
            .post(format!("{url}/users/getToken"))
            .json(&json!({"imp_key": "sandbox_imp_key", "imp_secret": "sandbox_imp_secret"}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 502);
        let got: Value = http
            .get(format!("{url}/__sandbox/faults"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(got["plan"]["seed"], 1);
        assert_eq!(got["counts"], json!({"server_error": 1}));
    };
    let outcome = tokio::spawn(result).await;
    child.kill().unwrap();
    child.wait().unwrap();
    let _ = std::fs::remove_file(&good);
    let _ = std::fs::remove_file(&bad);
    outcome.unwrap();
}

/// Many faulted answers in a row on a multi-threaded runtime (as the binary runs): every
/// drop is a request error and every truncation a read error after the headers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drops_and_truncations_are_reliable() {
    let api = Api::start().await;
    api.sb.set_faults(FaultPlan::new(
        9,
        vec![
            FaultRule::new(FIND, 0.5, Fault::DropAfterCommit),
            FaultRule::new(FIND, 1.0, Fault::TruncatedBody),
        ],
    ));
    for _ in 0..100 {
        match api.find_raw("none").await {
            Ok(resp) => {
                assert_eq!(resp.status(), 404);
                let err = resp.bytes().await.unwrap_err();
                assert_eq!(
                    io_kinds(&err),
                    [std::io::ErrorKind::UnexpectedEof],
                    "{err:?}"
                );
            }
            Err(err) => assert!(err.is_request() && !err.is_body(), "{err:?}"),
        }
    }
    let counts = api.sb.fault_counts();
    assert_eq!(counts.values().sum::<u64>(), 100);
    assert!(counts["drop_after_commit"] > 0 && counts["truncated_body"] > 0);
}
