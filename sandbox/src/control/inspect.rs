//! The inspection API under `/__sandbox/` (a prefix the real API cannot have): the ledger,
//! schedules, requests, exchanges and webhook deliveries; the clock, tokens, reset, settings
//! and faults. No token, not counted, not logged, never delayed.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use crate::control::faults::FaultPlan;
use crate::control::state::Shared;
use crate::control::webhooks::WebhookFormat;
use crate::domain::world::World;
use crate::wire::render;

type S = Arc<Shared>;

/// Adds the inspection routes.
pub(crate) fn routes(app: Router<S>) -> Router<S> {
    app.route("/__sandbox/requests", get(inspect_requests))
        .route("/__sandbox/ledger", get(inspect_ledger))
        .route("/__sandbox/exchanges", get(inspect_exchanges))
        .route("/__sandbox/tokens/revoke", post(inspect_revoke))
        .route("/__sandbox/reset", post(inspect_reset))
        .route("/__sandbox/clock/advance", post(inspect_advance))
        .route("/__sandbox/config", post(inspect_config))
        .route("/__sandbox/schedules", get(inspect_schedules))
        .route("/__sandbox/webhooks", get(inspect_webhooks))
        .route("/__sandbox/webhooks/settle", post(inspect_settle))
        .route(
            "/__sandbox/faults",
            get(inspect_faults)
                .post(inspect_set_faults)
                .delete(inspect_clear_faults),
        )
}

/// An unknown path under `/__sandbox/`.
pub(crate) fn unknown() -> Response {
    inspection_error(StatusCode::NOT_FOUND, "unknown inspection endpoint")
}

fn inspection_ok(body: Value) -> Response {
    (StatusCode::OK, axum::Json(body)).into_response()
}

fn inspection_error(status: StatusCode, error: &str) -> Response {
    (status, axum::Json(json!({"ok": false, "error": error}))).into_response()
}

async fn inspect_requests(State(sh): State<S>) -> Response {
    let st = sh.lock();
    inspection_ok(json!({"total": st.log.total, "by_endpoint": st.log.counts}))
}

async fn inspect_ledger(State(sh): State<S>) -> Response {
    let ledger = {
        let mut st = sh.lock();
        sh.run_due(&mut st);
        ledger_json(&st.world)
    };
    inspection_ok(Value::Array(ledger))
}

async fn inspect_schedules(State(sh): State<S>) -> Response {
    let list = {
        let mut st = sh.lock();
        sh.run_due(&mut st);
        schedules_json(&st.world)
    };
    inspection_ok(Value::Array(list))
}

async fn inspect_webhooks(State(sh): State<S>) -> Response {
    let body = {
        let st = sh.lock();
        serde_json::to_value(&st.deliveries.0).unwrap_or(Value::Null)
    };
    inspection_ok(body)
}

async fn inspect_settle(State(sh): State<S>) -> Response {
    sh.hooks.settle().await;
    inspection_ok(json!({"ok": true}))
}

async fn inspect_exchanges(State(sh): State<S>) -> Response {
    let body = {
        let st = sh.lock();
        serde_json::to_value(&st.log.exchanges).unwrap_or(Value::Null)
    };
    inspection_ok(body)
}

async fn inspect_revoke(State(sh): State<S>) -> Response {
    sh.lock().world.revoke_tokens();
    inspection_ok(json!({"ok": true}))
}

async fn inspect_reset(State(sh): State<S>) -> Response {
    sh.lock().reset();
    inspection_ok(json!({"ok": true}))
}

/// Reads a non-negative integer field of a JSON body.
fn json_u64(body: &[u8], name: &str) -> Option<u64> {
    serde_json::from_slice::<Value>(body)
        .ok()?
        .get(name)?
        .as_u64()
}

