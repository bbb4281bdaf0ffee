//! The HTTP server: every route of the wire's table goes through one pipeline (due schedules
//! run, a fault may be drawn, the request is answered, counted, logged and delayed), plus the
//! `/__sandbox/*` inspection API; and the background work (the schedule ticker, the webhook
//! sender).

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{FromRequestParts, RawPathParams, Request, State};
use axum::response::Response;
use axum::routing::MethodRouter;
use axum::{Router, ServiceExt};
use tokio::sync::mpsc;
use tower_http::normalize_path::NormalizePath;

use crate::control::faults::{Fault, Outgoing};
use crate::control::inspect;
use crate::control::log::Exchange;
use crate::control::state::Shared;
use crate::control::webhooks::{self, Job};
use crate::wire::fields::Fields;
use crate::wire::messages;
use crate::wire::request;
use crate::wire::routes::{Route, dispatch};

const BODY_LIMIT: usize = 1 << 20;
const NO_ROUTE: &str = "(unmatched)";
/// How often due schedules are looked for in real time.
const TICK: Duration = Duration::from_secs(1);

pub(crate) type S = Arc<Shared>;

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
    inspect::routes(app).fallback(fallback).with_state(shared)
}

async fn fallback(State(sh): State<S>, req: Request) -> Response {
    if req.uri().path().starts_with("/__sandbox/") {
        return inspect::unknown();
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
    let request = request::Request {
        headers: &parts.headers,
        query: Fields::from_query(parts.uri.query()),
        params,
        body: bytes.as_deref(),
    };
    let key = format!("{method} {template}");
    let (outgoing, status, delay, fault) = {
        let mut st = sh.lock();
        // Schedules that fell due since the last look run before the request is answered.
        sh.run_due(&mut st);
        let fault = st.faults.draw(&key);
        if fault == Some(Fault::TokenExpired) {
            st.world.revoke_tokens();
        }
        let processed = match fault {
            Some(f) if !f.processes_request() => None,
            _ => Some(match route {
                Some(route) => dispatch(sh.wire, &mut st.world, route, &request),
                None => messages::no_route(),
            }),
        };
        sh.dispatch(&mut st);
        let outgoing = Outgoing::new(fault, processed);
        let (status, body) = outgoing.recorded();
        st.log.record(
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

/// Runs due schedules once a second and delivers webhooks; never ends by itself.
pub(crate) async fn background(shared: S, jobs: mpsc::UnboundedReceiver<Job>) {
    let ticker = {
        let shared = shared.clone();
        async move {
            let mut interval = tokio::time::interval(TICK);
            interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                interval.tick().await;
                let mut st = shared.lock();
                shared.run_due(&mut st);
            }
        }
    };
    tokio::join!(ticker, webhooks::worker(shared, jobs));
}
