//! Creating, changing and running scheduled charges.
//!
//! A schedule is due when `schedule_at <= now`. Due schedules run oldest `schedule_at` first
//! (the control layer calls [`World::execute_due`] before every API answer, when the clock is
//! advanced, and once a second); each run is a billing-key charge like `again`
//! (`customer_uid_usage: "payment.scheduled"`) dated `schedule_at`, and notifies its outcome.

use std::collections::HashSet;

use crate::domain::charges::{Charge, NewKey};
use crate::domain::error::Refusal;
use crate::domain::notifications::Occasion;
use crate::domain::order::Order;
use crate::domain::schedules::{Schedule, ScheduleFailure, ScheduleStatus};
use crate::domain::world::World;

/// One charge to schedule.
#[derive(Debug)]
pub(crate) struct Entry {
    pub order: Order,
    pub schedule_at: i64,
    pub promotion_id: Option<String>,
}

/// `POST /subscribe/payments/schedule`.
#[derive(Debug)]
pub(crate) struct NewSchedules {
    pub customer_uid: String,
    /// Card data to issue the key with, when the customer has none yet (ignored otherwise).
    pub new_key: Option<NewKey>,
    /// > 0: check the card by charging this much and cancelling it at once.
    pub checking_amount: i64,
    pub entries: Vec<Entry>,
}

/// Which schedules `unschedule` is about.
#[derive(Debug)]
pub(crate) struct Unschedule {
    pub customer_uid: Option<String>,
    pub merchant_uids: Option<Vec<String>>,
}

impl World {
    /// Stores every schedule, or none. An existing key is used as it is; otherwise the card
    /// data issues one, stored only if every schedule is valid.
    pub fn create_schedules(&mut self, req: NewSchedules, now: i64) -> Result<Vec<usize>, Refusal> {
        let new_key = match self.keys.get(&req.customer_uid) {
            Some(_) => None,
            None => match req.new_key {
                None => return Err(Refusal::NoCustomerData),
                Some(card) => Some(self.key_from_card(card, now)?),
            },
        };
        let key = match &new_key {
            Some(k) => k.clone(),
            None => self
                .keys
                .get(&req.customer_uid)
                .cloned()
                .ok_or(Refusal::NoCustomerData)?,
        };
        let mut seen = HashSet::new();
        let mut schedules = Vec::with_capacity(req.entries.len());
        for entry in req.entries {
            let order = entry.order;
            order.check()?;
            if entry.schedule_at < now {
                return Err(Refusal::ScheduleInPast(Some(order.merchant_uid)));
            }
            let m = order.merchant_uid;
            if !seen.insert(m.clone())
                || self.schedules.position(&m).is_some()
                || self.ledger.order_taken(&m)
            {
                return Err(Refusal::ScheduleTaken(m));
            }
            schedules.push(Schedule {
                customer_uid: req.customer_uid.clone(),
                merchant_uid: m,
                pg: key.pg.clone(),
                customer_id: key.customer_id.clone(),
                schedule_at: entry.schedule_at,
                executed_at: 0,
                revoked_at: 0,
                amount: order.amount,
                currency: order.currency,
                name: order.name,
                buyer: order.buyer.or(&key.customer),
                custom_data: order.custom_data,
                notice_url: order.notice_url,
                card_quota: order.card_quota,
                promotion_id: entry.promotion_id,
                status: ScheduleStatus::Scheduled,
                payment: None,
                failure: None,
            });
        }
        // The card check charges `checking_amount` and cancels it at once: only its outcome
        // shows.
        if let Some(decline) = key.declines.filter(|_| req.checking_amount > 0) {
            return Err(Refusal::CardCheckDeclined(decline));
        }
        if let Some(k) = new_key {
            self.keys.store(k);
        }
        Ok(schedules
            .into_iter()
            .map(|s| self.schedules.add(s))
            .collect())
    }

    /// `POST /subscribe/payments/unschedule`: revokes the pending ones among the schedules
    /// named (request order) or, with `customer_uid` alone, all of that customer's (creation
    /// order); with both, only that customer's.
    pub fn unschedule(&mut self, req: Unschedule, now: i64) -> Result<Vec<usize>, Refusal> {
        let candidates: Vec<usize> = match (&req.customer_uid, req.merchant_uids) {
            (_, Some(list)) => {
                let mut seen = HashSet::new();
                list.iter()
                    .filter_map(|m| self.schedules.position(m))
                    .filter(|i| seen.insert(*i))
                    .filter(|i| {
                        req.customer_uid.as_ref().is_none_or(|c| {
                            self.schedules.get(*i).is_some_and(|s| &s.customer_uid == c)
                        })
                    })
                    .collect()
            }
            (Some(c), None) => self
                .schedules
                .all()
                .iter()
                .enumerate()
                .filter(|(_, s)| &s.customer_uid == c)
                .map(|(i, _)| i)
                .collect(),
            (None, None) => return Err(Refusal::UnscheduleWithoutIds),
        };
        let mut revoked = Vec::new();
        for i in candidates {
            if let Some(s) = self.schedules.get_mut(i) {
                if s.status == ScheduleStatus::Scheduled {
                    s.status = ScheduleStatus::Revoked;
                    s.revoked_at = now;
                    revoked.push(i);
                }
            }
        }
        if revoked.is_empty() {
            return Err(Refusal::NothingToRevoke);
        }
        Ok(revoked)
    }

