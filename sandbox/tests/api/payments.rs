//! `onetime` and `again`: payment shape, test cards, PG channels, validation, idempotency.

use std::collections::BTreeSet;
use std::time::Duration;

use iamport_sandbox::SandboxConfig;
use serde_json::{Value, json};

use crate::common::{
    AUTH_FAIL_CARD, AUTH_FAILED, Api, CARD, CARD_MASK, DECLINE_CARD, DUPLICATE, EXPIRY,
    KEY_IN_REFUSED, NO_BIN, assert_fail, ok,
};

/// `PaymentAnnotation` properties of the vendor spec, minus `promotion`.
const PAYMENT_PROPERTIES: [&str; 53] = [
    "imp_uid",
    "merchant_uid",
    "pay_method",
    "channel",
    "pg_provider",
    "emb_pg_provider",
    "pg_tid",
    "pg_id",
    "sandbox",
    "escrow",
    "apply_num",
    "bank_code",
    "bank_name",
    "card_code",
    "card_name",
    "card_issuer_code",
    "card_issuer_name",
    "card_publisher_code",
    "card_publisher_name",
    "card_quota",
    "card_number",
    "card_type",
    "vbank_code",
    "vbank_name",
    "vbank_num",
    "vbank_holder",
    "vbank_date",
    "vbank_issued_at",
    "name",
    "amount",
    "cancel_amount",
    "currency",
    "buyer_name",
    "buyer_email",
    "buyer_tel",
    "buyer_addr",
    "buyer_postcode",
    "custom_data",
    "user_agent",
    "status",
    "started_at",
    "paid_at",
    "failed_at",
    "cancelled_at",
    "fail_reason",
    "cancel_reason",
    "receipt_url",
    "cancel_history",
    "deposit_history",
    "cancel_receipt_urls",
    "cash_receipt_issued",
    "customer_uid",
    "customer_uid_usage",
];

pub fn assert_payment_shape(p: &Value) {
    let keys: BTreeSet<&str> = p.as_object().unwrap().keys().map(String::as_str).collect();
    let expected: BTreeSet<&str> = PAYMENT_PROPERTIES.into_iter().collect();
    assert_eq!(keys, expected);
    let imp_uid = p["imp_uid"].as_str().unwrap();
    assert!(
        imp_uid.starts_with("imps_") && imp_uid.len() == 17,
        "{imp_uid}"
    );
    assert!(imp_uid[5..].bytes().all(|b| b.is_ascii_digit()));
    for (k, v) in [
        ("pay_method", json!("card")),
        ("channel", json!("api")),
        ("sandbox", json!(true)),
        ("escrow", json!(false)),
        ("cash_receipt_issued", json!(false)),
        ("user_agent", Value::Null),
        ("card_type", json!(0)),
        ("deposit_history", json!([])),
        ("vbank_date", json!(0)),
        ("vbank_num", Value::Null),
        ("emb_pg_provider", Value::Null),
    ] {
        assert_eq!(p[k], v, "{k} in {p}");
    }
}

