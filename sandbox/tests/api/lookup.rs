//! `GET /payments/{imp_uid}`, `/payments/find/...` and `/payments/findAll/...`.

use std::time::Duration;

use serde_json::{Value, json};

use crate::common::{Api, CARD, DECLINE_CARD, ok};

const NOT_FOUND: &str = "존재하지 않는 결제정보입니다.";

fn imp_uid(body: &Value) -> String {
    body["response"]["imp_uid"].as_str().unwrap().to_owned()
}

fn uids(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|p| p["imp_uid"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn get_payment_by_imp_uid() {
    let api = Api::start().await;
    let body = api.onetime("get-1", CARD, 1000).await;
    let id = imp_uid(&body);
    for query in ["", "?include_sandbox=true", "?include_sandbox=false"] {
        let (status, got) = api.get(&format!("/payments/{id}{query}")).await;
        assert_eq!(status, 200);
        assert_eq!(ok(&got), ok(&body));
    }
    let (status, got) = api.get("/payments/imps_000000000000").await;
    assert_eq!(status, 404);
    assert_eq!(
        got,
        json!({"code": 1, "message": NOT_FOUND, "response": null})
    );
}

/// Three attempts on one merchant_uid, ten sandbox seconds apart: failed, failed, paid.
async fn three_attempts(api: &Api, merchant_uid: &str) -> [String; 3] {
    let a = imp_uid(&api.onetime(merchant_uid, DECLINE_CARD, 1000).await);
    api.sb.advance_clock(Duration::from_secs(10));
    let b = imp_uid(&api.onetime(merchant_uid, DECLINE_CARD, 1000).await);
    api.sb.advance_clock(Duration::from_secs(10));
    let c = imp_uid(&api.onetime(merchant_uid, CARD, 1000).await);
    [a, b, c]
}

#[tokio::test]
async fn find_returns_the_first_by_sort_order() {
    let api = Api::start().await;
    let [a, b, c] = three_attempts(&api, "find-1").await;
    let find = |path: String| {
        let api = &api;
        async move {
            let (status, body) = api.get(&path).await;
            (
                status,
                body["response"]["imp_uid"].as_str().map(str::to_owned),
                body,
            )
        }
    };
    assert_eq!(
        find("/payments/find/find-1".into()).await.1,
        Some(c.clone())
    );
    assert_eq!(
        find("/payments/find/find-1?sorting=-started".into())
            .await
            .1,
        Some(c.clone())
    );
    assert_eq!(
        find("/payments/find/find-1?sorting=started".into()).await.1,
        Some(a.clone())
    );
    assert_eq!(
        find("/payments/find/find-1/failed".into()).await.1,
        Some(b.clone())
    );
    assert_eq!(
        find("/payments/find/find-1/failed?sorting=started".into())
            .await
            .1,
        Some(a.clone())
    );
    assert_eq!(
        find("/payments/find/find-1/paid".into()).await.1,
        Some(c.clone())
    );
    assert_eq!(
        find("/payments/find/find-1?sorting=-paid".into()).await.1,
        Some(c.clone())
    );
    // Both failed records have paid_at 0: ascending ties go to the older one.
    assert_eq!(
        find("/payments/find/find-1?sorting=paid".into()).await.1,
        Some(a.clone())
    );
    assert_eq!(
        find("/payments/find/find-1/failed?sorting=-paid".into())
            .await
            .1,
        Some(b.clone())
    );

    let (status, _, body) = find("/payments/find/find-1/cancelled".into()).await;
    assert_eq!(status, 404);
    assert_eq!(body["message"], NOT_FOUND);
    let (status, _, body) = find("/payments/find/find-1/ready".into()).await;
    assert_eq!((status, body["code"].clone()), (404, json!(1)));
    let (status, _, body) = find("/payments/find/nothing".into()).await;
    assert_eq!((status, body["message"].clone()), (404, json!(NOT_FOUND)));
    let (status, _, body) = find("/payments/find/find-1/refunded".into()).await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"code": 1, "message": "지원되지 않는 상태값입니다.", "response": null})
    );
    let (status, _, body) = find("/payments/find/find-1?sorting=amount".into()).await;
    assert_eq!((status, body["code"].clone()), (400, json!(1)));

    // A partial cancel of the paid record moves its `updated` time only.
    api.sb.advance_clock(Duration::from_secs(10));
    let (_, cancelled) = api
        .post("/payments/cancel", &json!({"imp_uid": c, "amount": 100}))
        .await;
    ok(&cancelled);
    assert_eq!(
        find("/payments/find/find-1?sorting=-updated".into())
            .await
            .1,
        Some(c.clone())
    );
    assert_eq!(
        find("/payments/find/find-1?sorting=updated".into()).await.1,
        Some(a.clone())
    );
}

