//! Helpers: a started sandbox plus a reqwest client holding a valid token, and a webhook
//! receiver.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use iamport_sandbox::{Sandbox, SandboxConfig};
use reqwest::{Client, RequestBuilder};
use serde_json::{Value, json};
use tokio::sync::mpsc;

/// A domestic (BC) card number the PG accepts: a valid Luhn check digit.
pub const CARD: &str = "9410-1234-5678-9010";
pub const CARD_MASK: &str = "941012******9010";
pub const DECLINE_CARD: &str = "4000-0000-0000-0002";
pub const AUTH_FAIL_CARD: &str = "4000-0000-0000-0069";
pub const EXPIRY: &str = "2099-12";

/// The live prefixes of a refused card (key-in payment, billing-key issue) and the PG's detail
/// for a number it has no BIN for.
pub const KEY_IN_REFUSED: &str = "카드정보 인증에 실패하였습니다.";
pub const ISSUE_REFUSED: &str = "카드정보 인증 및 빌키 발급에 실패하였습니다.";
pub const NO_BIN: &str = "[F112]유효하지않은 카드번호를 입력하셨습니다. (card_bin 없음)";
/// The PG's detail for the authentication-failure test card.
pub const AUTH_FAILED: &str = "[F113]본인의 신용카드 확인중 오류가 발생하였습니다.";

pub const DUPLICATE: &str =
    "이미 주문이 이루어진 건입니다. (동일한 merchant_uid로 결제 또는 취소된 기록이 있습니다)";

pub struct Api {
    pub sb: Sandbox,
    pub http: Client,
    pub token: String,
}

pub fn client() -> Client {
    Client::builder().no_proxy().build().unwrap()
}

impl Api {
    pub async fn start() -> Api {
        Api::start_with(SandboxConfig::default()).await
    }

    pub async fn start_with(config: SandboxConfig) -> Api {
        let sb = Sandbox::start_with(config).await.unwrap();
        let mut api = Api {
            sb,
            http: client(),
            token: String::new(),
        };
        api.refresh_token().await;
        api
    }

