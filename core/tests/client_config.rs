//! Client configuration, timeouts and transport failures.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use iamport_sandbox::Sandbox;
use iamport_subscribe::{Client, Error, ErrorKind};
use std::time::Duration;

fn builder() -> iamport_subscribe::ClientBuilder {
    Client::builder().imp_key("key").imp_secret("secret")
}

#[test]
fn plain_http_is_refused_unless_the_host_is_loopback() {
    for url in [
        "http://api.iamport.kr",
        "http://10.0.0.1:8080",
        "ftp://127.0.0.1",
    ] {
        let err = builder().base_url(url).build().unwrap_err();
        assert_eq!(err.field(), Some("base_url"), "{url}");
    }
    for url in [
        "https://api.iamport.kr",
        "https://static-api.iamport.kr/",
        "http://127.0.0.1:1",
        "http://localhost:8080",
        "http://[::1]:8080",
    ] {
        builder()
            .base_url(url)
            .build()
            .unwrap_or_else(|e| panic!("{url}: {e}"));
    }
}

#[test]
fn configuration_errors_name_the_setting() {
    assert_eq!(
        Client::builder()
            .imp_secret("s")
            .build()
            .unwrap_err()
            .field(),
        Some("imp_key")
    );
    assert_eq!(
        Client::builder().imp_key("k").build().unwrap_err().field(),
        Some("imp_secret")
    );
    for tier in ["AB", "abc", "ABCD", "A-C"] {
        assert_eq!(
            builder().tier(tier).build().unwrap_err().field(),
            Some("tier"),
            "{tier}"
        );
    }
    builder().tier("A1Z").build().unwrap();
    assert_eq!(
        builder()
            .timeout(Duration::ZERO)
            .build()
            .unwrap_err()
            .field(),
        Some("timeout")
    );
    // The builder's and client's Debug hide the secret.
    let b = Client::builder().imp_key("k").imp_secret("hunter2-secret");
    assert!(!format!("{b:?}").contains("hunter2"));
    assert!(!format!("{:?}", b.build().unwrap()).contains("hunter2"));
}

/// Every setting out of range is `InvalidRequest` naming it, never `Network` (the HTTP client is
/// never asked to build with a bad header or a zero timeout).
#[test]
fn bad_settings_are_invalid_requests_naming_the_setting() {
    use iamport_subscribe::RetryPolicy;
    let retry = |f: fn(&mut RetryPolicy)| {
        let mut p = RetryPolicy::default();
        f(&mut p);
        p
    };
    let cases: Vec<(iamport_subscribe::ClientBuilder, &str)> = vec![
        (builder().user_agent("agent\r\nX-Evil: 1"), "user_agent"),
        (builder().user_agent("에이전트"), "user_agent"),
        (builder().user_agent(""), "user_agent"),
        (builder().user_agent("a".repeat(257)), "user_agent"),
        (builder().base_url("not a url"), "base_url"),
        (builder().base_url("mailto:ops@example.com"), "base_url"),
        (
            builder().base_url("https://api.iamport.kr/#frag"),
            "base_url",
        ),
        (builder().timeout(Duration::from_secs(601)), "timeout"),
        (builder().connect_timeout(Duration::ZERO), "connect_timeout"),
        (
            builder().connect_timeout(Duration::from_secs(601)),
            "connect_timeout",
        ),
        (
            builder().retry_policy(retry(|p| p.max_retries = 11)),
            "max_retries",
        ),
        (
            builder().retry_policy(retry(|p| p.max_retries = u32::MAX)),
            "max_retries",
        ),
        (
            builder().retry_policy(retry(|p| p.initial_backoff = Duration::from_secs(301))),
            "initial_backoff",
        ),
        (
            builder().retry_policy(retry(|p| p.max_backoff = Duration::from_secs(3600))),
            "max_backoff",
        ),
        (builder().tier("ab"), "tier"),
        (builder().tier("AB\n"), "tier"),
        (
            Client::builder().imp_key("k\ney").imp_secret("s"),
            "imp_key",
        ),
        (
            Client::builder().imp_key("k").imp_secret("s".repeat(257)),
            "imp_secret",
        ),
    ];
    for (b, field) in cases {
        let err = b.build().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{field}: {err:?}");
        assert_eq!(err.field(), Some(field), "{err:?}");
    }
    builder()
        .user_agent("my-shop/1.0 (+https://shop.example)")
        .timeout(Duration::from_secs(600))
        .connect_timeout(Duration::from_millis(1))
        .retry_policy(RetryPolicy {
            max_retries: 10,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_secs(300),
        })
        .build()
        .unwrap();
}

#[tokio::test]
async fn a_slow_answer_is_a_timeout_that_may_have_reached_the_server() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = Client::builder()
        .imp_key(sandbox.imp_key())
        .imp_secret(sandbox.imp_secret())
        .base_url(sandbox.url())
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    client.check_credentials().await.unwrap();
    // Far longer than the timeout, so the outcome does not depend on the machine's speed.
    sandbox.set_response_delay(Duration::from_secs(30));
    let err = client.get_billing_key("cust_slow").await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Timeout {
                may_have_reached_server: true
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_refused_connection_never_reached_the_server() {
    // A port that was free a moment ago and has nobody listening now.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let client = builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .build()
        .unwrap();
    let err = client.get_payment("imps_1").await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Network {
                may_have_reached_server: false,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(err.kind(), ErrorKind::Network);
}

#[tokio::test]
async fn the_tier_header_is_sent_and_accepted() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = Client::builder()
        .imp_key(sandbox.imp_key())
        .imp_secret(sandbox.imp_secret())
        .base_url(sandbox.url())
        .tier("T01")
        .build()
        .unwrap();
    assert_eq!(
        client.get_billing_key("cust_x").await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
}

#[tokio::test]
async fn a_base_url_with_a_path_prefix_keeps_it() {
    // A stand-in for a proxy that serves the API under /iamport/: it answers only there, and
    // records every path it is asked for.
    use axum::{Json, Router, extract::Path, routing::get, routing::post};
    use std::sync::{Arc, Mutex};
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (token_seen, key_seen) = (seen.clone(), seen.clone());
    let app = Router::new()
        .route(
            "/iamport/users/getToken",
            post(move || async move {
                token_seen.lock().unwrap().push("token".to_string());
                let now = 1_800_000_000;
                Json(serde_json::json!({"code": 0, "message": null, "response": {
                    "access_token": "a".repeat(40), "now": now, "expired_at": now + 1800}}))
            }),
        )
        .route(
            "/iamport/subscribe/customers/{uid}",
            get(move |Path(uid): Path<String>| async move {
                key_seen.lock().unwrap().push(uid.clone());
                Json(serde_json::json!({"code": 0, "message": null,
                    "response": {"customer_uid": uid}}))
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });

    let client = builder()
        .base_url(format!("http://{addr}/iamport/"))
        .build()
        .unwrap();
    assert_eq!(client.base_url(), format!("http://{addr}/iamport/"));
    let key = client.get_billing_key("c/1").await.unwrap();
    assert_eq!(key.customer_uid, "c/1");
    // The token and the call both went under the prefix; the `/` in the id stayed in its segment.
    assert_eq!(*seen.lock().unwrap(), vec!["token", "c/1"]);
}
