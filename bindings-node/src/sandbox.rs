//! The embedded sandbox (`iamport-sandbox`), served in-process on 127.0.0.1 by napi's tokio
//! runtime, so tests need no second process.

use crate::client::error_value;
use crate::convert::{self, given};
use iamport_sandbox::{FaultPlan, NotFoundMode, Sandbox, SandboxConfig, WebhookFormat};
use iamport_subscribe as core;
use iamport_subscribe::shape::{Field, Shape, Struct, Ty};
use napi::bindgen_prelude::{Either, Env, PromiseRaw, Unknown};
use napi_derive::napi;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

/// Settings of a sandbox; every one has a default.
#[derive(Debug, Default, Deserialize, Shape)]
#[serde(deny_unknown_fields)]
pub(crate) struct SandboxOptions {
    /// Accepted `imp_key`; default `sandbox_imp_key`.
    pub imp_key: Option<String>,
    /// Accepted `imp_secret`; default `sandbox_imp_secret`.
    pub imp_secret: Option<String>,
    /// Lifetime of an access token in seconds; default 1800.
    pub token_ttl_secs: Option<u32>,
    /// Every API answer is held back this long; default 0.
    pub response_delay_ms: Option<u32>,
    /// How an unknown billing key is answered: `'observed'` (HTTP 200, code 1, the live API's
    /// way, default) or `'spec'` (HTTP 404, as the vendor spec declares).
    pub billing_key_not_found: Option<NotFound>,
    /// Channel of requests without `pg`; default `nice`.
    pub default_pg: Option<String>,
}

/// `billingKeyNotFound`'s values.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum NotFound {
    Observed,
    Spec,
}

impl Shape for NotFound {
    const SHAPE: &'static Ty = &Ty::Enum(&["observed", "spec"]);
}

impl SandboxOptions {
    fn read(value: Option<Unknown<'_>>) -> core::Result<SandboxConfig> {
        let mut config = SandboxConfig::default();
        if given(value).is_none() {
            return Ok(config);
        }
        let o = convert::read::<SandboxOptions>(value, "options", "")?;
        if let Some(v) = o.imp_key {
            config.imp_key = v;
        }
        if let Some(v) = o.imp_secret {
            config.imp_secret = v;
        }
        if let Some(v) = o.token_ttl_secs {
            config.token_ttl = Duration::from_secs(v.into());
        }
        if let Some(v) = o.response_delay_ms {
            config.response_delay = Duration::from_millis(v.into());
        }
        match o.billing_key_not_found {
            None | Some(NotFound::Observed) => {}
            Some(NotFound::Spec) => config.billing_key_not_found = NotFoundMode::Spec,
        }
        if let Some(v) = o.default_pg {
            config.default_pg = v;
        }
        Ok(config)
    }
}

const fn field(name: &'static str, doc: &'static str, ty: &'static Ty) -> Field {
    Field {
        name,
        wire: name,
        flatten: false,
        default: false,
        doc,
        ty,
    }
}

/// The shape of the sandbox's `WebhookDelivery` (a sandbox type: core's derive is not on it).
pub(crate) const WEBHOOK_DELIVERY: &Ty = &Ty::Struct(&Struct {
    name: "WebhookDelivery",
    doc: "One delivery attempt of a webhook, as the sandbox recorded it.",
    fields: &[
        field("url", "Where it was POSTed.", &Ty::String),
        field("body", "The exact request body.", &Ty::String),
        field(
            "content_type",
            "The `Content-Type` header sent.",
            &Ty::String,
        ),
        field(
            "status",
            "HTTP status of the receiver's answer; `null` when none came (see `error`).",
            &Ty::Option(&Ty::U32),
        ),
        field(
            "error",
            "Network error or timeout, when there was no answer.",
            &Ty::Option(&Ty::String),
        ),
        field(
            "attempt",
            "1 for the first attempt, 2 for the first retry, ...",
            &Ty::U32,
        ),
        field(
            "at",
            "Sandbox clock when the attempt was made.",
            &Ty::Timestamp,
        ),
    ],
});

