//! Webhooks: JSON and form bodies, `notice_url` vs. the configured URL, retries, approvals of
//! `onetime` / `again`, refunds with `enable_webhook`, the delivery record and the HTTP
//! inspection routes.

use std::time::{Duration, Instant};

use iamport_sandbox::{SandboxConfig, WebhookFormat};
use serde_json::{Value, json};

use crate::common::{AUTH_FAIL_CARD, Api, CARD, DECLINE_CARD, Receiver, client, ok};

const DAY: i64 = 86_400;

async fn schedule_one(api: &Api, merchant_uid: &str) {
    let at = api.sb.now() + 60;
    let body = json!([{"merchant_uid": merchant_uid, "schedule_at": at, "amount": 1000}]);
    ok(&api.schedule("rt", body).await);
}

fn imp_uid_of(api: &Api, merchant_uid: &str) -> String {
    api.ledger_for(merchant_uid)[0]["imp_uid"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn json_and_form_webhooks_for_paid_and_failed_executions() {
    let mut hooks = Receiver::start().await;
    let mut api = Api::start_with(SandboxConfig {
        webhook_url: Some(hooks.url("/console")),
        ..SandboxConfig::default()
    })
    .await;
    api.issue("w-ok", CARD).await;
    api.issue("w-bad", DECLINE_CARD).await;
    let at = api.sb.now() + DAY;
    ok(&api
        .schedule(
            "w-ok",
            json!([
                {"merchant_uid": "w-1", "schedule_at": at, "amount": 1000},
                {"merchant_uid": "w-2", "schedule_at": at + 1, "amount": 1000, "notice_url": hooks.url("/notice")},
            ]),
        )
        .await);
    ok(&api
        .schedule(
            "w-bad",
            json!([{"merchant_uid": "w-3", "schedule_at": at + 2, "amount": 1000}]),
        )
        .await);
    api.advance(DAY as u64 + 10).await;
    api.sb.settle().await;

    let got = hooks.received();
    assert_eq!(got.len(), 3, "{got:?}");
    let expected = [
        ("/console", "w-1", "paid"),
        ("/notice", "w-2", "paid"),
        ("/console", "w-3", "failed"),
    ];
    for (hook, (path, m, status)) in got.iter().zip(expected) {
        assert_eq!(hook.path, path);
        assert_eq!(hook.content_type, "application/json");
        assert_eq!(
            hook.body,
            format!(
                r#"{{"imp_uid":"{}","merchant_uid":"{m}","status":"{status}"}}"#,
                imp_uid_of(&api, m)
            )
        );
    }
    let deliveries = api.sb.webhook_deliveries();
    assert_eq!(deliveries.len(), 3);
    for (d, hook) in deliveries.iter().zip(&got) {
        assert_eq!(d.url, hooks.url(&hook.path));
        assert_eq!(d.body, hook.body);
        assert_eq!(d.content_type, "application/json");
        assert_eq!(
            (d.status, d.error.as_deref(), d.attempt),
            (Some(200), None, 1)
        );
        assert!(d.at >= at);
    }

    // Form bodies from now on.
    api.sb.set_webhook_format(WebhookFormat::Form);
    let at = api.sb.now() + DAY;
    ok(&api
        .schedule(
            "w-bad",
            json!([{"merchant_uid": "w-4 &=", "schedule_at": at, "amount": 1000}]),
        )
        .await);
    api.advance(DAY as u64).await;
    api.sb.settle().await;
    let got = hooks.received();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].content_type, "application/x-www-form-urlencoded");
    assert_eq!(
        got[0].body,
        format!(
            "imp_uid={}&merchant_uid=w-4+%26%3D&status=failed",
            imp_uid_of(&api, "w-4 &=")
        )
    );
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(&got[0].body).unwrap();
    assert_eq!(pairs[1], ("merchant_uid".to_owned(), "w-4 &=".to_owned()));
    assert_eq!(api.sb.webhook_deliveries().len(), 4);

    // Without any URL nothing is sent.
    api.sb.set_webhook_url(None);
    let at = api.sb.now() + DAY;
    ok(&api
        .schedule(
            "w-ok",
            json!([{"merchant_uid": "w-5", "schedule_at": at, "amount": 1000}]),
        )
        .await);
    api.advance(DAY as u64).await;
    api.sb.settle().await;
    assert!(hooks.received().is_empty());
    assert_eq!(api.sb.webhook_deliveries().len(), 4);
    assert_eq!(api.ledger_for("w-5")[0]["status"], "paid");
}

