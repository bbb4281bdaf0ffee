//! Helpers: a started sandbox plus a reqwest client holding a valid token.

use iamport_sandbox::{Sandbox, SandboxConfig};
use reqwest::{Client, RequestBuilder};
use serde_json::{Value, json};

pub const CARD: &str = "1234-1234-1234-1234";
pub const CARD_MASK: &str = "123412******1234";
pub const DECLINE_CARD: &str = "4000-0000-0000-0002";
pub const AUTH_FAIL_CARD: &str = "4000-0000-0000-0069";
pub const EXPIRY: &str = "2099-12";

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
