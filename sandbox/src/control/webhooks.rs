//! Webhook delivery (PortOne → merchant): `POST {imp_uid, merchant_uid, status}` to the
//! `notice_url` of the payment or schedule, else to the configured URL. Which events notify is
//! the domain's rule ([`crate::domain::notifications`]); this is how they are delivered.
//!
//! Deliveries are queued while the state lock is held (so their order is the order of the
//! events) and sent by one background worker, one after another, without the lock. A counter
//! of unfinished deliveries lets [`Hooks::settle`] wait for the queue to drain.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Map, Value};
use tokio::sync::{mpsc, watch};

use crate::domain::notifications::Notification;

/// Most recent webhook delivery attempts kept.
pub(crate) const DELIVERY_CAP: usize = 20_000;

/// Body encoding of webhook deliveries (a console setting on the real service).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WebhookFormat {
    /// `application/json`: `{"imp_uid": ..., "merchant_uid": ..., "status": ...}`.
    #[default]
    Json,
    /// `application/x-www-form-urlencoded`: `imp_uid=...&merchant_uid=...&status=...`.
    Form,
}

impl WebhookFormat {
    /// The `Content-Type` sent with this format.
    pub fn content_type(self) -> &'static str {
        match self {
            WebhookFormat::Json => "application/json",
            WebhookFormat::Form => "application/x-www-form-urlencoded",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<WebhookFormat> {
        match s.to_ascii_lowercase().as_str() {
            "json" | "application/json" => Some(WebhookFormat::Json),
            "form" | "application/x-www-form-urlencoded" => Some(WebhookFormat::Form),
            _ => None,
        }
    }
}

/// One delivery attempt of a webhook, as recorded by the sandbox.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct WebhookDelivery {
    /// Where it was POSTed.
    pub url: String,
    /// The exact request body.
    pub body: String,
    /// The `Content-Type` header sent.
    pub content_type: String,
    /// HTTP status of the receiver's answer; `None` when no answer came (see `error`).
    pub status: Option<u16>,
    /// Network error or timeout, when there was no answer.
    pub error: Option<String>,
    /// 1 for the first attempt, 2 for the first retry, ...
    pub attempt: u32,
    /// Sandbox clock (unix seconds) when the attempt was made.
    pub at: i64,
}

/// A queued delivery: the body is fixed when the event happens.
#[derive(Debug)]
pub(crate) struct Job {
    url: String,
    body: String,
    content_type: &'static str,
    attempts: u32,
}

/// Where and how webhooks go (console settings of the real service).
#[derive(Debug, Clone, Default)]
pub(crate) struct Settings {
    /// For notifications without a `notice_url`; `None`: those are not sent.
    pub url: Option<String>,
    pub format: WebhookFormat,
    /// Extra attempts after a network error or a non-200 answer.
    pub retries: u32,
}

impl Job {
    /// The delivery of `n` under `settings`; `None` when there is no URL.
    pub fn new(n: &Notification, settings: &Settings) -> Option<Job> {
        let url = n.notice_url.clone().or_else(|| settings.url.clone())?;
        let mut pairs = vec![
            ("imp_uid", n.imp_uid.as_str()),
            ("merchant_uid", n.merchant_uid.as_str()),
            ("status", n.status.as_str()),
        ];
        if let Some(id) = &n.cancellation_id {
            pairs.push(("cancellation_id", id));
        }
        let body = match settings.format {
            WebhookFormat::Json => {
                let map: Map<String, Value> = pairs
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), Value::String((*v).to_owned())))
                    .collect();
                Value::Object(map).to_string()
            }
            WebhookFormat::Form => serde_urlencoded::to_string(&pairs).unwrap_or_default(),
        };
        Some(Job {
            url,
            body,
            content_type: settings.format.content_type(),
            attempts: settings.retries.saturating_add(1),
        })
    }
}

/// The most recent delivery attempts.
#[derive(Debug, Default)]
pub(crate) struct Deliveries(pub VecDeque<WebhookDelivery>);

impl Deliveries {
    pub fn record(&mut self, delivery: WebhookDelivery) {
        if self.0.len() >= DELIVERY_CAP {
            self.0.pop_front();
        }
        self.0.push_back(delivery);
    }
}

/// Where the worker records attempts (the sandbox state, under its lock).
pub(crate) trait DeliveryLog: Send + Sync + 'static {
    /// Records an attempt, its `at` set to the sandbox clock.
    fn record(&self, attempt: WebhookDelivery);
    fn hooks(&self) -> &Hooks;
}

/// The queue of deliveries and the count of unfinished ones.
#[derive(Debug)]
pub(crate) struct Hooks {
    tx: mpsc::UnboundedSender<Job>,
    pending: watch::Sender<u64>,
}

impl Hooks {
    pub fn new() -> (Hooks, mpsc::UnboundedReceiver<Job>) {
        let (tx, rx) = mpsc::unbounded_channel();
        let hooks = Hooks {
            tx,
            pending: watch::Sender::new(0),
        };
        (hooks, rx)
    }

    /// Queues a delivery (never blocks; callable without a runtime).
    pub fn queue(&self, job: Job) {
        self.pending.send_modify(|n| *n += 1);
        if self.tx.send(job).is_err() {
            // No worker any more: nothing will be delivered, nothing to wait for.
            self.finished();
        }
    }

    fn finished(&self) {
        self.pending.send_modify(|n| *n = n.saturating_sub(1));
    }

    /// Resolves once no queued delivery is unfinished.
    pub async fn settle(&self) {
        let mut rx = self.pending.subscribe();
        // The sender lives as long as `self`, so this only ends when the count is 0.
        let _ = rx.wait_for(|n| *n == 0).await;
    }
}

/// Delivers queued webhooks one after another until the task is dropped.
pub(crate) async fn worker<L: DeliveryLog>(log: Arc<L>, mut rx: mpsc::UnboundedReceiver<Job>) {
    // The live service: connect timeout 10 s, read timeout 30 s (facts §7).
    let client = reqwest::Client::builder()
        .no_proxy()
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap_or_default();
    while let Some(job) = rx.recv().await {
        deliver(log.as_ref(), &client, &job).await;
        log.hooks().finished();
    }
}

/// The first attempt plus the configured retries, immediately one after another, until the
/// receiver answers HTTP 200.
async fn deliver<L: DeliveryLog>(log: &L, client: &reqwest::Client, job: &Job) {
    for attempt in 1..=job.attempts {
        let sent = client
            .post(&job.url)
            .header(reqwest::header::CONTENT_TYPE, job.content_type)
            .body(job.body.clone())
            .send()
            .await;
        let (status, error) = match sent {
            Ok(resp) => {
                let status = resp.status().as_u16();
                // Read the answer so the connection is finished before the next event.
                let _ = resp.bytes().await;
                (Some(status), None)
            }
            Err(err) => (None, Some(describe(&err))),
        };
        let delivered = status == Some(200);
        log.record(WebhookDelivery {
            url: job.url.clone(),
            body: job.body.clone(),
            content_type: job.content_type.to_owned(),
            status,
            error,
            attempt,
            at: 0,
        });
        tracing::debug!(url = %job.url, attempt, ?status, "webhook delivery");
        if delivered {
            return;
        }
    }
}

fn describe(err: &reqwest::Error) -> String {
    let kind = if err.is_timeout() {
        "timeout"
    } else if err.is_connect() {
        "connect error"
    } else if err.is_builder() {
        "invalid URL"
    } else {
        "request error"
    };
    // The error's own text (with its sources) names the URL and cause; no secret is involved.
    let mut text = format!("{kind}: {err}");
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
