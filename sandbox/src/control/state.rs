//! The shared state: the domain world and everything around it (request log, faults, webhook
//! settings and deliveries, response delay). One `std::sync::Mutex` guards it all so that each
//! API call is a single atomic step (e.g. the duplicate-`merchant_uid` check and the insert),
//! and fault draws happen in the order requests are handled; it is never held across an
//! `.await`.

use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::mpsc;

use crate::control::config::SandboxConfig;
use crate::control::faults::Faults;
use crate::control::log::RequestLog;
use crate::control::webhooks::{self, Deliveries, DeliveryLog, Hooks, Job, WebhookDelivery};
use crate::domain::world::{Settings, World};
use crate::wire::options::Options;

#[derive(Debug)]
pub(crate) struct State {
    pub world: World,
    pub log: RequestLog,
    pub faults: Faults,
    pub webhooks: webhooks::Settings,
    pub deliveries: Deliveries,
    /// Held back before every API answer.
    pub delay: Duration,
}

impl State {
    /// Clears the world, the log, the deliveries and the fault counts (the clock, the delay,
    /// the webhook settings and the fault plan stay; its random sequence restarts).
    pub fn reset(&mut self) {
        self.world.reset();
        self.log = RequestLog::default();
        self.deliveries = Deliveries::default();
        self.faults.restart();
    }
}

#[derive(Debug)]
pub(crate) struct Shared {
    pub wire: Options,
    pub hooks: Hooks,
    inner: Mutex<State>,
}

impl Shared {
    /// The state plus the receiving end of the webhook queue (for [`webhooks::worker`]).
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
        let world = World::new(Settings {
            imp_key,
            imp_secret,
            token_ttl_secs: i64::try_from(token_ttl.as_secs()).unwrap_or(i64::MAX),
            default_pg,
        });
        let shared = Shared {
            wire: Options {
                not_found: billing_key_not_found,
            },
            hooks,
            inner: Mutex::new(State {
                world,
                log: RequestLog::default(),
                faults: Faults::new(faults),
                webhooks: webhooks::Settings {
                    url: webhook_url,
                    format: webhook_content_type,
                    retries: webhook_retries,
                },
                deliveries: Deliveries::default(),
                delay: response_delay,
            }),
        };
        (shared, jobs)
    }

    /// A panic elsewhere must not wedge the sandbox, so a poisoned lock is simply reused.
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Queues the webhooks of the notifications the world produced, in event order (still
    /// under the lock, so the order is the order of the events).
    pub fn dispatch(&self, st: &mut State) {
        for n in st.world.take_notifications() {
            if let Some(job) = Job::new(&n, &st.webhooks) {
                self.hooks.queue(job);
            }
        }
    }

    /// Runs the schedules that fell due and queues their webhooks.
    pub fn run_due(&self, st: &mut State) {
        st.world.execute_due();
        self.dispatch(st);
    }

    /// Moves the clock and runs the schedules that became due.
    pub fn advance(&self, by: Duration) {
        let mut st = self.lock();
        st.world.advance_clock(by);
        self.run_due(&mut st);
    }
}

impl DeliveryLog for Shared {
    fn record(&self, mut attempt: WebhookDelivery) {
        let mut st = self.lock();
        attempt.at = st.world.now();
        st.deliveries.record(attempt);
    }

    fn hooks(&self) -> &Hooks {
        &self.hooks
    }
}
