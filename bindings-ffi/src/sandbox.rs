//! The embedded sandbox (the API emulator of `iamport-sandbox`), so that app and JVM developers can
//! test their billing code against real HTTP without the real API.

use crate::{ClientOptions, IamportError};
use iamport_subscribe::secret::ImpSecret;
use iamport_subscribe::{Payment, Schedule};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

/// Body encoding of the sandbox's webhooks (a console setting on the real service).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum WebhookFormat {
    /// `application/json`: `{"imp_uid": ..., "merchant_uid": ..., "status": ...}`.
    Json,
    /// `application/x-www-form-urlencoded`: `imp_uid=...&merchant_uid=...&status=...`.
    Form,
}

impl From<WebhookFormat> for iamport_sandbox::WebhookFormat {
    fn from(f: WebhookFormat) -> Self {
        match f {
            WebhookFormat::Json => iamport_sandbox::WebhookFormat::Json,
            WebhookFormat::Form => iamport_sandbox::WebhookFormat::Form,
        }
    }
}

/// One webhook delivery attempt made by the sandbox.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct WebhookDelivery {
    /// Where it was POSTed.
    pub url: String,
    /// The exact request body.
    pub body: String,
    /// The `Content-Type` header sent.
    pub content_type: String,
    /// HTTP status of the receiver's answer; null when no answer came (see `error`).
    pub status: Option<u16>,
    /// Network error or timeout, when there was no answer.
    pub error: Option<String>,
    /// 1 for the first attempt, 2 for the first retry, ...
    pub attempt: u32,
    /// Sandbox clock (unix seconds) when the attempt was made.
    pub at: i64,
}

impl From<iamport_sandbox::WebhookDelivery> for WebhookDelivery {
    fn from(d: iamport_sandbox::WebhookDelivery) -> Self {
        WebhookDelivery {
            url: d.url,
            body: d.body,
            content_type: d.content_type,
            status: d.status,
            error: d.error,
            attempt: d.attempt,
            at: d.at,
        }
    }
}

/// One API answer recorded by the sandbox (`Sandbox.exchanges`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Exchange {
    /// HTTP method of the request.
    pub method: String,
    /// Route template, as in the keys of `request_counts` (without the method).
    pub route: String,
    /// Request path, without the query.
    pub path: String,
    /// HTTP status of the answer; 0 when the connection was dropped without one.
    pub status: u16,
    /// The answer's JSON body as text. Under a fault: what was sent (the error envelope, or a
    /// malformed or truncated body as a JSON string); `null` when the connection was dropped.
    pub body_json: String,
    /// The injected fault's type name (`"drop_after_commit"`, ...); null for a normal answer.
    pub fault: Option<String>,
}

impl From<iamport_sandbox::Exchange> for Exchange {
    fn from(e: iamport_sandbox::Exchange) -> Self {
        Exchange {
            method: e.method,
            route: e.route,
            path: e.path,
            status: e.status,
            body_json: e.body.to_string(),
            fault: e.fault,
        }
    }
}

/// How the sandbox reports an unknown billing key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum BillingKeyNotFound {
    /// As the live API does: HTTP 200 with `code: 1`.
    Observed,
    /// As the vendor spec declares: HTTP 404.
    Spec,
}

/// Sandbox settings; every one is optional.
#[derive(Debug, Clone, Default, uniffi::Record)]
pub struct SandboxOptions {
    /// Accepted `imp_key` (default `sandbox_imp_key`).
    #[uniffi(default)]
    pub imp_key: Option<String>,
    /// Accepted `imp_secret` (default `sandbox_imp_secret`).
    #[uniffi(default)]
    pub imp_secret: Option<ImpSecret>,
    /// Lifetime of an access token (default 30 min).
    #[uniffi(default)]
    pub token_ttl: Option<Duration>,
    /// Delay of every API answer (default none).
    #[uniffi(default)]
    pub response_delay: Option<Duration>,
    /// Reporting of unknown billing keys (default `Observed`).
    #[uniffi(default)]
    pub billing_key_not_found: Option<BillingKeyNotFound>,
    /// Channel used when a request has no `pg` (default `nice`).
    #[uniffi(default)]
    pub default_pg: Option<String>,
    /// Where webhooks go when the payment or schedule has no `notice_url` (the console setting of
    /// the real service). Default: none, such webhooks are not sent.
    #[uniffi(default)]
    pub webhook_url: Option<String>,
    /// Body encoding of webhooks (default `Json`).
    #[uniffi(default)]
    pub webhook_format: Option<WebhookFormat>,
}

/// A running sandbox on `127.0.0.1` and a free port. `stop()` it (or close it) when done.
#[derive(Debug, uniffi::Object)]
pub struct Sandbox {
    url: String,
    imp_key: String,
    imp_secret: ImpSecret,
    // `None` once stopped. An `Arc`, so that an async call (`advance_clock`, `settle`) can hold
    // the server across its awaits without holding the lock.
    server: Mutex<Option<Arc<iamport_sandbox::Sandbox>>>,
}