#[tokio::test]
async fn onetime_paid_payment() {
    let api = Api::start().await;
    let (status, body) = api
        .post(
            "/subscribe/payments/onetime",
            &json!({
                "merchant_uid": "order-1",
                "amount": 3000,
                "card_number": CARD,
                "expiry": "2099-01",
                "birth": "820213",
                "name": "월간 구독",
                "buyer_name": "홍길동",
                "buyer_email": "hong@example.com",
                "buyer_tel": "010-1234-5678",
                "card_quota": 0,
                "custom_data": "{\"plan\":\"basic\"}",
                "notice_url": "https://example.com/hook",
                "unknown_field": [1, 2, 3],
            }),
        )
        .await;
    assert_eq!(status, 200);
    let p = ok(&body);
    assert_payment_shape(p);
    let now = api.sb.now();
    assert_eq!(p["status"], "paid");
    assert_eq!(p["merchant_uid"], "order-1");
    assert_eq!(p["amount"], json!(3000));
    assert!(p["amount"].is_u64(), "amounts are integers, not 3000.0");
    assert_eq!(p["cancel_amount"], json!(0));
    assert_eq!(p["currency"], "KRW");
    assert_eq!(p["card_number"], CARD_MASK);
    assert_eq!(p["card_name"], "BC카드");
    assert_eq!(p["card_code"], "361");
    assert_eq!(p["card_quota"], 0);
    assert_eq!(p["pg_provider"], "nice");
    assert_eq!(p["pg_id"], "iamport01m");
    assert!(p["pg_tid"].as_str().unwrap().starts_with("iamport01m"));
    let apply_num = p["apply_num"].as_str().unwrap();
    assert!(apply_num.len() == 8 && apply_num.bytes().all(|b| b.is_ascii_digit()));
    assert!(p["receipt_url"].as_str().unwrap().starts_with("https://"));
    assert_eq!(p["name"], "월간 구독");
    assert_eq!(p["buyer_name"], "홍길동");
    assert_eq!(p["buyer_email"], "hong@example.com");
    assert_eq!(p["buyer_tel"], "010-1234-5678");
    assert_eq!(p["buyer_addr"], Value::Null);
    assert_eq!(p["custom_data"], "{\"plan\":\"basic\"}");
    assert_eq!(p["customer_uid"], Value::Null);
    assert_eq!(p["customer_uid_usage"], Value::Null);
    assert!((p["started_at"].as_i64().unwrap() - now).abs() <= 1);
    assert_eq!(p["paid_at"], p["started_at"]);
    assert_eq!(p["failed_at"], 0);
    assert_eq!(p["cancelled_at"], 0);
    assert_eq!(p["fail_reason"], Value::Null);
    assert_eq!(p["cancel_reason"], Value::Null);
    assert_eq!(p["cancel_history"], json!([]));
    assert_eq!(p["cancel_receipt_urls"], json!([]));
    assert_eq!(api.sb.ledger(), vec![p.clone()]);
    // The card was not kept as a billing key.
    let (_, key) = api.get("/subscribe/customers/order-1").await;
    assert_eq!(key["code"], 1);
}

#[tokio::test]
async fn form_body_with_string_numbers() {
    let api = Api::start().await;
    let (status, body) = api
        .post_form(
            "/subscribe/payments/onetime",
            &[
                ("merchant_uid", "form-1"),
                ("amount", "3000"),
                ("card_number", CARD),
                ("expiry", "209912"),
                ("card_quota", "3"),
                ("buyer_name", "김철수"),
            ],
        )
        .await;
    assert_eq!(status, 200);
    let p = ok(&body);
    assert_eq!(p["amount"], json!(3000));
    assert_eq!(p["card_quota"], json!(3));
    assert_eq!(p["buyer_name"], "김철수");
    // Amounts as JSON strings work too, and "3000.00" is the whole number 3000.
    let (_, body) = api
        .post(
            "/subscribe/payments/onetime",
            &json!({"merchant_uid": "json-str", "amount": "3000.00", "card_number": CARD, "expiry": EXPIRY}),
        )
        .await;
    assert_eq!(ok(&body)["amount"], json!(3000));
}

#[tokio::test]
async fn non_krw_amounts_are_exact() {
    let api = Api::start().await;
    let (_, body) = api
        .post(
            "/subscribe/payments/onetime",
            &json!({"merchant_uid": "usd-1", "amount": 10.99, "currency": "USD", "card_number": CARD, "expiry": EXPIRY}),
        )
        .await;
    let p = ok(&body);
    assert_eq!(p["currency"], "USD");
    assert_eq!(p["amount"].to_string(), "10.99");
}

#[tokio::test]
async fn invalid_amounts_are_refused() {
    let api = Api::start().await;
    for amount in [
        json!(0),
        json!(-1000),
        json!(1000.5),
        json!("abc"),
        json!([1]),
        json!("0"),
    ] {
        let (status, body) = api
            .post(
                "/subscribe/payments/onetime",
                &json!({"merchant_uid": "bad-amount", "amount": amount, "card_number": CARD, "expiry": EXPIRY}),
            )
            .await;
        assert_eq!(status, 200);
        assert_eq!(body["code"], 1, "{amount}: {body}");
        assert!(body["response"].is_null());
        assert!(
            body["message"].as_str().unwrap().contains("amount"),
            "{body}"
        );
    }
    assert!(api.sb.ledger().is_empty());
}

