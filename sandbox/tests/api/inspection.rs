//! Counters, the exchange log, the inspection API, transport details, secrecy, lifecycle.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use iamport_sandbox::{Sandbox, SandboxConfig};
use serde_json::{Value, json};

use crate::common::{AUTH_FAIL_CARD, Api, CARD, DECLINE_CARD, EXPIRY, client, ok};

#[tokio::test]
async fn request_counts_and_exchanges() {
    let api = Api::start().await;
    ok(&api.onetime("n-1", CARD, 1000).await);
    let (status, _) = api
        .send(
            api.http
                .post(api.url("/subscribe/payments/onetime"))
                .json(&json!({})),
        )
        .await;
    assert_eq!(status, 401);
    let (status, _) = api.get("/payments/imps_000000000000").await;
    assert_eq!(status, 404);
    let (status, _) = api.get("/payments/find/n-1/").await;
    assert_eq!(status, 200);
    let (status, body) = api.get("/no/such/api").await;
    assert_eq!(status, 404);
    assert_eq!(body["code"], 1);
    let (status, _) = api.send(api.http.put(api.url("/payments/cancel"))).await;
    assert_eq!(status, 404);

    let expected: BTreeMap<String, u64> = [
        ("POST /users/getToken", 1),
        ("POST /subscribe/payments/onetime", 2),
        ("GET /payments/{imp_uid}", 1),
        ("GET /payments/find/{merchant_uid}", 1),
        ("GET (unmatched)", 1),
        ("PUT /payments/cancel", 1),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    assert_eq!(api.sb.request_counts(), expected);
    assert_eq!(api.sb.total_requests(), 7);

    let exchanges = api.sb.exchanges();
    assert_eq!(exchanges.len(), 7);
    let e = &exchanges[2];
    assert_eq!(
        (
            e.method.as_str(),
            e.route.as_str(),
            e.path.as_str(),
            e.status
        ),
        (
            "POST",
            "/subscribe/payments/onetime",
            "/subscribe/payments/onetime",
            401
        )
    );
    assert_eq!(
        e.body,
        json!({"code": -1, "message": "Unauthorized", "response": null})
    );
    assert_eq!(exchanges[1].body["response"]["merchant_uid"], "n-1");
    assert_eq!(exchanges[3].route, "/payments/{imp_uid}");
    assert_eq!(exchanges[3].path, "/payments/imps_000000000000");
    assert_eq!(
        exchanges[4].path, "/payments/find/n-1",
        "trailing slash trimmed"
    );

    // The same through HTTP; inspection requests are not counted.
    let http = client();
    for _ in 0..2 {
        let requests: Value = http
            .get(api.url("/__sandbox/requests"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(requests["total"], 7);
        assert_eq!(
            requests["by_endpoint"]["POST /subscribe/payments/onetime"],
            2
        );
        assert_eq!(requests["by_endpoint"].as_object().unwrap().len(), 6);
    }
    let logged: Vec<Value> = http
        .get(api.url("/__sandbox/exchanges"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(logged.len(), 7);
    assert_eq!(logged[2]["status"], 401);
    assert_eq!(logged[2]["route"], "/subscribe/payments/onetime");
    let ledger: Vec<Value> = http
        .get(api.url("/__sandbox/ledger"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ledger, api.sb.ledger());
    assert_eq!(ledger.len(), 1);
    assert_eq!(api.sb.total_requests(), 7);
}

#[tokio::test]
async fn trailing_slashes_are_tolerated() {
    let api = Api::start().await;
    ok(&api.issue("slash", CARD).await);
    let (status, body) = api
        .post(
            "/subscribe/payments/again/",
            &json!({"customer_uid": "slash", "merchant_uid": "s-1", "amount": 1000}),
        )
        .await;
    assert_eq!(status, 200);
    let id = ok(&body)["imp_uid"].as_str().unwrap().to_owned();
    let (status, _) = api.get(&format!("/payments/{id}/")).await;
    assert_eq!(status, 200);
    let (_, body) = api.post("/payments/cancel/", &json!({"imp_uid": id})).await;
    assert_eq!(ok(&body)["status"], "cancelled");
    let counts = api.sb.request_counts();
    assert_eq!(counts.get("POST /subscribe/payments/again"), Some(&1));
    assert_eq!(counts.get("POST /payments/cancel"), Some(&1));
}

#[tokio::test]
async fn unreadable_bodies() {
    let api = Api::start().await;
    let (status, body) = api
        .send(
            api.http
                .post(api.url("/subscribe/payments/onetime"))
                .bearer_auth(&api.token)
                .header("content-type", "application/json")
                .body("{not json"),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(body["code"], 1);
    let (status, _) = api
        .send(
            api.http
                .post(api.url("/subscribe/payments/onetime"))
                .bearer_auth(&api.token)
                .header("content-type", "application/json")
                .body("[1,2]"),
        )
        .await;
    assert_eq!(status, 400);
    // JSON without a Content-Type is recognised.
    let (status, body) = api
        .send(
            api.http
                .post(api.url("/subscribe/payments/onetime"))
                .bearer_auth(&api.token)
                .body(
                    json!({"merchant_uid": "no-ct", "amount": 1000, "card_number": CARD, "expiry": EXPIRY})
                        .to_string(),
                ),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(ok(&body)["status"], "paid");
}

#[tokio::test]
async fn inspection_controls() {
    let api = Api::start().await;
    let http = client();
    let post = |path: &'static str, body: Value| {
        let http = http.clone();
        let url = api.url(path);
        async move {
            let resp = http.post(url).json(&body).send().await.unwrap();
            (resp.status().as_u16(), resp.json::<Value>().await.unwrap())
        }
    };
    ok(&api.onetime("i-1", CARD, 1000).await);

    let before = api.sb.now();
    assert_eq!(
        post("/__sandbox/clock/advance", json!({"seconds": 600})).await,
        (200, json!({"ok": true}))
    );
    assert!(api.sb.now() >= before + 600);
    assert_eq!(
        post("/__sandbox/clock/advance", json!({"seconds": -5}))
            .await
            .0,
        400
    );
    assert_eq!(post("/__sandbox/clock/advance", json!({})).await.0, 400);

    // The sandbox clock drives timestamps.
    let p = api.onetime("i-2", CARD, 1000).await;
    assert!(ok(&p)["started_at"].as_i64().unwrap() >= before + 600);

    assert_eq!(
        post("/__sandbox/config", json!({"response_delay_ms": 300})).await,
        (200, json!({"ok": true}))
    );
    let started = Instant::now();
    let (status, _) = api.get("/payments/find/i-1").await;
    assert_eq!(status, 200);
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(
        post("/__sandbox/config", json!({"response_delay_ms": "x"}))
            .await
            .0,
        400
    );
    assert_eq!(
        post("/__sandbox/config", json!({"response_delay_ms": 0}))
            .await
            .0,
        200
    );

    assert_eq!(
        post("/__sandbox/tokens/revoke", json!({})).await,
        (200, json!({"ok": true}))
    );
    let (status, _) = api.get("/payments/find/i-1").await;
    assert_eq!(status, 401);

    assert_eq!(
        post("/__sandbox/reset", json!({})).await,
        (200, json!({"ok": true}))
    );
    assert!(api.sb.ledger().is_empty());
    assert!(api.sb.exchanges().is_empty());
    assert!(api.sb.request_counts().is_empty());
    assert_eq!(api.sb.total_requests(), 0);
    let resp = http
        .get(api.url("/__sandbox/nothing"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);
    assert_eq!(api.sb.total_requests(), 0);
}

#[tokio::test]
async fn reset_forgets_keys_and_tokens() {
    let mut api = Api::start().await;
    ok(&api.issue("r-1", CARD).await);
    ok(&api.onetime("r-1", CARD, 1000).await);
    api.sb.reset();
    let (status, _) = api.get("/subscribe/customers/r-1").await;
    assert_eq!(status, 401);
    api.refresh_token().await;
    let (_, body) = api.get("/subscribe/customers/r-1").await;
    assert_eq!(body["code"], 1);
    // The merchant_uid is free again.
    ok(&api.onetime("r-1", CARD, 1000).await);
    assert_eq!(api.sb.ledger().len(), 1);
}

#[tokio::test]
async fn response_delay_applies_to_the_api_only() {
    let api = Api::start_with(SandboxConfig {
        response_delay: Duration::from_millis(1000),
        ..Default::default()
    })
    .await;
    let started = Instant::now();
    let (status, _) = api.get("/payments/find/x").await;
    assert_eq!(status, 404);
    assert!(started.elapsed() >= Duration::from_millis(1000));
    let started = Instant::now();
    let resp = client()
        .get(api.url("/__sandbox/requests"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(started.elapsed() < Duration::from_millis(1000));
    api.sb.set_response_delay(Duration::ZERO);
    let started = Instant::now();
    api.get("/payments/find/x").await;
    assert!(started.elapsed() < Duration::from_millis(1000));
}

/// Raw card data never leaves the request: not in answers, the ledger or the exchange log.
#[tokio::test]
async fn card_secrets_never_appear() {
    let api = Api::start().await;
    let raw_cards = ["9410-1234-5678-9879", DECLINE_CARD, AUTH_FAIL_CARD];
    let birth = "1234509876";
    let pwd = "47";
    let mut answers = String::new();
    for (i, card) in raw_cards.iter().enumerate() {
        let customer_uid = format!("sec-{i}");
        let requests = [
            (
                "/subscribe/payments/onetime".to_owned(),
                json!({"merchant_uid": format!("sec-o-{i}"),
                "amount": 1000, "card_number": card, "expiry": EXPIRY, "birth": birth,
                "pwd_2digit": pwd, "cvc": "123", "customer_uid": customer_uid}),
            ),
            (
                format!("/subscribe/customers/{customer_uid}"),
                json!({"card_number": card,
                "expiry": EXPIRY, "birth": birth, "pwd_2digit": pwd, "cvc": "123"}),
            ),
            (
                "/subscribe/payments/again".to_owned(),
                json!({"customer_uid": customer_uid,
                "merchant_uid": format!("sec-a-{i}"), "amount": 1000}),
            ),
        ];
        for (path, body) in requests {
            let (_, answer) = api.post(&path, &body).await;
            answers.push_str(&answer.to_string());
        }
        let (_, answer) = api
            .get(&format!("/subscribe/customers/{customer_uid}"))
            .await;
        answers.push_str(&answer.to_string());
        let (_, answer) = api.get(&format!("/payments/findAll/sec-o-{i}")).await;
        answers.push_str(&answer.to_string());
        let (_, answer) = api
            .delete(&format!("/subscribe/customers/{customer_uid}"))
            .await;
        answers.push_str(&answer.to_string());
    }
    let ledger = serde_json::to_string(&api.sb.ledger()).unwrap();
    let exchanges = serde_json::to_string(&api.sb.exchanges()).unwrap();
    let http = client();
    let mut inspected = String::new();
    for path in [
        "/__sandbox/ledger",
        "/__sandbox/exchanges",
        "/__sandbox/requests",
    ] {
        inspected.push_str(
            &http
                .get(api.url(path))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap(),
        );
    }
    assert!(ledger.contains("941012******9879"), "the mask is there");
    assert!(answers.contains("400000******0002"));
    for text in [&answers, &ledger, &exchanges, &inspected] {
        for card in raw_cards {
            assert!(!text.contains(card), "{card} leaked");
            assert!(!text.contains(&card.replace('-', "")), "{card} leaked");
        }
        assert!(!text.contains(birth), "birth leaked");
        for field in ["\"birth\"", "\"pwd_2digit\"", "\"cvc\"", "\"expiry\""] {
            assert!(!text.contains(field), "{field} leaked");
        }
    }
    assert!(!format!("{:?}", api.sb).contains(api.sb.imp_secret()));
}

#[tokio::test]
async fn debug_output_hides_the_secret() {
    let config = SandboxConfig {
        imp_secret: "very-secret-value".into(),
        ..Default::default()
    };
    assert!(!format!("{config:?}").contains("very-secret-value"));
    assert!(format!("{config:?}").contains("sandbox_imp_key"));
    let sb = Sandbox::start_with(config).await.unwrap();
    assert!(!format!("{sb:?}").contains("very-secret-value"));
    assert_eq!(sb.imp_secret(), "very-secret-value");
}

#[tokio::test]
async fn url_shutdown_and_drop() {
    let sb = Sandbox::start().await.unwrap();
    let addr = sb.local_addr();
    assert!(addr.ip().is_loopback());
    assert_ne!(addr.port(), 0);
    assert_eq!(sb.url(), format!("http://127.0.0.1:{}", addr.port()));
    let http = client();
    let resp = http
        .get(format!("{}/__sandbox/requests", sb.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    sb.shutdown().await;
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());

    let sb = Sandbox::start().await.unwrap();
    let addr = sb.local_addr();
    drop(sb);
    // Aborting is asynchronous: give the runtime a bounded number of turns to drop the listener.
    let mut closed = false;
    for _ in 0..10_000 {
        if tokio::net::TcpStream::connect(addr).await.is_err() {
            closed = true;
            break;
        }
        tokio::task::yield_now().await;
    }
    assert!(closed, "the server stopped after drop");
}

/// Odd input gets an envelope (never a crash, never a non-JSON answer) and the server keeps going.
#[tokio::test]
async fn hostile_input_is_answered_with_envelopes() {
    let api = Api::start().await;
    ok(&api.issue("h", CARD).await);
    let bodies = [
        json!({"merchant_uid": "h", "amount": 1e308, "card_number": CARD, "expiry": EXPIRY}),
        json!({"merchant_uid": "h", "amount": "1e400", "card_number": CARD, "expiry": EXPIRY}),
        json!({"merchant_uid": "h", "amount": "9".repeat(200), "card_number": CARD, "expiry": EXPIRY}),
        json!({"merchant_uid": "h", "amount": 1000, "card_number": CARD, "expiry": EXPIRY, "card_quota": 1e20}),
        json!({"merchant_uid": {"a": 1}, "amount": 1000, "card_number": CARD, "expiry": EXPIRY}),
        json!({"merchant_uid": "h", "amount": 1000, "card_number": [CARD], "expiry": EXPIRY}),
        json!({"merchant_uid": "h", "amount": 1000, "card_number": CARD, "expiry": "２０９９-12"}),
        json!({"merchant_uid": "h", "amount": 1000, "card_number": CARD, "expiry": EXPIRY, "pg": "nice.."}),
    ];
    for body in &bodies {
        for path in [
            "/subscribe/payments/onetime",
            "/subscribe/payments/again",
            "/payments/cancel",
        ] {
            let (status, answer) = api.post(path, body).await;
            assert!(status == 200 || status == 400, "{status} {answer}");
            assert_ne!(answer["code"], 0, "{path} {body}: {answer}");
        }
    }
    for path in [
        "/payments/findAll/h?page=99999999999999999999999&limit=5",
        "/payments/findAll/h?page=4294967295&limit=1000",
        "/payments/find/h?sorting=",
        "/payments/%FF%FE",
        "/subscribe/customers/%FF",
    ] {
        let (status, answer) = api.get(path).await;
        assert!(
            matches!(status, 200 | 400 | 404),
            "{path}: {status} {answer}"
        );
    }
    api.sb.advance_clock(Duration::MAX);
    let (status, answer) = api
        .send(api.http.post(api.url("/users/getToken")).json(&json!({
            "imp_key": api.sb.imp_key(), "imp_secret": api.sb.imp_secret()})))
        .await;
    assert_eq!(status, 200, "{answer}");
    assert!(api.sb.ledger().is_empty());
}
