//! `list_payments`: payments by status through the sandbox's `GET /payments/status/{status}` —
//! ranges longer than the API's 90 days split into windows, lazy paging, each payment exactly
//! once, the status's own time, the defaults, and arguments refused before anything is sent.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::client_for;
use futures_util::{StreamExt, TryStreamExt};
use iamport_sandbox::Sandbox;
use iamport_subscribe::{
    CancelPaymentRequest, CardDetails, Client, Error, IssueBillingKeyRequest, PayAgainRequest,
    Payment, PaymentSorting, PaymentStatus,
};
use std::collections::HashSet;
use std::time::Duration;

const DAY: u64 = 86_400;
const BY_STATUS: &str = "GET /payments/status/{payment_status}";

async fn key(client: &Client, customer_uid: &str, card: &str) {
    client
        .issue_billing_key(&IssueBillingKeyRequest {
            customer_uid: customer_uid.into(),
            card: CardDetails::new(card, "2099-12"),
            ..Default::default()
        })
        .await
        .unwrap();
}

async fn charge(client: &Client, customer_uid: &str, merchant_uid: &str, amount: i64) {
    let result = client
        .pay_again(&PayAgainRequest {
            customer_uid: customer_uid.into(),
            merchant_uid: merchant_uid.into(),
            amount: amount.into(),
            ..Default::default()
        })
        .await;
    match result {
        Ok(_) | Err(Error::CardDeclined { .. }) => {}
        Err(e) => panic!("{merchant_uid}: {e}"),
    }
}

fn orders(list: &[Payment]) -> Vec<&str> {
    list.iter().map(|p| p.merchant_uid.as_str()).collect()
}

fn listings(sandbox: &Sandbox) -> u64 {
    sandbox
        .request_counts()
        .get(BY_STATUS)
        .copied()
        .unwrap_or(0)
}

/// Five charges 70 days apart: 280 days, more than three of the API's windows.
#[tokio::test]
async fn a_long_range_is_read_window_by_window_in_the_order_of_the_sorting() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client_for(&sandbox);
    key(&client, "c1", "4111-1111-1111-1111").await;
    let start = sandbox.now();
    for i in 0..5 {
        if i > 0 {
            sandbox.advance_clock(Duration::from_secs(70 * DAY));
        }
        charge(&client, "c1", &format!("o{i}"), 1000 + i).await;
    }
    let end = sandbox.now();
    assert!(end - start > 3 * 90 * DAY as i64);

    let before = listings(&sandbox);
    let newest_first: Vec<Payment> = client
        .list_payments(None, Some(start), Some(end), None)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(orders(&newest_first), ["o4", "o3", "o2", "o1", "o0"]);
    // One request per window (each holds at most one page here): ceil(280 days / 90 days + 1 s).
    assert_eq!(listings(&sandbox) - before, 4);

    let oldest_first: Vec<Payment> = client
        .list_payments(
            Some(PaymentStatus::Paid),
            Some(start),
            Some(end),
            Some(PaymentSorting::PaidAsc),
        )
        .try_collect()
        .await
        .unwrap();
    assert_eq!(orders(&oldest_first), ["o0", "o1", "o2", "o3", "o4"]);

    // Window edges are inclusive and shared by no two windows: a payment exactly on `from`, on
    // `to`, and on a boundary between two windows is listed once.
    let paid_at = |o: &str| {
        oldest_first
            .iter()
            .find(|p| p.merchant_uid == o)
            .and_then(|p| p.paid_at)
            .unwrap()
    };
    let (from, to) = (paid_at("o1"), paid_at("o4"));
    let edges: Vec<Payment> = client
        .list_payments(None, Some(from), Some(to), Some(PaymentSorting::StartedAsc))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(orders(&edges), ["o1", "o2", "o3", "o4"]);
    // o1 + 90 days is a window's last second and o1 + 90 days + 1 s the next one's first.
    let boundary = from + 90 * DAY as i64;
    for (f, t, expected) in [
        (from, boundary, vec!["o1", "o2"]),
        (boundary + 1, to, vec!["o3", "o4"]),
        (from + 1, paid_at("o2") - 1, vec![]),
    ] {
        let got: Vec<Payment> = client
            .list_payments(None, Some(f), Some(t), Some(PaymentSorting::StartedAsc))
            .try_collect()
            .await
            .unwrap();
        assert_eq!(orders(&got), expected, "{f}..{t}");
    }
}