#[tokio::test]
async fn missing_required_fields_are_named() {
    let api = Api::start().await;
    let full = json!({"merchant_uid": "m", "amount": 1000, "card_number": CARD, "expiry": EXPIRY});
    for field in ["merchant_uid", "amount", "card_number", "expiry"] {
        let mut body = full.clone();
        body.as_object_mut().unwrap().remove(field);
        let (status, answer) = api.post("/subscribe/payments/onetime", &body).await;
        assert_eq!(status, 200);
        assert_eq!(answer["code"], 1, "{answer}");
        assert!(answer["response"].is_null());
        assert!(
            answer["message"].as_str().unwrap().contains(field),
            "{answer}"
        );
    }
    ok(&api.issue("cust", CARD).await);
    let full = json!({"customer_uid": "cust", "merchant_uid": "m", "amount": 1000});
    for field in ["customer_uid", "merchant_uid", "amount"] {
        let mut body = full.clone();
        body.as_object_mut().unwrap().remove(field);
        let (_, answer) = api.post("/subscribe/payments/again", &body).await;
        assert_eq!(answer["code"], 1, "{answer}");
        assert!(
            answer["message"].as_str().unwrap().contains(field),
            "{answer}"
        );
    }
    assert!(api.sb.ledger().is_empty());
}

#[tokio::test]
async fn decline_card_creates_a_failed_payment() {
    let api = Api::start().await;
    let body = api.onetime("decline-1", DECLINE_CARD, 5000).await;
    let p = ok(&body);
    assert_payment_shape(p);
    assert_eq!(p["status"], "failed");
    assert!(p["failed_at"].as_i64().unwrap() > 0);
    assert_eq!(p["paid_at"], 0);
    assert_eq!(p["apply_num"], Value::Null);
    assert!(!p["fail_reason"].as_str().unwrap().is_empty());
    assert_eq!(p["card_number"], "400000******0002");
    assert_eq!(api.sb.ledger().len(), 1);
    assert_eq!(api.sb.ledger()[0]["status"], "failed");
}

#[tokio::test]
async fn auth_fail_card_creates_nothing() {
    let api = Api::start().await;
    let (status, body) = api
        .post(
            "/subscribe/payments/onetime",
            &json!({"merchant_uid": "af-1", "amount": 1000, "card_number": AUTH_FAIL_CARD,
                    "expiry": EXPIRY, "customer_uid": "af-cust"}),
        )
        .await;
    assert_eq!(status, 200);
    assert_fail(&body, -1, &format!("{KEY_IN_REFUSED} {AUTH_FAILED}"));
    assert!(api.sb.ledger().is_empty());
    let (_, key) = api.get("/subscribe/customers/af-cust").await;
    assert_eq!(key["code"], 1, "no billing key was stored: {key}");
}

