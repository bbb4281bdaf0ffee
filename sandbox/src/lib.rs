//! `iamport-sandbox`: a stateful local emulator of the Iamport (PortOne V1) recurring-billing
//! REST API, served over real HTTP on 127.0.0.1.
//!
//! Every test of the project (in every language) runs against it instead of `api.iamport.kr`.
//! Behaviour follows `shared/reference/iamport-v1-api.md`; where the live API is observed to
//! differ from the vendor spec, the live behaviour wins. See `README.md` for the test cards,
//! the inspection API and the choices the sandbox makes where the facts are unconfirmed.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let sandbox = iamport_sandbox::Sandbox::start().await?;
//! println!("{} key={}", sandbox.url(), sandbox.imp_key());
//! sandbox.shutdown().await;
//! # Ok(())
//! # }
//! ```

mod api;
mod card;
mod fault;
mod input;
mod model;
mod schedule;
mod server;
mod state;
mod webhook;

use std::collections::BTreeMap;
use std::fmt;
use std::future::IntoFuture;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

pub use fault::{Fault, FaultPlan, FaultRule};
use state::Shared;
pub use webhook::{WebhookDelivery, WebhookFormat};

/// How often due schedules are looked for in real time.
const TICK: Duration = Duration::from_secs(1);

/// How an unknown `customer_uid` is reported by `GET`/`DELETE /subscribe/customers/{customer_uid}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NotFoundMode {
    /// What SDK test suites observed against the live API: HTTP 200, `code: 1`.
    #[default]
    Observed,
    /// What the vendor spec declares: HTTP 404 (same envelope and message).
    Spec,
}

/// Settings of a sandbox instance.
#[derive(Clone)]
pub struct SandboxConfig {
    /// REST API key accepted by `POST /users/getToken`.
    pub imp_key: String,
    /// REST API secret accepted by `POST /users/getToken`.
    pub imp_secret: String,
    /// Lifetime of a freshly issued access token (the real API uses 30 minutes).
    pub token_ttl: Duration,
    /// Every API answer (not the inspection endpoints) is held back this long.
    pub response_delay: Duration,
    /// Reporting of unknown billing keys.
    pub billing_key_not_found: NotFoundMode,
    /// Channel used when a request carries no `pg` (`nice`, `nice.{MID}`, `daou`, `daou.{CPID}`).
    pub default_pg: String,
    /// Where webhooks go when the schedule or payment has no `notice_url` (the console setting
    /// of the real service). `None`: such webhooks are not sent.
    pub webhook_url: Option<String>,
    /// Body encoding of webhooks.
    pub webhook_content_type: WebhookFormat,
    /// Extra delivery attempts after a network error or a non-200 answer, made immediately.
    pub webhook_retries: u32,
    /// Fault plan in force from the start (`None`: every request is answered normally).
    /// See [`Sandbox::set_faults`].
    pub faults: Option<FaultPlan>,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            imp_key: "sandbox_imp_key".to_owned(),
            imp_secret: "sandbox_imp_secret".to_owned(),
            token_ttl: Duration::from_secs(30 * 60),
            response_delay: Duration::ZERO,
            billing_key_not_found: NotFoundMode::Observed,
            default_pg: "nice".to_owned(),
            webhook_url: None,
            webhook_content_type: WebhookFormat::Json,
            webhook_retries: 0,
            faults: None,
        }
    }
}

impl fmt::Debug for SandboxConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SandboxConfig")
            .field("imp_key", &self.imp_key)
            .field("imp_secret", &"<redacted>")
            .field("token_ttl", &self.token_ttl)
            .field("response_delay", &self.response_delay)
            .field("billing_key_not_found", &self.billing_key_not_found)
            .field("default_pg", &self.default_pg)
            .field("webhook_url", &self.webhook_url)
            .field("webhook_content_type", &self.webhook_content_type)
            .field("webhook_retries", &self.webhook_retries)
            .field("faults", &self.faults)
            .finish()
    }
}

