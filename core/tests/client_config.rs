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
    let client = builder()
        .base_url("https://proxy.example/iamport/")
        .build()
        .unwrap();
    assert_eq!(client.base_url(), "https://proxy.example/iamport/");
}
