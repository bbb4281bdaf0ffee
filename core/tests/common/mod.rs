//! The Rust runner of the language-neutral scenario files in `tests/scenarios/` (format:
//! `tests/README.md`). Every step speaks real HTTP to an in-process sandbox.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

use iamport_sandbox::{NotFoundMode, Sandbox, SandboxConfig};
use iamport_subscribe::{
    CancelPaymentRequest, Client, Error, IssueBillingKeyRequest, PayAgainRequest,
    PayOnetimeRequest, PaymentStatus,
};
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use std::path::PathBuf;

pub fn scenario_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/scenarios")
}

/// Every scenario file, sorted by name.
pub fn scenarios() -> Vec<(String, Value)> {
    let mut files: Vec<_> = std::fs::read_dir(scenario_dir())
        .expect("tests/scenarios exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            let value: Value =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (p.file_stem().unwrap().to_string_lossy().into_owned(), value)
        })
        .collect()
}

pub async fn start_sandbox(scenario: &Value) -> Sandbox {
    let mut config = SandboxConfig::default();
    if scenario["sandbox"]["billing_key_not_found"] == "spec" {
        config.billing_key_not_found = NotFoundMode::Spec;
    }
    Sandbox::start_with(config).await.expect("sandbox starts")
}

pub fn client_for(sandbox: &Sandbox) -> Client {
    Client::builder()
        .imp_key(sandbox.imp_key())
        .imp_secret(sandbox.imp_secret())
        .base_url(sandbox.url())
        .build()
        .expect("client builds")
}

/// Runs one scenario against a fresh sandbox; returns the sandbox for further inspection.
pub async fn run_scenario(name: &str, scenario: &Value) -> Sandbox {
    let sandbox = start_sandbox(scenario).await;
    let client = client_for(&sandbox);
    let mut vars: HashMap<String, Value> = HashMap::new();
    let steps = scenario["steps"].as_array().expect("steps");
    assert!(!steps.is_empty(), "{name}: no steps");
    for (i, step) in steps.iter().enumerate() {
        let at = format!("{name} step {i} ({})", step["op"]);
        let args = substitute(&step["args"], &vars);
        let before = sandbox.total_requests();
        let outcome = dispatch(&client, step["op"].as_str().expect("op"), &args).await;
        let sent = sandbox.total_requests() - before;
        match (
            &step["expect"]["result"],
            &step["expect"]["error"],
            &outcome,
        ) {
            (expected, Value::Null, Ok(actual)) if !expected.is_null() => {
                let expected = substitute(expected, &vars);
                assert_subset(&expected, actual, &format!("{at}: result"));
            }
            (Value::Null, expected, Err(actual)) if !expected.is_null() => {
                assert_subset(expected, actual, &format!("{at}: error"));
            }
            _ => panic!("{at}: expected {}, got {outcome:?}", step["expect"]),
        }
        if step["sent"] == json!(false) {
            assert_eq!(sent, 0, "{at}: the request should not have been sent");
        }
        if let Some(saves) = step["save"].as_object() {
            let result = outcome.as_ref().expect("save needs a result");
            for (var, field) in saves {
                vars.insert(var.clone(), result[field.as_str().unwrap()].clone());
            }
        }
        if let Some(ledger) = step.get("ledger") {
            check_ledger(ledger, &sandbox.ledger(), &at);
        }
    }
    sandbox
}

fn check_ledger(expected: &Value, ledger: &[Value], at: &str) {
    let rows: Vec<&Value> = match expected["merchant_uid"].as_str() {
        Some(m) => ledger.iter().filter(|p| p["merchant_uid"] == m).collect(),
        None => ledger.iter().collect(),
    };
    if let Some(count) = expected["count"].as_u64() {
        assert_eq!(rows.len() as u64, count, "{at}: ledger count");
    }
    if let Some(statuses) = expected["statuses"].as_array() {
        let actual: Vec<&Value> = rows.iter().map(|p| &p["status"]).collect();
        let expected: Vec<&Value> = statuses.iter().collect();
        assert_eq!(
            actual, expected,
            "{at}: ledger statuses (in creation order)"
        );
    }
}

