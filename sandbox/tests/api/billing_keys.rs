//! `POST`/`GET`/`DELETE /subscribe/customers/{customer_uid}`.

use std::collections::BTreeSet;
use std::time::Duration;

use iamport_sandbox::{NotFoundMode, SandboxConfig};
use serde_json::{Value, json};

use crate::common::{
    AUTH_FAIL_CARD, AUTH_FAILED, Api, CARD, CARD_MASK, EXPIRY, ISSUE_REFUSED, NO_BIN, assert_fail,
    ok,
};

/// `CustomerAnnotation` properties of the vendor spec.
const CUSTOMER_PROPERTIES: [&str; 20] = [
    "customer_uid",
    "pg_provider",
    "pg_id",
    "sandbox",
    "customer_id",
    "card_name",
    "card_code",
    "card_issuer_code",
    "card_issuer_name",
    "card_publisher_code",
    "card_publisher_name",
    "card_number",
    "card_type",
    "customer_name",
    "customer_tel",
    "customer_email",
    "customer_addr",
    "customer_postcode",
    "inserted",
    "updated",
];

#[tokio::test]
async fn issue_returns_a_full_customer() {
    let api = Api::start().await;
    let (status, body) = api
        .post(
            "/subscribe/customers/cust-1",
            &json!({"card_number": CARD, "expiry": EXPIRY, "birth": "820213", "pwd_2digit": "00",
                    "customer_name": "홍길동", "customer_email": "hong@example.com",
                    "customer_tel": "01012345678", "customer_addr": "서울", "customer_postcode": "04524"}),
        )
        .await;
    assert_eq!(status, 200);
    let key = ok(&body);
    let keys: BTreeSet<&str> = key
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        CUSTOMER_PROPERTIES.into_iter().collect::<BTreeSet<_>>()
    );
    let now = api.sb.now();
    assert_eq!(key["customer_uid"], "cust-1");
    assert_eq!(key["pg_provider"], "nice");
    assert_eq!(key["pg_id"], "iamport01m");
    assert_eq!(key["sandbox"], true);
    assert_eq!(key["card_number"], CARD_MASK);
    assert_eq!(key["card_name"], "BC카드");
    assert_eq!(key["card_code"], "361");
    assert_eq!(key["card_type"], 0);
    assert_eq!(key["customer_id"], Value::Null);
    assert_eq!(key["card_issuer_code"], Value::Null);
    assert_eq!(key["customer_name"], "홍길동");
    assert_eq!(key["customer_email"], "hong@example.com");
    assert_eq!(key["customer_tel"], "01012345678");
    assert_eq!(key["customer_addr"], "서울");
    assert_eq!(key["customer_postcode"], "04524");
    assert!((key["inserted"].as_i64().unwrap() - now).abs() <= 1);
    assert_eq!(key["updated"], key["inserted"]);
    let (_, fetched) = api.get("/subscribe/customers/cust-1").await;
    assert_eq!(ok(&fetched), key);
    // Issuing a key creates no payment.
    assert!(api.sb.ledger().is_empty());
}

#[tokio::test]
async fn reissue_replaces_the_card() {
    let api = Api::start().await;
    let first = api.issue("cust-r", CARD).await;
    api.sb.advance_clock(Duration::from_secs(10));
    let (_, second) = api
        .post_form(
            "/subscribe/customers/cust-r",
            &[
                ("card_number", "4111111111111111"),
                ("expiry", "209901"),
                ("pg", "daou"),
            ],
        )
        .await;
    let (a, b) = (ok(&first), ok(&second));
    assert_eq!(b["card_number"], "411111******1111");
    assert_eq!(b["pg_provider"], "daou");
    assert_eq!(b["inserted"], a["inserted"]);
    assert!(b["updated"].as_i64().unwrap() >= a["updated"].as_i64().unwrap() + 10);
    let p = api.again("cust-r", "after-reissue", 1000).await;
    assert_eq!(ok(&p)["card_number"], "411111******1111");
    assert_eq!(ok(&p)["pg_provider"], "daou");
}