#[tokio::test]
async fn retries_on_errors_and_non_200() {
    let mut hooks = Receiver::start().await;
    let mut api = Api::start_with(SandboxConfig {
        webhook_url: Some(hooks.url("/hook")),
        webhook_retries: 2,
        ..SandboxConfig::default()
    })
    .await;
    api.issue("rt", CARD).await;

    // 500, 500, then 200: three attempts.
    hooks.answer_with(&[500, 500]);
    schedule_one(&api, "rt-1").await;
    api.advance(60).await;
    api.sb.settle().await;
    assert_eq!(hooks.received().len(), 3);
    let d = api.sb.webhook_deliveries();
    let statuses: Vec<(Option<u16>, u32)> = d.iter().map(|d| (d.status, d.attempt)).collect();
    assert_eq!(statuses, [(Some(500), 1), (Some(500), 2), (Some(200), 3)]);
    assert!(d.iter().all(|x| x.body == d[0].body));

    // Always 503: 1 + 2 attempts, then it gives up.
    hooks.answer_with(&[503, 503, 503]);
    schedule_one(&api, "rt-2").await;
    api.advance(60).await;
    api.sb.settle().await;
    assert_eq!(hooks.received().len(), 3);
    let d = api.sb.webhook_deliveries();
    assert_eq!(d.len(), 6);
    assert!(d[3..].iter().all(|x| x.status == Some(503)));

    // No retries: a single attempt.
    api.sb.set_webhook_retries(0);
    let mut fresh = Receiver::start().await;
    fresh.answer_with(&[500]);
    api.sb.set_webhook_url(Some(fresh.url("/once")));
    schedule_one(&api, "rt-3").await;
    api.advance(60).await;
    api.sb.settle().await;
    assert_eq!(fresh.received().len(), 1);
    let last = api.sb.webhook_deliveries().pop().unwrap();
    assert_eq!((last.status, last.attempt), (Some(500), 1));

    // Nobody listening: a network error is recorded, retried, and does not block anything.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    api.sb.set_webhook_retries(1);
    api.sb
        .set_webhook_url(Some(format!("http://{closed}/gone")));
    schedule_one(&api, "rt-4").await;
    api.advance(60).await;
    api.sb.settle().await;
    let d = api.sb.webhook_deliveries();
    let tail = &d[d.len() - 2..];
    for (i, x) in tail.iter().enumerate() {
        assert_eq!(x.status, None);
        assert!(x.error.as_deref().unwrap().contains("connect"), "{x:?}");
        assert_eq!(x.attempt, i as u32 + 1);
    }
    assert_eq!(api.ledger_for("rt-4")[0]["status"], "paid");
}

