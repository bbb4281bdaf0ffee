//! `GET /payments/status/{payment_status}` (facts §6.5 and the spec): the status set, paging,
//! `limit`, the `from`/`to` window (default the last 90 days, at most 90 days, both ends
//! inclusive) on the time field of each payment's status, `sorting`, and the errors.

use iamport_sandbox::FaultPlan;
use serde_json::{Value, json};

use crate::common::{Api, CARD, DECLINE_CARD, ok};
use crate::payments::assert_payment_shape;

const DAY: i64 = 86_400;

fn merchant_uids(page: &Value) -> Vec<String> {
    page["list"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["merchant_uid"].as_str().unwrap().to_owned())
        .collect()
}

async fn cancel(api: &Api, merchant_uid: &str, amount: Option<i64>) {
    let mut body = json!({ "merchant_uid": merchant_uid });
    if let Some(a) = amount {
        body["amount"] = json!(a);
    }
    ok(&api.post("/payments/cancel", &body).await.1);
}

/// Payments over 100 days of sandbox time; returns `t0`, when old-paid was paid.
///
/// | merchant_uid | started | status now, at |
/// |---|---|---|
/// | old-paid | t0 | paid at t0 |
/// | old-cancel | t0 | cancelled at t1+20 |
/// | new-paid | t1 | paid at t1 |
/// | new-failed | t1+10 | failed at t1+10 |
/// | partial | t1+30 | paid at t1+30 (refunded in part at t1+40) |
/// | new-cancel | t1+50 | cancelled at t1+60 |
async fn history(api: &mut Api) -> i64 {
    let t0 = ok(&api.onetime("old-paid", CARD, 1000).await)["paid_at"]
        .as_i64()
        .unwrap();
    ok(&api.onetime("old-cancel", CARD, 1000).await);
    api.advance(100 * DAY as u64).await;
    ok(&api.onetime("new-paid", CARD, 1000).await);
    api.advance(10).await;
    assert_eq!(
        ok(&api.onetime("new-failed", DECLINE_CARD, 1000).await)["status"],
        "failed"
    );
    api.advance(10).await;
    cancel(api, "old-cancel", None).await;
    api.advance(10).await;
    ok(&api.onetime("partial", CARD, 3000).await);
    api.advance(10).await;
    cancel(api, "partial", Some(1000)).await;
    api.advance(10).await;
    ok(&api.onetime("new-cancel", CARD, 1000).await);
    api.advance(10).await;
    cancel(api, "new-cancel", None).await;
    t0
}

#[tokio::test]
async fn each_status_by_its_own_time_in_the_last_90_days() {
    let mut api = Api::start().await;
    history(&mut api).await;
    let list = |status: &'static str| {
        let api = &api;
        async move {
            let (code, body) = api.get(&format!("/payments/status/{status}")).await;
            assert_eq!(code, 200, "{body}");
            ok(&body).clone()
        }
    };
    // Newest started first by default; old-paid (paid 100 days ago) is outside the window,
    // old-cancel is in it by its cancellation.
    let all = list("all").await;
    assert_eq!(
        merchant_uids(&all),
        [
            "new-cancel",
            "partial",
            "new-failed",
            "new-paid",
            "old-cancel"
        ]
    );
    assert_eq!(
        (&all["total"], &all["previous"], &all["next"]),
        (&json!(5), &json!(0), &json!(0))
    );
    for p in all["list"].as_array().unwrap() {
        assert_payment_shape(p);
    }
    assert_eq!(merchant_uids(&list("paid").await), ["partial", "new-paid"]);
    assert_eq!(merchant_uids(&list("failed").await), ["new-failed"]);
    assert_eq!(
        merchant_uids(&list("cancelled").await),
        ["new-cancel", "old-cancel"]
    );
    let ready = list("ready").await;
    assert_eq!(
        ready,
        json!({"total": 0, "previous": 0, "next": 0, "list": []})
    );
    let partial = &list("paid").await["list"][0];
    assert_eq!(partial["status"], "paid");
    assert_eq!(partial["cancel_amount"], 1000);
    assert_eq!(
        api.sb.request_counts()["GET /payments/status/{payment_status}"],
        6
    );
}