#[tokio::test]
async fn invalid_card_data_is_refused() {
    let api = Api::start().await;
    // Numbers the PG has no BIN for: malformed, failing the Luhn check (the vendor guides'
    // own placeholder among them), or under no issuing first digit.
    for number in [
        "1234",
        "1234-1234-1234-123a",
        "12345678901234567890",
        "４０００-0000-0000-0002",
        "1234-1234-1234-1234",
        "4111-1111-1111-1112",
        "4000-0000-0000-0003",
        "0000-0000-0000-0000",
        "7000-0000-0000-0005",
    ] {
        let (_, body) = api
            .post(
                "/subscribe/payments/onetime",
                &json!({"merchant_uid": "inv", "amount": 1000, "card_number": number, "expiry": EXPIRY}),
            )
            .await;
        assert_fail(&body, -1, &format!("{KEY_IN_REFUSED} {NO_BIN}"));
    }
    // 13 and 19 digits and spaces are fine when the check digit is right.
    for (i, number) in ["4111111111119", "4111 1111 1111 1111 110"]
        .iter()
        .enumerate()
    {
        let body = api.onetime(&format!("ok-{i}"), number, 1000).await;
        assert_eq!(ok(&body)["status"], "paid");
    }
    // Other card data the PG refuses: the key-in prefix, then the PG's code and detail.
    let bad = [
        ("expiry", json!("2000-01"), "[F113]유효기간오류"),
        (
            "expiry",
            json!("12/30"),
            "[V511]유효기간 허용하지 않는 값을 설정하였습니다. (YYYY-MM 또는 YYYYMM)",
        ),
        (
            "expiry",
            json!("2099-13"),
            "[V511]유효기간 허용하지 않는 값을 설정하였습니다. (YYYY-MM 또는 YYYYMM)",
        ),
        ("birth", json!("12345"), "[F113]주민OR사업자등록번호오류"),
        ("birth", json!("82021a"), "[F113]주민OR사업자등록번호오류"),
        ("pwd_2digit", json!("1"), "[F113]비밀번호틀림"),
        ("pwd_2digit", json!("123"), "[F113]비밀번호틀림"),
    ];
    for (field, value, detail) in bad {
        let mut req =
            json!({"merchant_uid": "inv", "amount": 1000, "card_number": CARD, "expiry": EXPIRY});
        req[field] = value.clone();
        let (_, body) = api.post("/subscribe/payments/onetime", &req).await;
        assert_fail(&body, -1, &format!("{KEY_IN_REFUSED} {detail}"));
    }
    assert_eq!(api.sb.ledger().len(), 2);
}

#[tokio::test]
async fn expiry_follows_the_sandbox_clock() {
    let mut api = Api::start().await;
    ok(&api.onetime("before", CARD, 1000).await);
    // About 80 years later a 2099-12 card has expired.
    api.sb.advance_clock(Duration::from_secs(80 * 366 * 86_400));
    api.refresh_token().await;
    let body = api.onetime("after", CARD, 1000).await;
    assert_fail(&body, -1, &format!("{KEY_IN_REFUSED} [F113]유효기간오류"));
}

#[tokio::test]
async fn pg_channels() {
    let api = Api::start().await;
    let pay = |merchant_uid: &'static str, pg: Value| {
        let api = &api;
        async move {
            let mut req = json!({"merchant_uid": merchant_uid, "amount": 1000, "card_number": CARD, "expiry": EXPIRY});
            if !pg.is_null() {
                req["pg"] = pg;
            }
            api.post("/subscribe/payments/onetime", &req).await.1
        }
    };
    for (uid, pg, provider, id) in [
        ("pg-1", json!("nice"), "nice", "iamport01m"),
        ("pg-2", json!("nice.IMPtest01m"), "nice", "IMPtest01m"),
        ("pg-3", json!("daou"), "daou", "CTS17266"),
        ("pg-4", json!("daou.CTS16629"), "daou", "CTS16629"),
        ("pg-5", Value::Null, "nice", "iamport01m"),
    ] {
        let body = pay(uid, pg).await;
        let p = ok(&body);
        assert_eq!(p["pg_provider"], provider);
        assert_eq!(p["pg_id"], id);
    }
    for pg in ["kcp", "html5_inicis", "nice_v2", "NICE"] {
        let body = pay("pg-bad", json!(pg)).await;
        assert_fail(&body, 1, "비인증결제모듈 사용정보를 찾을 수 없습니다.");
    }
    assert_eq!(api.ledger_for("pg-bad").len(), 0);

    let api = Api::start_with(SandboxConfig {
        default_pg: "daou.CTS1".into(),
        ..Default::default()
    })
    .await;
    let p = api.onetime("pg-default", CARD, 1000).await;
    assert_eq!(ok(&p)["pg_provider"], "daou");
    assert_eq!(ok(&p)["pg_id"], "CTS1");
}