/// Facts §7: an approved payment is notified to its `notice_url`, else to the configured URL;
/// a declined one (and a refused request) sends nothing. Same format, retries and records as
/// the schedules' webhooks.
#[tokio::test]
async fn approvals_of_onetime_and_again() {
    let mut hooks = Receiver::start().await;
    let api = Api::start_with(SandboxConfig {
        webhook_url: Some(hooks.url("/console")),
        ..SandboxConfig::default()
    })
    .await;
    let body_of = |imp_uid: &Value, merchant_uid: &str| {
        format!(
            r#"{{"imp_uid":"{}","merchant_uid":"{merchant_uid}","status":"paid"}}"#,
            imp_uid.as_str().unwrap()
        )
    };

    // A key-in payment, one with its own notice_url, one that also issues a key, a charge of
    // that key: four approvals.
    let a = ok(&api.onetime("ap-1", CARD, 1000).await).clone();
    let (_, b) = api
        .post(
            "/subscribe/payments/onetime",
            &json!({"merchant_uid": "ap-2", "amount": 1000, "card_number": CARD,
                    "expiry": "2099-12", "notice_url": hooks.url("/notice")}),
        )
        .await;
    let b = ok(&b).clone();
    let (_, c) = api
        .post(
            "/subscribe/payments/onetime",
            &json!({"merchant_uid": "ap-3", "amount": 1000, "card_number": CARD,
                    "expiry": "2099-12", "customer_uid": "ap-key"}),
        )
        .await;
    let c = ok(&c).clone();
    let d = ok(&api.again("ap-key", "ap-4", 2000).await).clone();
    // Nothing for a decline, a duplicate order or a refused card.
    assert_eq!(
        ok(&api.onetime("ap-5", DECLINE_CARD, 1000).await)["status"],
        "failed"
    );
    api.issue("ap-declines", DECLINE_CARD).await;
    assert_eq!(
        ok(&api.again("ap-declines", "ap-6", 1000).await)["status"],
        "failed"
    );
    assert_eq!(api.onetime("ap-1", CARD, 1000).await["code"], 1);
    assert_eq!(api.onetime("ap-7", AUTH_FAIL_CARD, 1000).await["code"], -1);
    api.sb.settle().await;

    let got = hooks.received();
    let seen: Vec<(&str, &str)> = got
        .iter()
        .map(|h| (h.path.as_str(), h.body.as_str()))
        .collect();
    let expected = [
        ("/console", body_of(&a["imp_uid"], "ap-1")),
        ("/notice", body_of(&b["imp_uid"], "ap-2")),
        ("/console", body_of(&c["imp_uid"], "ap-3")),
        ("/console", body_of(&d["imp_uid"], "ap-4")),
    ];
    let expected: Vec<(&str, &str)> = expected.iter().map(|(p, b)| (*p, b.as_str())).collect();
    assert_eq!(seen, expected);
    assert!(got.iter().all(|h| h.content_type == "application/json"));
    let deliveries = api.sb.webhook_deliveries();
    assert_eq!(deliveries.len(), 4);
    assert!(
        deliveries
            .iter()
            .all(|d| d.status == Some(200) && d.attempt == 1 && d.error.is_none())
    );

    // The configured format and retries apply to approvals as to every webhook.
    api.sb.set_webhook_format(WebhookFormat::Form);
    api.sb.set_webhook_retries(1);
    hooks.answer_with(&[503]);
    let e = ok(&api.onetime("ap-8", CARD, 1000).await).clone();
    api.sb.settle().await;
    let got = hooks.received();
    assert_eq!(got.len(), 2, "one retry after the 503");
    assert_eq!(
        got[1].body,
        format!(
            "imp_uid={}&merchant_uid=ap-8&status=paid",
            e["imp_uid"].as_str().unwrap()
        )
    );
    let tail: Vec<(Option<u16>, u32)> = api.sb.webhook_deliveries()[4..]
        .iter()
        .map(|d| (d.status, d.attempt))
        .collect();
    assert_eq!(tail, [(Some(503), 1), (Some(200), 2)]);

    // Without a configured URL only a notice_url gets one.
    api.sb.set_webhook_url(None);
    ok(&api.onetime("ap-9", CARD, 1000).await);
    let (_, f) = api
        .post(
            "/subscribe/payments/onetime",
            &json!({"merchant_uid": "ap-10", "amount": 1000, "card_number": CARD,
                    "expiry": "2099-12", "notice_url": hooks.url("/only-this")}),
        )
        .await;
    ok(&f);
    api.sb.settle().await;
    let got = hooks.received();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].path, "/only-this");
    assert!(got[0].body.contains("merchant_uid=ap-10&status=paid"));
}