/// One API answer as recorded by the sandbox.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Exchange {
    /// HTTP method of the request.
    pub method: String,
    /// Route template, as used as key of [`Sandbox::request_counts`] (without the method).
    pub route: String,
    /// Request path (after trailing-slash normalisation), without the query.
    pub path: String,
    /// HTTP status of the answer; 0 when the connection was dropped without one.
    pub status: u16,
    /// JSON body of the answer. Under a fault: what was sent, i.e. the error envelope, or a
    /// malformed or truncated body as a JSON string; `null` (with `status` 0) when the
    /// connection was dropped without an answer.
    pub body: serde_json::Value,
    /// The injected fault's type name (`"drop_after_commit"`, ...); `None` (and absent from
    /// the JSON) for a normal answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fault: Option<String>,
}

/// A running sandbox server. Dropping it stops the server task.
pub struct Sandbox {
    shared: Arc<Shared>,
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sandbox")
            .field("url", &self.url())
            .field("imp_key", &self.shared.cfg.imp_key)
            .finish_non_exhaustive()
    }
}

impl Sandbox {
    /// Starts a sandbox with the default configuration on `127.0.0.1` and a free port.
    pub async fn start() -> std::io::Result<Sandbox> {
        Self::start_with(SandboxConfig::default()).await
    }

