//! Many callers at once: one merchant_uid charged concurrently is paid exactly once.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use iamport_sandbox::Sandbox;
use iamport_subscribe::{CardDetails, ErrorKind, IssueBillingKeyRequest, PayAgainRequest};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_concurrent_charges_with_one_merchant_uid_pay_once() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = common::client_for(&sandbox);
    client
        .issue_billing_key(&IssueBillingKeyRequest {
            customer_uid: "cust_race".into(),
            card: CardDetails::new("4111-1111-1111-1111", "2030-12"),
            ..Default::default()
        })
        .await
        .unwrap();
    let charges = (0..50).map(|_| {
        let client = client.clone();
        tokio::spawn(async move {
            client
                .pay_again(&PayAgainRequest {
                    customer_uid: "cust_race".into(),
                    merchant_uid: "order_race".into(),
                    amount: 9900.into(),
                    ..Default::default()
                })
                .await
        })
    });
    let results = futures_join(charges).await;
    let paid = results.iter().filter(|r| r.is_ok()).count();
    let duplicates = results
        .iter()
        .filter(|r| matches!(r, Err(e) if e.kind() == ErrorKind::DuplicateOrder))
        .count();
    assert_eq!(paid, 1, "exactly one charge succeeds");
    assert_eq!(
        duplicates, 49,
        "every other one is refused as a duplicate order"
    );
    let ledger: Vec<_> = sandbox
        .ledger()
        .into_iter()
        .filter(|p| p["merchant_uid"] == "order_race")
        .collect();
    assert_eq!(ledger.len(), 1);
    assert_eq!(ledger[0]["status"], "paid");
}

async fn futures_join<T>(handles: impl Iterator<Item = tokio::task::JoinHandle<T>>) -> Vec<T> {
    let mut out = Vec::new();
    for h in handles.collect::<Vec<_>>() {
        out.push(h.await.unwrap());
    }
    out
}
