//! `POST /users/getToken` rules and the ways a token is presented.

use std::time::Duration;

use serde_json::{Value, json};

use crate::common::{Api, CARD, assert_fail, ok};

async fn get_token(api: &Api) -> Value {
    let (status, body) = api
        .send(api.http.post(api.url("/users/getToken")).json(&json!({
            "imp_key": api.sb.imp_key(),
            "imp_secret": api.sb.imp_secret(),
        })))
        .await;
    assert_eq!(status, 200, "{body}");
    ok(&body).clone()
}

fn is_token(s: &str) -> bool {
    s.len() == 40
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[tokio::test]
async fn token_is_reused_while_valid() {
    let api = Api::start().await;
    let first = get_token(&api).await;
    let token = first["access_token"].as_str().unwrap();
    assert!(is_token(token), "{token}");
    assert_eq!(
        token, api.token,
        "the token fetched by Api::start is still current"
    );
    let now = first["now"].as_i64().unwrap();
    assert!((now - api.sb.now()).abs() <= 1);
    // The token Api::start fetched may be a second older than `now`.
    let expired_at = first["expired_at"].as_i64().unwrap();
    assert!((1799..=1800).contains(&(expired_at - now)), "{first}");
    let second = get_token(&api).await;
    assert_eq!(second["access_token"], first["access_token"]);
    assert_eq!(second["expired_at"], first["expired_at"]);
    let (_, envelope) = api
        .send(
            api.http
                .post(api.url("/users/getToken"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(format!(
                    "imp_key={}&imp_secret={}",
                    api.sb.imp_key(),
                    api.sb.imp_secret()
                )),
        )
        .await;
    assert_eq!(envelope["message"], Value::Null);
    assert_eq!(ok(&envelope)["access_token"], first["access_token"]);
}

#[tokio::test]
async fn token_near_expiry_is_extended_by_five_minutes() {
    let api = Api::start().await;
    let first = get_token(&api).await;
    let expired_at = first["expired_at"].as_i64().unwrap();
    let remaining = expired_at - api.sb.now();
    api.advance_to_remaining(remaining, 30);
    let second = get_token(&api).await;
    assert_eq!(second["access_token"], first["access_token"]);
    assert_eq!(second["expired_at"].as_i64().unwrap(), expired_at + 300);
    // Now more than a minute remains again: no further extension.
    let third = get_token(&api).await;
    assert_eq!(third["expired_at"], second["expired_at"]);
    // The extended token keeps working past its original expiry.
    api.sb.advance_clock(Duration::from_secs(60));
    assert!(api.sb.now() >= expired_at);
    let (status, _) = api.get("/subscribe/customers/nobody").await;
    assert_eq!(status, 200);
}

impl Api {
    /// Advances the clock so that about `left` seconds of a token with `remaining` seconds remain.
    fn advance_to_remaining(&self, remaining: i64, left: i64) {
        self.sb
            .advance_clock(Duration::from_secs((remaining - left) as u64));
    }
}

#[tokio::test]
async fn new_token_after_expiry_and_old_one_is_rejected() {
    let mut api = Api::start().await;
    let old = api.token.clone();
    api.sb.advance_clock(Duration::from_secs(1801));
    let (status, body) = api.get("/subscribe/customers/nobody").await;
    assert_eq!(status, 401);
    assert_eq!(
        body,
        json!({"code": -1, "message": "Unauthorized", "response": null})
    );
    api.refresh_token().await;
    assert_ne!(api.token, old);
    let fresh = get_token(&api).await;
    assert_eq!(fresh["access_token"], api.token.as_str());
    assert_eq!(
        fresh["expired_at"].as_i64().unwrap() - fresh["now"].as_i64().unwrap(),
        1800
    );
}

#[tokio::test]
async fn short_ttl_from_config() {
    let config = iamport_sandbox::SandboxConfig {
        token_ttl: Duration::from_secs(120),
        ..Default::default()
    };
    let api = Api::start_with(config).await;
    let t = get_token(&api).await;
    let ttl = t["expired_at"].as_i64().unwrap() - t["now"].as_i64().unwrap();
    assert!((119..=120).contains(&ttl), "{t}");
    api.sb.advance_clock(Duration::from_secs(121));
    let (status, _) = api.get("/subscribe/customers/nobody").await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn bad_or_missing_credentials() {
    let api = Api::start().await;
    let post = |body: Value| api.send(api.http.post(api.url("/users/getToken")).json(&body));
    let (status, body) = post(json!({"imp_key": api.sb.imp_key(), "imp_secret": "wrong"})).await;
    assert_eq!(status, 401);
    assert_fail(&body, -1, "imp_key, imp_secret 인증에 실패하였습니다.");
    let (status, body) = post(json!({"imp_key": "wrong", "imp_secret": api.sb.imp_secret()})).await;
    assert_eq!(status, 401);
    assert_fail(&body, -1, "imp_key, imp_secret 인증에 실패하였습니다.");
    let (status, body) = post(json!({"imp_key": api.sb.imp_key()})).await;
    assert_eq!(status, 400);
    assert_fail(&body, -1, "imp_key, imp_secret 파라메터가 누락되었습니다.");
    let (status, body) = api
        .send(
            api.http
                .post(api.url("/users/getToken"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body("imp_secret=x"),
        )
        .await;
    assert_eq!(status, 400);
    assert_fail(&body, -1, "imp_key, imp_secret 파라메터가 누락되었습니다.");
    let (status, _) = api.send(api.http.post(api.url("/users/getToken"))).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn custom_credentials() {
    let config = iamport_sandbox::SandboxConfig {
        imp_key: "key-1".into(),
        imp_secret: "secret-1".into(),
        ..Default::default()
    };
    let api = Api::start_with(config).await;
    assert_eq!(api.sb.imp_key(), "key-1");
    assert_eq!(api.sb.imp_secret(), "secret-1");
    let (status, _) = api
        .send(
            api.http
                .post(api.url("/users/getToken"))
                .json(&json!({"imp_key": "sandbox_imp_key", "imp_secret": "sandbox_imp_secret"})),
        )
        .await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn all_four_token_forms_are_accepted() {
    let api = Api::start().await;
    ok(&api.issue("cust-1", CARD).await);
    let path = "/subscribe/customers/cust-1";
    let t = &api.token;
    let requests = [
        api.http
            .get(api.url(path))
            .header("Authorization", format!("Bearer {t}")),
        api.http
            .get(api.url(path))
            .header("Authorization", t.as_str()),
        api.http
            .get(api.url(path))
            .header("X-ImpTokenHeader", t.as_str()),
        api.http.get(api.url(&format!("{path}?_token={t}"))),
        api.http
            .get(api.url(path))
            .header("Authorization", format!("Bearer {t}"))
            .header("Tier", "ABC"),
    ];
    for req in requests {
        let (status, body) = api.send(req).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(ok(&body)["customer_uid"], "cust-1");
    }
    // Authorization wins over X-ImpTokenHeader.
    let (status, _) = api
        .send(
            api.http
                .get(api.url(path))
                .header(
                    "Authorization",
                    "Bearer 0000000000000000000000000000000000000000",
                )
                .header("X-ImpTokenHeader", t.as_str()),
        )
        .await;
    assert_eq!(status, 401);
    let (status, _) = api
        .send(
            api.http
                .get(api.url(path))
                .header("Authorization", format!("Bearer {t}"))
                .header("X-ImpTokenHeader", "garbage"),
        )
        .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn protected_endpoints_answer_401_without_a_valid_token() {
    let api = Api::start().await;
    let unauthorized = json!({"code": -1, "message": "Unauthorized", "response": null});
    let requests = [
        api.http
            .post(api.url("/subscribe/payments/onetime"))
            .json(&json!({})),
        api.http
            .post(api.url("/subscribe/payments/again"))
            .json(&json!({})),
        api.http
            .post(api.url("/subscribe/customers/c"))
            .json(&json!({})),
        api.http.get(api.url("/subscribe/customers/c")),
        api.http.delete(api.url("/subscribe/customers/c")),
        api.http.get(api.url("/payments/imps_000000000000")),
        api.http.get(api.url("/payments/find/m")),
        api.http.get(api.url("/payments/findAll/m/paid")),
        api.http.post(api.url("/payments/cancel")).json(&json!({})),
        api.http
            .get(api.url("/payments/find/m"))
            .header("Authorization", "Bearer nope"),
        api.http
            .get(api.url("/payments/find/m"))
            .header("Authorization", ""),
    ];
    for req in requests {
        let (status, body) = api.send(req).await;
        assert_eq!(status, 401);
        assert_eq!(body, unauthorized);
    }
    // Revoking forgets the token; getToken then issues a different one.
    api.sb.revoke_tokens();
    let (status, body) = api.get("/subscribe/customers/c").await;
    assert_eq!(status, 401);
    assert_eq!(body, unauthorized);
    let fresh = get_token(&api).await;
    assert_ne!(fresh["access_token"], api.token.as_str());
}
