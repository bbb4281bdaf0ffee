//! Arbitrary JSON as a request (the first byte picks the type), sent through a client on a closed
//! port: validation must refuse it naming a field, or pass it on to the network; never panic, and
//! never print the card number.
#![no_main]

#[path = "common.rs"]
mod common;

use iamport_subscribe::{
    CancelPaymentRequest, CardDetails, ErrorKind, IssueBillingKeyRequest, PayAgainRequest,
    PayOnetimeRequest, Result,
};
use libfuzzer_sys::fuzz_target;

fn check_card(card: &CardDetails) {
    let digits: String = card
        .card_number
        .expose_secret()
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    // The mask shows at most the last four digits.
    if digits.len() >= 5 {
        for text in [format!("{card:?}"), format!("{card:#?}")] {
            assert!(!text.contains(&digits), "card number printed: {text}");
        }
    }
}

fn check<T>(result: Result<T>) {
    let Err(err) = result else {
        panic!("a call to a closed port succeeded");
    };
    match err.kind() {
        ErrorKind::InvalidRequest => assert!(err.field().is_some(), "no field: {err:?}"),
        ErrorKind::Network | ErrorKind::Timeout => {}
        other => panic!("unexpected {other}: {err:?}"),
    }
    let _ = (format!("{err}"), format!("{err:?}"));
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, json)) = data.split_first() else {
        return;
    };
    let h = common::harness();
    match which % 4 {
        0 => {
            if let Ok(r) = serde_json::from_slice::<PayOnetimeRequest>(json) {
                check_card(&r.card);
                check(h.runtime.block_on(h.client.pay_onetime(&r)));
            }
        }
        1 => {
            if let Ok(r) = serde_json::from_slice::<IssueBillingKeyRequest>(json) {
                check_card(&r.card);
                check(h.runtime.block_on(h.client.issue_billing_key(&r)));
            }
        }
        2 => {
            if let Ok(r) = serde_json::from_slice::<PayAgainRequest>(json) {
                check(h.runtime.block_on(h.client.pay_again(&r)));
            }
        }
        _ => {
            if let Ok(r) = serde_json::from_slice::<CancelPaymentRequest>(json) {
                check(h.runtime.block_on(h.client.cancel_payment(&r)));
            }
        }
    }
});
