//! Arbitrary webhook bodies and content types through `Client::verify_webhook` on a closed port:
//! a body that does not parse is `InvalidRequest` naming the field; one that parses goes to the
//! network to fetch the payment (and fails there). Never a panic, never a success.
#![no_main]

#[path = "common.rs"]
mod common;

use iamport_subscribe::ErrorKind;
use libfuzzer_sys::fuzz_target;

const CONTENT_TYPES: &[&str] = &[
    "application/json",
    "application/json; charset=utf-8",
    "APPLICATION/JSON",
    "text/json",
    "",
    "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded; charset=UTF-8",
    "text/plain",
];

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    // The first byte picks a content type; past the list, the content type is taken from the
    // input up to the first NUL.
    let (content_type, body) = match CONTENT_TYPES.get(usize::from(which)) {
        Some(ct) => ((*ct).to_owned(), rest),
        None => {
            let end = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
            let ct = String::from_utf8_lossy(&rest[..end]).into_owned();
            (ct, rest.get(end + 1..).unwrap_or_default())
        }
    };
    let h = common::harness();
    let result = h
        .runtime
        .block_on(h.client.verify_webhook(body, &content_type));
    let Err(err) = result else {
        panic!("a webhook was verified against a closed port");
    };
    match err.kind() {
        ErrorKind::InvalidRequest => assert!(err.field().is_some(), "no field: {err:?}"),
        ErrorKind::Network | ErrorKind::Timeout => {}
        other => panic!("unexpected {other}: {err:?}"),
    }
});
