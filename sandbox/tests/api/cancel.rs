//! `POST /payments/cancel`.

use std::collections::BTreeSet;
use std::time::Duration;

use serde_json::{Value, json};

use crate::common::{Api, CARD, DECLINE_CARD, assert_fail, ok};

const NOTHING: &str = "취소할 결제건이 존재하지 않습니다.";
const ALREADY: &str = "이미 전액취소된 주문입니다.";

#[tokio::test]
async fn partial_then_full_cancel() {
    let api = Api::start().await;
    let paid = api.onetime("c-1", CARD, 10_000).await;
    let id = ok(&paid)["imp_uid"].as_str().unwrap().to_owned();
    api.sb.advance_clock(Duration::from_secs(60));

    let (status, body) = api
        .post(
            "/payments/cancel",
            &json!({"imp_uid": id, "amount": 3000, "reason": "부분 환불"}),
        )
        .await;
    assert_eq!(status, 200);
    let p = ok(&body);
    assert_eq!(p["status"], "paid");
    assert_eq!(p["amount"], json!(10_000));
    assert_eq!(p["cancel_amount"], json!(3000));
    assert_eq!(p["cancelled_at"], 0);
    assert_eq!(p["cancel_reason"], "부분 환불");
    let history = p["cancel_history"].as_array().unwrap();
    assert_eq!(history.len(), 1);
    let h = &history[0];
    let keys: BTreeSet<&str> = h.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "amount",
            "cancellation_id",
            "cancelled_at",
            "pg_tid",
            "reason",
            "receipt_url"
        ]
        .into_iter()
        .collect()
    );
    assert_eq!(h["amount"], json!(3000));
    assert_eq!(h["reason"], "부분 환불");
    assert!((h["cancelled_at"].as_i64().unwrap() - api.sb.now()).abs() <= 1);
    assert!(!h["cancellation_id"].as_str().unwrap().is_empty());
    assert!(!h["pg_tid"].as_str().unwrap().is_empty());
    assert_eq!(p["cancel_receipt_urls"], json!([h["receipt_url"]]));

    // By merchant_uid, form-encoded, no amount: the remaining 7000.
    let (_, body) = api
        .post_form("/payments/cancel", &[("merchant_uid", "c-1")])
        .await;
    let p = ok(&body);
    assert_eq!(p["status"], "cancelled");
    assert_eq!(p["cancel_amount"], json!(10_000));
    assert!(p["cancelled_at"].as_i64().unwrap() > 0);
    let amounts: Vec<Value> = p["cancel_history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["amount"].clone())
        .collect();
    assert_eq!(amounts, vec![json!(3000), json!(7000)]);
    assert_eq!(p["cancel_history"][1]["reason"], "");
    assert_eq!(p["cancel_receipt_urls"].as_array().unwrap().len(), 2);
    assert_eq!(api.sb.ledger(), vec![p.clone()]);
    let (_, fetched) = api.get(&format!("/payments/{id}")).await;
    assert_eq!(ok(&fetched), p);

    let (_, body) = api.post("/payments/cancel", &json!({"imp_uid": id})).await;
    assert_fail(&body, 1, ALREADY);
    let (_, body) = api
        .post(
            "/payments/cancel",
            &json!({"merchant_uid": "c-1", "amount": 0}),
        )
        .await;
    assert_fail(&body, 1, ALREADY);
    assert_eq!(api.sb.ledger(), vec![p.clone()]);
}

