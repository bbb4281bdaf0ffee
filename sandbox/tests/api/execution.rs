//! Execution of schedules on the sandbox clock, and the maintenance endpoints (PUT,
//! reschedule, retry) whose rules depend on it.

use serde_json::{Value, json};

use crate::common::{Api, CARD, DECLINE_CARD, Receiver, assert_fail, ok};

const DAY: i64 = 86_400;
const MONTH: i64 = 30 * DAY;
const DECLINE_REASON: &str = "[테스트] 카드 한도초과";

/// Twelve monthly schedules on an approving and on a declining card; the clock moves one month,
/// then eleven more.
#[tokio::test]
async fn twelve_monthly_schedules_execute_as_the_clock_moves() {
    let mut api = Api::start().await;
    api.issue("m-ok", CARD).await;
    api.issue("m-bad", DECLINE_CARD).await;
    let start = api.sb.now();
    for customer in ["m-ok", "m-bad"] {
        let entries: Vec<Value> = (1..=12)
            .map(|k| json!({"merchant_uid": format!("{customer}-{k:02}"), "schedule_at": start + k * MONTH,
                            "amount": 9900, "name": format!("{k}월 이용료"), "buyer_name": "구독자",
                            "custom_data": {"month": k}}))
            .collect();
        ok(&api.schedule(customer, Value::Array(entries)).await);
    }
    assert!(api.sb.ledger().is_empty(), "nothing is due yet");

    api.sb
        .advance_clock(std::time::Duration::from_secs(MONTH as u64));
    // Executed synchronously: visible as soon as advance_clock returns.
    let ledger = api.sb.ledger();
    assert_eq!(ledger.len(), 2, "{ledger:#?}");
    let schedules = api.sb.schedules();
    let executed: Vec<&Value> = schedules
        .iter()
        .filter(|s| s["schedule_status"] == "executed")
        .collect();
    assert_eq!(executed.len(), 2);

    api.advance(11 * MONTH as u64).await;
    let ledger = api.sb.ledger();
    assert_eq!(ledger.len(), 24);
    let times: Vec<i64> = ledger
        .iter()
        .map(|p| p["started_at"].as_i64().unwrap())
        .collect();
    assert!(
        times.windows(2).all(|w| w[0] <= w[1]),
        "run in schedule_at order"
    );
    for p in &ledger {
        assert_eq!(p["customer_uid_usage"], "payment.scheduled", "{p}");
        assert_eq!(p["channel"], "api");
        assert!(p["imp_uid"].as_str().unwrap().starts_with("imps_"));
        assert_eq!(p["amount"], 9900);
        assert_eq!(p["buyer_name"], "구독자");
        let m = p["merchant_uid"].as_str().unwrap();
        let k: i64 = m.rsplit('-').next().unwrap().parse().unwrap();
        assert_eq!(p["name"], format!("{k}월 이용료"));
        assert_eq!(p["custom_data"], format!(r#"{{"month":{k}}}"#));
        assert_eq!(p["started_at"], start + k * MONTH, "dated schedule_at");
        if m.starts_with("m-ok") {
            assert_eq!(p["customer_uid"], "m-ok");
            assert_eq!(p["status"], "paid");
            assert_eq!(p["paid_at"], start + k * MONTH);
            assert_eq!(p["fail_reason"], Value::Null);
        } else {
            assert_eq!(p["status"], "failed");
            assert_eq!(p["failed_at"], start + k * MONTH);
            assert_eq!(p["fail_reason"], DECLINE_REASON);
        }
        let s = api.get_schedule(m).await;
        assert_eq!(s["schedule_status"], "executed");
        assert_eq!(s["executed_at"], start + k * MONTH);
        assert_eq!(s["imp_uid"], p["imp_uid"]);
        assert_eq!(s["payment_status"], p["status"]);
        assert_eq!(s["fail_reason"], p["fail_reason"]);
        let (status, body) = api
            .get(&format!("/payments/{}", p["imp_uid"].as_str().unwrap()))
            .await;
        assert_eq!(status, 200);
        assert_eq!(ok(&body), p);
    }
    // The customer's payments, newest first.
    let (status, body) = api.get("/subscribe/customers/m-ok/payments").await;
    assert_eq!(status, 200);
    let page = ok(&body);
    assert_eq!(page["total"], 12);
    assert_eq!(page["list"][0]["merchant_uid"], "m-ok-12");
    assert_eq!(page["list"][11]["merchant_uid"], "m-ok-01");
}

#[tokio::test]
async fn refunds_show_in_the_schedule_and_deleted_keys_fail_it() {
    let mut api = Api::start().await;
    api.issue("r-1", CARD).await;
    api.issue("r-gone", CARD).await;
    let at = api.sb.now() + DAY;
    ok(&api
        .schedule(
            "r-1",
            json!([{"merchant_uid": "r-1-a", "schedule_at": at, "amount": 10000}]),
        )
        .await);
    ok(&api
        .schedule(
            "r-gone",
            json!([{"merchant_uid": "r-gone-a", "schedule_at": at, "amount": 10000}]),
        )
        .await);
    let (_, body) = api.delete("/subscribe/customers/r-gone").await;
    ok(&body);
    api.advance(DAY as u64).await;

    let s = api.get_schedule("r-gone-a").await;
    assert_eq!(s["schedule_status"], "executed");
    assert_eq!(s["payment_status"], "failed");
    assert_eq!(s["fail_reason"], "등록되지 않은 구매자입니다.");
    assert_eq!(s["imp_uid"], Value::Null);
    assert_eq!(s["executed_at"], at);
    assert!(
        api.ledger_for("r-gone-a").is_empty(),
        "no payment without a key"
    );

    let s = api.get_schedule("r-1-a").await;
    assert_eq!(s["payment_status"], "paid");
    let (_, body) = api
        .post(
            "/payments/cancel",
            &json!({"merchant_uid": "r-1-a", "amount": 4000}),
        )
        .await;
    ok(&body);
    assert_eq!(
        api.get_schedule("r-1-a").await["payment_status"],
        "paid",
        "partly refunded"
    );
    let (_, body) = api
        .post("/payments/cancel", &json!({"imp_uid": s["imp_uid"]}))
        .await;
    assert_eq!(ok(&body)["status"], "cancelled");
    let s = api.get_schedule("r-1-a").await;
    assert_eq!(s["payment_status"], "cancelled");
    assert_eq!(s["schedule_status"], "executed");
}

#[tokio::test]
async fn due_schedules_run_before_the_next_answer() {
    let api = Api::start().await;
    api.issue("d-1", CARD).await;
    let now = api.sb.now();
    ok(&api
        .schedule(
            "d-1",
            json!([{"merchant_uid": "d-1-a", "schedule_at": now, "amount": 500}]),
        )
        .await);
    // Due at once: whichever comes first (the ticker or this request) runs it.
    let s = api.get_schedule("d-1-a").await;
    assert_eq!(s["schedule_status"], "executed");
    assert_eq!(s["payment_status"], "paid");
    // A paid merchant_uid cannot be scheduled again, nor revoked.
    let (_, body) = api
        .post(
            "/subscribe/payments/schedule",
            &json!({"customer_uid": "d-1", "schedules": [{"merchant_uid": "d-1-a", "schedule_at": now + DAY, "amount": 500}]}),
        )
        .await;
    assert_eq!(body["code"], 1);
    let (_, body) = api
        .post(
            "/subscribe/payments/unschedule",
            &json!({"customer_uid": "d-1"}),
        )
        .await;
    assert_fail(&body, 1, "취소할 예약결제 기록이 존재하지 않습니다.");
}

/// The once-a-second ticker runs schedules in real time, with nobody asking.
#[tokio::test]
async fn the_ticker_runs_schedules_in_real_time() {
    let mut hooks = Receiver::start().await;
    let api = Api::start().await;
    api.sb.set_webhook_url(Some(hooks.url("/ticker")));
    api.issue("t-1", CARD).await;
    let now = api.sb.now();
    ok(&api
        .schedule(
            "t-1",
            json!([{"merchant_uid": "t-1-a", "schedule_at": now + 1, "amount": 700}]),
        )
        .await);
    let total = api.sb.total_requests();
    let hook = hooks.next().await;
    assert_eq!(hook.path, "/ticker");
    let body: Value = serde_json::from_str(&hook.body).unwrap();
    assert_eq!(body["merchant_uid"], "t-1-a");
    assert_eq!(body["status"], "paid");
    assert_eq!(
        api.sb.total_requests(),
        total,
        "no API request triggered it"
    );
}

#[tokio::test]
async fn update_reschedule_and_retry_rules() {
    let mut api = Api::start().await;
    api.issue("u-ok", CARD).await;
    api.issue("u-bad", DECLINE_CARD).await;
    let now = api.sb.now();
    let entry = |m: &str, at: i64| json!({"merchant_uid": m, "schedule_at": at, "amount": 3000});
    ok(&api
        .schedule(
            "u-ok",
            json!([
                entry("u-1", now + DAY),
                entry("u-2", now + DAY),
                entry("u-3", now + DAY)
            ]),
        )
        .await);
    ok(&api
        .schedule("u-bad", json!([entry("u-4", now + DAY)]))
        .await);
    let path = |m: &str, action: &str| format!("/subscribe/payments/schedule/{m}{action}");

    // PUT: only while scheduled, not into the past, schedule_at required, unknown → 404.
    let (status, body) = api
        .put(&path("u-1", ""), &json!({"schedule_at": now + 2 * DAY}))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(ok(&body)["schedule_at"], now + 2 * DAY);
    assert_eq!(ok(&body)["schedule_status"], "scheduled");
    for (body, expected) in [
        (json!({"schedule_at": now - 10}), 400),
        (json!({}), 400),
        (json!({"schedule_at": "later"}), 400),
    ] {
        let (status, answer) = api.put(&path("u-1", ""), &body).await;
        assert_eq!(status, expected, "{body}: {answer}");
        assert_eq!(answer["code"], 1);
        assert!(answer["response"].is_null());
    }
    let (status, _) = api
        .put(&path("none", ""), &json!({"schedule_at": now + DAY}))
        .await;
    assert_eq!(status, 404);

    // Reschedule / retry of a schedule still pending: 400.
    for action in ["/reschedule", "/retry"] {
        let (status, body) = api
            .post(&path("u-2", action), &json!({"schedule_at": now + DAY}))
            .await;
        assert_eq!(status, 400, "{action}: {body}");
        assert_eq!(body["code"], 1);
        let (status, _) = api
            .post(&path("none", action), &json!({"schedule_at": now + DAY}))
            .await;
        assert_eq!(status, 404);
    }

    // Revoked: no PUT, but reschedule makes it pending again.
    let (_, body) = api
        .post(
            "/subscribe/payments/unschedule",
            &json!({"merchant_uid": ["u-2", "u-3"]}),
        )
        .await;
    ok(&body);
    let (status, _) = api
        .put(&path("u-2", ""), &json!({"schedule_at": now + DAY}))
        .await;
    assert_eq!(status, 400);
    let (status, body) = api.post(&path("u-2", "/reschedule"), &json!({})).await;
    assert_eq!(status, 400, "schedule_at is required: {body}");
    let (status, body) = api
        .post(
            &path("u-2", "/reschedule"),
            &json!({"schedule_at": now - 1}),
        )
        .await;
    assert_eq!(status, 400, "not in the past: {body}");
    let (status, body) = api
        .post(
            &path("u-2", "/reschedule"),
            &json!({"schedule_at": now + 3 * DAY}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let s = ok(&body);
    assert_eq!(
        (&s["schedule_status"], &s["schedule_at"], &s["revoked_at"]),
        (&json!("scheduled"), &json!(now + 3 * DAY), &json!(0))
    );
    // Revoked → retry charges at once and answers the Payment.
    let (status, body) = api.post(&path("u-3", "/retry"), &json!({})).await;
    assert_eq!(status, 200, "{body}");
    let p = ok(&body);
    assert_eq!(p["status"], "paid");
    assert_eq!(p["customer_uid_usage"], "payment.scheduled");
    assert_eq!(p["merchant_uid"], "u-3");
    let s = api.get_schedule("u-3").await;
    assert_eq!(
        (&s["schedule_status"], &s["payment_status"], &s["imp_uid"]),
        (&json!("executed"), &json!("paid"), &p["imp_uid"])
    );
    // Paid: neither reschedule nor retry.
    for action in ["/reschedule", "/retry"] {
        let (status, _) = api
            .post(&path("u-3", action), &json!({"schedule_at": now + 5 * DAY}))
            .await;
        assert_eq!(status, 400);
    }

    // A failed execution can be rescheduled (and fails again) and retried.
    api.advance(DAY as u64).await;
    let s = api.get_schedule("u-4").await;
    assert_eq!(
        (&s["schedule_status"], &s["payment_status"]),
        (&json!("executed"), &json!("failed"))
    );
    let first = s["imp_uid"].clone();
    let (status, _) = api
        .put(
            &path("u-4", ""),
            &json!({"schedule_at": api.sb.now() + DAY}),
        )
        .await;
    assert_eq!(status, 400, "executed: no PUT");
    let (status, body) = api
        .post(
            &path("u-4", "/reschedule"),
            &json!({"schedule_at": api.sb.now() + DAY}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let s = ok(&body);
    assert_eq!(
        (
            &s["schedule_status"],
            &s["imp_uid"],
            &s["payment_status"],
            &s["executed_at"],
            &s["fail_reason"]
        ),
        (
            &json!("scheduled"),
            &Value::Null,
            &Value::Null,
            &json!(0),
            &Value::Null
        )
    );
    api.advance(DAY as u64).await;
    let s = api.get_schedule("u-4").await;
    assert_eq!(s["payment_status"], "failed");
    assert_ne!(s["imp_uid"], first);
    let (status, body) = api.post(&path("u-4", "/retry"), &json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(ok(&body)["status"], "failed");
    assert_eq!(ok(&body)["fail_reason"], DECLINE_REASON);
    assert_eq!(
        api.ledger_for("u-4").len(),
        3,
        "every attempt is a payment record"
    );

    // Retry when the billing key is gone: 404.
    let (_, body) = api.delete("/subscribe/customers/u-bad").await;
    ok(&body);
    let (status, body) = api.post(&path("u-4", "/retry"), &json!({})).await;
    assert_eq!(status, 404, "{body}");
    assert_eq!(body["code"], 1);

    let counts = api.sb.request_counts();
    assert_eq!(counts["PUT /subscribe/payments/schedule/{merchant_uid}"], 7);
    assert!(counts["POST /subscribe/payments/schedule/{merchant_uid}/reschedule"] >= 6);
    assert!(counts["POST /subscribe/payments/schedule/{merchant_uid}/retry"] >= 5);
}
