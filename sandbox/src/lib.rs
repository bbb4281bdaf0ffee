//! `iamport-sandbox`: a stateful local emulator of the Iamport (PortOne V1) recurring-billing
//! REST API, served over real HTTP on 127.0.0.1.
//!
//! Every test of the project (in every language) runs against it instead of `api.iamport.kr`.
//! Behaviour follows `shared/reference/iamport-v1-api.md`; where the live API is observed to
//! differ from the vendor spec, the live behaviour wins. See `README.md` for the test cards,
//! the inspection API and the choices the sandbox makes where the facts are unconfirmed.
//!
//! The code has three layers, importing downwards only: `domain` (the account's state and
//! rules, no HTTP), `wire` (routes, parsing, the envelope, the live messages, JSON) and
//! `control` (the lock, the server and its request pipeline, faults, webhook delivery, the
//! `/__sandbox/*` inspection API). The README maps where each rule lives.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let sandbox = iamport_sandbox::Sandbox::start().await?;
//! println!("{} key={}", sandbox.url(), sandbox.imp_key());
//! sandbox.shutdown().await;
//! # Ok(())
//! # }
//! ```

mod control;
mod domain;
mod wire;

use std::collections::BTreeMap;
use std::fmt;
use std::future::IntoFuture;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use control::inspect::{ledger_json, schedules_json};
use control::state::Shared;

pub use control::config::SandboxConfig;
pub use control::faults::{Fault, FaultPlan, FaultRule};
pub use control::log::Exchange;
pub use control::webhooks::{WebhookDelivery, WebhookFormat};
pub use wire::options::NotFoundMode;

/// The test cards (see the README): a number the PG would accept (13–19 digits, a valid Luhn
/// check digit, a first digit card networks issue under) approves, except these.
pub mod test_cards {
    pub use crate::domain::card::{
        APPROVE_CARD as APPROVE, AUTH_FAIL_CARD as AUTH_FAIL, DECLINE_CARD as DECLINE,
        NO_BIN_CARD as NO_BIN,
    };
}

/// A running sandbox server. Dropping it stops the server task.
pub struct Sandbox {
    shared: Arc<Shared>,
    imp_key: String,
    imp_secret: String,
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sandbox")
            .field("url", &self.url())
            .field("imp_key", &self.imp_key)
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
        let (imp_key, imp_secret) = (config.imp_key.clone(), config.imp_secret.clone());
        let (shared, jobs) = Shared::new(config);
        let shared = Arc::new(shared);
        let app = control::server::service(shared.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        let background = control::server::background(shared.clone(), jobs);
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
            imp_key,
            imp_secret,
            addr,
            stop: Some(stop),
            task: Some(task),
        })
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
        &self.imp_key
    }

    /// The accepted `imp_secret`.
    pub fn imp_secret(&self) -> &str {
        &self.imp_secret
    }

    /// API requests so far, keyed by `"METHOD /route/template"`.
    pub fn request_counts(&self) -> BTreeMap<String, u64> {
        self.shared.lock().log.counts.clone()
    }

    /// Number of API requests so far (inspection endpoints are not counted).
    pub fn total_requests(&self) -> u64 {
        self.shared.lock().log.total
    }

    /// Every payment record created since start (or the last reset), in creation order,
    /// exactly as the API would return it now (due schedules are run first).
    pub fn ledger(&self) -> Vec<serde_json::Value> {
        let mut st = self.shared.lock();
        self.shared.run_due(&mut st);
        ledger_json(&st.world)
    }

    /// Every schedule since start (or the last reset), in creation order, as
    /// `GET /subscribe/payments/schedule/{merchant_uid}` would return it now (due schedules are
    /// run first).
    pub fn schedules(&self) -> Vec<serde_json::Value> {
        let mut st = self.shared.lock();
        self.shared.run_due(&mut st);
        schedules_json(&st.world)
    }

    /// Every webhook delivery attempt so far (at most the 20 000 most recent), oldest first.
    /// Deliveries still queued or in flight are not there yet: see [`Sandbox::settle`].
    pub fn webhook_deliveries(&self) -> Vec<WebhookDelivery> {
        self.shared.lock().deliveries.0.iter().cloned().collect()
    }

    /// Waits until every webhook delivery queued so far (and any queued meanwhile) has
    /// finished, retries included.
    pub async fn settle(&self) {
        self.shared.hooks.settle().await;
    }

    /// Changes where webhooks without a `notice_url` go (`None`: they are not sent).
    pub fn set_webhook_url(&self, url: Option<String>) {
        self.shared.lock().webhooks.url = url;
    }

    /// Changes the body encoding of webhooks queued from now on.
    pub fn set_webhook_format(&self, format: WebhookFormat) {
        self.shared.lock().webhooks.format = format;
    }

    /// Changes the number of extra delivery attempts of webhooks queued from now on.
    pub fn set_webhook_retries(&self, retries: u32) {
        self.shared.lock().webhooks.retries = retries;
    }

    /// The most recent API answers (at most 20 000), oldest first.
    pub fn exchanges(&self) -> Vec<Exchange> {
        self.shared.lock().log.exchanges.iter().cloned().collect()
    }

    /// Forgets every issued access token: their next use gets HTTP 401.
    pub fn revoke_tokens(&self) {
        self.shared.lock().world.revoke_tokens();
    }

    /// Moves the sandbox clock forward (token expiry and all timestamps follow it). Schedules
    /// that become due run before this returns, oldest first; their webhooks are queued
    /// (await [`Sandbox::settle`] to wait for the deliveries).
    pub fn advance_clock(&self, by: Duration) {
        self.shared.advance(by);
    }

    /// The sandbox clock in unix seconds.
    pub fn now(&self) -> i64 {
        self.shared.lock().world.now()
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