#[tokio::test]
async fn from_and_to_are_inclusive_and_at_most_90_days_apart() {
    let mut api = Api::start().await;
    let t0 = history(&mut api).await;
    let now = api.sb.now();
    let get = |query: String| {
        let api = &api;
        async move { api.get(&format!("/payments/status/all?{query}")).await }
    };
    // Both ends inclusive: a one-second window at t0 finds what was paid then.
    let (status, body) = get(format!("from={t0}&to={t0}")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(merchant_uids(ok(&body)), ["old-paid"]);
    // `to` alone: `from` is 90 days before it.
    let (_, body) = get(format!("to={}", t0 + 1)).await;
    assert_eq!(merchant_uids(ok(&body)), ["old-paid"]);
    // A window of exactly 90 days is fine.
    let (status, body) = get(format!("from={}&to={}", now - 90 * DAY, now)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(ok(&body)["total"], 5);
    // `from` alone: `to` is the sandbox's now (a minute of slack for the real clock).
    let (status, body) = get(format!("from={}", now - 90 * DAY + 60)).await;
    assert_eq!((status, &ok(&body)["total"]), (200, &json!(5)));

    let too_long = json!({"code": 1, "message": "조회 기간은 최대 90일입니다.", "response": null});
    for query in [
        format!("from={}&to={}", t0, t0 + 90 * DAY + 1),
        format!("from={}", now - 91 * DAY),
    ] {
        assert_eq!(get(query.clone()).await, (400, too_long.clone()), "{query}");
    }
    let reversed = json!({"code": 1, "message": "조회 종료시각은 조회 시작시각 이후여야 합니다.", "response": null});
    assert_eq!(
        get(format!("from={}&to={}", now, now - 1)).await,
        (400, reversed)
    );
    for query in ["from=abc", "to=1.5", "from[]=1"] {
        let (status, body) = get(query.to_owned()).await;
        assert_eq!((status, &body["code"]), (400, &json!(1)), "{query}: {body}");
    }
}

#[tokio::test]
async fn sorting_orders_the_list() {
    let mut api = Api::start().await;
    history(&mut api).await;
    let sorted = |sorting: &'static str| {
        let api = &api;
        async move {
            let (_, body) = api
                .get(&format!("/payments/status/all?sorting={sorting}"))
                .await;
            merchant_uids(ok(&body))
        }
    };
    assert_eq!(
        sorted("started").await,
        [
            "old-cancel",
            "new-paid",
            "new-failed",
            "partial",
            "new-cancel"
        ]
    );
    assert_eq!(
        sorted("-started").await,
        [
            "new-cancel",
            "partial",
            "new-failed",
            "new-paid",
            "old-cancel"
        ]
    );
    // A declined payment was never paid (paid_at 0).
    assert_eq!(
        sorted("paid").await,
        [
            "new-failed",
            "old-cancel",
            "new-paid",
            "partial",
            "new-cancel"
        ]
    );
    // Every change of a record moves `updated`: refunds included.
    assert_eq!(
        sorted("-updated").await,
        [
            "new-cancel",
            "partial",
            "old-cancel",
            "new-failed",
            "new-paid"
        ]
    );
    let (status, body) = api.get("/payments/status/all?sorting=amount").await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({"code": 1, "message": "지원되지 않는 정렬기준입니다.", "response": null})
        )
    );
}

#[tokio::test]
async fn pages_and_limits() {
    let api = Api::start().await;
    // 25 payments in the same second: ties are broken by creation order, so pages never
    // repeat or skip one.
    for i in 0..25 {
        ok(&api.onetime(&format!("pg-{i:02}"), CARD, 1000).await);
    }
    let page = |query: &'static str| {
        let api = &api;
        async move { api.get(&format!("/payments/status/paid{query}")).await }
    };
    let (_, first) = page("").await;
    let first = ok(&first).clone();
    assert_eq!(
        (&first["total"], &first["previous"], &first["next"]),
        (&json!(25), &json!(0), &json!(2))
    );
    assert_eq!(first["list"].as_array().unwrap().len(), 20, "20 by default");
    let (_, second) = page("?page=2").await;
    let second = ok(&second).clone();
    assert_eq!(
        (&second["previous"], &second["next"]),
        (&json!(1), &json!(0))
    );
    let mut all = merchant_uids(&first);
    all.extend(merchant_uids(&second));
    let expected: Vec<String> = (0..25).rev().map(|i| format!("pg-{i:02}")).collect();
    assert_eq!(all, expected, "newest first, each once");

    let (_, small) = page("?limit=10&page=3").await;
    assert_eq!(merchant_uids(ok(&small)), expected[20..]);
    let (status, big) = page("?limit=1000").await;
    assert_eq!(
        (status, ok(&big)["list"].as_array().unwrap().len()),
        (200, 25)
    );
    for query in ["?limit=1001", "?limit=0", "?limit=x", "?page=0", "?page=-1"] {
        let (status, body) = page(query).await;
        assert_eq!((status, &body["code"]), (400, &json!(1)), "{query}: {body}");
    }
    // A page past the last one is out of the data's range (400, as the spec says).
    let (status, body) = page("?page=3").await;
    assert_eq!(
        (status, &body["message"]),
        (400, &json!("page 파라메터가 올바르지 않습니다."))
    );
    let (status, body) = page("?page=2&limit=25").await;
    assert_eq!(status, 400, "{body}");
}

#[tokio::test]
async fn unknown_status_and_missing_token() {
    let api = Api::start().await;
    ok(&api.onetime("s-1", CARD, 1000).await);
    for status in ["approved", "PAID", "all2", "%20"] {
        let (code, body) = api.get(&format!("/payments/status/{status}")).await;
        assert_eq!(
            (code, body),
            (
                400,
                json!({"code": 1, "message": "지원되지 않는 상태값입니다.", "response": null})
            ),
            "{status}"
        );
    }
    let unauthorized = json!({"code": -1, "message": "Unauthorized", "response": null});
    let no_token = api.http.get(api.url("/payments/status/paid"));
    assert_eq!(api.send(no_token).await, (401, unauthorized.clone()));
    let wrong = api
        .http
        .get(api.url("/payments/status/bogus"))
        .bearer_auth("not-a-token");
    assert_eq!(api.send(wrong).await, (401, unauthorized));
    // A fault rule can name the route.
    let plan: FaultPlan = serde_json::from_value(json!({"rules": [
        {"route": "GET /payments/status/{payment_status}", "probability": 1,
         "fault": {"type": "server_error"}}
    ]}))
    .unwrap();
    plan.validate().unwrap();
    let (_, body) = api.get("/payments/status/all").await;
    assert_eq!(merchant_uids(ok(&body)), ["s-1"]);
}
