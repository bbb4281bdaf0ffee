//! Shared mutable state. One `std::sync::Mutex` guards everything so that each API call is a
//! single atomic step (e.g. duplicate-`merchant_uid` check + insert); it is never held across
//! an `.await`.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::Value;
use tokio::sync::mpsc;

use crate::fault::Faults;
use crate::model::{BillingKey, Payment, Schedule};
use crate::webhook::{Hooks, Job, WebhookDelivery, WebhookFormat};
use crate::{Exchange, NotFoundMode, SandboxConfig};

/// Most recent API answers kept by the exchange log.
pub(crate) const EXCHANGE_CAP: usize = 20_000;
/// Most recent webhook delivery attempts kept.
pub(crate) const DELIVERY_CAP: usize = 20_000;

#[derive(Debug)]
pub(crate) struct Cfg {
    pub imp_key: String,
    pub imp_secret: String,
    pub token_ttl_secs: i64,
    pub not_found: NotFoundMode,
    pub default_pg: String,
}

#[derive(Debug)]
pub(crate) struct Shared {
    pub cfg: Cfg,
    pub hooks: Hooks,
    inner: Mutex<Inner>,
}

#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub value: String,
    pub expired_at: i64,
}

#[derive(Debug)]
pub(crate) struct Inner {
    clock_offset: Duration,
    pub delay: Duration,
    pub token: Option<Token>,
    pub payments: Vec<Payment>,
    pub by_imp_uid: HashMap<String, usize>,
    /// Positions in `payments` of each merchant_uid's attempts, in creation order: lookups and
    /// the duplicate check stay O(attempts), not O(ledger), however long a run is.
    pub by_merchant_uid: HashMap<String, Vec<usize>>,
    /// Positions in `payments` of each billing key's payments, in creation order.
    pub by_customer_uid: HashMap<String, Vec<usize>>,
    pub keys: HashMap<String, BillingKey>,
    pub counts: BTreeMap<String, u64>,
    pub total: u64,
    pub exchanges: VecDeque<Exchange>,
    /// In creation order; positions never change (until a reset).
    pub schedules: Vec<Schedule>,
    pub by_schedule_uid: HashMap<String, usize>,
    pub webhook_url: Option<String>,
    pub webhook_format: WebhookFormat,
    pub webhook_retries: u32,
    pub deliveries: VecDeque<WebhookDelivery>,
    pub faults: Faults,
}

impl Inner {
    /// The attempts recorded under `merchant_uid`: (position, payment), in creation order.
    pub fn payments_of_order<'a>(
        &'a self,
        merchant_uid: &str,
    ) -> impl Iterator<Item = (usize, &'a Payment)> + 'a {
        self.indexed(self.by_merchant_uid.get(merchant_uid))
    }

    /// The payments made with the billing key `customer_uid`, in creation order.
    pub fn payments_of_key<'a>(
        &'a self,
        customer_uid: &str,
    ) -> impl Iterator<Item = (usize, &'a Payment)> + 'a {
        self.indexed(self.by_customer_uid.get(customer_uid))
    }

    fn indexed<'a>(
        &'a self,
        positions: Option<&'a Vec<usize>>,
    ) -> impl Iterator<Item = (usize, &'a Payment)> + 'a {
        positions
            .into_iter()
            .flatten()
            .filter_map(|i| self.payments.get(*i).map(|p| (*i, p)))
    }
}

