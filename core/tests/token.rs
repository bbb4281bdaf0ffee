//! The access-token cache: one getToken for many calls, single-flight refresh, one retry on 401.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use iamport_sandbox::{Sandbox, SandboxConfig};
use iamport_subscribe::{Client, ErrorKind, RequestOptions, RetryPolicy};
use std::time::Duration;

const GET_TOKEN: &str = "POST /users/getToken";

fn count(sandbox: &Sandbox, route: &str) -> u64 {
    sandbox.request_counts().get(route).copied().unwrap_or(0)
}

#[tokio::test]
async fn a_thousand_sequential_calls_fetch_one_token() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = common::client_for(&sandbox);
    for i in 0..1000 {
        let err = client
            .get_billing_key(&format!("cust_{i}"))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotFound);
    }
    assert_eq!(count(&sandbox, GET_TOKEN), 1);
    assert_eq!(sandbox.total_requests(), 1001);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_concurrent_calls_on_a_cold_client_fetch_one_token() {
    let sandbox = Sandbox::start().await.unwrap();
    // Slow answers widen the window in which callers find the cache cold.
    sandbox.set_response_delay(Duration::from_millis(20));
    let client = common::client_for(&sandbox);
    let tasks: Vec<_> = (0..100)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move { client.get_billing_key(&format!("cust_{i}")).await })
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.unwrap().unwrap_err().kind(), ErrorKind::NotFound);
    }
    assert_eq!(count(&sandbox, GET_TOKEN), 1);
}

#[tokio::test]
async fn a_revoked_token_is_refreshed_once_and_the_call_succeeds() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = common::client_for(&sandbox);
    client.check_credentials().await.unwrap();
    sandbox.revoke_tokens();
    let before = sandbox.total_requests();
    let err = client.get_billing_key("cust_x").await.unwrap_err();
    // The call itself went through after the refresh: the API's own not-found answer.
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert_eq!(count(&sandbox, GET_TOKEN), 2);
    // 401, getToken, retry.
    assert_eq!(sandbox.total_requests() - before, 3);
}

#[tokio::test]
async fn an_expired_token_is_refreshed_on_the_401() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = common::client_for(&sandbox);
    client.check_credentials().await.unwrap();
    // The server's clock runs past the token's life while the client still trusts it.
    sandbox.advance_clock(Duration::from_secs(31 * 60));
    assert_eq!(
        client.get_billing_key("cust_x").await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
    assert_eq!(count(&sandbox, GET_TOKEN), 2);
}

#[tokio::test]
async fn a_skewed_server_clock_does_not_matter() {
    let sandbox = Sandbox::start().await.unwrap();
    // The server's clock is ten years ahead of ours: expiry comes from `expired_at - now`.
    sandbox.advance_clock(Duration::from_secs(10 * 365 * 24 * 3600));
    let client = common::client_for(&sandbox);
    for _ in 0..20 {
        client.get_billing_key("cust_x").await.unwrap_err();
    }
    assert_eq!(count(&sandbox, GET_TOKEN), 1);
}

#[tokio::test]
async fn a_persistent_401_is_an_authentication_error_after_one_refresh_per_attempt() {
    // Tokens that are dead on arrival: every use is refused.
    let sandbox = Sandbox::start_with(SandboxConfig {
        token_ttl: Duration::ZERO,
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let client = common::client_for(&sandbox);
    // Without retries: getToken, 401, getToken, 401 — one refresh, one retry, no more.
    let once = client
        .with_options(RequestOptions {
            retry: Some(RetryPolicy::none()),
            ..Default::default()
        })
        .unwrap();
    let err = once.get_billing_key("cust_x").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication);
    assert_eq!(count(&sandbox, GET_TOKEN), 2);
    assert_eq!(sandbox.total_requests(), 4);
    // A refused token may be a revocation race, so the retry policy repeats the whole attempt:
    // with 2 retries, three attempts of two refusals each, then the error.
    let retrying = client
        .with_options(RequestOptions {
            retry: Some(RetryPolicy {
                max_retries: 2,
                initial_backoff: Duration::from_millis(1),
                max_backoff: Duration::from_millis(2),
            }),
            ..Default::default()
        })
        .unwrap();
    let err = retrying.get_billing_key("cust_x").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication);
    assert_eq!(count(&sandbox, GET_TOKEN), 2 + 6);
    assert_eq!(sandbox.total_requests(), 4 + 12);
}

#[tokio::test]
async fn wrong_credentials_are_an_authentication_error() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = Client::builder()
        .imp_key(sandbox.imp_key())
        .imp_secret("not-the-secret")
        .base_url(sandbox.url())
        .build()
        .unwrap();
    let err = client.get_billing_key("cust_x").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication);
    assert!(!err.to_string().contains("not-the-secret"));
    // Nothing but the refused getToken was sent.
    assert_eq!(sandbox.total_requests(), 1);
}