async fn inspect_advance(State(sh): State<S>, body: Bytes) -> Response {
    match json_u64(&body, "seconds") {
        Some(secs) => {
            sh.advance(Duration::from_secs(secs));
            // Answer only once the webhooks of the schedules that ran have been delivered.
            sh.hooks.settle().await;
            inspection_ok(json!({"ok": true}))
        }
        None => inspection_error(
            StatusCode::BAD_REQUEST,
            "expected JSON {\"seconds\": <non-negative integer>}",
        ),
    }
}

/// Settings that may change at run time; only the fields present are changed, and nothing is
/// changed unless every present field is valid.
#[derive(Debug, Default)]
struct ConfigChange {
    delay: Option<Duration>,
    webhook_url: Option<Option<String>>,
    webhook_format: Option<WebhookFormat>,
    webhook_retries: Option<u32>,
}

const CONFIG_USAGE: &str = "expected a JSON object with any of: \"response_delay_ms\": <non-negative \
    integer>, \"webhook_url\": <string or null>, \"webhook_content_type\": \"json\" | \"form\", \
    \"webhook_retries\": <non-negative integer>";

fn config_change(body: &[u8]) -> Option<ConfigChange> {
    let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) else {
        return None;
    };
    let mut change = ConfigChange::default();
    let mut known = 0;
    for (key, value) in &map {
        match key.as_str() {
            "response_delay_ms" => change.delay = Some(Duration::from_millis(value.as_u64()?)),
            "webhook_url" => {
                change.webhook_url = Some(match value {
                    Value::Null => None,
                    Value::String(s) if s.is_empty() => None,
                    Value::String(s) => Some(s.clone()),
                    _ => return None,
                });
            }
            "webhook_content_type" => {
                change.webhook_format = Some(WebhookFormat::parse(value.as_str()?)?);
            }
            "webhook_retries" => {
                change.webhook_retries = Some(u32::try_from(value.as_u64()?).ok()?);
            }
            _ => continue,
        }
        known += 1;
    }
    (known > 0).then_some(change)
}

async fn inspect_config(State(sh): State<S>, body: Bytes) -> Response {
    match config_change(&body) {
        Some(change) => {
            let mut st = sh.lock();
            if let Some(d) = change.delay {
                st.delay = d;
            }
            if let Some(url) = change.webhook_url {
                st.webhooks.url = url;
            }
            if let Some(f) = change.webhook_format {
                st.webhooks.format = f;
            }
            if let Some(n) = change.webhook_retries {
                st.webhooks.retries = n;
            }
            inspection_ok(json!({"ok": true}))
        }
        None => inspection_error(StatusCode::BAD_REQUEST, CONFIG_USAGE),
    }
}

async fn inspect_faults(State(sh): State<S>) -> Response {
    let st = sh.lock();
    inspection_ok(json!({"plan": st.faults.plan(), "counts": st.faults.counts}))
}

async fn inspect_set_faults(State(sh): State<S>, body: Bytes) -> Response {
    let plan = serde_json::from_slice::<FaultPlan>(&body)
        .map_err(|e| format!("invalid fault plan: {e}"))
        .and_then(|plan| {
            plan.validate()
                .map_err(|e| format!("invalid fault plan: {e}"))?;
            Ok(plan)
        });
    match plan {
        Ok(plan) => {
            sh.lock().faults.set(plan);
            inspection_ok(json!({"ok": true}))
        }
        Err(error) => inspection_error(StatusCode::BAD_REQUEST, &error),
    }
}

async fn inspect_clear_faults(State(sh): State<S>) -> Response {
    sh.lock().faults.clear();
    inspection_ok(json!({"ok": true}))
}

/// Every payment, as the API shows it, in creation order.
pub(crate) fn ledger_json(world: &World) -> Vec<Value> {
    world.ledger.all().iter().map(render::payment).collect()
}

/// Every schedule, as the API shows it, in creation order.
pub(crate) fn schedules_json(world: &World) -> Vec<Value> {
    world
        .schedules
        .all()
        .iter()
        .map(|s| render::schedule(s, &world.ledger))
        .collect()
}