#[tokio::test]
async fn checksum_guards_the_remaining_balance() {
    let api = Api::start().await;
    let paid = api.onetime("c-2", CARD, 5000).await;
    let id = ok(&paid)["imp_uid"].as_str().unwrap().to_owned();
    let before = api.sb.ledger();

    let (status, body) = api
        .post(
            "/payments/cancel",
            &json!({"imp_uid": id, "amount": 1000, "checksum": 4000}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["code"], 1, "{body}");
    assert!(body["response"].is_null());
    assert_eq!(api.sb.ledger(), before, "a refused cancel changes nothing");

    let (_, body) = api
        .post(
            "/payments/cancel",
            &json!({"imp_uid": id, "amount": 1000, "checksum": 5000}),
        )
        .await;
    assert_eq!(ok(&body)["cancel_amount"], json!(1000));
    // Repeating the same request is now refused: the balance moved to 4000.
    let (_, body) = api
        .post(
            "/payments/cancel",
            &json!({"imp_uid": id, "amount": 1000, "checksum": 5000}),
        )
        .await;
    assert_eq!(body["code"], 1);
    let (_, body) = api
        .post_form(
            "/payments/cancel",
            &[("imp_uid", &id), ("amount", "1000"), ("checksum", "4000")],
        )
        .await;
    assert_eq!(ok(&body)["cancel_amount"], json!(2000));
    assert_eq!(ok(&body)["status"], "paid");
}

#[tokio::test]
async fn refused_cancels() {
    let api = Api::start().await;
    let paid = api.onetime("c-3", CARD, 5000).await;
    let id = ok(&paid)["imp_uid"].as_str().unwrap().to_owned();
    let before = api.sb.ledger();

    let (_, body) = api.post("/payments/cancel", &json!({"reason": "x"})).await;
    assert_fail(
        &body,
        1,
        "imp_uid 또는 merchant_uid 중 하나는 지정해주셔야합니다.",
    );
    let (_, body) = api
        .post("/payments/cancel", &json!({"imp_uid": "imps_000000000000"}))
        .await;
    assert_fail(&body, 1, NOTHING);
    let (_, body) = api
        .post(
            "/payments/cancel",
            &json!({"merchant_uid": "no-such-order"}),
        )
        .await;
    assert_fail(&body, 1, NOTHING);
    // imp_uid wins over merchant_uid.
    let (_, body) = api
        .post(
            "/payments/cancel",
            &json!({"imp_uid": "imps_000000000000", "merchant_uid": "c-3"}),
        )
        .await;
    assert_fail(&body, 1, NOTHING);
    for amount in [json!(5001), json!(-1), json!(10.5), json!("x")] {
        let (status, body) = api
            .post(
                "/payments/cancel",
                &json!({"imp_uid": id, "amount": amount}),
            )
            .await;
        assert_eq!(status, 200);
        assert_eq!(body["code"], 1, "{amount}: {body}");
        assert!(body["response"].is_null());
    }
    assert_eq!(api.sb.ledger(), before);

    let failed = api.onetime("c-4", DECLINE_CARD, 5000).await;
    let failed_id = ok(&failed)["imp_uid"].as_str().unwrap().to_owned();
    let (_, body) = api
        .post("/payments/cancel", &json!({"imp_uid": failed_id}))
        .await;
    assert_fail(&body, 1, NOTHING);
    let (_, body) = api
        .post("/payments/cancel", &json!({"merchant_uid": "c-4"}))
        .await;
    assert_fail(&body, 1, NOTHING);
}

#[tokio::test]
async fn cancel_by_merchant_uid_picks_the_paid_record() {
    let api = Api::start().await;
    ok(&api.onetime("c-5", DECLINE_CARD, 3000).await);
    let paid = api.onetime("c-5", CARD, 3000).await;
    let (_, body) = api
        .post(
            "/payments/cancel",
            &json!({"merchant_uid": "c-5", "amount": 3000}),
        )
        .await;
    let p = ok(&body);
    assert_eq!(p["imp_uid"], ok(&paid)["imp_uid"]);
    assert_eq!(p["status"], "cancelled");
    let statuses: Vec<Value> = api
        .ledger_for("c-5")
        .iter()
        .map(|p| p["status"].clone())
        .collect();
    assert_eq!(statuses, vec![json!("failed"), json!("cancelled")]);
}
