//! Every validation rule, in every request that has the field: a value just past the limit is
//! `InvalidRequest` naming the field, the value at the limit passes. Table-driven from the wire
//! names, so a rule that goes missing from one request's `validate` fails here.
//!
//! Calls go to a client pointed at a closed loopback port: a refused request fails with
//! `InvalidRequest` before anything is sent; one that passes validation fails on the network.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use futures_util::StreamExt;
use iamport_subscribe::rules::{self, TextKind, TextRule};
use iamport_subscribe::{
    CancelPaymentRequest, Client, Error, ErrorKind, IssueBillingKeyRequest, PayAgainRequest,
    PayOnetimeRequest, PaymentStatus, RequestOptions, RetryPolicy, ScheduleRequest, ScheduleStatus,
};
use serde_json::{Value, json};
use std::collections::HashSet;
use std::time::Duration;

fn closed_port_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

fn client() -> Client {
    Client::builder()
        .imp_key("key")
        .imp_secret("secret")
        .base_url(closed_port_url())
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

const CARD: &str = "4111-1111-1111-1111";
const AT: i64 = 1_800_000_000;

/// A valid request of each operation, as wire JSON.
fn valid(op: &str) -> Value {
    match op {
        "pay_onetime" => json!({"merchant_uid": "o-1", "amount": 60000, "card_number": CARD,
                                "expiry": "2030-12"}),
        "pay_again" => json!({"customer_uid": "c-1", "merchant_uid": "o-1", "amount": 60000}),
        "issue_billing_key" => json!({"customer_uid": "c-1", "card_number": CARD,
                                      "expiry": "2030-12"}),
        "cancel_payment" => json!({"imp_uid": "imps_1", "amount": 1000, "checksum": 60000}),
        "schedule" => json!({"customer_uid": "c-1", "schedules": [
            {"merchant_uid": "o-1", "schedule_at": AT, "amount": 60000}]}),
        other => panic!("no valid {other}"),
    }
}

/// `op` with `args` (wire JSON; `schedules[0].x` keys go into the first schedule entry).
async fn call(client: &Client, op: &str, args: &Value) -> Result<(), Error> {
    let args = args.clone();
    match op {
        "pay_onetime" => client
            .pay_onetime(&serde_json::from_value::<PayOnetimeRequest>(args).unwrap())
            .await
            .map(drop),
        "pay_again" => client
            .pay_again(&serde_json::from_value::<PayAgainRequest>(args).unwrap())
            .await
            .map(drop),
        "issue_billing_key" => client
            .issue_billing_key(&serde_json::from_value::<IssueBillingKeyRequest>(args).unwrap())
            .await
            .map(drop),
        "cancel_payment" => client
            .cancel_payment(&serde_json::from_value::<CancelPaymentRequest>(args).unwrap())
            .await
            .map(drop),
        "schedule" => client
            .schedule(&serde_json::from_value::<ScheduleRequest>(args).unwrap())
            .await
            .map(drop),
        other => panic!("unknown op {other}"),
    }
}

/// `valid(op)` with `field` set to `value` (`schedules[0].` prefix: in the first entry).
fn with(op: &str, field: &str, value: Value) -> Value {
    let mut args = valid(op);
    match field.strip_prefix("schedules[0].") {
        Some(inner) => args["schedules"][0][inner] = value,
        None => args[field] = value,
    }
    args
}

async fn refused(client: &Client, op: &str, args: &Value, field: &str) {
    match call(client, op, args).await {
        Err(Error::InvalidRequest { field: f, reason }) => {
            assert_eq!(f, field, "{op} {args:.200}: refused for {f} ({reason})")
        }
        other => panic!("{op}: {field} should be refused, got {other:?}"),
    }
}

async fn passes(client: &Client, op: &str, args: &Value) {
    let err = call(client, op, args).await.unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::Network,
        "{op} should pass validation: {err:?}"
    );
}