    /// `PUT /subscribe/payments/schedule/{merchant_uid}`: only while still `scheduled`.
    pub fn move_schedule(
        &mut self,
        merchant_uid: &str,
        schedule_at: i64,
        now: i64,
    ) -> Result<usize, Refusal> {
        let i = self.retimed(merchant_uid, schedule_at, now)?;
        let s = self.schedule_mut(i)?;
        if s.status != ScheduleStatus::Scheduled {
            return Err(Refusal::ScheduleNotPending);
        }
        s.schedule_at = schedule_at;
        Ok(i)
    }

    /// `POST .../reschedule`: a failed or revoked schedule becomes `scheduled` again, the
    /// result of its execution (or revocation) cleared; a failed payment stays in the ledger.
    pub fn reschedule(
        &mut self,
        merchant_uid: &str,
        schedule_at: i64,
        now: i64,
    ) -> Result<usize, Refusal> {
        let i = self.retimed(merchant_uid, schedule_at, now)?;
        self.check_retryable(i)?;
        let s = self.schedule_mut(i)?;
        s.status = ScheduleStatus::Scheduled;
        s.schedule_at = schedule_at;
        s.executed_at = 0;
        s.revoked_at = 0;
        s.payment = None;
        s.failure = None;
        Ok(i)
    }

    /// `POST .../retry`: charges a failed or revoked schedule now and returns the payment's
    /// position.
    pub fn retry_schedule(&mut self, merchant_uid: &str, now: i64) -> Result<usize, Refusal> {
        let i = self.schedules.find(merchant_uid)?;
        self.check_retryable(i)?;
        let customer_uid = self
            .schedules
            .get(i)
            .map(|s| s.customer_uid.clone())
            .unwrap_or_default();
        if !self.keys.contains(&customer_uid) {
            return Err(Refusal::BillingKeyNotFound(customer_uid));
        }
        self.ledger.check_order_free(merchant_uid)?;
        self.execute(i, now).ok_or(Refusal::UnknownCustomer)
    }

    /// Runs every due schedule, oldest `schedule_at` first.
    pub fn execute_due(&mut self) {
        let now = self.now();
        for (at, i) in self.schedules.due(now) {
            self.execute(i, at);
        }
    }

    /// The position of `merchant_uid`'s schedule, to move to `schedule_at` (not in the past).
    fn retimed(&self, merchant_uid: &str, schedule_at: i64, now: i64) -> Result<usize, Refusal> {
        let i = self.schedules.find(merchant_uid)?;
        if schedule_at < now {
            return Err(Refusal::ScheduleInPast(None));
        }
        Ok(i)
    }

    fn schedule_mut(&mut self, i: usize) -> Result<&mut Schedule, Refusal> {
        self.schedules
            .get_mut(i)
            .ok_or_else(|| Refusal::ScheduleNotFound(String::new()))
    }

    fn check_retryable(&self, i: usize) -> Result<(), Refusal> {
        let s = self
            .schedules
            .get(i)
            .ok_or_else(|| Refusal::ScheduleNotFound(String::new()))?;
        s.check_retryable(&self.ledger)
    }

    /// Charges schedule `i` at time `at` like `again`, marks it executed and notifies the
    /// outcome. Without its billing key (deleted meanwhile), or when its `merchant_uid` has
    /// been paid in the meantime, the execution fails without a payment (and no webhook).
    /// Returns the payment's position.
    fn execute(&mut self, i: usize, at: i64) -> Option<usize> {
        let s = self.schedules.get(i)?.clone();
        let key = self.keys.get(&s.customer_uid).cloned();
        let outcome = match &key {
            None => Err(ScheduleFailure::UnknownCustomer),
            Some(_) if self.ledger.order_taken(&s.merchant_uid) => {
                Err(ScheduleFailure::DuplicateOrder)
            }
            Some(key) => {
                Ok(self.charge(Charge::with_key(key, "payment.scheduled", order_of(&s)), at))
            }
        };
        let sched = self.schedules.get_mut(i)?;
        sched.status = ScheduleStatus::Executed;
        sched.executed_at = at;
        sched.revoked_at = 0;
        match outcome {
            Ok(p) => {
                sched.payment = Some(p);
                sched.failure = None;
                if let Some(key) = key {
                    sched.pg = key.pg;
                }
            }
            Err(reason) => {
                sched.payment = None;
                sched.failure = Some(reason);
            }
        }
        let p = outcome.ok()?;
        self.notify(Occasion::ScheduledCharge, p, s.notice_url.as_deref(), None);
        Some(p)
    }
}

/// The order a schedule charges.
fn order_of(s: &Schedule) -> Order {
    Order {
        merchant_uid: s.merchant_uid.clone(),
        amount: s.amount,
        currency: s.currency.clone(),
        name: s.name.clone(),
        buyer: s.buyer.clone(),
        custom_data: s.custom_data.clone(),
        card_quota: s.card_quota,
        notice_url: s.notice_url.clone(),
        parts: Vec::new(),
    }
}