#[tokio::test]
async fn issue_failures() {
    let api = Api::start().await;
    let body = api.issue("k-af", AUTH_FAIL_CARD).await;
    assert_fail(&body, -1, &format!("{ISSUE_REFUSED} {AUTH_FAILED}"));
    let body = api.issue("k-inv", "1234-56").await;
    assert_fail(&body, -1, &format!("{ISSUE_REFUSED} {NO_BIN}"));
    // The live answer to the vendor guides' placeholder number (the Ruby client's README).
    let body = api.issue("k-guide", "1234-1234-1234-1234").await;
    assert_fail(
        &body,
        -1,
        "카드정보 인증 및 빌키 발급에 실패하였습니다. [F112]유효하지않은 카드번호를 입력하셨습니다. (card_bin 없음)",
    );
    let (_, body) = api
        .post(
            "/subscribe/customers/k-pg",
            &json!({"card_number": CARD, "expiry": EXPIRY, "pg": "tosspayments"}),
        )
        .await;
    assert_fail(&body, 1, "비인증결제모듈 사용정보를 찾을 수 없습니다.");
    let (_, body) = api
        .post("/subscribe/customers/k-miss", &json!({"expiry": EXPIRY}))
        .await;
    assert_eq!(body["code"], 1);
    assert!(body["message"].as_str().unwrap().contains("card_number"));
    let (_, body) = api
        .post("/subscribe/customers/k-miss", &json!({"card_number": CARD}))
        .await;
    assert_eq!(body["code"], 1);
    assert!(body["message"].as_str().unwrap().contains("expiry"));
    for uid in ["k-af", "k-inv", "k-guide", "k-pg", "k-miss"] {
        let (_, got) = api.get(&format!("/subscribe/customers/{uid}")).await;
        assert_eq!(got["code"], 1, "{uid} must not exist");
    }
}

#[tokio::test]
async fn delete_returns_the_key_and_forgets_it() {
    let api = Api::start().await;
    let issued = api.issue("cust-d", CARD).await;
    let (status, deleted) = api
        .delete("/subscribe/customers/cust-d?reason=%ED%95%B4%EC%A7%80")
        .await;
    assert_eq!(status, 200);
    assert_eq!(ok(&deleted), ok(&issued));
    let (_, got) = api.get("/subscribe/customers/cust-d").await;
    assert_eq!(got["code"], 1);
    let charge = api.again("cust-d", "after-delete", 1000).await;
    assert_fail(&charge, 1, "등록되지 않은 구매자입니다.");
}

#[tokio::test]
async fn unknown_key_observed_mode() {
    let api = Api::start().await;
    for (status, body) in [
        api.get("/subscribe/customers/ghost").await,
        api.delete("/subscribe/customers/ghost").await,
    ] {
        assert_eq!(status, 200);
        assert_fail(
            &body,
            1,
            "요청하신 customer_uid(ghost)로 등록된 정보를 찾을 수 없습니다.",
        );
    }
}

#[tokio::test]
async fn unknown_key_spec_mode() {
    let api = Api::start_with(SandboxConfig {
        billing_key_not_found: NotFoundMode::Spec,
        ..Default::default()
    })
    .await;
    for (status, body) in [
        api.get("/subscribe/customers/ghost").await,
        api.delete("/subscribe/customers/ghost").await,
    ] {
        assert_eq!(status, 404);
        assert_fail(
            &body,
            1,
            "요청하신 customer_uid(ghost)로 등록된 정보를 찾을 수 없습니다.",
        );
    }
    ok(&api.issue("real", CARD).await);
    let (status, _) = api.get("/subscribe/customers/real").await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn percent_encoded_customer_uid() {
    let api = Api::start().await;
    ok(&api.issue("user%2F42%20a", CARD).await);
    let (_, got) = api.get("/subscribe/customers/user%2F42%20a").await;
    assert_eq!(ok(&got)["customer_uid"], "user/42 a");
    let p = api.again("user/42 a", "enc-1", 1000).await;
    assert_eq!(ok(&p)["customer_uid"], "user/42 a");
}
