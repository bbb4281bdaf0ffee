//! Conformance with the vendor's own Swagger spec (`shared/reference/iamport-v1.openapi.json`, read
//! through the schema facts `scripts/spec-derive` keeps in `tests/spec/iamport-v1-schemas.json`, so
//! a clone of this repository alone runs it):
//! 1. bodies built from the spec's definitions, with every declared field, decode into the models
//!    and no declared field is lost;
//! 2. every answer the sandbox gave during all scenarios validates against the spec's response
//!    schema for its operation, allowing only the live-behaviour deviations the facts file lists.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use iamport_subscribe::{BillingKey, Payment, PaymentPage};
use serde_json::{Value, json};

fn spec() -> Value {
    serde_json::from_str(include_str!("../../tests/spec/iamport-v1-schemas.json")).unwrap()
}

/// A value for every property a schema declares, following `$ref`s.
fn example(schema: &Value, defs: &Value, depth: usize) -> Value {
    if let Some(r) = schema["$ref"].as_str() {
        if depth > 4 {
            return Value::Null;
        }
        let name = r.trim_start_matches("#/definitions/");
        return example(&defs[name], defs, depth + 1);
    }
    match schema["type"].as_str() {
        Some("string") => json!("x"),
        Some("integer") => json!(1_700_000_000),
        Some("number") => json!(1000),
        Some("boolean") => json!(true),
        Some("array") => json!([example(&schema["items"], defs, depth)]),
        _ => {
            let props = schema["properties"]
                .as_object()
                .cloned()
                .unwrap_or_default();
            Value::Object(
                props
                    .iter()
                    .map(|(k, v)| (k.clone(), example(v, defs, depth)))
                    .collect(),
            )
        }
    }
}