#[tokio::test]
async fn duplicate_merchant_uid_is_refused() {
    let api = Api::start().await;
    let first = api.onetime("dup-1", CARD, 1000).await;
    ok(&first);
    let again = api.onetime("dup-1", CARD, 1000).await;
    assert_fail(&again, 1, DUPLICATE);
    ok(&api.issue("dup-cust", CARD).await);
    let by_key = api.again("dup-cust", "dup-1", 1000).await;
    assert_fail(&by_key, 1, DUPLICATE);
    assert_eq!(api.sb.ledger().len(), 1);
    // A cancelled record blocks reuse too.
    let (_, cancel) = api
        .post("/payments/cancel", &json!({"merchant_uid": "dup-1"}))
        .await;
    assert_eq!(ok(&cancel)["status"], "cancelled");
    let after_cancel = api.again("dup-cust", "dup-1", 1000).await;
    assert_fail(&after_cancel, 1, DUPLICATE);
    assert_eq!(api.sb.ledger().len(), 1);
}

#[tokio::test]
async fn failed_attempt_does_not_block_a_retry() {
    let api = Api::start().await;
    let failed = api.onetime("retry-1", DECLINE_CARD, 2000).await;
    assert_eq!(ok(&failed)["status"], "failed");
    let failed_again = api.onetime("retry-1", DECLINE_CARD, 2000).await;
    assert_eq!(ok(&failed_again)["status"], "failed");
    let paid = api.onetime("retry-1", CARD, 2000).await;
    assert_eq!(ok(&paid)["status"], "paid");
    let uids: BTreeSet<&str> = [&failed, &failed_again, &paid]
        .iter()
        .map(|b| b["response"]["imp_uid"].as_str().unwrap())
        .collect();
    assert_eq!(uids.len(), 3);
    let statuses: Vec<Value> = api
        .ledger_for("retry-1")
        .iter()
        .map(|p| p["status"].clone())
        .collect();
    assert_eq!(
        statuses,
        vec![json!("failed"), json!("failed"), json!("paid")]
    );
    assert_fail(&api.onetime("retry-1", CARD, 2000).await, 1, DUPLICATE);
}

#[tokio::test]
async fn again_charges_the_stored_key() {
    let api = Api::start().await;
    let (_, issued) = api
        .post(
            "/subscribe/customers/cust-a",
            &json!({"card_number": "5123-4567-8901-2346", "expiry": EXPIRY, "pg": "daou.CTS9",
                    "customer_name": "이영희", "customer_email": "lee@example.com"}),
        )
        .await;
    ok(&issued);
    let body = api.again("cust-a", "again-1", 9900).await;
    let p = ok(&body);
    assert_payment_shape(p);
    assert_eq!(p["status"], "paid");
    assert_eq!(p["amount"], json!(9900));
    assert_eq!(p["customer_uid"], "cust-a");
    assert_eq!(p["customer_uid_usage"], "payment");
    assert_eq!(p["card_number"], "512345******2346");
    assert_eq!(p["card_name"], "KB국민카드");
    assert_eq!(p["pg_provider"], "daou");
    assert_eq!(p["pg_id"], "CTS9");
    assert_eq!(p["name"], Value::Null);
    assert_eq!(
        p["buyer_name"], "이영희",
        "falls back to the key's customer_name"
    );
    // With a name and a buyer_name of its own.
    let (_, body) = api
        .post_form(
            "/subscribe/payments/again",
            &[
                ("customer_uid", "cust-a"),
                ("merchant_uid", "again-2"),
                ("amount", "1000"),
                ("name", "2월 구독료"),
                ("buyer_name", "박민수"),
            ],
        )
        .await;
    assert_eq!(ok(&body)["name"], "2월 구독료");
    assert_eq!(ok(&body)["buyer_name"], "박민수");
    assert_eq!(api.sb.ledger().len(), 2);
}

#[tokio::test]
async fn again_with_unknown_customer() {
    let api = Api::start().await;
    let body = api.again("nobody", "again-x", 1000).await;
    assert_fail(&body, 1, "등록되지 않은 구매자입니다.");
    assert!(api.sb.ledger().is_empty());
}

