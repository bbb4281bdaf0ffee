//! Arbitrary bytes as an API answer body: the models' custom deserializers (amounts through f64,
//! `null`/`0` as absent, the two shapes of a schedule page) must refuse or accept, never panic,
//! and a decoded payment or amount must survive a serialize/deserialize round trip unchanged.
//!
//! The round trip is asserted only while every number has at most 15 significant digits, the
//! range `money.rs` documents as exact: serde_json's default (not `float_roundtrip`) parsing of
//! longer numbers, and of integers beyond `u64`, can land one ULP off, so such an amount can drift
//! on a second read (e.g. `988888888888e9` reads back as `988888888888000100000`).
#![no_main]

use iamport_subscribe::{Amount, BillingKey, Payment, PaymentPage, SchedulePage};
use libfuzzer_sys::fuzz_target;

/// True when every run of digits in `json` has at most 15 significant digits.
fn numbers_within_documented_precision(json: &[u8]) -> bool {
    json.split(|b| !(b.is_ascii_digit() || *b == b'.'))
        .all(|run| {
            let digits: Vec<u8> = run.iter().copied().filter(u8::is_ascii_digit).collect();
            let significant = digits
                .iter()
                .skip_while(|d| **d == b'0')
                .collect::<Vec<_>>();
            let trimmed = significant
                .iter()
                .rev()
                .skip_while(|d| ***d == b'0')
                .count();
            trimmed <= 15 && digits.len() <= 19
        })
}

fuzz_target!(|data: &[u8]| {
    if let Ok(payment) = serde_json::from_slice::<Payment>(data) {
        let _ = payment.cancellable_amount();
        let text = serde_json::to_vec(&payment).expect("a decoded payment serializes");
        let again: Payment = serde_json::from_slice(&text).expect("a serialized payment decodes");
        if numbers_within_documented_precision(&text) {
            assert_eq!(payment, again, "payment round trip");
        }
    }
    let _ = serde_json::from_slice::<BillingKey>(data);
    let _ = serde_json::from_slice::<PaymentPage>(data);
    let _ = serde_json::from_slice::<SchedulePage>(data);
    if let Ok(amount) = serde_json::from_slice::<Amount>(data) {
        let text = serde_json::to_string(&amount).expect("an amount serializes");
        let again: Amount = serde_json::from_str(&text).expect("a serialized amount decodes");
        if numbers_within_documented_precision(text.as_bytes()) {
            assert_eq!(amount, again, "amount round trip through {text}");
        }
    }
});