    pub async fn refresh_token(&mut self) {
        let (status, body) = self
            .send(self.http.post(self.url("/users/getToken")).json(&json!({
                "imp_key": self.sb.imp_key(),
                "imp_secret": self.sb.imp_secret(),
            })))
            .await;
        assert_eq!(status, 200, "{body}");
        self.token = body["response"]["access_token"]
            .as_str()
            .unwrap()
            .to_owned();
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.sb.url())
    }

    /// Sends and checks the things every API answer must have: the JSON content type and
    /// the envelope keys.
    pub async fn send(&self, req: RequestBuilder) -> (u16, Value) {
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        let ct = resp
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned());
        assert_eq!(ct.as_deref(), Some("application/json; charset=UTF-8"));
        let body: Value = resp.json().await.unwrap();
        let obj = body.as_object().unwrap();
        assert!(obj["code"].is_i64(), "{body}");
        assert!(
            obj.contains_key("message") && obj.contains_key("response"),
            "{body}"
        );
        assert_eq!(obj.len(), 3, "{body}");
        (status, body)
    }

    pub async fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        self.send(
            self.http
                .post(self.url(path))
                .bearer_auth(&self.token)
                .json(body),
        )
        .await
    }

    pub async fn post_form(&self, path: &str, pairs: &[(&str, &str)]) -> (u16, Value) {
        self.send(
            self.http
                .post(self.url(path))
                .bearer_auth(&self.token)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(serde_urlencoded::to_string(pairs).unwrap()),
        )
        .await
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        self.send(self.http.get(self.url(path)).bearer_auth(&self.token))
            .await
    }

    pub async fn delete(&self, path: &str) -> (u16, Value) {
        self.send(self.http.delete(self.url(path)).bearer_auth(&self.token))
            .await
    }

    /// Key-in payment; returns the whole envelope (HTTP status asserted 200).
    pub async fn onetime(&self, merchant_uid: &str, card: &str, amount: i64) -> Value {
        let (status, body) = self
            .post(
                "/subscribe/payments/onetime",
                &json!({
                    "merchant_uid": merchant_uid,
                    "amount": amount,
                    "card_number": card,
                    "expiry": EXPIRY,
                    "birth": "820213",
                    "pwd_2digit": "00",
                }),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        body
    }

    pub async fn issue(&self, customer_uid: &str, card: &str) -> Value {
        let (status, body) = self
            .post(
                &format!("/subscribe/customers/{customer_uid}"),
                &json!({"card_number": card, "expiry": EXPIRY, "birth": "820213", "pwd_2digit": "00"}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        body
    }

    pub async fn again(&self, customer_uid: &str, merchant_uid: &str, amount: i64) -> Value {
        let (status, body) = self
            .post(
                "/subscribe/payments/again",
                &json!({"customer_uid": customer_uid, "merchant_uid": merchant_uid, "amount": amount}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        body
    }

    /// Moves the sandbox clock and fetches a fresh token (the old one may have expired).
    pub async fn advance(&mut self, secs: u64) {
        self.sb.advance_clock(Duration::from_secs(secs));
        self.refresh_token().await;
    }

    pub async fn put(&self, path: &str, body: &Value) -> (u16, Value) {
        self.send(
            self.http
                .put(self.url(path))
                .bearer_auth(&self.token)
                .json(body),
        )
        .await
    }

    /// `POST /subscribe/payments/schedule` for an existing key; HTTP 200 asserted.
    pub async fn schedule(&self, customer_uid: &str, schedules: Value) -> Value {
        let (status, body) = self
            .post(
                "/subscribe/payments/schedule",
                &json!({"customer_uid": customer_uid, "schedules": schedules}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        body
    }

    /// `GET /subscribe/payments/schedule/{merchant_uid}`, expected to exist.
    pub async fn get_schedule(&self, merchant_uid: &str) -> Value {
        let (status, body) = self
            .get(&format!("/subscribe/payments/schedule/{merchant_uid}"))
            .await;
        assert_eq!(status, 200, "{body}");
        ok(&body).clone()
    }

    pub fn ledger_for(&self, merchant_uid: &str) -> Vec<Value> {
        self.sb
            .ledger()
            .into_iter()
            .filter(|p| p["merchant_uid"] == merchant_uid)
            .collect()
    }
}

/// The `response` of a successful envelope.
pub fn ok(body: &Value) -> &Value {
    assert_eq!(body["code"], 0, "{body}");
    assert!(body["message"].is_null(), "{body}");
    &body["response"]
}

/// Asserts a failure envelope with exact code and message and a null response.
pub fn assert_fail(body: &Value, code: i64, message: &str) {
    assert_eq!(body["code"], code, "{body}");
    assert_eq!(body["message"], message, "{body}");
    assert!(body["response"].is_null(), "{body}");
}

/// One request the webhook receiver got.
#[derive(Debug, Clone)]
pub struct Hook {
    pub path: String,
    pub content_type: String,
    pub body: String,
}

/// A small HTTP server on 127.0.0.1 that records webhooks and answers with the queued statuses
/// (then 200).
pub struct Receiver {
    pub base: String,
    pub rx: mpsc::UnboundedReceiver<Hook>,
    statuses: Arc<Mutex<VecDeque<u16>>>,
}

impl Receiver {
    pub async fn start() -> Receiver {
        Receiver::start_with(Duration::ZERO).await
    }

    /// Each answer is held back by `delay` (a slow merchant server).
    pub async fn start_with(delay: Duration) -> Receiver {
        let (tx, rx) = mpsc::unbounded_channel();
        let statuses: Arc<Mutex<VecDeque<u16>>> = Arc::default();
        let queued = statuses.clone();
        let app = axum::Router::new().fallback(
            move |uri: axum::http::Uri, headers: HeaderMap, body: Bytes| {
                let tx = tx.clone();
                let queued = queued.clone();
                async move {
                    let hook = Hook {
                        path: uri.path().to_owned(),
                        content_type: headers
                            .get("content-type")
                            .map(|v| v.to_str().unwrap().to_owned())
                            .unwrap_or_default(),
                        body: String::from_utf8(body.to_vec()).unwrap(),
                    };
                    let status = queued.lock().unwrap().pop_front().unwrap_or(200);
                    if !delay.is_zero() {
                        tokio::time::sleep(delay).await;
                    }
                    let _ = tx.send(hook);
                    StatusCode::from_u16(status).unwrap()
                }
            },
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Receiver { base, rx, statuses }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The next answers' statuses (before falling back to 200).
    pub fn answer_with(&self, statuses: &[u16]) {
        self.statuses.lock().unwrap().extend(statuses);
    }

    /// Everything received so far (call after `Sandbox::settle`).
    pub fn received(&mut self) -> Vec<Hook> {
        let mut out = Vec::new();
        while let Ok(h) = self.rx.try_recv() {
            out.push(h);
        }
        out
    }

    /// Waits for the next webhook (bounded, for deliveries made by the real-time ticker).
    pub async fn next(&mut self) -> Hook {
        tokio::time::timeout(Duration::from_secs(20), self.rx.recv())
            .await
            .expect("a webhook arrives")
            .unwrap()
    }
}
