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
mod input;
mod model;
mod server;
mod state;

use std::collections::BTreeMap;
use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use state::Shared;

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
    /// HTTP status of the answer.
    pub status: u16,
    /// JSON body of the answer.
    pub body: serde_json::Value,
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
        let shared = Arc::new(Shared::new(config));
        let app = server::service(shared.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let served = axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    // A dropped sender also ends the server.
                    let _ = stopped.await;
                })
                .await;
            if let Err(err) = served {
                tracing::error!(%err, "sandbox server stopped with an error");
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
    /// exactly as the API would return it now.
    pub fn ledger(&self) -> Vec<serde_json::Value> {
        self.shared.lock().ledger()
    }

    /// The most recent API answers (at most 20 000), oldest first.
    pub fn exchanges(&self) -> Vec<Exchange> {
        self.shared.lock().exchanges.iter().cloned().collect()
    }

    /// Forgets every issued access token: their next use gets HTTP 401.
    pub fn revoke_tokens(&self) {
        self.shared.lock().token = None;
    }

    /// Moves the sandbox clock forward (token expiry and all timestamps follow it).
    pub fn advance_clock(&self, by: Duration) {
        self.shared.lock().advance_clock(by);
    }

    /// The sandbox clock in unix seconds.
    pub fn now(&self) -> i64 {
        self.shared.lock().now()
    }

    /// Changes the delay applied to every API answer.
    pub fn set_response_delay(&self, d: Duration) {
        self.shared.lock().delay = d;
    }

    /// Clears payments, billing keys, tokens, counters and exchanges
    /// (the clock offset and the response delay are kept).
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