/// 2,300 payments in one window: three pages of 1000, each payment once; a page is fetched only
/// when the reader gets to it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_are_fetched_lazily_and_every_payment_comes_once() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client_for(&sandbox);
    key(&client, "c1", "4111-1111-1111-1111").await;
    let from = sandbox.now();
    let mut tasks = tokio::task::JoinSet::new();
    for chunk in 0..8 {
        let client = client.clone();
        tasks.spawn(async move {
            for i in (chunk..2300).step_by(8) {
                charge(&client, "c1", &format!("bulk-{i}"), 100 + i).await;
            }
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.unwrap();
    }
    let to = sandbox.now();

    let before = listings(&sandbox);
    let mut stream = Box::pin(client.list_payments(None, Some(from), Some(to), None));
    let first = stream.next().await.unwrap().unwrap();
    assert!(first.merchant_uid.starts_with("bulk-"));
    assert_eq!(
        listings(&sandbox) - before,
        1,
        "one page for the first item"
    );
    let mut seen = HashSet::from([first.imp_uid]);
    for _ in 1..1000 {
        seen.insert(stream.next().await.unwrap().unwrap().imp_uid);
    }
    assert_eq!(listings(&sandbox) - before, 1, "the first page holds 1000");
    while let Some(p) = stream.next().await {
        assert!(seen.insert(p.unwrap().imp_uid), "a payment came twice");
    }
    assert_eq!(seen.len(), 2300);
    assert_eq!(listings(&sandbox) - before, 3);

    // A page at a time (as the bindings read it): the API's pages, empty windows left out.
    let sizes: Vec<usize> = client
        .list_payments_in_pages(None, Some(from - 200 * DAY as i64), Some(to), None)
        .map_ok(|page| page.len())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(sizes, [1000, 1000, 300]);
}

/// Each status is found by its own time; a declined charge is `failed`, a full refund
/// `cancelled`, a partial one still `paid`.
#[tokio::test]
async fn statuses_are_found_by_their_own_time() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client_for(&sandbox);
    key(&client, "ok", "4111-1111-1111-1111").await;
    key(&client, "no", "4000-0000-0000-0002").await;
    let day0 = sandbox.now();
    charge(&client, "ok", "paid-then-refunded", 5000).await;
    charge(&client, "ok", "partly-refunded", 7000).await;
    charge(&client, "no", "declined", 3000).await;
    sandbox.advance_clock(Duration::from_secs(100 * DAY));
    let day100 = sandbox.now();
    for (order, amount) in [
        ("paid-then-refunded", None),
        ("partly-refunded", Some(2000)),
    ] {
        client
            .cancel_payment(&CancelPaymentRequest {
                merchant_uid: Some(order.into()),
                amount: amount.map(Into::into),
                ..Default::default()
            })
            .await
            .unwrap();
    }
    let list = |status: Option<PaymentStatus>, from: i64, to: i64| {
        let client = client.clone();
        async move {
            let mut got: Vec<String> = client
                .list_payments(status, Some(from), Some(to), None)
                .map_ok(|p| format!("{}:{}", p.merchant_uid, p.status))
                .try_collect()
                .await
                .unwrap();
            got.sort();
            got
        }
    };
    let early = (day0 - 10, day0 + 10);
    let late = (day100 - 10, day100 + 10);
    assert_eq!(
        list(Some(PaymentStatus::Paid), early.0, early.1).await,
        ["partly-refunded:paid"]
    );
    assert_eq!(
        list(Some(PaymentStatus::Failed), early.0, early.1).await,
        ["declined:failed"]
    );
    assert!(
        list(Some(PaymentStatus::Cancelled), early.0, early.1)
            .await
            .is_empty()
    );
    assert_eq!(
        list(Some(PaymentStatus::Cancelled), late.0, late.1).await,
        ["paid-then-refunded:cancelled"]
    );
    assert_eq!(
        list(None, early.0, late.1).await,
        [
            "declined:failed",
            "paid-then-refunded:cancelled",
            "partly-refunded:paid"
        ]
    );
    assert!(
        list(Some(PaymentStatus::Ready), early.0, late.1)
            .await
            .is_empty()
    );
    // "all" is every status, as the API's path says it.
    assert_eq!(
        list(Some(PaymentStatus::from("all")), early.0, late.1)
            .await
            .len(),
        3
    );
}

/// Without `to`, the listing ends at the API's now — read from a fresh grant, so an advanced
/// sandbox clock counts — and without `from` it starts 90 days earlier.
#[tokio::test]
async fn the_defaults_are_the_last_90_days_by_the_apis_clock() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client_for(&sandbox);
    key(&client, "c1", "4111-1111-1111-1111").await;
    charge(&client, "c1", "old", 1000).await;
    // The client's cached token was granted before the clock moves.
    sandbox.advance_clock(Duration::from_secs(95 * DAY));
    charge(&client, "c1", "recent", 1000).await;
    let all = |from: Option<i64>| {
        let client = client.clone();
        async move {
            let got: Vec<Payment> = client
                .list_payments(None, from, None, None)
                .try_collect()
                .await
                .unwrap();
            got.into_iter().map(|p| p.merchant_uid).collect::<Vec<_>>()
        }
    };
    assert_eq!(all(None).await, ["recent"]);
    let long_ago = sandbox.now() - 200 * DAY as i64;
    assert_eq!(all(Some(long_ago)).await, ["recent", "old"]);
}

#[tokio::test]
async fn bad_arguments_are_refused_before_anything_is_sent() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client_for(&sandbox);
    let now = sandbox.now();
    let cases = [
        (Some(PaymentStatus::from("refunded")), None, None, "status"),
        (None, Some(now), Some(now - 1), "to"),
        (None, Some(-5), Some(now), "from"),
        (None, Some(now), Some(now * 1000), "to"),
    ];
    for (status, from, to, field) in cases {
        let got: Vec<_> = client.list_payments(status, from, to, None).collect().await;
        assert_eq!(got.len(), 1, "{field}");
        match &got[0] {
            Err(Error::InvalidRequest { field: f, .. }) => assert_eq!(f, field),
            other => panic!("{field}: {other:?}"),
        }
    }
    for (from, to, page, limit, field) in [
        (now - 91 * DAY as i64, now, 1, 20, "to"),
        (now, now, 0, 20, "page"),
        (now, now, 1, 1001, "limit"),
    ] {
        match client
            .list_payments_page(None, from, to, None, page, limit)
            .await
        {
            Err(Error::InvalidRequest { field: f, .. }) => assert_eq!(f, field),
            other => panic!("{field}: {other:?}"),
        }
    }
    assert_eq!(sandbox.total_requests(), 0, "nothing may be sent");
    // The page call takes exactly 90 days.
    let page = client
        .list_payments_page(None, now - 90 * DAY as i64, now, None, 1, 20)
        .await
        .unwrap();
    assert_eq!(page.total, 0);
}
