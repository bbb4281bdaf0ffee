//! HTTP plumbing: routing, counting, the exchange log, the response delay, fault injection
//! and the `/__sandbox/*` inspection API.

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{FromRequestParts, RawPathParams, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use axum::{Router, ServiceExt};
use serde_json::{Value, json};
use tower_http::normalize_path::NormalizePath;

use crate::api::{self, Reply, Route};
use crate::fault::{Fault, FaultPlan, Outgoing};
use crate::input::Fields;
use crate::schedule;
use crate::state::Shared;
use crate::webhook::WebhookFormat;
use crate::{Exchange, Sandbox};

const BODY_LIMIT: usize = 1 << 20;
const NO_ROUTE: &str = "(unmatched)";

type S = Arc<Shared>;

/// The router, wrapped so that trailing slashes are trimmed before routing.
pub(crate) fn service(shared: S) -> axum::routing::IntoMakeService<NormalizePath<Router>> {
    ServiceExt::<Request>::into_make_service(NormalizePath::trim_trailing_slash(router(shared)))
}

fn router(shared: S) -> Router {
    let mut app = Router::new();
    let mut templates: Vec<&'static str> = Vec::new();
    for route in Route::ALL {
        if !templates.contains(&route.template()) {
            templates.push(route.template());
        }
    }
    for template in templates {
        let mut methods: MethodRouter<S> = MethodRouter::new();
        for route in Route::ALL.into_iter().filter(|r| r.template() == template) {
            let h = move |State(sh): State<S>, req: Request| handle(sh, Some(route), template, req);
            methods = match route.method() {
                "POST" => methods.post(h),
                "PUT" => methods.put(h),
                "DELETE" => methods.delete(h),
                _ => methods.get(h),
            };
        }
        // A known path with a wrong method is answered like any unknown API.
        methods = methods
            .fallback(move |State(sh): State<S>, req: Request| handle(sh, None, template, req));
        app = app.route(template, methods);
    }
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
        .fallback(fallback)
        .with_state(shared)
}

async fn fallback(State(sh): State<S>, req: Request) -> Response {
    if req.uri().path().starts_with("/__sandbox/") {
        return inspection_error(StatusCode::NOT_FOUND, "unknown inspection endpoint");
    }
    handle(sh, None, NO_ROUTE, req).await
}

/// Every API request goes through here: it is answered (or faulted), counted, logged and
/// delayed.
async fn handle(sh: S, route: Option<Route>, template: &'static str, req: Request) -> Response {
    let (mut parts, body) = req.into_parts();
    let method = parts.method.as_str().to_owned();
    let path = parts.uri.path().to_owned();
    let params: Vec<(String, String)> =
        match RawPathParams::from_request_parts(&mut parts, &()).await {
            Ok(p) => p
                .iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
            Err(_) => Vec::new(),
        };
    let bytes: Option<Bytes> = axum::body::to_bytes(Body::new(body), BODY_LIMIT).await.ok();
    let request = api::Request {
        headers: &parts.headers,
        query: Fields::from_query(parts.uri.query()),
        params,
        body: bytes.as_deref(),
    };
    let key = format!("{method} {template}");
    let (outgoing, status, delay, fault) = {
        let mut st = sh.lock();
        // Schedules that fell due since the last look run before the request is answered.
        schedule::execute_due(&sh, &mut st);
        let fault = st.faults.draw(&key);
        if fault == Some(Fault::TokenExpired) {
            st.token = None;
        }
        let processed = match fault {
            Some(f) if !f.processes_request() => None,
            _ => Some(match route {
                Some(route) if route.template().contains('{') && request.params.is_empty() => {
                    Reply::error(400, 1, "경로 파라메터를 해석할 수 없습니다.")
                }
                Some(route) => api::process(&sh, &mut st, route, &request),
                None => Reply::no_route(),
            }),
        };
        let outgoing = Outgoing::new(fault, processed);
        let (status, body) = outgoing.recorded();
        st.record(
            key,
            Exchange {
                method: method.clone(),
                route: template.to_owned(),
                path,
                status,
                body,
                fault: fault.map(|f| f.name().to_owned()),
            },
        );
        (outgoing, status, st.delay, fault)
    };
    tracing::debug!(
        %method,
        route = template,
        status,
        fault = fault.map(|f| f.name()),
        "api request"
    );
    let latency = match fault {
        Some(Fault::Latency { ms }) => Duration::from_millis(ms),
        _ => Duration::ZERO,
    };
    let wait = delay.saturating_add(latency);
    if !wait.is_zero() {
        tokio::time::sleep(wait).await;
    }
    outgoing.into_response()
}

fn inspection_ok(body: Value) -> Response {
    (StatusCode::OK, axum::Json(body)).into_response()
}

fn inspection_error(status: StatusCode, error: &str) -> Response {
    (status, axum::Json(json!({"ok": false, "error": error}))).into_response()
}

async fn inspect_requests(State(sh): State<S>) -> Response {
    let st = sh.lock();
    inspection_ok(json!({"total": st.total, "by_endpoint": st.counts}))
}

async fn inspect_ledger(State(sh): State<S>) -> Response {
    let ledger = {
        let mut st = sh.lock();
        schedule::execute_due(&sh, &mut st);
        st.ledger()
    };
    inspection_ok(Value::Array(ledger))
}

async fn inspect_schedules(State(sh): State<S>) -> Response {
    let list = {
        let mut st = sh.lock();
        schedule::execute_due(&sh, &mut st);
        st.schedule_list()
    };
    inspection_ok(Value::Array(list))
}

async fn inspect_webhooks(State(sh): State<S>) -> Response {
    let body = {
        let st = sh.lock();
        serde_json::to_value(&st.deliveries).unwrap_or(Value::Null)
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
        serde_json::to_value(&st.exchanges).unwrap_or(Value::Null)
    };
    inspection_ok(body)
}

async fn inspect_revoke(State(sh): State<S>) -> Response {
    sh.lock().token = None;
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
            Sandbox::advance(&sh, Duration::from_secs(secs));
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
                st.webhook_url = url;
            }
            if let Some(f) = change.webhook_format {
                st.webhook_format = f;
            }
            if let Some(n) = change.webhook_retries {
                st.webhook_retries = n;
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
