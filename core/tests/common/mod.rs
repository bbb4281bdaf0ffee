//! The Rust runner of the language-neutral scenario files in `tests/scenarios/` (format:
//! `tests/README.md`). Every step speaks real HTTP to an in-process sandbox.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

use futures_util::TryStreamExt;
use iamport_sandbox::{FaultPlan, NotFoundMode, Sandbox, SandboxConfig};
use iamport_subscribe::{
    CancelPaymentRequest, Case, Client, ClientBuilder, Error, IssueBillingKeyRequest,
    PayAgainRequest, PayOnetimeRequest, PaymentStatus, RequestOptions, RetryPolicy,
    ScheduleRequest, ScheduleStatus,
};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

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
    let received = Received::default();
    if scenario["webhook_receiver"] == json!(true) {
        sandbox.set_webhook_url(Some(received.start().await));
    }
    let mut vars: HashMap<String, Value> = HashMap::new();
    let steps = scenario["steps"].as_array().expect("steps");
    assert!(!steps.is_empty(), "{name}: no steps");
    for (i, step) in steps.iter().enumerate() {
        let at = format!("{name} step {i} ({})", step["op"]);
        if holds_utf16(&step["args"]) {
            // A lone UTF-16 surrogate cannot be put in a Rust `String` at all: the type system
            // rules out what this step checks in the other languages.
            eprintln!("{at}: skipped (its $utf16 text cannot exist in Rust)");
            continue;
        }
        let args = expand(&substitute(&step["args"], &vars), sandbox.now(), None);
        let before = sandbox.total_requests();
        let op = step["op"].as_str().expect("op");
        let outcome = match op {
            "set_faults" => {
                let plan: FaultPlan = serde_json::from_value(args.clone()).expect("fault plan");
                sandbox.set_faults(plan);
                Ok(Value::Null)
            }
            "clear_faults" => {
                sandbox.clear_faults();
                Ok(Value::Null)
            }
            "new_client" => configured(&sandbox, &args)
                .build()
                .map(|_| Value::Null)
                .map_err(|e| error_json(&e)),
            "with_options" => client
                .with_options(request_options(&args))
                .map(|_| Value::Null)
                .map_err(|e| error_json(&e)),
            "advance_clock" => {
                let seconds = args["seconds"].as_u64().expect("seconds");
                sandbox.advance_clock(std::time::Duration::from_secs(seconds));
                sandbox.settle().await;
                Ok(Value::Null)
            }
            "verify_received_webhooks" => {
                let mut verified = Vec::new();
                for (content_type, body) in received.all() {
                    match client.verify_webhook(&body, &content_type).await {
                        Ok(v) => verified.push(to_json(v)),
                        Err(e) => panic!("{at}: a received webhook did not verify: {e}"),
                    }
                }
                Ok(Value::Array(verified))
            }
            _ => dispatch(&client, op, &args).await,
        };
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
            // Only list expectations (`count`, `each`, ...), checked below.
            (Value::Null, Value::Null, Ok(_)) => {}
            _ => panic!("{at}: expected {}, got {outcome:?}", step["expect"]),
        }
        if let Ok(actual) = &outcome {
            check_list(&step["expect"], actual, &at);
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

/// Expectations on a list result: `count`, `unique_by`, `each`, `reported_statuses`.
fn check_list(expected: &Value, actual: &Value, at: &str) {
    let items = actual.as_array().map(Vec::as_slice).unwrap_or_default();
    if let Some(count) = expected["count"].as_u64() {
        assert_eq!(items.len() as u64, count, "{at}: count");
    }
    if let Some(key) = expected["unique_by"].as_str() {
        let unique: std::collections::HashSet<String> =
            items.iter().map(|i| i[key].to_string()).collect();
        assert_eq!(unique.len(), items.len(), "{at}: {key} repeats");
    }
    if !expected["each"].is_null() {
        for (i, item) in items.iter().enumerate() {
            assert_subset(&expected["each"], item, &format!("{at}[{i}]"));
        }
    }
    if let Some(statuses) = expected["reported_statuses"].as_array() {
        let actual: Vec<&Value> = items.iter().map(|i| &i["reported_status"]).collect();
        assert_eq!(
            actual,
            statuses.iter().collect::<Vec<_>>(),
            "{at}: reported statuses"
        );
    }
}

/// True when `value` holds a `{"$utf16": [...]}` text.
fn holds_utf16(value: &Value) -> bool {
    match value {
        Value::Object(o) => o.contains_key("$utf16") || o.values().any(holds_utf16),
        Value::Array(a) => a.iter().any(holds_utf16),
        _ => false,
    }
}

/// Seconds (a JSON number) as a duration.
fn seconds(v: &Value) -> Duration {
    Duration::from_secs_f64(v.as_f64().expect("seconds"))
}

/// `new_client`: the sandbox's credentials and URL, with the given settings replaced.
fn configured(sandbox: &Sandbox, args: &Value) -> ClientBuilder {
    let text = |name: &str, default: String| args[name].as_str().map_or(default, str::to_owned);
    let mut b = Client::builder()
        .imp_key(text("imp_key", sandbox.imp_key().to_owned()))
        .imp_secret(text("imp_secret", sandbox.imp_secret().to_owned()))
        .base_url(text("base_url", sandbox.url()));
    if let Some(t) = args["tier"].as_str() {
        b = b.tier(t);
    }
    if let Some(ua) = args["user_agent"].as_str() {
        b = b.user_agent(ua);
    }
    if !args["timeout"].is_null() {
        b = b.timeout(seconds(&args["timeout"]));
    }
    if !args["connect_timeout"].is_null() {
        b = b.connect_timeout(seconds(&args["connect_timeout"]));
    }
    b.retry_policy(retry_policy(RetryPolicy::default(), args))
}

fn retry_policy(mut policy: RetryPolicy, args: &Value) -> RetryPolicy {
    if let Some(n) = args["max_retries"].as_u64() {
        policy.max_retries = u32::try_from(n).expect("max_retries fits u32");
    }
    if !args["initial_backoff"].is_null() {
        policy.initial_backoff = seconds(&args["initial_backoff"]);
    }
    if !args["max_backoff"].is_null() {
        policy.max_backoff = seconds(&args["max_backoff"]);
    }
    policy
}

/// `with_options`: per-call settings.
fn request_options(args: &Value) -> RequestOptions {
    let retry_given = ["max_retries", "initial_backoff", "max_backoff"]
        .iter()
        .any(|k| !args[*k].is_null());
    RequestOptions {
        timeout: (!args["timeout"].is_null()).then(|| seconds(&args["timeout"])),
        retry: retry_given.then(|| retry_policy(RetryPolicy::default(), args)),
    }
}

/// Expands `{"$repeat": n, "item": ...}` (with `{i}` in strings), `{"$from_now": s, "$step": t}`
/// (the sandbox's now + s + i·t) and `{"$text": s, "$times": n}` (s repeated n times).
fn expand(value: &Value, now: i64, i: Option<u64>) -> Value {
    match value {
        Value::Object(o) if o.contains_key("$text") => {
            let text = o["$text"].as_str().expect("$text is a string");
            let times = o["$times"].as_u64().expect("$times count");
            json!(text.repeat(usize::try_from(times).expect("$times fits")))
        }
        Value::Object(o) if o.contains_key("$repeat") => {
            let n = o["$repeat"].as_u64().expect("$repeat count");
            Value::Array((0..n).map(|k| expand(&o["item"], now, Some(k))).collect())
        }
        Value::Object(o) if o.contains_key("$from_now") => {
            let offset = o["$from_now"].as_i64().expect("$from_now seconds");
            let step = o.get("$step").and_then(Value::as_i64).unwrap_or(0);
            json!(now + offset + step * i.unwrap_or(0) as i64)
        }
        Value::String(s) => match i {
            Some(k) => json!(s.replace("{i}", &k.to_string())),
            None => value.clone(),
        },
        Value::Array(a) => Value::Array(a.iter().map(|v| expand(v, now, i)).collect()),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, v)| (k.clone(), expand(v, now, i)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// One received webhook: content type and body.
type Delivery = (String, Vec<u8>);

/// A webhook receiver on 127.0.0.1:0 that records what it is sent and answers 200.
#[derive(Clone, Default)]
pub struct Received(Arc<Mutex<Vec<Delivery>>>);

impl Received {
    pub async fn start(&self) -> String {
        let store = self.clone();
        let app = axum::Router::new().route(
            "/hook",
            axum::routing::post(
                move |headers: axum::http::HeaderMap, body: axum::body::Bytes| {
                    let store = store.clone();
                    async move {
                        let ct = headers
                            .get("content-type")
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or("")
                            .to_owned();
                        store.0.lock().unwrap().push((ct, body.to_vec()));
                        "OK"
                    }
                },
            ),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        format!("http://{addr}/hook")
    }

    pub fn all(&self) -> Vec<Delivery> {
        self.0.lock().unwrap().clone()
    }
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
        Value::String(s)
            if s.starts_with("${") && s.ends_with('}') && s.matches("${").count() == 1 =>
        {
            let key = &s[2..s.len() - 1];
            vars.get(key)
                .cloned()
                .unwrap_or_else(|| panic!("unknown variable {key}"))
        }
        // `${var}` inside a longer string (e.g. a webhook body) becomes the value's text.
        Value::String(s) if s.contains("${") => {
            let mut text = s.clone();
            for (key, v) in vars {
                let with = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
                text = text.replace(&format!("${{{key}}}"), &with);
            }
            assert!(!text.contains("${"), "unknown variable in {s}");
            json!(text)
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

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
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
        "schedule" => {
            let req: ScheduleRequest = serde_json::from_value(args.clone()).unwrap();
            client.schedule(&req).await.map(to_json)
        }
        "unschedule" => client
            .unschedule(
                args["customer_uid"].as_str(),
                &strings(&args["merchant_uids"]),
            )
            .await
            .map(to_json),
        "unschedule_all" => client
            .unschedule_all(arg(args, "customer_uid"))
            .await
            .map(to_json),
        "get_schedule" => client
            .get_schedule(arg(args, "merchant_uid"))
            .await
            .map(to_json),
        "update_schedule" => client
            .update_schedule(
                arg(args, "merchant_uid"),
                args["schedule_at"].as_i64().unwrap(),
            )
            .await
            .map(to_json),
        "reschedule" => client
            .reschedule(
                arg(args, "merchant_uid"),
                args["schedule_at"].as_i64().unwrap(),
            )
            .await
            .map(to_json),
        "retry_schedule" => client
            .retry_schedule(arg(args, "merchant_uid"))
            .await
            .map(to_json),
        "list_schedules" => client
            .list_schedules(
                args["from"].as_i64().unwrap(),
                args["to"].as_i64().unwrap(),
                args["status"].as_str().map(ScheduleStatus::from),
            )
            .try_collect::<Vec<_>>()
            .await
            .map(to_json),
        "list_schedules_by_customer" => client
            .list_schedules_by_customer(
                arg(args, "customer_uid"),
                args["from"].as_i64().unwrap(),
                args["to"].as_i64().unwrap(),
                args["status"].as_str().map(ScheduleStatus::from),
            )
            .try_collect::<Vec<_>>()
            .await
            .map(to_json),
        "get_billing_keys" => client
            .get_billing_keys(&strings(&args["customer_uids"]))
            .await
            .map(to_json),
        "get_payments" => client
            .get_payments(&strings(&args["imp_uids"]))
            .await
            .map(to_json),
        "list_payments" => match args["sorting"].as_str().map(str::parse).transpose() {
            Ok(sorting) => client
                .list_payments(
                    status.clone(),
                    args["from"].as_i64(),
                    args["to"].as_i64(),
                    sorting,
                )
                .try_collect::<Vec<_>>()
                .await
                .map(to_json),
            Err(e) => Err(e),
        },
        "list_customer_payments" => client
            .list_customer_payments(arg(args, "customer_uid"))
            .try_collect::<Vec<_>>()
            .await
            .map(to_json),
        "verify_webhook" => client
            .verify_webhook(arg(args, "body").as_bytes(), arg(args, "content_type"))
            .await
            .map(to_json),
        other => panic!("unknown op {other}"),
    };
    result.map_err(|e| error_json(&e))
}

pub fn error_json(e: &Error) -> Value {
    let mut m = e.data(Case::Snake);
    m.insert("kind".into(), json!(e.kind().as_str()));
    m.insert("display".into(), json!(e.to_string()));
    // The scenario files compare an InvalidRequest's reason as its `message`.
    if let Some(reason) = m.get("reason").cloned() {
        m.insert("message".into(), reason);
    }
    Value::Object(m)
}