/// The text fields of each request, by wire name (the error names core's field).
fn text_fields(op: &str) -> Vec<(&'static str, TextRule)> {
    let buyer = [
        ("buyer_name", rules::BUYER_NAME),
        ("buyer_email", rules::BUYER_EMAIL),
        ("buyer_tel", rules::BUYER_TEL),
        ("buyer_addr", rules::BUYER_ADDR),
        ("buyer_postcode", rules::BUYER_POSTCODE),
    ];
    let charge = [
        ("merchant_uid", rules::MERCHANT_UID),
        ("name", rules::NAME),
        ("custom_data", rules::CUSTOM_DATA),
        ("bypass", rules::BYPASS),
        ("promotion_id", rules::PROMOTION_ID),
    ];
    let mut fields: Vec<(&'static str, TextRule)> = match op {
        "pay_onetime" => vec![
            ("customer_uid", rules::CUSTOMER_UID),
            ("pg", rules::PG),
            ("channelGroupId", rules::CHANNEL_GROUP_ID),
            ("secure_3d_charge_id", rules::SECURE_3D_CHARGE_ID),
            ("secure_3d_token", rules::SECURE_3D_TOKEN),
        ],
        "pay_again" => vec![
            ("customer_uid", rules::CUSTOMER_UID),
            ("channel_key", rules::CHANNEL_KEY),
        ],
        "issue_billing_key" => {
            return vec![
                ("customer_uid", rules::CUSTOMER_UID),
                ("pg", rules::PG),
                ("channel_key", rules::CHANNEL_KEY),
                ("channel_group_id", rules::CHANNEL_GROUP_ID),
                ("customer_id", rules::CUSTOMER_ID),
                ("customer_name", rules::CUSTOMER_NAME),
                ("customer_tel", rules::CUSTOMER_TEL),
                ("customer_email", rules::CUSTOMER_EMAIL),
                ("customer_addr", rules::CUSTOMER_ADDR),
                ("customer_postcode", rules::CUSTOMER_POSTCODE),
            ];
        }
        "cancel_payment" => {
            return vec![
                ("imp_uid", rules::IMP_UID),
                ("merchant_uid", rules::MERCHANT_UID),
                ("reason", rules::REASON),
                ("refund_holder", rules::REFUND_HOLDER),
                ("refund_bank", rules::REFUND_BANK),
                ("refund_account", rules::REFUND_ACCOUNT),
                ("refund_tel", rules::REFUND_TEL),
            ];
        }
        "schedule" => {
            let mut top = vec![
                ("customer_uid", rules::CUSTOMER_UID),
                ("pg", rules::PG),
                ("channel_key", rules::CHANNEL_KEY),
                ("customer_id", rules::CUSTOMER_ID),
            ];
            for (wire, rule) in charge.iter().chain(buyer.iter()) {
                let path: &'static str = format!("schedules[0].{wire}").leak();
                top.push((path, *rule));
            }
            return top;
        }
        other => panic!("no fields of {other}"),
    };
    fields.extend(charge);
    fields.extend(buyer);
    fields
}

/// A value of exactly `len` characters (bytes for free text) that the rule's kind accepts.
fn text_of(rule: &TextRule, len: usize) -> Value {
    if rule.field == "bypass" {
        // JSON text: a string literal of `len` bytes.
        return json!(format!("\"{}\"", "b".repeat(len.saturating_sub(2))));
    }
    match rule.kind {
        // Multi-byte characters count once.
        TextKind::Id | TextKind::Line => json!("가".repeat(len)),
        TextKind::Free => json!("x".repeat(len)),
    }
}

const OPS: [&str; 5] = [
    "pay_onetime",
    "pay_again",
    "issue_billing_key",
    "cancel_payment",
    "schedule",
];

#[tokio::test]
async fn every_text_field_is_limited_in_every_request() {
    let client = client();
    let mut covered = HashSet::new();
    for op in OPS {
        for (wire, rule) in text_fields(op) {
            covered.insert(rule.field);
            passes(&client, op, &with(op, wire, text_of(&rule, rule.max))).await;
            let over = with(op, wire, text_of(&rule, rule.max + 1));
            refused(&client, op, &over, rule.field).await;
            if rule.kind != TextKind::Free {
                refused(&client, op, &with(op, wire, json!("a\nb")), rule.field).await;
            }
            if rule.kind == TextKind::Id {
                refused(&client, op, &with(op, wire, json!(" ")), rule.field).await;
            }
        }
    }
    // The client's credentials are checked by `ClientBuilder::build` (client_config.rs).
    for rule in rules::TEXT_RULES {
        if !["imp_key", "imp_secret"].contains(&rule.field) {
            assert!(
                covered.contains(rule.field),
                "{} is in no request",
                rule.field
            );
        }
    }
}

