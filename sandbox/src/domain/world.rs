//! The emulated account as a whole: its settings, clock, token, ledger, billing keys and
//! schedules, and the notifications its operations produced and the control layer has not
//! collected yet. The operations are in [`crate::domain::auth`], [`crate::domain::charges`],
//! [`crate::domain::refunds`] and [`crate::domain::scheduling`].

use std::time::Duration;

use crate::domain::clock::Clock;
use crate::domain::keys::Keys;
use crate::domain::ledger::Ledger;
use crate::domain::notifications::{Notification, Occasion, notification};
use crate::domain::schedules::Schedules;

/// Fixed settings of the account.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub imp_key: String,
    pub imp_secret: String,
    pub token_ttl_secs: i64,
    /// Channel used when a request names none.
    pub default_pg: String,
}

/// The access token in force ([`crate::domain::auth`] issues it).
#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub value: String,
    pub expired_at: i64,
}

#[derive(Debug)]
pub(crate) struct World {
    pub settings: Settings,
    pub clock: Clock,
    pub token: Option<Token>,
    pub ledger: Ledger,
    pub keys: Keys,
    pub schedules: Schedules,
    outbox: Vec<Notification>,
}

impl World {
    pub fn new(settings: Settings) -> World {
        World {
            settings,
            clock: Clock::default(),
            token: None,
            ledger: Ledger::default(),
            keys: Keys::default(),
            schedules: Schedules::default(),
            outbox: Vec::new(),
        }
    }

    pub fn now(&self) -> i64 {
        self.clock.now()
    }

    /// Moves the clock (schedules that became due are run by [`World::execute_due`]).
    pub fn advance_clock(&mut self, by: Duration) {
        self.clock.advance(by);
    }

    /// Forgets payments, keys, schedules and the token; keeps the settings and the clock.
    pub fn reset(&mut self) {
        self.token = None;
        self.ledger = Ledger::default();
        self.keys = Keys::default();
        self.schedules = Schedules::default();
        self.outbox.clear();
    }

    /// Queues the webhook `occasion` calls for, if any, about the payment at `position`.
    pub fn notify(
        &mut self,
        occasion: Occasion,
        position: usize,
        notice_url: Option<&str>,
        cancellation_id: Option<&str>,
    ) {
        let Some(payment) = self.ledger.get(position) else {
            return;
        };
        let notice_url = notice_url.or(payment.notice_url.as_deref());
        if let Some(n) = notification(occasion, payment, notice_url, cancellation_id) {
            self.outbox.push(n);
        }
    }

    /// The notifications produced since the last call, in event order.
    pub fn take_notifications(&mut self) -> Vec<Notification> {
        std::mem::take(&mut self.outbox)
    }
}