impl Shared {
    /// The state plus the receiving end of the webhook queue (for [`crate::webhook::worker`]).
    pub fn new(config: SandboxConfig) -> (Shared, mpsc::UnboundedReceiver<Job>) {
        let SandboxConfig {
            imp_key,
            imp_secret,
            token_ttl,
            response_delay,
            billing_key_not_found,
            default_pg,
            webhook_url,
            webhook_content_type,
            webhook_retries,
            faults,
        } = config;
        let (hooks, jobs) = Hooks::new();
        let shared = Shared {
            cfg: Cfg {
                imp_key,
                imp_secret,
                token_ttl_secs: i64::try_from(token_ttl.as_secs()).unwrap_or(i64::MAX),
                not_found: billing_key_not_found,
                default_pg,
            },
            hooks,
            inner: Mutex::new(Inner {
                clock_offset: Duration::ZERO,
                delay: response_delay,
                token: None,
                payments: Vec::new(),
                by_imp_uid: HashMap::new(),
                by_merchant_uid: HashMap::new(),
                by_customer_uid: HashMap::new(),
                keys: HashMap::new(),
                counts: BTreeMap::new(),
                total: 0,
                exchanges: VecDeque::new(),
                schedules: Vec::new(),
                by_schedule_uid: HashMap::new(),
                webhook_url,
                webhook_format: webhook_content_type,
                webhook_retries,
                deliveries: VecDeque::new(),
                faults: Faults::new(faults),
            }),
        };
        (shared, jobs)
    }

    /// A panic elsewhere must not wedge the sandbox, so a poisoned lock is simply reused.
    pub fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Inner {
    pub fn now(&self) -> i64 {
        let real = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        let t = real.checked_add(self.clock_offset).unwrap_or(Duration::MAX);
        i64::try_from(t.as_secs()).unwrap_or(i64::MAX)
    }

    pub fn advance_clock(&mut self, by: Duration) {
        self.clock_offset = self.clock_offset.checked_add(by).unwrap_or(Duration::MAX);
    }

    pub fn reset(&mut self) {
        self.token = None;
        self.payments.clear();
        self.by_imp_uid.clear();
        self.by_merchant_uid.clear();
        self.by_customer_uid.clear();
        self.keys.clear();
        self.counts.clear();
        self.total = 0;
        self.exchanges.clear();
        self.schedules.clear();
        self.by_schedule_uid.clear();
        self.deliveries.clear();
        self.faults.restart();
    }

    pub fn ledger(&self) -> Vec<Value> {
        self.payments.iter().map(Payment::to_json).collect()
    }

    pub fn schedule_list(&self) -> Vec<Value> {
        self.schedules
            .iter()
            .map(|s| s.to_json(&self.payments))
            .collect()
    }

    pub fn record_delivery(&mut self, delivery: WebhookDelivery) {
        if self.deliveries.len() >= DELIVERY_CAP {
            self.deliveries.pop_front();
        }
        self.deliveries.push_back(delivery);
    }

    pub fn token_valid(&self, presented: &str, now: i64) -> bool {
        self.token
            .as_ref()
            .is_some_and(|t| t.value == presented && now < t.expired_at)
    }

    pub fn record(&mut self, key: String, exchange: Exchange) {
        *self.counts.entry(key).or_insert(0) += 1;
        self.total += 1;
        if self.exchanges.len() >= EXCHANGE_CAP {
            self.exchanges.pop_front();
        }
        self.exchanges.push_back(exchange);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn exchange_log_keeps_the_most_recent() {
        let (shared, _jobs) = Shared::new(SandboxConfig::default());
        let mut st = shared.lock();
        for i in 0..EXCHANGE_CAP + 5 {
            st.record(
                "GET /x".to_owned(),
                Exchange {
                    method: "GET".into(),
                    route: "/x".into(),
                    path: format!("/x/{i}"),
                    status: 200,
                    body: Value::Null,
                    fault: None,
                },
            );
        }
        assert_eq!(st.exchanges.len(), EXCHANGE_CAP);
        assert_eq!(st.exchanges.front().unwrap().path, "/x/5");
        assert_eq!(st.total, (EXCHANGE_CAP + 5) as u64);
        assert_eq!(st.counts["GET /x"], (EXCHANGE_CAP + 5) as u64);
    }

    #[test]
    fn clock_saturates() {
        let (shared, _jobs) = Shared::new(SandboxConfig::default());
        let mut st = shared.lock();
        let before = st.now();
        st.advance_clock(Duration::from_secs(90));
        assert!(st.now() >= before + 90);
        st.advance_clock(Duration::MAX);
        st.advance_clock(Duration::MAX);
        assert_eq!(st.now(), i64::MAX);
    }
}