#[tokio::test]
async fn refunds_with_enable_webhook() {
    let mut hooks = Receiver::start().await;
    let mut api = Api::start_with(SandboxConfig {
        webhook_url: Some(hooks.url("/console")),
        ..SandboxConfig::default()
    })
    .await;
    api.issue("cw", CARD).await;
    ok(&api.again("cw", "cw-1", 5000).await);
    // The approval's own webhook (see `approvals_of_onetime_and_again`) comes first.
    api.sb.settle().await;
    let approval = hooks.received();
    assert_eq!(approval.len(), 1);
    assert!(approval[0].body.contains(r#""status":"paid""#));
    let (_, body) = api
        .post(
            "/payments/cancel",
            &json!({"merchant_uid": "cw-1", "amount": 1000}),
        )
        .await;
    ok(&body);
    api.sb.settle().await;
    assert!(
        hooks.received().is_empty(),
        "API cancels send no webhook by default"
    );

    for flag in [json!(true), json!("true")] {
        let (_, body) = api
            .post(
                "/payments/cancel",
                &json!({"merchant_uid": "cw-1", "amount": 1000, "enable_webhook": flag}),
            )
            .await;
        let p = ok(&body).clone();
        api.sb.settle().await;
        let got = hooks.received();
        assert_eq!(got.len(), 1);
        let cancellation_id =
            p["cancel_history"].as_array().unwrap().last().unwrap()["cancellation_id"].clone();
        assert_eq!(
            serde_json::from_str::<Value>(&got[0].body).unwrap(),
            json!({"imp_uid": p["imp_uid"], "merchant_uid": "cw-1", "status": "cancelled",
                   "cancellation_id": cancellation_id})
        );
    }
    // A scheduled payment's refund goes to the schedule's notice_url.
    let at = api.sb.now() + 60;
    ok(&api
        .schedule(
            "cw",
            json!([{"merchant_uid": "cw-2", "schedule_at": at, "amount": 1000,
                                 "notice_url": hooks.url("/notice")}]),
        )
        .await);
    api.advance(60).await;
    let (_, body) = api
        .post(
            "/payments/cancel",
            &json!({"merchant_uid": "cw-2", "enable_webhook": "1"}),
        )
        .await;
    ok(&body);
    api.sb.settle().await;
    let got = hooks.received();
    let paths: Vec<&str> = got.iter().map(|h| h.path.as_str()).collect();
    assert_eq!(paths, ["/notice", "/notice"]);
    assert!(got[1].body.contains(r#""status":"cancelled""#));
}

/// Other languages drive the sandbox over HTTP: `POST /__sandbox/clock/advance` answers only
/// after the webhooks it caused were delivered, even to a slow receiver.
#[tokio::test]
async fn http_inspection_routes() {
    let mut hooks = Receiver::start_with(Duration::from_millis(300)).await;
    let mut api = Api::start().await;
    let http = client();
    let base = api.sb.url();
    let post = |path: &str, body: Value| {
        let req = http.post(format!("{base}{path}")).json(&body);
        async move {
            let resp = req.send().await.unwrap();
            (resp.status().as_u16(), resp.json::<Value>().await.unwrap())
        }
    };
    assert_eq!(
        post(
            "/__sandbox/config",
            json!({"webhook_url": hooks.url("/h"), "webhook_content_type": "form", "webhook_retries": 1})
        )
        .await,
        (200, json!({"ok": true}))
    );
    for bad in [
        json!({"webhook_content_type": "xml"}),
        json!({"webhook_retries": -1}),
        json!({"webhook_url": 5}),
        json!({"nothing": 1}),
    ] {
        assert_eq!(post("/__sandbox/config", bad.clone()).await.0, 400, "{bad}");
    }
    api.issue("hi", CARD).await;
    let at = api.sb.now() + 100;
    ok(&api
        .schedule(
            "hi",
            json!([{"merchant_uid": "hi-1", "schedule_at": at, "amount": 1000}]),
        )
        .await);
    let started = Instant::now();
    assert_eq!(
        post("/__sandbox/clock/advance", json!({"seconds": 100})).await,
        (200, json!({"ok": true}))
    );
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "waited for the delivery"
    );
    let webhooks: Value = http
        .get(api.url("/__sandbox/webhooks"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let list = webhooks.as_array().unwrap();
    assert_eq!(list.len(), 1);
    let d = &list[0];
    assert_eq!(d["url"], hooks.url("/h"));
    assert_eq!(d["content_type"], "application/x-www-form-urlencoded");
    assert_eq!(d["status"], 200);
    assert_eq!(d["error"], Value::Null);
    assert_eq!(d["attempt"], 1);
    assert!(d["at"].as_i64().unwrap() >= at);
    assert!(
        d["body"]
            .as_str()
            .unwrap()
            .contains("merchant_uid=hi-1&status=paid")
    );
    assert_eq!(hooks.received().len(), 1);

    let schedules: Value = http
        .get(api.url("/__sandbox/schedules"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(schedules[0]["schedule_status"], "executed");

    // A refund's webhook, waited for with the settle route.
    api.refresh_token().await;
    let (_, body) = api
        .post(
            "/payments/cancel",
            &json!({"merchant_uid": "hi-1", "enable_webhook": true}),
        )
        .await;
    ok(&body);
    assert_eq!(
        post("/__sandbox/webhooks/settle", json!({})).await,
        (200, json!({"ok": true}))
    );
    assert_eq!(api.sb.webhook_deliveries().len(), 2);
    assert_eq!(hooks.received().len(), 1);

    // Reset forgets deliveries and schedules but keeps the webhook settings.
    assert_eq!(post("/__sandbox/reset", json!({})).await.0, 200);
    assert!(api.sb.webhook_deliveries().is_empty());
    assert!(api.sb.schedules().is_empty());
    api.refresh_token().await;
    api.issue("hi", CARD).await;
    let at = api.sb.now() + 5;
    ok(&api
        .schedule(
            "hi",
            json!([{"merchant_uid": "hi-2", "schedule_at": at, "amount": 1000}]),
        )
        .await);
    api.advance(5).await;
    api.sb.settle().await;
    assert_eq!(
        api.sb.webhook_deliveries()[0].content_type,
        "application/x-www-form-urlencoded"
    );
    assert_eq!(
        api.sb.request_counts().len(),
        3,
        "inspection routes are not counted"
    );
}
