//! Clients built with a token provider instead of a key and secret: the provider stands in for
//! the merchant's backend and takes its tokens from the sandbox's `POST /users/getToken`, as a
//! real backend takes them from the API. The cache rules are the ones of `token.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use iamport_sandbox::Sandbox;
use iamport_subscribe::{
    Client, ErrorKind, ProvidedToken, RequestOptions, RetryPolicy, TokenProviderError,
};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

const GET_TOKEN: &str = "POST /users/getToken";

fn count(sandbox: &Sandbox, route: &str) -> u64 {
    sandbox.request_counts().get(route).copied().unwrap_or(0)
}

/// The merchant's backend: holds the secret, asks the API for a token, hands out token and expiry.
#[derive(Clone)]
struct Backend {
    url: String,
    key: String,
    secret: String,
    calls: Arc<AtomicU64>,
}

impl Backend {
    fn of(sandbox: &Sandbox) -> Backend {
        Backend {
            url: sandbox.url(),
            key: sandbox.imp_key().to_owned(),
            secret: sandbox.imp_secret().to_owned(),
            calls: Arc::default(),
        }
    }

    async fn token(self) -> Result<ProvidedToken, TokenProviderError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let answer: Value = reqwest::Client::new()
            .post(format!("{}/users/getToken", self.url.trim_end_matches('/')))
            .json(&json!({ "imp_key": self.key, "imp_secret": self.secret }))
            .send()
            .await?
            .json()
            .await?;
        let r = &answer["response"];
        Ok(ProvidedToken::new(
            r["access_token"].as_str().unwrap_or_default(),
            r["expired_at"].as_i64().unwrap_or_default(),
        )
        .issued_at(r["now"].as_i64().unwrap_or_default()))
    }

    fn calls(&self) -> u64 {
        self.calls.load(Ordering::SeqCst)
    }

    fn client(&self, sandbox: &Sandbox) -> Client {
        let backend = self.clone();
        Client::builder()
            .token_provider(move || backend.clone().token())
            .base_url(sandbox.url())
            .build()
            .unwrap()
    }
}

#[tokio::test]
async fn a_thousand_calls_ask_the_provider_once() {
    let sandbox = Sandbox::start().await.unwrap();
    let backend = Backend::of(&sandbox);
    let client = backend.client(&sandbox);
    for i in 0..1000 {
        let err = client
            .get_billing_key(&format!("cust_{i}"))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotFound);
    }
    assert_eq!(backend.calls(), 1);
    assert_eq!(count(&sandbox, GET_TOKEN), 1);
    assert_eq!(sandbox.total_requests(), 1001);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_concurrent_calls_on_a_cold_client_ask_the_provider_once() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.set_response_delay(Duration::from_millis(20));
    let backend = Backend::of(&sandbox);
    let client = backend.client(&sandbox);
    let tasks: Vec<_> = (0..100)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move { client.get_billing_key(&format!("cust_{i}")).await })
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.unwrap().unwrap_err().kind(), ErrorKind::NotFound);
    }
    assert_eq!(backend.calls(), 1);
}

#[tokio::test]
async fn a_refused_token_asks_the_provider_once_more_and_the_call_succeeds() {
    let sandbox = Sandbox::start().await.unwrap();
    let backend = Backend::of(&sandbox);
    let client = backend.client(&sandbox);
    client.check_credentials().await.unwrap();
    sandbox.revoke_tokens();
    let before = sandbox.total_requests();
    let err = client.get_billing_key("cust_x").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert_eq!(backend.calls(), 2);
    // 401, the backend's getToken, the retry.
    assert_eq!(sandbox.total_requests() - before, 3);
}

#[tokio::test]
async fn a_token_refused_after_the_refresh_is_an_authentication_error() {
    let sandbox = Sandbox::start().await.unwrap();
    // A provider that keeps handing out a token the API does not know.
    let calls = Arc::new(AtomicU64::new(0));
    let counted = calls.clone();
    let client = Client::builder()
        .token_provider(move || {
            counted.fetch_add(1, Ordering::SeqCst);
            async {
                Ok(ProvidedToken::new(
                    "0".repeat(40),
                    iamport_subscribe::rules::MAX_TIMESTAMP,
                ))
            }
        })
        .base_url(sandbox.url())
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let err = client.get_billing_key("cust_x").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication);
    // Once for the first attempt, once after the 401: no more.
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert_eq!(sandbox.total_requests(), 2);
}