    /// Starts a sandbox with `config` on `127.0.0.1` and a free port.
    pub async fn start_with(config: SandboxConfig) -> std::io::Result<Sandbox> {
        Self::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), config).await
    }

    /// Starts a sandbox listening on `addr`.
    pub async fn bind(addr: SocketAddr, config: SandboxConfig) -> std::io::Result<Sandbox> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let (shared, jobs) = Shared::new(config);
        let shared = Arc::new(shared);
        let app = server::service(shared.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        let background = Self::background(shared.clone(), jobs);
        // One task owns the server, the schedule ticker and the webhook sender.
        let task = tokio::spawn(async move {
            let serve = axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    // A dropped sender also ends the server.
                    let _ = stopped.await;
                })
                .into_future();
            tokio::select! {
                served = serve => {
                    if let Err(err) = served {
                        tracing::error!(%err, "sandbox server stopped with an error");
                    }
                }
                () = background => {}
            }
        });
        tracing::debug!(%addr, "sandbox listening");
        Ok(Sandbox {
            shared,
            addr,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// Runs due schedules once a second and delivers webhooks; never ends by itself.
    async fn background(shared: Arc<Shared>, jobs: mpsc::UnboundedReceiver<webhook::Job>) {
        let ticker = {
            let shared = shared.clone();
            async move {
                let mut interval = tokio::time::interval(TICK);
                interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                loop {
                    interval.tick().await;
                    let mut st = shared.lock();
                    schedule::execute_due(&shared, &mut st);
                }
            }
        };
        tokio::join!(ticker, webhook::worker(shared, jobs));
    }

    /// Moves the clock and runs the schedules that became due.
    pub(crate) fn advance(shared: &Shared, by: Duration) {
        let mut st = shared.lock();
        st.advance_clock(by);
        schedule::execute_due(shared, &mut st);
    }

    /// Base URL, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> String {
        let ip = if self.addr.ip().is_unspecified() {
            Ipv4Addr::LOCALHOST.into()
        } else {
            self.addr.ip()
        };
        format!("http://{}", SocketAddr::new(ip, self.addr.port()))
    }

    /// The address the server is bound to.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The accepted `imp_key`.
    pub fn imp_key(&self) -> &str {
        &self.shared.cfg.imp_key
    }

    /// The accepted `imp_secret`.
    pub fn imp_secret(&self) -> &str {
        &self.shared.cfg.imp_secret
    }

    /// API requests so far, keyed by `"METHOD /route/template"`.
    pub fn request_counts(&self) -> BTreeMap<String, u64> {
        self.shared.lock().counts.clone()
    }

    /// Number of API requests so far (inspection endpoints are not counted).
    pub fn total_requests(&self) -> u64 {
        self.shared.lock().total
    }

    /// Every payment record created since start (or the last reset), in creation order,
    /// exactly as the API would return it now (due schedules are run first).
    pub fn ledger(&self) -> Vec<serde_json::Value> {
        let mut st = self.shared.lock();
        schedule::execute_due(&self.shared, &mut st);
        st.ledger()
    }

    /// Every schedule since start (or the last reset), in creation order, as
    /// `GET /subscribe/payments/schedule/{merchant_uid}` would return it now (due schedules are
    /// run first).
    pub fn schedules(&self) -> Vec<serde_json::Value> {
        let mut st = self.shared.lock();
        schedule::execute_due(&self.shared, &mut st);
        st.schedule_list()
    }

    /// Every webhook delivery attempt so far (at most the 20 000 most recent), oldest first.
    /// Deliveries still queued or in flight are not there yet: see [`Sandbox::settle`].
    pub fn webhook_deliveries(&self) -> Vec<WebhookDelivery> {
        self.shared.lock().deliveries.iter().cloned().collect()
    }

    /// Waits until every webhook delivery queued so far (and any queued meanwhile) has
    /// finished, retries included.
    pub async fn settle(&self) {
        self.shared.hooks.settle().await;
    }

    /// Changes where webhooks without a `notice_url` go (`None`: they are not sent).
    pub fn set_webhook_url(&self, url: Option<String>) {
        self.shared.lock().webhook_url = url;
    }

    /// Changes the body encoding of webhooks queued from now on.
    pub fn set_webhook_format(&self, format: WebhookFormat) {
        self.shared.lock().webhook_format = format;
    }

    /// Changes the number of extra delivery attempts of webhooks queued from now on.
    pub fn set_webhook_retries(&self, retries: u32) {
        self.shared.lock().webhook_retries = retries;
    }

    /// The most recent API answers (at most 20 000), oldest first.
    pub fn exchanges(&self) -> Vec<Exchange> {
        self.shared.lock().exchanges.iter().cloned().collect()
    }

    /// Forgets every issued access token: their next use gets HTTP 401.
    pub fn revoke_tokens(&self) {
        self.shared.lock().token = None;
    }

    /// Moves the sandbox clock forward (token expiry and all timestamps follow it). Schedules
    /// that become due run before this returns, oldest first; their webhooks are queued
    /// (await [`Sandbox::settle`] to wait for the deliveries).
    pub fn advance_clock(&self, by: Duration) {
        Self::advance(&self.shared, by);
    }

    /// The sandbox clock in unix seconds.
    pub fn now(&self) -> i64 {
        self.shared.lock().now()
    }

    /// Changes the delay applied to every API answer.
    pub fn set_response_delay(&self, d: Duration) {
        self.shared.lock().delay = d;
    }

    /// Replaces the fault plan: from the next API request on, faults are drawn from it (the
    /// random sequence starts at `plan.seed`, the fault counts at zero). Inspection calls
    /// and webhooks are never faulted.
    ///
    /// The plan is not checked (see [`FaultPlan::validate`]): a rule naming no endpoint never
    /// matches, a probability above 1 always hits, below 0 or NaN never, and a
    /// `server_error` status outside 500–599 is answered as 500.
    pub fn set_faults(&self, plan: FaultPlan) {
        self.shared.lock().faults.set(plan);
    }

    /// Removes the fault plan: every request is answered normally again. The fault counts
    /// stay readable until the next [`Sandbox::set_faults`] or [`Sandbox::reset`].
    pub fn clear_faults(&self) {
        self.shared.lock().faults.clear();
    }

    /// The fault plan in force, if any.
    pub fn fault_plan(&self) -> Option<FaultPlan> {
        self.shared.lock().faults.plan().cloned()
    }

    /// Faults injected under the current plan, by type name (`"latency"`, `"server_error"`,
    /// `"too_many_requests"`, `"malformed_body"`, `"truncated_body"`, `"drop_before_commit"`,
    /// `"drop_after_commit"`, `"token_expired"`); types never injected are absent.
    pub fn fault_counts(&self) -> BTreeMap<String, u64> {
        self.shared.lock().faults.counts.clone()
    }

    /// Clears payments, billing keys, schedules, tokens, counters, exchanges and recorded
    /// webhook deliveries (the clock offset, the response delay and the webhook settings are
    /// kept; deliveries already queued are still made). The fault plan is kept, its random
    /// sequence restarts from its seed and the fault counts are cleared.
    pub fn reset(&self) {
        self.shared.lock().reset();
    }

    /// Stops the server gracefully (open connections get a few seconds to finish).
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(mut task) = self.task.take() {
            if tokio::time::timeout(Duration::from_secs(5), &mut task)
                .await
                .is_err()
            {
                task.abort();
            }
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