#[tokio::test]
async fn sorting_ties_follow_creation_order() {
    let api = Api::start().await;
    // Same started_at unless the wall clock ticks in between; either way creation order decides.
    let a = imp_uid(&api.onetime("tie-1", DECLINE_CARD, 1000).await);
    let b = imp_uid(&api.onetime("tie-1", DECLINE_CARD, 1000).await);
    let (_, all) = api.get("/payments/findAll/tie-1").await;
    assert_eq!(uids(&ok(&all)["list"]), vec![b.clone(), a.clone()]);
    let (_, all) = api.get("/payments/findAll/tie-1?sorting=started").await;
    assert_eq!(uids(&ok(&all)["list"]), vec![a.clone(), b.clone()]);
    let (_, all) = api.get("/payments/findAll/tie-1?sorting=-paid").await;
    assert_eq!(uids(&ok(&all)["list"]), vec![b, a]);
}

#[tokio::test]
async fn find_all_pages() {
    let api = Api::start().await;
    let mut created = Vec::new();
    for i in 0..5 {
        let card = if i == 4 { CARD } else { DECLINE_CARD };
        created.push(imp_uid(&api.onetime("paged", card, 1000).await));
        api.sb.advance_clock(Duration::from_secs(5));
    }
    let newest_first: Vec<String> = created.iter().rev().cloned().collect();

    let (status, body) = api.get("/payments/findAll/paged").await;
    assert_eq!(status, 200);
    let page = ok(&body);
    assert_eq!(page["total"], 5);
    assert_eq!(page["previous"], 0);
    assert_eq!(page["next"], 0);
    assert_eq!(uids(&page["list"]), newest_first);
    let mut keys: Vec<&String> = page.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["list", "next", "previous", "total"]);

    for (page_no, expected, previous, next) in [
        (1, &newest_first[0..2], 0, 2),
        (2, &newest_first[2..4], 1, 3),
        (3, &newest_first[4..5], 2, 0),
        (4, &newest_first[5..5], 3, 0),
    ] {
        let (_, body) = api
            .get(&format!("/payments/findAll/paged?page={page_no}&limit=2"))
            .await;
        let page = ok(&body);
        assert_eq!(page["total"], 5);
        assert_eq!(uids(&page["list"]), expected, "page {page_no}");
        assert_eq!(page["previous"], previous, "page {page_no}");
        assert_eq!(page["next"], next, "page {page_no}");
    }

    let (_, body) = api
        .get("/payments/findAll/paged?sorting=started&limit=3")
        .await;
    assert_eq!(uids(&ok(&body)["list"]), created[0..3].to_vec());
    let (_, body) = api.get("/payments/findAll/paged/failed").await;
    assert_eq!(ok(&body)["total"], 4);
    assert_eq!(uids(&ok(&body)["list"]), newest_first[1..5].to_vec());
    let (_, body) = api.get("/payments/findAll/paged/paid").await;
    assert_eq!(uids(&ok(&body)["list"]), vec![created[4].clone()]);
    let (_, body) = api.get("/payments/findAll/paged?limit=1000").await;
    assert_eq!(ok(&body)["total"], 5);

    for query in [
        "limit=0",
        "limit=1001",
        "limit=abc",
        "page=0",
        "page=-1",
        "page=x",
    ] {
        let (status, body) = api.get(&format!("/payments/findAll/paged?{query}")).await;
        assert_eq!(status, 400, "{query}");
        assert_eq!(body["code"], 1, "{query}");
        assert!(body["response"].is_null());
    }
    let (status, body) = api.get("/payments/findAll/paged/cancelled").await;
    assert_eq!((status, body["message"].clone()), (404, json!(NOT_FOUND)));
    let (status, body) = api.get("/payments/findAll/nothing").await;
    assert_eq!((status, body["message"].clone()), (404, json!(NOT_FOUND)));
    let (status, body) = api.get("/payments/findAll/paged/all").await;
    assert_eq!(
        (status, body["message"].clone()),
        (400, json!("지원되지 않는 상태값입니다."))
    );
}