/// The shape of the sandbox's `Exchange`.
pub(crate) const EXCHANGE: &Ty = &Ty::Struct(&Struct {
    name: "Exchange",
    doc: "One API answer, as the sandbox recorded it.",
    fields: &[
        field("method", "HTTP method of the request.", &Ty::String),
        field(
            "route",
            "Route template, as in the keys of `requestCounts()` (without the method).",
            &Ty::String,
        ),
        field("path", "Request path, without the query.", &Ty::String),
        field(
            "status",
            "HTTP status of the answer; 0 when the connection was dropped without one.",
            &Ty::U32,
        ),
        field(
            "body",
            "JSON body of the answer; under a fault what was sent (a garbled body as a string), \
             `null` when the connection was dropped.",
            &Ty::Json,
        ),
        field(
            "fault",
            "The injected fault's type name; `null` for a normal answer.",
            &Ty::Option(&Ty::String),
        ),
    ],
});

/// The native half of the package's `Sandbox`; use `Sandbox` instead.
#[napi]
#[derive(Debug)]
pub struct NativeSandbox {
    // Taken by `close`; `None` afterwards. Shared with a pending `advance_clock`, which waits for
    // webhook deliveries without holding the lock.
    inner: Mutex<Option<Arc<Sandbox>>>,
    url: String,
    imp_key: String,
    imp_secret: String,
}

/// Starts a sandbox on 127.0.0.1 and a free port (on the runtime: the server is a tokio task).
#[napi(
    catch_unwind,
    ts_args_type = "options?: SandboxOptions",
    ts_return_type = "Promise<NativeSandbox | NativeError>"
)]
pub fn start_sandbox<'env>(
    env: &'env Env,
    options: Option<Unknown<'env>>,
) -> napi::Result<PromiseRaw<'env, Either<NativeSandbox, Unknown<'env>>>> {
    let config = SandboxOptions::read(options);
    env.spawn_future_with_callback(
        async move {
            let config = match config {
                Ok(c) => c,
                Err(e) => return Ok(Err(e)),
            };
            let sandbox = Sandbox::start_with(config).await.map_err(|e| {
                napi::Error::from_reason(format!("the sandbox could not start: {e}"))
            })?;
            Ok(Ok(NativeSandbox {
                url: sandbox.url(),
                imp_key: sandbox.imp_key().to_owned(),
                imp_secret: sandbox.imp_secret().to_owned(),
                inner: Mutex::new(Some(Arc::new(sandbox))),
            }))
        },
        |env, started| match started {
            Ok(sandbox) => Ok(Either::A(sandbox)),
            Err(e) => Ok(Either::B(error_value(env, e)?)),
        },
    )
}

/// The sandbox's records (as the API answers them) read as core's type.
fn rows<T: serde::de::DeserializeOwned>(rows: Vec<serde_json::Value>) -> napi::Result<Vec<T>> {
    rows.into_iter()
        .map(serde_json::from_value::<T>)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| napi::Error::from_reason(format!("unreadable sandbox record: {e}")))
}

fn closed() -> napi::Error {
    napi::Error::from_reason("the sandbox is closed")
}

impl NativeSandbox {
    fn with<T>(&self, f: impl FnOnce(&Sandbox) -> T) -> napi::Result<T> {
        let guard = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        guard.as_deref().map(f).ok_or_else(closed)
    }

    /// The sandbox itself, to use without holding the lock (across an `await`).
    fn shared(&self) -> napi::Result<Arc<Sandbox>> {
        let guard = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        guard.clone().ok_or_else(closed)
    }
}