/// The text limits that the vendor spec states (its models' `maxLength`, kept by
/// `scripts/spec-derive`) are the rules' limits.
#[test]
fn text_limits_are_the_specs() {
    let facts: Value =
        serde_json::from_str(include_str!("../../tests/spec/iamport-v1-schemas.json")).unwrap();
    let mut checked = HashSet::new();
    for model in [
        "PaymentAnnotation",
        "CustomerAnnotation",
        "ScheduleResultAnnotation",
    ] {
        let properties = facts["definitions"][model]["properties"]
            .as_object()
            .unwrap();
        for (name, property) in properties {
            let Some(max) = property["maxLength"].as_str() else {
                continue;
            };
            if let Some(rule) = rules::TEXT_RULES.iter().find(|r| r.field == name) {
                assert_eq!(rule.max.to_string(), max, "{model}.{name}");
                checked.insert(rule.field);
            }
        }
    }
    // merchant_uid, customer_uid, imp_uid, name, the buyer's five and the customer's five.
    assert_eq!(checked.len(), 13, "{checked:?}");
}

/// (op, field, value, refused field) — `None`: the value passes.
type Case = (&'static str, &'static str, Value, Option<&'static str>);

fn charge_cases(op: &'static str) -> Vec<Case> {
    // In a schedule the charge fields are in the entry.
    let f = |name: &'static str| -> &'static str {
        if op == "schedule" {
            format!("schedules[0].{name}").leak()
        } else {
            name
        }
    };
    let mut cases: Vec<Case> = vec![
        (op, f("amount"), json!(0), Some("amount")),
        (op, f("amount"), json!(-5), Some("amount")),
        (op, f("amount"), json!(10.5), Some("amount")),
        (op, f("amount"), json!(9_999_999_999_999_i64), None),
        (
            op,
            f("amount"),
            json!(10_000_000_000_000_i64),
            Some("amount"),
        ),
        (
            op,
            f("amount"),
            json!(9_223_372_036_854_775_808_u64),
            Some("amount"),
        ),
        (op, f("currency"), json!("XYZ"), Some("currency")),
        (op, f("currency"), json!("usd"), Some("currency")),
        (op, f("tax_free"), json!(60001), Some("tax_free")),
        (op, f("tax_free"), json!(60000), None),
        (op, f("tax_free"), json!(-1), Some("tax_free")),
        (op, f("vat_amount"), json!(60001), Some("vat_amount")),
        (op, f("card_quota"), json!(1), Some("card_quota")),
        (op, f("card_quota"), json!(37), Some("card_quota")),
        (op, f("card_quota"), json!(36), None),
        (op, f("card_quota"), json!(0), None),
        (op, f("notice_url"), json!("not a url"), Some("notice_url")),
        (
            op,
            f("notice_url"),
            json!("ftp://example.com/h"),
            Some("notice_url"),
        ),
        (
            op,
            f("notice_url"),
            json!("/hooks/iamport"),
            Some("notice_url"),
        ),
        (
            op,
            f("notice_url"),
            json!("https://example.com/hooks/iamport"),
            None,
        ),
        (op, f("browser_ip"), json!("my laptop"), Some("browser_ip")),
        (op, f("browser_ip"), json!("2001:db8::1"), None),
        (
            op,
            f("product_type"),
            json!("physical"),
            Some("product_type"),
        ),
        (op, f("product_type"), json!("digital"), None),
        (op, f("bypass"), json!("{not json"), Some("bypass")),
        (op, f("bypass"), json!("{\"key\": 1}"), None),
    ];
    if op != "pay_onetime" {
        cases.extend([
            (
                op,
                f("cash_receipt_type"),
                json!("nobody"),
                Some("cash_receipt_type"),
            ),
            (op, f("product_count"), json!(0), Some("product_count")),
            (op, f("extra"), json!({"": "x"}), Some("extra")),
        ]);
    }
    if op != "schedule" {
        cases.push((op, "vat", json!(60001), Some("vat")));
    }
    cases
}

/// `args` with several fields set (`schedules[0].` prefix as in [`with`]).
fn with_all(op: &str, fields: &[(&str, Value)]) -> Value {
    let mut args = valid(op);
    for (field, value) in fields {
        match field.strip_prefix("schedules[0].") {
            Some(inner) => args["schedules"][0][inner] = value.clone(),
            None => args[*field] = value.clone(),
        }
    }
    args
}

#[tokio::test]
async fn every_charge_rule_is_checked_in_every_charge() {
    let client = client();
    for op in ["pay_onetime", "pay_again", "schedule"] {
        for (op, field, value, expected) in charge_cases(op) {
            let args = with(op, field, value);
            match expected {
                Some(f) => refused(&client, op, &args, f).await,
                None => passes(&client, op, &args).await,
            }
        }
        let entry = |name: &'static str| -> &'static str {
            if op == "schedule" {
                format!("schedules[0].{name}").leak()
            } else {
                name
            }
        };
        // Decimals as fine as the currency's minor unit, no finer.
        for (currency, amount, ok) in [
            ("USD", json!(0.3), true),
            ("USD", json!(0.30000000000000004), false),
            ("USD", json!(12.345), false),
            ("JPY", json!(100.5), false),
            ("VND", json!(20000), true),
        ] {
            let args = with_all(
                op,
                &[
                    (entry("currency"), json!(currency)),
                    (entry("amount"), amount),
                ],
            );
            if ok {
                passes(&client, op, &args).await;
            } else {
                refused(&client, op, &args, "amount").await;
            }
        }
        // Tax-free and VAT are parts of the amount: together at most the amount.
        let parts = |tax_free: i64, vat: i64| {
            with_all(
                op,
                &[
                    (entry("tax_free"), json!(tax_free)),
                    (entry("vat_amount"), json!(vat)),
                ],
            )
        };
        refused(&client, op, &parts(30000, 30001), "vat_amount").await;
        passes(&client, op, &parts(30000, 30000)).await;
        // Installments in KRW only from 50,000 won.
        let small = with_all(
            op,
            &[
                (entry("amount"), json!(49999)),
                (entry("card_quota"), json!(3)),
            ],
        );
        refused(&client, op, &small, "card_quota").await;
    }
}

#[tokio::test]
async fn refunds_schedules_and_lookups() {
    let client = client();
    for (field, value, expected) in [
        ("amount", json!(0), Some("amount")),
        ("amount", json!(10.125), Some("amount")),
        ("amount", json!(10.12), None),
        ("amount", json!(10_000_000_000_000_i64), Some("amount")),
        ("tax_free", json!(1001), Some("tax_free")),
        ("vat_amount", json!(1001), Some("vat_amount")),
        ("checksum", json!(999), Some("checksum")),
        ("checksum", json!(-1), Some("checksum")),
        ("extra", json!({"requester": "a\nb"}), Some("extra")),
    ] {
        let args = with("cancel_payment", field, value);
        match expected {
            Some(f) => refused(&client, "cancel_payment", &args, f).await,
            None => passes(&client, "cancel_payment", &args).await,
        }
    }
    refused(
        &client,
        "cancel_payment",
        &json!({"amount": 1000}),
        "imp_uid",
    )
    .await;

    // Schedules: unix seconds in a sane range (milliseconds are refused and named as such).
    for (at, ok) in [
        (json!(AT), true),
        (json!(AT * 1000), false),
        (json!(0), false),
        (json!(253_402_300_799_i64), true),
        (json!(253_402_300_800_i64), false),
    ] {
        let args = with("schedule", "schedules[0].schedule_at", at);
        if ok {
            passes(&client, "schedule", &args).await;
        } else {
            refused(&client, "schedule", &args, "schedule_at").await;
        }
    }
    let ms = call(
        &client,
        "schedule",
        &with("schedule", "schedules[0].schedule_at", json!(AT * 1000)),
    )
    .await
    .unwrap_err();
    assert!(ms.to_string().contains("milliseconds"), "{ms}");
    for (field, value, expected) in [
        ("schedules", json!([]), "schedules"),
        ("checking_amount", json!(-1), "checking_amount"),
        ("checking_amount", json!(10.5), "checking_amount"),
    ] {
        refused(
            &client,
            "schedule",
            &with("schedule", field, value),
            expected,
        )
        .await;
    }
    let twice = json!({"customer_uid": "c-1", "schedules": [
        {"merchant_uid": "o-1", "schedule_at": AT, "amount": 1000},
        {"merchant_uid": "o-1", "schedule_at": AT + 60, "amount": 1000}]});
    refused(&client, "schedule", &twice, "merchant_uid").await;
    // Every entry within its limits, the whole body beyond 1 MiB: refused, naming `schedules`.
    let big: Vec<Value> = (0..20)
        .map(|i| {
            json!({"merchant_uid": format!("o-{i}"), "schedule_at": AT, "amount": 1000,
                   "custom_data": "d".repeat(60_000)})
        })
        .collect();
    refused(
        &client,
        "schedule",
        &json!({"customer_uid": "c-1", "schedules": big}),
        "schedules",
    )
    .await;

    for at in [AT * 1000, 0] {
        let e = client.update_schedule("o-1", at).await.unwrap_err();
        assert_eq!(e.field(), Some("schedule_at"), "{e:?}");
        let e = client.reschedule("o-1", at).await.unwrap_err();
        assert_eq!(e.field(), Some("schedule_at"), "{e:?}");
    }

    // Statuses in the API's sets.
    let refunded = PaymentStatus::from("refunded");
    let e = client
        .find_payment("o-1", Some(&refunded))
        .await
        .unwrap_err();
    assert_eq!(e.field(), Some("status"));
    let e = client
        .find_all_payments("o-1", Some(&refunded))
        .await
        .unwrap_err();
    assert_eq!(e.field(), Some("status"));
    let e = client
        .delete_billing_key("c-1", Some("a\nb"))
        .await
        .unwrap_err();
    assert_eq!(e.field(), Some("reason"));

    // Listing windows: from ≤ to, at most 92 days, unix seconds.
    let day = 86_400;
    for (from, to, status, field) in [
        (AT, AT - 1, None, Some("to")),
        (AT, AT + 92 * day + 1, None, Some("to")),
        (AT * 1000, AT * 1000 + 1, None, Some("from")),
        (AT, AT + 92 * day, None, None),
        (
            AT,
            AT + day,
            Some(ScheduleStatus::from("done")),
            Some("status"),
        ),
    ] {
        let first = Box::pin(client.list_schedules(from, to, status.clone()))
            .next()
            .await
            .unwrap()
            .map(drop);
        let by_customer = Box::pin(client.list_schedules_by_customer("c-1", from, to, status))
            .next()
            .await
            .unwrap()
            .map(drop);
        for result in [first, by_customer] {
            let e = result.unwrap_err();
            match field {
                Some(f) => assert_eq!(e.field(), Some(f), "{from}..{to}: {e:?}"),
                None => assert_eq!(e.kind(), ErrorKind::Network, "{from}..{to}: {e:?}"),
            }
        }
    }
}

#[tokio::test]
async fn per_call_options_are_checked() {
    let client = client();
    for (options, field) in [
        (
            RequestOptions {
                timeout: Some(Duration::ZERO),
                retry: None,
            },
            "timeout",
        ),
        (
            RequestOptions {
                timeout: Some(Duration::from_secs(601)),
                retry: None,
            },
            "timeout",
        ),
        (
            RequestOptions {
                timeout: None,
                retry: Some(RetryPolicy {
                    max_retries: 11,
                    ..RetryPolicy::default()
                }),
            },
            "max_retries",
        ),
        (
            RequestOptions {
                timeout: None,
                retry: Some(RetryPolicy {
                    initial_backoff: Duration::from_secs(301),
                    ..RetryPolicy::default()
                }),
            },
            "initial_backoff",
        ),
        (
            RequestOptions {
                timeout: None,
                retry: Some(RetryPolicy {
                    max_backoff: Duration::from_secs(301),
                    ..RetryPolicy::default()
                }),
            },
            "max_backoff",
        ),
    ] {
        let e = client.with_options(options).unwrap_err();
        assert_eq!(e.field(), Some(field), "{e:?}");
    }
    client
        .with_options(RequestOptions {
            timeout: Some(Duration::from_secs(600)),
            retry: Some(RetryPolicy {
                max_retries: 10,
                initial_backoff: Duration::from_millis(1),
                max_backoff: Duration::from_secs(300),
            }),
        })
        .unwrap();
}
