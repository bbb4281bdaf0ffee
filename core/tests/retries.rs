//! Retries and reconciliation, one fault at a time (probability 1 on one route), over real HTTP.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use iamport_sandbox::{Fault, FaultPlan, FaultRule, Sandbox};
use iamport_subscribe::{
    CancelPaymentRequest, CardDetails, Client, Error, ErrorKind, IssueBillingKeyRequest,
    PayAgainRequest, PaymentStatus, RequestOptions, RetryPolicy,
};
use std::time::Duration;

const AGAIN: &str = "POST /subscribe/payments/again";
const CANCEL: &str = "POST /payments/cancel";

fn fast() -> RetryPolicy {
    RetryPolicy {
        max_retries: 2,
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(5),
    }
}

async fn setup() -> (Sandbox, Client) {
    let sandbox = Sandbox::start().await.unwrap();
    let client = Client::builder()
        .imp_key(sandbox.imp_key())
        .imp_secret(sandbox.imp_secret())
        .base_url(sandbox.url())
        .retry_policy(fast())
        .build()
        .unwrap();
    client
        .issue_billing_key(&IssueBillingKeyRequest {
            customer_uid: "c1".into(),
            card: CardDetails::new("4111-1111-1111-1111", "2030-12"),
            ..Default::default()
        })
        .await
        .unwrap();
    (sandbox, client)
}

fn always(route: &str, fault: Fault) -> FaultPlan {
    FaultPlan {
        seed: 1,
        rules: vec![FaultRule {
            route: route.to_owned(),
            probability: 1.0,
            fault,
        }],
    }
}

fn again(merchant_uid: &str) -> PayAgainRequest {
    PayAgainRequest {
        customer_uid: "c1".into(),
        merchant_uid: merchant_uid.into(),
        amount: 9900.into(),
        ..Default::default()
    }
}

fn count(sandbox: &Sandbox, route: &str) -> u64 {
    sandbox.request_counts().get(route).copied().unwrap_or(0)
}