impl Sandbox {
    fn server(&self) -> MutexGuard<'_, Option<Arc<iamport_sandbox::Sandbox>>> {
        // The guarded value stays consistent even if a holder panicked: recover it.
        self.server.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The running server, if not stopped.
    fn running(&self) -> Option<Arc<iamport_sandbox::Sandbox>> {
        self.server().clone()
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl Sandbox {
    /// Starts a sandbox (fresh state: no payments, no billing keys).
    #[uniffi::constructor(default(options = None))]
    pub async fn start(options: Option<SandboxOptions>) -> Result<Arc<Self>, IamportError> {
        let options = options.unwrap_or_default();
        let mut config = iamport_sandbox::SandboxConfig::default();
        if let Some(key) = options.imp_key {
            config.imp_key = key;
        }
        if let Some(secret) = options.imp_secret {
            config.imp_secret = secret.expose_secret().to_owned();
        }
        if let Some(ttl) = options.token_ttl {
            config.token_ttl = ttl;
        }
        if let Some(delay) = options.response_delay {
            config.response_delay = delay;
        }
        if options.billing_key_not_found == Some(BillingKeyNotFound::Spec) {
            config.billing_key_not_found = iamport_sandbox::NotFoundMode::Spec;
        }
        if let Some(pg) = options.default_pg {
            config.default_pg = pg;
        }
        config.webhook_url = options.webhook_url;
        if let Some(format) = options.webhook_format {
            config.webhook_content_type = format.into();
        }
        let server = iamport_sandbox::Sandbox::start_with(config)
            .await
            .map_err(|e| IamportError::Network {
                message: format!("could not start the sandbox: {e}"),
                may_have_reached_server: false,
            })?;
        Ok(Arc::new(Sandbox {
            url: server.url(),
            imp_key: server.imp_key().to_owned(),
            imp_secret: ImpSecret::new(server.imp_secret()),
            server: Mutex::new(Some(Arc::new(server))),
        }))
    }

    /// Base URL, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// The accepted `imp_key`.
    pub fn imp_key(&self) -> String {
        self.imp_key.clone()
    }

    /// The accepted `imp_secret`.
    pub fn imp_secret(&self) -> ImpSecret {
        self.imp_secret.clone()
    }

    /// Options for a `Client` of this sandbox.
    pub fn client_options(&self) -> ClientOptions {
        ClientOptions {
            imp_key: Some(self.imp_key.clone()),
            imp_secret: Some(self.imp_secret.clone()),
            base_url: Some(self.url.clone()),
            tier: None,
            timeout: None,
            connect_timeout: None,
            user_agent: None,
            max_retries: None,
            initial_backoff: None,
            max_backoff: None,
        }
    }

    /// API requests so far by `"METHOD /route/template"` (empty once stopped).
    pub fn request_counts(&self) -> HashMap<String, u64> {
        self.server()
            .as_ref()
            .map(|s| s.request_counts().into_iter().collect())
            .unwrap_or_default()
    }

    /// Number of API requests so far (0 once stopped).
    pub fn total_requests(&self) -> u64 {
        self.server().as_ref().map_or(0, |s| s.total_requests())
    }

    /// Every payment record (paid, failed, cancelled) in creation order, as the API returns it.
    pub fn ledger(&self) -> Result<Vec<Payment>, IamportError> {
        let rows = self
            .server()
            .as_ref()
            .map(|s| s.ledger())
            .unwrap_or_default();
        decode_rows(rows, "ledger entry")
    }

    /// Every schedule since start (or the last reset), in creation order, as `getSchedule` would
    /// return it now (due schedules are run first).
    pub fn schedules(&self) -> Result<Vec<Schedule>, IamportError> {
        let rows = self
            .server()
            .as_ref()
            .map(|s| s.schedules())
            .unwrap_or_default();
        decode_rows(rows, "schedule")
    }

    /// Delays every API answer from now on (for timeout tests).
    pub fn set_response_delay(&self, delay: Duration) {
        if let Some(s) = self.server().as_ref() {
            s.set_response_delay(delay);
        }
    }

    /// Moves the sandbox clock forward (token expiry and timestamps follow it). Returns once the
    /// schedules that became due have run (oldest first) and their webhooks have been delivered,
    /// retries included: afterwards the ledger, the schedules and your webhook receiver show them.
    pub async fn advance_clock(&self, by: Duration) {
        if let Some(s) = self.running() {
            s.advance_clock(by);
            s.settle().await;
        }
    }

    /// Waits until every webhook queued so far (and any queued meanwhile) has been delivered.
    pub async fn settle(&self) {
        if let Some(s) = self.running() {
            s.settle().await;
        }
    }

    /// The sandbox clock in unix seconds (real time plus every `advance_clock`); 0 once stopped.
    pub fn now(&self) -> i64 {
        self.server().as_ref().map_or(0, |s| s.now())
    }

    /// Changes where webhooks without a `notice_url` go (null: they are not sent).
    pub fn set_webhook_url(&self, url: Option<String>) {
        if let Some(s) = self.server().as_ref() {
            s.set_webhook_url(url);
        }
    }

    /// Changes the body encoding of webhooks queued from now on.
    pub fn set_webhook_format(&self, format: WebhookFormat) {
        if let Some(s) = self.server().as_ref() {
            s.set_webhook_format(format.into());
        }
    }

    /// Extra delivery attempts of webhooks queued from now on, after a failed one (default 0).
    pub fn set_webhook_retries(&self, retries: u32) {
        if let Some(s) = self.server().as_ref() {
            s.set_webhook_retries(retries);
        }
    }

    /// The most recent API answers (at most 20 000), oldest first (empty once stopped).
    pub fn exchanges(&self) -> Vec<Exchange> {
        self.server()
            .as_ref()
            .map(|s| s.exchanges().into_iter().map(Into::into).collect())
            .unwrap_or_default()
    }

    /// Every webhook delivery attempt so far, oldest first (empty once stopped). Deliveries still
    /// queued are not there yet: `advance_clock` and `settle` wait for them.
    pub fn webhook_deliveries(&self) -> Vec<WebhookDelivery> {
        self.server()
            .as_ref()
            .map(|s| s.webhook_deliveries().into_iter().map(Into::into).collect())
            .unwrap_or_default()
    }

    /// Replaces the fault plan (JSON, e.g. `{"seed": 1, "rules": [{"route": "POST
    /// /subscribe/payments/again", "probability": 1.0, "fault": {"type": "drop_after_commit"}}]}`):
    /// from the next API request on, faults are drawn from it (the random sequence starts at
    /// `seed`, the fault counts at zero). A `route` is `"*"` or one as counted in
    /// `request_counts`; fault types: `latency` (`ms`), `server_error` (`status`, default 500),
    /// `too_many_requests` (`retry_after_secs`, default 1), `malformed_body`, `truncated_body`,
    /// `drop_before_commit`, `drop_after_commit`, `token_expired`. A plan that does not parse or
    /// has a bad rule is `InvalidRequest` naming it, and the plan in force is kept.
    pub fn set_faults(&self, plan_json: String) -> Result<(), IamportError> {
        let plan: iamport_sandbox::FaultPlan =
            serde_json::from_str(&plan_json).map_err(|e| IamportError::InvalidRequest {
                field: "planJson".to_owned(),
                reason: format!("is not a fault plan: {e}"),
            })?;
        plan.validate()
            .map_err(|reason| IamportError::InvalidRequest {
                field: "planJson".to_owned(),
                reason,
            })?;
        if let Some(s) = self.server().as_ref() {
            s.set_faults(plan);
        }
        Ok(())
    }

    /// Removes the fault plan: every request is answered normally again. The fault counts stay
    /// readable until the next `set_faults` or `reset`.
    pub fn clear_faults(&self) {
        if let Some(s) = self.server().as_ref() {
            s.clear_faults();
        }
    }

    /// The fault plan in force as JSON (as `set_faults` takes it), or null.
    pub fn fault_plan(&self) -> Option<String> {
        self.server()
            .as_ref()
            .and_then(|s| s.fault_plan())
            // A plan is plain data: serialising it cannot fail, and a failure would read as none.
            .and_then(|plan| serde_json::to_string(&plan).ok())
    }

    /// Faults injected under the current plan, by type name (`"drop_after_commit"`, ...); types
    /// never injected are absent (empty once stopped).
    pub fn fault_counts(&self) -> HashMap<String, u64> {
        self.server()
            .as_ref()
            .map(|s| s.fault_counts().into_iter().collect())
            .unwrap_or_default()
    }

    /// Every issued access token gets HTTP 401 from now on.
    pub fn revoke_tokens(&self) {
        if let Some(s) = self.server().as_ref() {
            s.revoke_tokens();
        }
    }

    /// Clears payments, billing keys, tokens and counters. A fault plan is kept (its random
    /// sequence restarts from its seed, its counts from zero).
    pub fn reset(&self) {
        if let Some(s) = self.server().as_ref() {
            s.reset();
        }
    }

    /// Stops the server (open connections get a few seconds). Later calls are no-ops.
    pub async fn stop(&self) {
        let server = self.server().take();
        // While another call (`advance_clock`, `settle`) still holds the server, the last holder
        // drops it, which stops it at once.
        if let Some(server) = server.and_then(|s| Arc::try_unwrap(s).ok()) {
            server.shutdown().await;
        }
    }
}

/// The sandbox's JSON rows as the API's records (the sandbox renders them as the API does).
fn decode_rows<T: serde::de::DeserializeOwned>(
    rows: Vec<serde_json::Value>,
    what: &str,
) -> Result<Vec<T>, IamportError> {
    rows.into_iter()
        .map(|row| {
            serde_json::from_value(row).map_err(|e| IamportError::Api {
                http_status: 200,
                code: None,
                message: format!("could not decode a sandbox {what}: {e}"),
            })
        })
        .collect()
}