#[napi]
impl NativeSandbox {
    /// Base URL, e.g. `http://127.0.0.1:41234`.
    #[napi(getter, catch_unwind)]
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// The accepted `imp_key`.
    #[napi(getter, catch_unwind)]
    pub fn imp_key(&self) -> String {
        self.imp_key.clone()
    }

    /// The accepted `imp_secret`.
    #[napi(getter, catch_unwind)]
    pub fn imp_secret(&self) -> String {
        self.imp_secret.clone()
    }

    /// API requests so far, keyed by `"METHOD /route/template"`.
    #[napi(catch_unwind)]
    pub fn request_counts(&self) -> napi::Result<BTreeMap<String, f64>> {
        self.with(|s| {
            s.request_counts()
                .into_iter()
                // Counts stay far below 2^53, where f64 is exact.
                .map(|(k, v)| (k, v as f64))
                .collect()
        })
    }

    /// Number of API requests so far (the inspection API is not counted).
    #[napi(catch_unwind)]
    pub fn total_requests(&self) -> napi::Result<f64> {
        self.with(|s| s.total_requests() as f64)
    }

    /// Every payment record since start (or the last reset), in creation order, as the API
    /// would return it now.
    #[napi(catch_unwind, ts_return_type = "Array<Payment>")]
    pub fn ledger<'env>(&self, env: &'env Env) -> napi::Result<Unknown<'env>> {
        let payments: Vec<core::Payment> = rows(self.with(Sandbox::ledger)?)?;
        convert::write(env, &payments, <Vec<core::Payment>>::SHAPE)
    }

    /// Holds back every API answer this long from now on.
    #[napi(catch_unwind)]
    pub fn set_response_delay(&self, ms: u32) -> napi::Result<()> {
        self.with(|s| s.set_response_delay(Duration::from_millis(ms.into())))
    }

    /// Moves the sandbox clock forward (token expiry and all timestamps follow it); resolves
    /// once the schedules that became due ran and their webhooks were delivered.
    #[napi(catch_unwind)]
    pub async fn advance_clock(&self, seconds: u32) -> napi::Result<()> {
        let sandbox = self.shared()?;
        sandbox.advance_clock(Duration::from_secs(seconds.into()));
        sandbox.settle().await;
        Ok(())
    }

    /// Resolves once every webhook queued so far has been delivered (retries included).
    #[napi(catch_unwind)]
    pub async fn settle(&self) -> napi::Result<()> {
        self.shared()?.settle().await;
        Ok(())
    }

    /// The sandbox clock, in unix seconds.
    #[napi(catch_unwind)]
    pub fn now(&self) -> napi::Result<i64> {
        self.with(Sandbox::now)
    }

    /// Where webhooks without a `notice_url` go; `null`: they are not sent (the default).
    #[napi(catch_unwind)]
    pub fn set_webhook_url(&self, url: Option<String>) -> napi::Result<()> {
        self.with(|s| s.set_webhook_url(url))
    }

    /// Every webhook delivery attempt so far, oldest first.
    #[napi(catch_unwind, ts_return_type = "Array<WebhookDelivery>")]
    pub fn webhook_deliveries<'env>(&self, env: &'env Env) -> napi::Result<Unknown<'env>> {
        let deliveries = self.with(Sandbox::webhook_deliveries)?;
        convert::write(env, &deliveries, &Ty::Vec(WEBHOOK_DELIVERY))
    }

    /// Replaces the fault plan, given as the sandbox's plan JSON (`{"seed": 1, "rules": [...]}`);
    /// a plan that does not parse or fails the sandbox's checks is refused (nothing changes).
    #[napi(catch_unwind)]
    pub fn set_faults(&self, plan_json: String) -> napi::Result<()> {
        let plan: FaultPlan = serde_json::from_str(&plan_json)
            .map_err(|e| napi::Error::from_reason(format!("invalid fault plan: {e}")))?;
        plan.validate()
            .map_err(|e| napi::Error::from_reason(format!("invalid fault plan: {e}")))?;
        self.with(|s| s.set_faults(plan))
    }

    /// Every schedule since start (or the last reset), in creation order, as `getSchedule` would
    /// return it now (due schedules are run first).
    #[napi(catch_unwind, ts_return_type = "Array<Schedule>")]
    pub fn schedules<'env>(&self, env: &'env Env) -> napi::Result<Unknown<'env>> {
        let schedules: Vec<core::Schedule> = rows(self.with(Sandbox::schedules)?)?;
        convert::write(env, &schedules, <Vec<core::Schedule>>::SHAPE)
    }

    /// The body encoding of webhooks queued from now on: `'json'` (the default) or `'form'`.
    #[napi(catch_unwind, ts_args_type = "format: 'json' | 'form'")]
    pub fn set_webhook_format(&self, format: String) -> napi::Result<()> {
        let format = match format.as_str() {
            "json" => WebhookFormat::Json,
            "form" => WebhookFormat::Form,
            other => {
                return Err(napi::Error::from_reason(format!(
                    "format must be 'json' or 'form', not {other:?}"
                )));
            }
        };
        self.with(|s| s.set_webhook_format(format))
    }

    /// Extra delivery attempts of webhooks queued from now on, after a failed one (default 0).
    #[napi(catch_unwind)]
    pub fn set_webhook_retries(&self, retries: u32) -> napi::Result<()> {
        self.with(|s| s.set_webhook_retries(retries))
    }

    /// The most recent API answers (at most 20 000), oldest first.
    #[napi(catch_unwind, ts_return_type = "Array<Exchange>")]
    pub fn exchanges<'env>(&self, env: &'env Env) -> napi::Result<Unknown<'env>> {
        let exchanges = self.with(Sandbox::exchanges)?;
        convert::write(env, &exchanges, &Ty::Vec(EXCHANGE))
    }

    /// The fault plan in force (as `setFaults` takes it), or `null`.
    #[napi(
        catch_unwind,
        ts_return_type = "{ seed: number, rules: Array<unknown> } | null"
    )]
    pub fn fault_plan<'env>(&self, env: &'env Env) -> napi::Result<Unknown<'env>> {
        let plan = self.with(Sandbox::fault_plan)?;
        convert::write(env, &plan, &Ty::Json)
    }

    /// Removes the fault plan (the fault counts stay readable).
    #[napi(catch_unwind)]
    pub fn clear_faults(&self) -> napi::Result<()> {
        self.with(Sandbox::clear_faults)
    }

    /// Faults injected under the current plan, by type name; types never injected are absent.
    #[napi(catch_unwind)]
    pub fn fault_counts(&self) -> napi::Result<BTreeMap<String, f64>> {
        self.with(|s| {
            s.fault_counts()
                .into_iter()
                // Counts stay far below 2^53, where f64 is exact.
                .map(|(k, v)| (k, v as f64))
                .collect()
        })
    }

    /// Forgets every issued access token: their next use gets HTTP 401.
    #[napi(catch_unwind)]
    pub fn revoke_tokens(&self) -> napi::Result<()> {
        self.with(Sandbox::revoke_tokens)
    }

    /// Clears payments, billing keys, schedules, tokens, counters, exchanges and recorded webhook
    /// deliveries (the clock, the response delay and the webhook URL stay).
    #[napi(catch_unwind)]
    pub fn reset(&self) -> napi::Result<()> {
        self.with(Sandbox::reset)
    }

    /// Stops the server; later calls are refused. Closing twice is harmless.
    #[napi(catch_unwind)]
    pub async fn close(&self) -> napi::Result<()> {
        let sandbox = self
            .inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        // While an `advance_clock` still waits for deliveries it holds the sandbox too: the
        // server then stops when that call lets go of it (dropping a sandbox stops it).
        if let Some(Ok(sandbox)) = sandbox.map(Arc::try_unwrap) {
            sandbox.shutdown().await;
        }
        Ok(())
    }
}