fn ledger_statuses(sandbox: &Sandbox, merchant_uid: &str) -> Vec<String> {
    sandbox
        .ledger()
        .iter()
        .filter(|p| p["merchant_uid"] == merchant_uid)
        .map(|p| p["status"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_charge_lost_after_commit_is_found_by_lookup_not_sent_again() {
    let (sandbox, client) = setup().await;
    sandbox.set_faults(always(AGAIN, Fault::DropAfterCommit));
    let payment = client.pay_again(&again("o1")).await.unwrap();
    assert_eq!(payment.status, PaymentStatus::Paid);
    assert_eq!(ledger_statuses(&sandbox, "o1"), ["paid"]);
    // One charge request, then the lookup: never a second charge.
    assert_eq!(count(&sandbox, AGAIN), 1);
    assert_eq!(count(&sandbox, "GET /payments/findAll/{merchant_uid}"), 1);
}

#[tokio::test]
async fn a_garbled_answer_to_a_charge_is_reconciled_too() {
    let (sandbox, client) = setup().await;
    for (i, fault) in [
        Fault::MalformedBody,
        Fault::TruncatedBody,
        Fault::ServerError { status: 503 },
    ]
    .into_iter()
    .enumerate()
    {
        sandbox.set_faults(always(AGAIN, fault));
        let merchant_uid = format!("o_garbled_{i}");
        let result = client.pay_again(&again(&merchant_uid)).await;
        let paid = ledger_statuses(&sandbox, &merchant_uid);
        match fault {
            // A 5xx processed nothing: re-sent until the budget is spent, then unknown.
            Fault::ServerError { .. } => {
                assert!(paid.is_empty());
                assert!(
                    matches!(result, Err(Error::OutcomeUnknown { .. })),
                    "{result:?}"
                );
            }
            _ => {
                assert_eq!(paid, ["paid"], "{fault}");
                assert_eq!(result.unwrap().status, PaymentStatus::Paid, "{fault}");
            }
        }
    }
}

#[tokio::test]
async fn a_charge_lost_before_commit_is_resent_with_the_same_merchant_uid_then_unknown() {
    let (sandbox, client) = setup().await;
    sandbox.set_faults(always(AGAIN, Fault::DropBeforeCommit));
    let err = client.pay_again(&again("o2")).await.unwrap_err();
    assert!(
        matches!(&err, Error::OutcomeUnknown { merchant_uid } if merchant_uid == "o2"),
        "{err:?}"
    );
    assert!(err.to_string().contains("find_payment"));
    // First attempt and two re-sends, each followed by a lookup; nothing was charged.
    assert_eq!(count(&sandbox, AGAIN), 3);
    assert!(ledger_statuses(&sandbox, "o2").is_empty());
    // Once the network is healthy the same order goes through exactly once.
    sandbox.clear_faults();
    client.pay_again(&again("o2")).await.unwrap();
    assert_eq!(ledger_statuses(&sandbox, "o2"), ["paid"]);
}

#[tokio::test]
async fn a_429_is_retried_with_retry_after_and_nothing_is_charged() {
    let (sandbox, client) = setup().await;
    sandbox.set_faults(always(
        AGAIN,
        Fault::TooManyRequests {
            retry_after_secs: 0,
        },
    ));
    let err = client.pay_again(&again("o3")).await.unwrap_err();
    // Recognisable without reading the message: its own case, with the server's Retry-After.
    assert!(
        matches!(
            err,
            Error::RateLimited {
                http_status: 429,
                retry_after: Some(wait),
                ..
            } if wait.is_zero()
        ),
        "{err:?}"
    );
    assert_eq!(count(&sandbox, AGAIN), 3);
    // Nothing was ambiguous, so no lookup was needed.
    assert_eq!(count(&sandbox, "GET /payments/findAll/{merchant_uid}"), 0);
    assert!(ledger_statuses(&sandbox, "o3").is_empty());
}

#[tokio::test]
async fn lookups_are_retried_and_no_retries_means_none() {
    let (sandbox, client) = setup().await;
    let paid = client.pay_again(&again("o4")).await.unwrap();
    sandbox.set_faults(always(
        "GET /payments/{imp_uid}",
        Fault::ServerError { status: 502 },
    ));
    let err = client.get_payment(&paid.imp_uid).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Api {
                http_status: 502,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(count(&sandbox, "GET /payments/{imp_uid}"), 3);
    let once = client
        .with_options(RequestOptions {
            retry: Some(RetryPolicy::none()),
            ..Default::default()
        })
        .unwrap();
    once.get_payment(&paid.imp_uid).await.unwrap_err();
    assert_eq!(count(&sandbox, "GET /payments/{imp_uid}"), 4);
    sandbox.clear_faults();
    assert_eq!(
        client.get_payment(&paid.imp_uid).await.unwrap().imp_uid,
        paid.imp_uid
    );
}

#[tokio::test]
async fn refunds_lost_after_commit_are_recognised_by_the_balance() {
    let (sandbox, client) = setup().await;
    let paid = client.pay_again(&again("o5")).await.unwrap();
    sandbox.set_faults(always(CANCEL, Fault::DropAfterCommit));
    // Partial, with checksum: the balance shows it went through.
    let partial = client
        .cancel_payment(&CancelPaymentRequest {
            imp_uid: Some(paid.imp_uid.clone()),
            amount: Some(1000.into()),
            checksum: Some(9900.into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(partial.cancel_amount, 1000.into());
    // Partial without a checksum cannot be told apart from another refund: unknown.
    let err = client
        .cancel_payment(&CancelPaymentRequest {
            imp_uid: Some(paid.imp_uid.clone()),
            amount: Some(1000.into()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown);
    // Full: done once the payment is cancelled.
    let full = client
        .cancel_payment(&CancelPaymentRequest {
            merchant_uid: Some("o5".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(full.status, PaymentStatus::Cancelled);
    assert_eq!(full.cancel_amount, 9900.into());
    assert_eq!(count(&sandbox, CANCEL), 3, "each refund was sent once");
}

#[tokio::test]
async fn a_per_call_timeout_applies() {
    let (sandbox, client) = setup().await;
    sandbox.set_faults(always(
        "GET /subscribe/customers/{customer_uid}",
        Fault::Latency { ms: 2000 },
    ));
    let quick = client
        .with_options(RequestOptions {
            timeout: Some(Duration::from_millis(100)),
            retry: Some(RetryPolicy::none()),
        })
        .unwrap();
    let err = quick.get_billing_key("c1").await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Timeout {
                may_have_reached_server: true
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_failed_lookup_after_an_ambiguous_decline_is_unknown_and_nothing_is_sent_again() {
    let (sandbox, client) = setup().await;
    client
        .issue_billing_key(&IssueBillingKeyRequest {
            customer_uid: "declines".into(),
            card: CardDetails::new("4000-0000-0000-0002", "2030-12"),
            ..Default::default()
        })
        .await
        .unwrap();
    // The decline is recorded but its answer lost, and every lookup fails.
    sandbox.set_faults(FaultPlan {
        seed: 1,
        rules: vec![
            FaultRule::new(AGAIN, 1.0, Fault::DropAfterCommit),
            FaultRule::new(
                "GET /payments/findAll/{merchant_uid}",
                1.0,
                Fault::ServerError { status: 503 },
            ),
        ],
    });
    let err = client
        .pay_again(&PayAgainRequest {
            customer_uid: "declines".into(),
            ..again("o-lost-decline")
        })
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown, "{err}");
    // Re-sending would have recorded a second decline: no guard stops that.
    assert_eq!(count(&sandbox, AGAIN), 1);
    let attempts = sandbox.ledger();
    assert_eq!(attempts.len(), 1, "{attempts:?}");
    assert_eq!(attempts[0]["status"], "failed");
}
