//! `POST /subscribe/payments/schedule`, `/unschedule`, the schedule lists and the schedule
//! maintenance endpoints (without execution: see `execution.rs`).

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::common::{
    AUTH_FAIL_CARD, AUTH_FAILED, Api, CARD, CARD_MASK, DECLINE_CARD, EXPIRY, ISSUE_REFUSED,
    assert_fail, ok,
};

const HOUR: i64 = 3600;
const DAY: i64 = 86_400;
const NOTHING_TO_REVOKE: &str = "취소할 예약결제 기록이 존재하지 않습니다.";

fn merchant_uids(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|s| s["merchant_uid"].as_str().unwrap().to_owned())
        .collect()
}

/// The properties the vendor spec declares for `ScheduleResultAnnotation` (from the schema facts
/// `scripts/spec-derive` derives from it).
fn spec_schedule_properties() -> BTreeSet<String> {
    let spec: Value =
        serde_json::from_str(include_str!("../../../tests/spec/iamport-v1-schemas.json")).unwrap();
    spec["definitions"]["ScheduleResultAnnotation"]["properties"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect()
}

/// Every declared property is there (and nothing else), each with the declared type or null.
fn assert_schedule_shape(s: &Value) {
    let keys: BTreeSet<String> = s.as_object().unwrap().keys().cloned().collect();
    assert_eq!(keys, spec_schedule_properties(), "{s}");
    for k in ["schedule_at", "executed_at", "revoked_at"] {
        assert!(s[k].is_i64(), "{k}: {s}");
    }
    assert!(s["amount"].is_number(), "{s}");
    for (k, v) in s.as_object().unwrap() {
        if !["schedule_at", "executed_at", "revoked_at", "amount"].contains(&k.as_str()) {
            assert!(v.is_string() || v.is_null(), "{k}: {s}");
        }
    }
}

async fn key_with_customer(api: &Api, customer_uid: &str, card: &str) {
    let (status, body) = api
        .post(
            &format!("/subscribe/customers/{customer_uid}"),
            &json!({"card_number": card, "expiry": EXPIRY, "customer_name": "홍길동",
                    "customer_email": "hong@example.com", "customer_tel": "010-1234-5678"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    ok(&body);
}

#[tokio::test]
async fn schedule_list_and_revoke() {
    let api = Api::start().await;
    key_with_customer(&api, "sc-1", CARD).await;
    let now = api.sb.now();
    let body = api
        .schedule(
            "sc-1",
            json!([
                {"merchant_uid": "sc-1-a", "schedule_at": now + HOUR, "amount": 9900, "name": "월간 이용권",
                 "custom_data": {"plan": "monthly"}, "buyer_name": "다른사람"},
                {"merchant_uid": "sc-1-b", "schedule_at": now + 2 * HOUR, "amount": "9900", "currency": "KRW"},
                {"merchant_uid": "sc-1-c", "schedule_at": now + 3 * HOUR, "amount": 12000, "notice_url": "http://127.0.0.1:9/x"},
            ]),
        )
        .await;
    let created = ok(&body).as_array().unwrap().clone();
    assert_eq!(created.len(), 3);
    for s in &created {
        assert_schedule_shape(s);
        assert_eq!(s["customer_uid"], "sc-1");
        assert_eq!(s["schedule_status"], "scheduled");
        assert_eq!(s["imp_uid"], Value::Null);
        assert_eq!(s["payment_status"], Value::Null);
        assert_eq!(s["executed_at"], 0);
        assert_eq!(s["revoked_at"], 0);
        assert_eq!(s["fail_reason"], Value::Null);
        assert_eq!(s["pg_provider"], "nice");
        assert_eq!(s["pg_id"], "iamport01m");
        assert_eq!(s["currency"], "KRW");
        assert_eq!(
            s["buyer_email"], "hong@example.com",
            "falls back to the key"
        );
    }
    assert_eq!(created[0]["buyer_name"], "다른사람");
    assert_eq!(created[1]["buyer_name"], "홍길동");
    assert_eq!(created[0]["custom_data"], r#"{"plan":"monthly"}"#);
    assert_eq!(created[0]["name"], "월간 이용권");
    assert_eq!(created[1]["name"], Value::Null);
    assert_eq!(created[1]["amount"], 9900);
    assert_eq!(created[0]["schedule_at"], now + HOUR);
    assert_eq!(api.get_schedule("sc-1-b").await, created[1]);

    let range = format!("schedule_from={now}&schedule_to={}", now + DAY);
    let (status, body) = api
        .get(&format!("/subscribe/payments/schedule?{range}"))
        .await;
    assert_eq!(status, 200, "{body}");
    let page = ok(&body);
    assert_eq!(
        (&page["total"], &page["previous"], &page["next"]),
        (&json!(3), &json!(0), &json!(0))
    );
    assert_eq!(
        merchant_uids(&page["list"]),
        ["sc-1-c", "sc-1-b", "sc-1-a"],
        "newest first"
    );
    let (_, body) = api
        .get(&format!(
            "/subscribe/payments/schedule?{range}&sorting=scheduled"
        ))
        .await;
    assert_eq!(
        merchant_uids(&ok(&body)["list"]),
        ["sc-1-a", "sc-1-b", "sc-1-c"]
    );
    // `to` is exclusive, `from` inclusive.
    let (_, body) = api
        .get(&format!(
            "/subscribe/payments/schedule?schedule_from={}&schedule_to={}",
            now + HOUR,
            now + 3 * HOUR
        ))
        .await;
    assert_eq!(merchant_uids(&ok(&body)["list"]), ["sc-1-b", "sc-1-a"]);

    let (status, body) = api
        .post(
            "/subscribe/payments/unschedule",
            &json!({"customer_uid": "sc-1", "merchant_uid": "sc-1-b"}),
        )
        .await;
    assert_eq!(status, 200);
    let revoked = ok(&body).as_array().unwrap();
    assert_eq!(revoked.len(), 1);
    assert_schedule_shape(&revoked[0]);
    assert_eq!(revoked[0]["schedule_status"], "revoked");
    assert!(revoked[0]["revoked_at"].as_i64().unwrap() >= now);
    assert_eq!(revoked[0]["payment_status"], Value::Null);
    assert_eq!(api.get_schedule("sc-1-b").await, revoked[0]);

    let (status, body) = api
        .post(
            "/subscribe/payments/unschedule",
            &json!({"merchant_uid": "sc-1-b"}),
        )
        .await;
    assert_eq!(status, 200);
    assert_fail(&body, 1, NOTHING_TO_REVOKE);

    for (status_filter, expected) in [
        ("revoked", vec!["sc-1-b"]),
        ("scheduled", vec!["sc-1-c", "sc-1-a"]),
        ("executed", vec![]),
    ] {
        let (_, body) = api
            .get(&format!(
                "/subscribe/payments/schedule?{range}&schedule_status={status_filter}"
            ))
            .await;
        assert_eq!(merchant_uids(&ok(&body)["list"]), expected);
    }

    let (status, body) = api.get("/subscribe/payments/schedule/nope").await;
    assert_eq!(status, 404);
    assert_eq!(body["code"], 1);
    assert!(body["response"].is_null());

    let counts = api.sb.request_counts();
    assert_eq!(counts["POST /subscribe/payments/schedule"], 1);
    assert_eq!(counts["GET /subscribe/payments/schedule"], 6);
    assert_eq!(counts["GET /subscribe/payments/schedule/{merchant_uid}"], 3);
    assert_eq!(counts["POST /subscribe/payments/unschedule"], 2);
}

#[tokio::test]
async fn unschedule_all_by_list_and_nothing() {
    let api = Api::start().await;
    api.issue("un-1", CARD).await;
    api.issue("un-2", CARD).await;
    let at = api.sb.now() + DAY;
    let many = |prefix: &str, n: usize| -> Value {
        (0..n)
            .map(|i| json!({"merchant_uid": format!("{prefix}-{i}"), "schedule_at": at + i as i64, "amount": 1000}))
            .collect()
    };
    ok(&api.schedule("un-1", many("un-1", 4)).await);
    ok(&api.schedule("un-2", many("un-2", 3)).await);

    // A list as a JSON array; only the customer's own schedules match.
    let (_, body) = api
        .post(
            "/subscribe/payments/unschedule",
            &json!({"customer_uid": "un-1", "merchant_uid": ["un-1-0", "un-1-1", "un-2-0", "none"]}),
        )
        .await;
    assert_eq!(merchant_uids(ok(&body)), ["un-1-0", "un-1-1"]);
    // The same through a form body with `merchant_uid[]`, without customer_uid.
    let (_, body) = api
        .post_form(
            "/subscribe/payments/unschedule",
            &[("merchant_uid[]", "un-2-0"), ("merchant_uid[]", "un-1-0")],
        )
        .await;
    assert_eq!(
        merchant_uids(ok(&body)),
        ["un-2-0"],
        "un-1-0 is revoked already"
    );
    // Every pending schedule of one customer.
    let (_, body) = api
        .post_form(
            "/subscribe/payments/unschedule",
            &[("customer_uid", "un-1")],
        )
        .await;
    assert_eq!(merchant_uids(ok(&body)), ["un-1-2", "un-1-3"]);
    for request in [
        json!({"customer_uid": "un-1"}),
        json!({"customer_uid": "nobody"}),
        json!({"customer_uid": "un-1", "merchant_uid": ["un-2-1"]}),
        json!({"merchant_uid": []}),
        json!({"merchant_uid": "none"}),
    ] {
        let (status, body) = api.post("/subscribe/payments/unschedule", &request).await;
        assert_eq!(status, 200);
        if request.get("customer_uid").is_none() && request["merchant_uid"] == json!([]) {
            assert_eq!(body["code"], 1, "{request}");
        } else {
            assert_fail(&body, 1, NOTHING_TO_REVOKE);
        }
    }
    let (_, body) = api.post("/subscribe/payments/unschedule", &json!({})).await;
    assert_eq!(body["code"], 1);
    assert!(body["response"].is_null());
    // The other customer's remaining ones are untouched.
    assert_eq!(
        api.get_schedule("un-2-1").await["schedule_status"],
        "scheduled"
    );
    assert_eq!(
        api.get_schedule("un-2-2").await["schedule_status"],
        "scheduled"
    );
}

#[tokio::test]
async fn schedule_validation_and_atomicity() {
    let api = Api::start().await;
    let at = api.sb.now() + DAY;
    let one = |m: &str| json!([{"merchant_uid": m, "schedule_at": at, "amount": 1000}]);

    // Unknown customer without card data.
    let (status, body) = api
        .post(
            "/subscribe/payments/schedule",
            &json!({"customer_uid": "v-new", "schedules": one("v-0")}),
        )
        .await;
    assert_eq!(status, 200);
    assert_fail(&body, 1, "등록된 고객정보가 없습니다.");
    // Card authentication failure: nothing stored.
    let (_, body) = api
        .post(
            "/subscribe/payments/schedule",
            &json!({"customer_uid": "v-new", "card_number": AUTH_FAIL_CARD, "expiry": EXPIRY,
                    "schedules": one("v-0")}),
        )
        .await;
    assert_fail(&body, -1, &format!("{ISSUE_REFUSED} {AUTH_FAILED}"));
    let (_, body) = api.get("/subscribe/customers/v-new").await;
    assert_eq!(body["code"], 1);
    // Card data with a new customer_uid issues the key first.
    let (_, body) = api
        .post(
            "/subscribe/payments/schedule",
            &json!({"customer_uid": "v-new", "card_number": CARD, "expiry": EXPIRY, "birth": "820213",
                    "pwd_2digit": "00", "pg": "daou", "schedules": one("v-0")}),
        )
        .await;
    let s = &ok(&body)[0];
    assert_eq!(
        (&s["pg_provider"], &s["pg_id"]),
        (&json!("daou"), &json!("CTS17266"))
    );
    let (_, body) = api.get("/subscribe/customers/v-new").await;
    assert_eq!(ok(&body)["card_number"], CARD_MASK);

    // Duplicate merchant_uid: within the request, against a schedule, against a payment.
    // The valid first entry is not stored either.
    ok(&api.again("v-new", "v-paid", 1000).await);
    for (dup, entries) in [
        (
            "v-x",
            json!([{"merchant_uid": "v-x", "schedule_at": at, "amount": 1},
                       {"merchant_uid": "v-x", "schedule_at": at, "amount": 1}]),
        ),
        (
            "v-0",
            json!([{"merchant_uid": "v-ok", "schedule_at": at, "amount": 1},
                       {"merchant_uid": "v-0", "schedule_at": at, "amount": 1}]),
        ),
        (
            "v-paid",
            json!([{"merchant_uid": "v-ok", "schedule_at": at, "amount": 1},
                          {"merchant_uid": "v-paid", "schedule_at": at, "amount": 1}]),
        ),
    ] {
        let (status, body) = api
            .post(
                "/subscribe/payments/schedule",
                &json!({"customer_uid": "v-new", "schedules": entries}),
            )
            .await;
        assert_eq!(status, 200);
        assert_eq!(body["code"], 1, "{body}");
        assert!(body["message"].as_str().unwrap().contains(dup), "{body}");
        assert!(body["response"].is_null());
        let (status, _) = api.get("/subscribe/payments/schedule/v-ok").await;
        assert_eq!(status, 404, "nothing of a refused request is stored");
    }

    let now = api.sb.now();
    for (entries, what) in [
        (
            json!([{"merchant_uid": "v-1", "schedule_at": now - 60, "amount": 1000}]),
            "past",
        ),
        (
            json!([{"merchant_uid": "v-1", "amount": 1000}]),
            "schedule_at",
        ),
        (
            json!([{"merchant_uid": "v-1", "schedule_at": at}]),
            "amount",
        ),
        (json!([{"schedule_at": at, "amount": 1000}]), "merchant_uid"),
        (
            json!([{"merchant_uid": "v-1", "schedule_at": at, "amount": 0}]),
            "amount",
        ),
        (
            json!([{"merchant_uid": "v-1", "schedule_at": at, "amount": 10.5}]),
            "amount",
        ),
        (
            json!([{"merchant_uid": "v-1", "schedule_at": "soon", "amount": 100}]),
            "schedule_at",
        ),
        (
            json!([{"merchant_uid": "v-1", "schedule_at": at, "amount": 100, "card_quota": 99}]),
            "card_quota",
        ),
        (json!([]), "schedules"),
        (json!("not a list"), "schedules"),
        (json!([1, 2]), "schedules"),
    ] {
        let (status, body) = api
            .post(
                "/subscribe/payments/schedule",
                &json!({"customer_uid": "v-new", "schedules": entries}),
            )
            .await;
        assert_eq!(status, 200, "{what}");
        assert_eq!(body["code"], 1, "{what}: {body}");
        assert!(body["response"].is_null());
        if what != "past" {
            assert!(body["message"].as_str().unwrap().contains(what), "{body}");
        }
    }
    let (_, body) = api
        .post(
            "/subscribe/payments/schedule",
            &json!({"schedules": one("v-1")}),
        )
        .await;
    assert_fail(&body, 1, "customer_uid 파라메터가 누락되었습니다.");
    let (_, body) = api
        .post(
            "/subscribe/payments/schedule",
            &json!({"customer_uid": "v-new"}),
        )
        .await;
    assert_fail(&body, 1, "schedules 파라메터가 누락되었습니다.");

    // checking_amount: a declining card fails the check, an approving one passes it.
    api.issue("v-decline", DECLINE_CARD).await;
    let (_, body) = api
        .post(
            "/subscribe/payments/schedule",
            &json!({"customer_uid": "v-decline", "checking_amount": 1000, "schedules": one("v-2")}),
        )
        .await;
    assert_eq!(body["code"], -1, "{body}");
    let (_, body) = api
        .post(
            "/subscribe/payments/schedule",
            &json!({"customer_uid": "v-decline", "checking_amount": 0, "schedules": one("v-2")}),
        )
        .await;
    ok(&body);
    let (_, body) = api
        .post(
            "/subscribe/payments/schedule",
            &json!({"customer_uid": "v-new", "checking_amount": 100, "schedules": one("v-3")}),
        )
        .await;
    ok(&body);
    assert_eq!(
        api.sb.ledger().len(),
        1,
        "only v-paid: the card check leaves no payment"
    );
}

#[tokio::test]
async fn form_encoded_schedule_bodies() {
    let api = Api::start().await;
    let at = (api.sb.now() + DAY).to_string();
    let at2 = (api.sb.now() + 2 * DAY).to_string();
    let (status, body) = api
        .post_form(
            "/subscribe/payments/schedule",
            &[
                ("customer_uid", "f-1"),
                ("card_number", CARD),
                ("expiry", EXPIRY),
                ("schedules[0][merchant_uid]", "f-1-a"),
                ("schedules[0][schedule_at]", &at),
                ("schedules[0][amount]", "5000"),
                ("schedules[0][name]", "정기결제"),
                ("schedules[0][buyer_name]", "김철수"),
                ("schedules[1][merchant_uid]", "f-1-b"),
                ("schedules[1][schedule_at]", &at2),
                ("schedules[1][amount]", "6000"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let list = ok(&body).as_array().unwrap();
    assert_eq!(merchant_uids(ok(&body)), ["f-1-a", "f-1-b"]);
    assert_eq!(list[0]["amount"], 5000);
    assert_eq!(list[0]["name"], "정기결제");
    assert_eq!(list[0]["buyer_name"], "김철수");
    assert_eq!(list[1]["schedule_at"].to_string(), at2);
    // `schedules` as JSON text inside a form body.
    let text = json!([{"merchant_uid": "f-1-c", "schedule_at": api.sb.now() + DAY, "amount": 700}])
        .to_string();
    let (_, body) = api
        .post_form(
            "/subscribe/payments/schedule",
            &[("customer_uid", "f-1"), ("schedules", &text)],
        )
        .await;
    assert_eq!(ok(&body)[0]["amount"], 700);
    // PUT with a form body too.
    let later = (api.sb.now() + 3 * DAY).to_string();
    let (status, body) = api
        .send(
            api.http
                .put(api.url("/subscribe/payments/schedule/f-1-c"))
                .bearer_auth(&api.token)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(format!("schedule_at={later}")),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(ok(&body)["schedule_at"].to_string(), later);
}

/// 2,500 schedules (some sharing a `schedule_at`), paged with `limit=1000` and with the
/// default 20: each exactly once, in order.
#[tokio::test]
async fn many_schedules_page_exactly_once() {
    const N: i64 = 2500;
    let api = Api::start().await;
    api.issue("pg-1", CARD).await;
    let base = api.sb.now() + HOUR;
    let entries: Vec<Value> = (0..N)
        .map(|i| json!({"merchant_uid": format!("pg-{i:04}"), "schedule_at": base + (i / 2) * 3000, "amount": 100}))
        .collect();
    let body = api.schedule("pg-1", Value::Array(entries)).await;
    assert_eq!(ok(&body).as_array().unwrap().len(), N as usize);
    let range = format!("schedule_from={base}&schedule_to={}", base + (N / 2) * 3000);
    const { assert!((N / 2) * 3000 <= 92 * DAY) };

    for (limit, sorting) in [
        (Some(1000), "scheduled"),
        (Some(1000), "-scheduled"),
        (None, "scheduled"),
        (None, ""),
    ] {
        let per_page = limit.unwrap_or(20);
        let mut seen: Vec<(i64, String)> = Vec::new();
        let mut page = 1;
        loop {
            let mut path = format!("/subscribe/payments/schedule?{range}&page={page}");
            if let Some(l) = limit {
                path.push_str(&format!("&limit={l}"));
            }
            if !sorting.is_empty() {
                path.push_str(&format!("&sorting={sorting}"));
            }
            let (status, body) = api.get(&path).await;
            assert_eq!(status, 200, "{body}");
            let r = ok(&body);
            assert_eq!(r["total"], N);
            assert_eq!(r["previous"], page - 1);
            let list = r["list"].as_array().unwrap();
            assert!(list.len() <= per_page as usize);
            seen.extend(list.iter().map(|s| {
                (
                    s["schedule_at"].as_i64().unwrap(),
                    s["merchant_uid"].as_str().unwrap().to_owned(),
                )
            }));
            let next = r["next"].as_i64().unwrap();
            if next == 0 {
                assert_eq!(page, (N + per_page - 1) / per_page);
                break;
            }
            assert_eq!(next, page + 1);
            page = next;
        }
        assert_eq!(seen.len(), N as usize);
        let unique: BTreeSet<&String> = seen.iter().map(|(_, m)| m).collect();
        assert_eq!(unique.len(), N as usize, "every schedule exactly once");
        let times: Vec<i64> = seen.iter().map(|(t, _)| *t).collect();
        let mut sorted = times.clone();
        sorted.sort_unstable();
        if sorting == "scheduled" {
            assert_eq!(times, sorted, "oldest first");
        } else {
            sorted.reverse();
            assert_eq!(times, sorted, "newest first");
        }
    }
    // A page past the end is empty.
    let (_, body) = api
        .get(&format!(
            "/subscribe/payments/schedule?{range}&page=200&limit=20"
        ))
        .await;
    let r = ok(&body);
    assert_eq!(
        (&r["previous"], &r["next"], &r["list"]),
        (&json!(199), &json!(0), &json!([]))
    );
}

#[tokio::test]
async fn range_query_errors_are_400() {
    let api = Api::start().await;
    let now = api.sb.now();
    let ok_range = format!("schedule_from={now}&schedule_to={}", now + DAY);
    for query in [
        String::new(),
        format!("schedule_from={now}"),
        format!("schedule_to={now}"),
        format!("schedule_from=x&schedule_to={now}"),
        format!("schedule_from={now}&schedule_to={}", now - 1),
        format!("schedule_from={now}&schedule_to={}", now + 93 * DAY),
        format!("{ok_range}&schedule_status=paid"),
        format!("{ok_range}&limit=0"),
        format!("{ok_range}&limit=1001"),
        format!("{ok_range}&page=0"),
        format!("{ok_range}&sorting=started"),
    ] {
        let (status, body) = api
            .get(&format!("/subscribe/payments/schedule?{query}"))
            .await;
        assert_eq!(status, 400, "{query}: {body}");
        assert_eq!(body["code"], 1);
        assert!(body["response"].is_null());
    }
    let (status, body) = api
        .get(&format!(
            "/subscribe/payments/schedule?schedule_from={now}&schedule_to={}",
            now + 92 * DAY
        ))
        .await;
    assert_eq!(status, 200, "a 92-day window is allowed: {body}");
    assert_eq!(ok(&body)["list"], json!([]));
}

#[tokio::test]
async fn customer_schedule_lists_take_both_spellings() {
    let api = Api::start().await;
    api.issue("cs-1", CARD).await;
    api.issue("cs-2", CARD).await;
    let now = api.sb.now();
    ok(&api
        .schedule(
            "cs-1",
            json!([
                {"merchant_uid": "cs-1-a", "schedule_at": now + HOUR, "amount": 100},
                {"merchant_uid": "cs-1-b", "schedule_at": now + 2 * HOUR, "amount": 100},
                {"merchant_uid": "cs-1-c", "schedule_at": now + 3 * HOUR, "amount": 100},
            ]),
        )
        .await);
    ok(&api
        .schedule(
            "cs-2",
            json!([{"merchant_uid": "cs-2-a", "schedule_at": now + HOUR, "amount": 100}]),
        )
        .await);
    let (_, body) = api
        .post(
            "/subscribe/payments/unschedule",
            &json!({"merchant_uid": "cs-1-b"}),
        )
        .await;
    ok(&body);
    let to = now + DAY;
    for base in [
        "/subscribe/customers/cs-1/schedules",
        "/subscribe/payments/schedule/customers/cs-1",
    ] {
        for (query, expected) in [
            (
                format!("from={now}&to={to}"),
                vec!["cs-1-c", "cs-1-b", "cs-1-a"],
            ),
            (
                format!("schedule_from={now}&schedule_to={to}"),
                vec!["cs-1-c", "cs-1-b", "cs-1-a"],
            ),
            (
                format!("from={now}&to={to}&schedule-status=revoked"),
                vec!["cs-1-b"],
            ),
            (
                format!("schedule_from={now}&schedule_to={to}&schedule_status=scheduled"),
                vec!["cs-1-c", "cs-1-a"],
            ),
            (
                format!("from={}&to={to}", now + 2 * HOUR),
                vec!["cs-1-c", "cs-1-b"],
            ),
            (format!("from={now}&to={to}&page=2"), vec![]),
        ] {
            let (status, body) = api.get(&format!("{base}?{query}")).await;
            assert_eq!(status, 200, "{base}?{query}: {body}");
            let r = ok(&body);
            assert_eq!(merchant_uids(&r["list"]), expected, "{base}?{query}");
            for s in r["list"].as_array().unwrap() {
                assert_schedule_shape(s);
            }
        }
        let (status, body) = api.get(&format!("{base}?from={now}&to={to}&limit=2")).await;
        assert_eq!(status, 200);
        assert_eq!(
            (&ok(&body)["total"], &ok(&body)["next"]),
            (&json!(3), &json!(2))
        );
        for bad in [
            format!("to={to}"),
            format!("from={now}&to={}", now + 100 * DAY),
            format!("from={now}&to={to}&schedule-status=nope"),
        ] {
            let (status, body) = api.get(&format!("{base}?{bad}")).await;
            assert_eq!(status, 400, "{bad}: {body}");
        }
    }
    for unknown in [
        "/subscribe/customers/nobody/schedules",
        "/subscribe/payments/schedule/customers/nobody",
    ] {
        let (status, body) = api.get(&format!("{unknown}?from={now}&to={to}")).await;
        assert_eq!(status, 200);
        assert_eq!(
            ok(&body),
            &json!({"total": 0, "previous": 0, "next": 0, "list": []})
        );
    }
    let counts = api.sb.request_counts();
    assert_eq!(
        counts["GET /subscribe/customers/{customer_uid}/schedules"],
        11
    );
    assert_eq!(
        counts["GET /subscribe/payments/schedule/customers/{customer_uid}"],
        11
    );
}
