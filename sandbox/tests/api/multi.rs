//! Multi-id lookups (`GET /subscribe/customers`, `GET /payments`) and the payments of a key.

use iamport_sandbox::{NotFoundMode, SandboxConfig};
use serde_json::{Value, json};

use crate::common::{Api, CARD, DECLINE_CARD, ok};

fn field(list: &Value, name: &str) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|v| v[name].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn several_billing_keys() {
    let api = Api::start().await;
    let a = ok(&api.issue("mk-a", CARD).await).clone();
    ok(&api.issue("mk-b", CARD).await);
    for (query, status, expected) in [
        (
            "customer_uid[]=mk-a&customer_uid[]=mk-b",
            200,
            vec!["mk-a", "mk-b"],
        ),
        (
            "customer_uid%5B%5D=mk-b&customer_uid%5B%5D=mk-a",
            200,
            vec!["mk-b", "mk-a"],
        ),
        (
            "customer_uid[0]=mk-a&customer_uid[1]=mk-x",
            207,
            vec!["mk-a"],
        ),
        (
            "customer_uid[]=mk-x&customer_uid[]=mk-b&customer_uid[]=mk-b",
            207,
            vec!["mk-b"],
        ),
        ("customer_uid=mk-a", 200, vec!["mk-a"]),
    ] {
        let (got, body) = api.get(&format!("/subscribe/customers?{query}")).await;
        assert_eq!(got, status, "{query}: {body}");
        assert_eq!(field(ok(&body), "customer_uid"), expected, "{query}");
    }
    let (_, body) = api.get("/subscribe/customers?customer_uid[]=mk-a").await;
    assert_eq!(ok(&body)[0], a, "each element is the CustomerAnnotation");

    let (status, body) = api
        .get("/subscribe/customers?customer_uid[]=mk-x&customer_uid[]=mk-y")
        .await;
    assert_eq!(status, 404);
    assert_eq!(body["code"], 1);
    assert!(body["response"].is_null());
    for query in ["", "?customer_uid[x][y]=1"] {
        let (status, body) = api.get(&format!("/subscribe/customers{query}")).await;
        assert_eq!(status, 400, "{query}: {body}");
    }
    assert_eq!(api.sb.request_counts()["GET /subscribe/customers"], 9);
}

#[tokio::test]
async fn several_payments() {
    let api = Api::start().await;
    let p1 = ok(&api.onetime("mp-1", CARD, 1000).await).clone();
    let failed = ok(&api.onetime("mp-2", DECLINE_CARD, 1000).await).clone();
    api.sb.advance_clock(std::time::Duration::from_secs(5));
    let retried = ok(&api.onetime("mp-2", CARD, 1000).await).clone();
    let id = |p: &Value| p["imp_uid"].as_str().unwrap().to_owned();

    let (status, body) = api
        .get(&format!(
            "/payments?imp_uid[]={}&imp_uid[]={}",
            id(&p1),
            id(&failed)
        ))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(ok(&body), &json!([p1, failed]));
    // By merchant_uid: the most recent attempt.
    let (status, body) = api
        .get("/payments?merchant_uid[]=mp-2&merchant_uid[]=mp-1")
        .await;
    assert_eq!(status, 200);
    assert_eq!(field(ok(&body), "imp_uid"), [id(&retried), id(&p1)]);
    // Mixed, with unknown ids: 207 with the found ones; the same payment only once.
    let (status, body) = api
        .get(&format!(
            "/payments?imp_uid[0]={}&imp_uid[1]=imps_000000000000&merchant_uid[0]=mp-1&merchant_uid[1]=nope",
            id(&p1)
        ))
        .await;
    assert_eq!(status, 207, "{body}");
    assert_eq!(body["code"], 0);
    assert_eq!(field(ok(&body), "imp_uid"), [id(&p1)]);
    let (status, body) = api
        .get("/payments?imp_uid[]=imps_0&merchant_uid[]=nope")
        .await;
    assert_eq!(status, 404);
    assert_eq!(
        body,
        json!({"code": 1, "message": "존재하지 않는 결제정보입니다.", "response": null})
    );
    let (status, _) = api.get("/payments").await;
    assert_eq!(status, 400);
    let too_many: Vec<String> = (0..101).map(|i| format!("imp_uid[]=imps_{i}")).collect();
    let (status, body) = api.get(&format!("/payments?{}", too_many.join("&"))).await;
    assert_eq!(status, 400, "{body}");
    let hundred: Vec<String> = (0..100).map(|i| format!("merchant_uid[]=mp-{i}")).collect();
    let (status, body) = api.get(&format!("/payments?{}", hundred.join("&"))).await;
    assert_eq!(status, 207, "100 ids are allowed: {body}");
    assert_eq!(ok(&body).as_array().unwrap().len(), 2);
    assert_eq!(api.sb.request_counts()["GET /payments"], 7);
}

#[tokio::test]
async fn payments_of_a_billing_key() {
    let api = Api::start().await;
    ok(&api.issue("kp", CARD).await);
    for i in 0..25 {
        api.sb.advance_clock(std::time::Duration::from_secs(1));
        ok(&api.again("kp", &format!("kp-{i:02}"), 100).await);
    }
    ok(&api.onetime("other", CARD, 100).await);
    let (status, body) = api.get("/subscribe/customers/kp/payments").await;
    assert_eq!(status, 200);
    let page = ok(&body);
    assert_eq!(
        (&page["total"], &page["previous"], &page["next"]),
        (&json!(25), &json!(0), &json!(2))
    );
    let first = field(&page["list"], "merchant_uid");
    assert_eq!(first.len(), 20);
    assert_eq!(first[0], "kp-24", "newest first");
    let (_, body) = api.get("/subscribe/customers/kp/payments?page=2").await;
    let page = ok(&body);
    assert_eq!((&page["previous"], &page["next"]), (&json!(1), &json!(0)));
    assert_eq!(
        field(&page["list"], "merchant_uid"),
        ["kp-04", "kp-03", "kp-02", "kp-01", "kp-00"]
    );
    let (status, _) = api.get("/subscribe/customers/kp/payments?page=0").await;
    assert_eq!(status, 400);
    // Unknown customer_uid: an empty page (observed live behaviour).
    let (status, body) = api.get("/subscribe/customers/nobody/payments").await;
    assert_eq!(status, 200);
    assert_eq!(
        ok(&body),
        &json!({"total": 0, "previous": 0, "next": 0, "list": []})
    );
    // A deleted key still lists its payments.
    let (_, body) = api.delete("/subscribe/customers/kp").await;
    ok(&body);
    let (_, body) = api.get("/subscribe/customers/kp/payments").await;
    assert_eq!(ok(&body)["total"], 25);

    let spec = Api::start_with(SandboxConfig {
        billing_key_not_found: NotFoundMode::Spec,
        ..SandboxConfig::default()
    })
    .await;
    let (status, body) = spec.get("/subscribe/customers/nobody/payments").await;
    assert_eq!(status, 404, "{body}");
    assert_eq!(body["code"], 1);
}