/// Replaces `${var}` strings with saved values.
fn substitute(value: &Value, vars: &HashMap<String, Value>) -> Value {
    match value {
        Value::String(s) if s.starts_with("${") && s.ends_with('}') => {
            let key = &s[2..s.len() - 1];
            vars.get(key)
                .cloned()
                .unwrap_or_else(|| panic!("unknown variable {key}"))
        }
        Value::Array(a) => Value::Array(a.iter().map(|v| substitute(v, vars)).collect()),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, v)| (k.clone(), substitute(v, vars)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// `expected` must be contained in `actual`: objects by key, arrays element by element (same
/// length), `"<set>"` for any non-null value, numbers by value.
pub fn assert_subset(expected: &Value, actual: &Value, at: &str) {
    match (expected, actual) {
        (Value::String(s), a) if s == "<set>" => {
            assert!(!a.is_null(), "{at}: expected a value, got null")
        }
        (Value::Object(e), Value::Object(a)) => {
            for (k, ev) in e {
                let av = a.get(k).unwrap_or(&Value::Null);
                assert_subset(ev, av, &format!("{at}.{k}"));
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            assert_eq!(e.len(), a.len(), "{at}: length of {actual}");
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                assert_subset(ev, av, &format!("{at}[{i}]"));
            }
        }
        (Value::Number(e), Value::Number(a)) => {
            assert_eq!(e.as_f64(), a.as_f64(), "{at}");
        }
        (e, a) => assert_eq!(e, a, "{at}"),
    }
}

fn arg<'a>(args: &'a Value, name: &str) -> &'a str {
    args[name]
        .as_str()
        .unwrap_or_else(|| panic!("argument {name} missing"))
}

fn to_json<T: serde::Serialize>(value: T) -> Value {
    serde_json::to_value(value).unwrap()
}

/// Calls the operation named in the scenario; a result as its JSON form, an error as
/// `{kind, field, message, code, http_status, fail_reason, payment, merchant_uid}`.
pub async fn dispatch(client: &Client, op: &str, args: &Value) -> Result<Value, Value> {
    let status = args["status"].as_str().map(PaymentStatus::from);
    let result = match op {
        "pay_onetime" => {
            let req: PayOnetimeRequest = serde_json::from_value(args.clone()).unwrap();
            client.pay_onetime(&req).await.map(to_json)
        }
        "pay_again" => {
            let req: PayAgainRequest = serde_json::from_value(args.clone()).unwrap();
            client.pay_again(&req).await.map(to_json)
        }
        "issue_billing_key" => {
            let req: IssueBillingKeyRequest = serde_json::from_value(args.clone()).unwrap();
            client.issue_billing_key(&req).await.map(to_json)
        }
        "get_billing_key" => client
            .get_billing_key(arg(args, "customer_uid"))
            .await
            .map(to_json),
        "delete_billing_key" => client
            .delete_billing_key(arg(args, "customer_uid"), args["reason"].as_str())
            .await
            .map(to_json),
        "get_payment" => client.get_payment(arg(args, "imp_uid")).await.map(to_json),
        "find_payment" => client
            .find_payment(arg(args, "merchant_uid"), status.as_ref())
            .await
            .map(to_json),
        "find_all_payments" => client
            .find_all_payments(arg(args, "merchant_uid"), status.as_ref())
            .await
            .map(to_json),
        "cancel_payment" => {
            let req: CancelPaymentRequest = serde_json::from_value(args.clone()).unwrap();
            client.cancel_payment(&req).await.map(to_json)
        }
        other => panic!("unknown op {other}"),
    };
    result.map_err(|e| error_json(&e))
}

pub fn error_json(e: &Error) -> Value {
    let mut m = Map::new();
    m.insert("kind".into(), json!(e.kind().as_str()));
    m.insert("display".into(), json!(e.to_string()));
    match e {
        Error::InvalidRequest { field, reason } => {
            m.insert("field".into(), json!(field));
            m.insert("message".into(), json!(reason));
        }
        Error::Authentication { message }
        | Error::NotFound { message }
        | Error::DuplicateOrder { message } => {
            m.insert("message".into(), json!(message));
        }
        Error::CardDeclined {
            payment,
            fail_reason,
        } => {
            m.insert("fail_reason".into(), json!(fail_reason));
            m.insert("payment".into(), to_json(payment));
        }
        Error::Api {
            http_status,
            code,
            message,
        } => {
            m.insert("http_status".into(), json!(http_status));
            m.insert("code".into(), json!(code));
            m.insert("message".into(), json!(message));
        }
        Error::Network {
            message,
            may_have_reached_server,
        } => {
            m.insert("message".into(), json!(message));
            m.insert(
                "may_have_reached_server".into(),
                json!(may_have_reached_server),
            );
        }
        Error::Timeout {
            may_have_reached_server,
        } => {
            m.insert(
                "may_have_reached_server".into(),
                json!(may_have_reached_server),
            );
        }
        Error::OutcomeUnknown { merchant_uid } => {
            m.insert("merchant_uid".into(), json!(merchant_uid));
        }
        _ => {}
    }
    Value::Object(m)
}