fn declared(defs: &Value, name: &str) -> Vec<String> {
    defs[name]["properties"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect()
}

#[test]
fn spec_bodies_decode_into_the_models_without_losing_a_field() {
    let spec = spec();
    let defs = &spec["definitions"];
    for (def, decode) in [
        (
            "PaymentAnnotation",
            (|v: Value| {
                serde_json::to_value(serde_json::from_value::<Payment>(v).unwrap()).unwrap()
            }) as fn(Value) -> Value,
        ),
        ("CustomerAnnotation", |v| {
            serde_json::to_value(serde_json::from_value::<BillingKey>(v).unwrap()).unwrap()
        }),
        ("PagedPaymentAnnotation", |v| {
            serde_json::to_value(serde_json::from_value::<PaymentPage>(v).unwrap()).unwrap()
        }),
    ] {
        let body = example(&json!({"$ref": format!("#/definitions/{def}")}), defs, 0);
        let fields = declared(defs, def);
        assert!(fields.len() >= 4, "{def} has properties");
        let decoded = decode(body.clone());
        for field in &fields {
            let value = &decoded[field];
            assert!(
                decoded.get(field).is_some(),
                "{def}.{field} is not in the model"
            );
            // Every example value is non-empty, so nothing may come back null.
            assert!(!value.is_null(), "{def}.{field} was dropped while decoding");
        }
        if def == "PaymentAnnotation" {
            assert_eq!(decoded["cancel_history"][0]["cancellation_id"], "x");
            assert_eq!(decoded["deposit_history"][0]["depositor_name"], "x");
            assert_eq!(decoded["promotion"]["discount"], 1000);
        }
    }
}

/// The spec's definitions, adjusted for the documented live deviation that unset fields are JSON
/// `null` (facts §1 "Missing strings", `card_type` null, `message` null on success), so every typed
/// property also admits `null`; and made stricter: an object definition admits no property the spec
/// does not declare.
fn live_definitions(spec: &Value) -> Value {
    let mut defs = spec["definitions"].clone();
    fix_numeric_keywords(&mut defs);
    // Facts §5.8/§5.12: the schedule lists answer a paged object `{total, previous, next, list}`
    // of ScheduleResultAnnotation (as PagedPaymentAnnotation), not the plain array of the schema.
    let mut page = defs["PagedPaymentAnnotation"].clone();
    page["properties"]["list"]["items"] = json!({"$ref": "#/definitions/ScheduleResultAnnotation"});
    defs["LiveSchedulePage"] = page;
    defs[SCHEDULE_PAGE] = json!({"allOf": [
        {"$ref": "#/definitions/ResponseAnnotation"},
        {"properties": {"response": {"$ref": "#/definitions/LiveSchedulePage"}}},
    ]});
    for (name, def) in defs.as_object_mut().unwrap() {
        let Some(props) = def.get_mut("properties").and_then(Value::as_object_mut) else {
            continue;
        };
        for (_, prop) in props.iter_mut() {
            if let Some(t) = prop.get("type").and_then(Value::as_str).map(str::to_owned) {
                prop["type"] = json!([t, "null"]);
            }
        }
        // The envelope is checked separately (its `response` is declared only in the allOf parts).
        if def.get("allOf").is_none() && name != "ResponseAnnotation" {
            def["additionalProperties"] = json!(false);
        }
    }
    defs
}

/// The spec writes a few `maxLength`s as strings (`"64"`), which no validator accepts.
fn fix_numeric_keywords(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                let numeric = matches!(
                    key.as_str(),
                    "maxLength" | "minLength" | "maximum" | "minimum"
                );
                if let (true, Some(n)) = (numeric, v.as_str().and_then(|s| s.parse::<i64>().ok())) {
                    *v = json!(n);
                } else {
                    fix_numeric_keywords(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(fix_numeric_keywords),
        _ => {}
    }
}

/// The envelope of the schedule lists (see `live_definitions`).
const SCHEDULE_PAGE: &str = "LiveSchedulePageResponse";

/// The success schema of each operation, by `"METHOD /route/template"`; failures use the bare
/// envelope.
fn success_schema(route: &str) -> &'static str {
    let (method, path) = route.split_once(' ').unwrap_or(("GET", route));
    match (method, path) {
        (_, p) if p.starts_with("/users/getToken") => "AuthResponse",
        (_, p) if p.starts_with("/payments/findAll") || p.starts_with("/payments/status/") => {
            "PaymentListResponse"
        }
        (_, "/payments") => "MultiplePaymentsResponse",
        (_, "/subscribe/customers") => "MultipleCustomersResponse",
        (_, "/subscribe/customers/{customer_uid}/payments") => "PaymentListResponse",
        (
            _,
            "/subscribe/customers/{customer_uid}/schedules"
            | "/subscribe/payments/schedule/customers/{customer_uid}",
        )
        | ("GET", "/subscribe/payments/schedule") => SCHEDULE_PAGE,
        (_, "/subscribe/payments/schedule" | "/subscribe/payments/unschedule") => {
            "ScheduleResponse"
        }
        (_, "/subscribe/payments/schedule/{merchant_uid}/retry") => "PaymentResponse",
        (_, p) if p.starts_with("/subscribe/payments/schedule/") => "SingleScheduleResponse",
        (_, p) if p.starts_with("/subscribe/customers") => "CustomerResponse",
        _ => "PaymentResponse",
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_sandbox_answer_in_the_scenarios_validates_against_the_spec() {
    let spec = spec();
    let defs = live_definitions(&spec);
    let validator = |name: &str| {
        let schema = json!({"$ref": format!("#/definitions/{name}"), "definitions": defs});
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft4)
            .build(&schema)
            .unwrap()
    };
    let envelope = validator("ResponseAnnotation");
    let mut validators = std::collections::HashMap::new();
    let mut checked = std::collections::BTreeMap::<String, usize>::new();
    for (name, scenario) in common::scenarios() {
        let sandbox = common::run_scenario(&name, &scenario).await;
        for exchange in sandbox.exchanges() {
            let body = &exchange.body;
            let at = format!("{name}: {} -> {} {body}", exchange.route, exchange.status);
            assert!(body["code"].is_i64(), "{at}: code must be a JSON integer");
            let object = body.as_object().unwrap();
            let keys: Vec<&String> = object.keys().collect();
            assert_eq!(keys, ["code", "message", "response"], "{at}: the envelope");
            let success = body["code"] == 0 && (200..300).contains(&exchange.status);
            if success {
                let def = success_schema(&format!("{} {}", exchange.method, exchange.route));
                let v = validators.entry(def).or_insert_with(|| validator(def));
                let errors: Vec<String> = v
                    .iter_errors(body)
                    .map(|e| format!("{} at {}", e, e.instance_path()))
                    .collect();
                assert!(errors.is_empty(), "{at}: {errors:#?}");
                assert!(
                    body["message"].is_null(),
                    "{at}: message is null on success"
                );
                *checked.entry(def.to_owned()).or_default() += 1;
            } else {
                let errors: Vec<String> =
                    envelope.iter_errors(body).map(|e| e.to_string()).collect();
                assert!(errors.is_empty(), "{at}: {errors:#?}");
                assert!(
                    body["response"].is_null(),
                    "{at}: failures carry no response"
                );
                assert!(body["code"] != 0, "{at}: a failure has a non-zero code");
                *checked.entry("failure envelope".to_owned()).or_default() += 1;
            }
        }
    }
    for def in [
        "AuthResponse",
        "PaymentResponse",
        "PaymentListResponse",
        "CustomerResponse",
        "MultipleCustomersResponse",
        "MultiplePaymentsResponse",
        "ScheduleResponse",
        "SingleScheduleResponse",
        SCHEDULE_PAGE,
        "failure envelope",
    ] {
        assert!(
            checked.get(def).copied().unwrap_or(0) > 0,
            "no answer checked against {def}: {checked:?}"
        );
    }
}