#[tokio::test]
async fn the_issuers_clock_sets_the_lifetime_not_ours() {
    let sandbox = Sandbox::start().await.unwrap();
    // The API's clock is ten years ahead: `expired_at` is in our far future, and a provider that
    // passes the issuer's `now` along gets the lifetime right anyway.
    sandbox.advance_clock(Duration::from_secs(10 * 365 * 24 * 3600));
    let backend = Backend::of(&sandbox);
    let client = backend.client(&sandbox);
    for _ in 0..20 {
        client.get_billing_key("cust_x").await.unwrap_err();
    }
    assert_eq!(backend.calls(), 1);
}

#[tokio::test]
async fn a_failing_provider_is_an_authentication_error_without_the_token() {
    let sandbox = Sandbox::start().await.unwrap();
    let token = "4f1c2a9e8b7d6c5a4f1c2a9e8b7d6c5a4f1c2a9e";
    let client = Client::builder()
        .token_provider(move || async move {
            Err(TokenProviderError::new(format!(
                "backend answered 500: {{\"stale\":\"{token}\"}} (session 42)"
            )))
        })
        .base_url(sandbox.url())
        .build()
        .unwrap();
    let err = client.pay_again(&charge()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication);
    for shown in [err.to_string(), format!("{err:?}")] {
        assert!(!shown.contains(token), "{shown}");
        assert!(shown.contains("the token provider failed"), "{shown}");
        assert!(shown.contains("backend answered 500"), "{shown}");
    }
    // Nothing reached the API.
    assert_eq!(sandbox.total_requests(), 0);
}

#[tokio::test]
async fn an_expired_or_empty_token_from_the_provider_is_refused_before_sending() {
    let sandbox = Sandbox::start().await.unwrap();
    for (token, expired_at, what) in [
        ("a".repeat(40), 1_000, "already expired"),
        // An expiry in milliseconds by mistake: refused, not cached for ages.
        ("a".repeat(40), 1_767_225_600_000, "not milliseconds"),
        (String::new(), 4_000_000_000, "empty"),
        (
            "bad token\n".to_owned(),
            4_000_000_000,
            "a header cannot carry",
        ),
    ] {
        let client = Client::builder()
            .token_provider(move || {
                let token = token.clone();
                async move { Ok(ProvidedToken::new(token, expired_at)) }
            })
            .base_url(sandbox.url())
            .build()
            .unwrap();
        let err = client.get_billing_key("cust_x").await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Authentication, "{what}");
        assert!(err.to_string().contains(what), "{err}");
    }
    assert_eq!(sandbox.total_requests(), 0);
}

#[tokio::test]
async fn a_provider_and_a_secret_together_are_refused() {
    let err = Client::builder()
        .imp_key("key")
        .imp_secret("secret")
        .token_provider(|| async { Ok(ProvidedToken::new("t", 4_000_000_000)) })
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert_eq!(err.field(), Some("token_provider"));
    // Without either, the key is what is missing.
    let err = Client::builder().build().unwrap_err();
    assert_eq!(err.field(), Some("imp_key"));
}

#[tokio::test]
async fn the_provided_token_never_prints() {
    let sandbox = Sandbox::start().await.unwrap();
    let backend = Backend::of(&sandbox);
    let client = backend.client(&sandbox);
    client.check_credentials().await.unwrap();
    let token = backend.clone().token().await.unwrap();
    let raw = token.access_token.expose_secret().to_owned();
    for shown in [format!("{client:?}"), format!("{token:?}")] {
        assert!(!shown.contains(&raw), "{shown}");
    }
    // A charge, a decline and a refund with the provided token, per-call options kept.
    let paid = client
        .with_options(RequestOptions {
            timeout: Some(Duration::from_secs(5)),
            ..Default::default()
        })
        .unwrap()
        .pay_onetime(&iamport_subscribe::PayOnetimeRequest {
            merchant_uid: "order-provider-1".into(),
            amount: 9_900.into(),
            card: iamport_subscribe::CardDetails::new("4111-1111-1111-1111", "2030-12"),
            ..Default::default()
        })
        .await
        .unwrap();
    let refunded = client
        .cancel_payment(&iamport_subscribe::CancelPaymentRequest {
            imp_uid: Some(paid.imp_uid.clone()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(refunded.status, iamport_subscribe::PaymentStatus::Cancelled);
    assert_eq!(backend.calls(), 2);
}

fn charge() -> iamport_subscribe::PayAgainRequest {
    iamport_subscribe::PayAgainRequest {
        customer_uid: "cust_1".into(),
        merchant_uid: "order-1".into(),
        amount: 9_900.into(),
        ..Default::default()
    }
}