#[tokio::test]
async fn key_from_decline_card_declines_every_charge() {
    let api = Api::start().await;
    let issued = api.issue("decliner", DECLINE_CARD).await;
    assert_eq!(ok(&issued)["card_number"], "400000******0002");
    let body = api.again("decliner", "dc-1", 1000).await;
    let p = ok(&body);
    assert_eq!(p["status"], "failed");
    assert!(p["fail_reason"].is_string());
    assert_eq!(p["customer_uid_usage"], "payment");
}

#[tokio::test]
async fn onetime_with_customer_uid_issues_a_key_even_when_declined() {
    let api = Api::start().await;
    let (_, body) = api
        .post(
            "/subscribe/payments/onetime",
            &json!({"merchant_uid": "first-1", "amount": 1000, "card_number": CARD, "expiry": EXPIRY,
                    "customer_uid": "sub-1", "buyer_name": "최지우", "buyer_tel": "010-0000-0000"}),
        )
        .await;
    let p = ok(&body);
    assert_eq!(p["customer_uid"], "sub-1");
    assert_eq!(p["customer_uid_usage"], "issue");
    let (_, key) = api.get("/subscribe/customers/sub-1").await;
    let key = ok(&key);
    assert_eq!(key["card_number"], CARD_MASK);
    assert_eq!(key["customer_name"], "최지우");
    assert_eq!(key["customer_tel"], "010-0000-0000");
    ok(&api.again("sub-1", "second-1", 1000).await);

    let (_, body) = api
        .post(
            "/subscribe/payments/onetime",
            &json!({"merchant_uid": "first-2", "amount": 1000, "card_number": DECLINE_CARD,
                    "expiry": EXPIRY, "customer_uid": "sub-2"}),
        )
        .await;
    assert_eq!(ok(&body)["status"], "failed");
    assert_eq!(ok(&body)["customer_uid_usage"], "issue");
    let (_, key) = api.get("/subscribe/customers/sub-2").await;
    assert_eq!(ok(&key)["card_number"], "400000******0002");
    assert_eq!(
        ok(&api.again("sub-2", "second-2", 1000).await)["status"],
        "failed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_charges_with_one_merchant_uid_pay_once() {
    let api = Api::start().await;
    ok(&api.issue("race", CARD).await);
    let mut tasks = Vec::new();
    for i in 0..50 {
        let http = api.http.clone();
        let url = api.url(if i % 2 == 0 {
            "/subscribe/payments/onetime"
        } else {
            "/subscribe/payments/again"
        });
        let token = api.token.clone();
        tasks.push(tokio::spawn(async move {
            let body = json!({"merchant_uid": "race-1", "amount": 1000, "card_number": CARD,
                              "expiry": EXPIRY, "customer_uid": "race"});
            let resp = http
                .post(url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(resp.status(), 200);
            resp.json::<Value>().await.unwrap()
        }));
    }
    let mut paid = 0;
    let mut duplicates = 0;
    for task in tasks {
        let body = task.await.unwrap();
        match body["code"].as_i64().unwrap() {
            0 => {
                assert_eq!(body["response"]["status"], "paid");
                paid += 1;
            }
            1 => {
                assert_eq!(body["message"], DUPLICATE);
                duplicates += 1;
            }
            other => panic!("unexpected code {other}: {body}"),
        }
    }
    assert_eq!((paid, duplicates), (1, 49));
    let ledger = api.ledger_for("race-1");
    assert_eq!(ledger.len(), 1);
    assert_eq!(ledger[0]["status"], "paid");
    assert_eq!(api.sb.request_counts().values().sum::<u64>(), 52);
}

#[tokio::test]
async fn imp_uids_are_unique() {
    let api = Api::start().await;
    let mut seen = BTreeSet::new();
    for i in 0..40 {
        let body = api.onetime(&format!("u-{i}"), CARD, 1000).await;
        assert!(seen.insert(ok(&body)["imp_uid"].as_str().unwrap().to_owned()));
    }
}
