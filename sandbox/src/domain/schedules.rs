//! Scheduled charges as stored, and the rules of their states:
//! `scheduled` → `executed` (paid or failed) or `revoked`; a failed or revoked one may be
//! rescheduled or retried. Creating, revoking and running them is in
//! [`crate::domain::scheduling`].

use std::collections::HashMap;

use rust_decimal::Decimal;

use crate::domain::error::Refusal;
use crate::domain::ledger::{Ledger, Status};
use crate::domain::order::Contact;
use crate::domain::pg::Pg;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ScheduleStatus {
    Scheduled,
    Executed,
    Revoked,
}

impl ScheduleStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ScheduleStatus::Scheduled => "scheduled",
            ScheduleStatus::Executed => "executed",
            ScheduleStatus::Revoked => "revoked",
        }
    }

    pub fn parse(s: &str) -> Option<ScheduleStatus> {
        match s {
            "scheduled" => Some(ScheduleStatus::Scheduled),
            "executed" => Some(ScheduleStatus::Executed),
            "revoked" => Some(ScheduleStatus::Revoked),
            _ => None,
        }
    }
}

/// Why an execution made no payment at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ScheduleFailure {
    /// The billing key was deleted meanwhile.
    UnknownCustomer,
    /// The `merchant_uid` was paid by another call meanwhile.
    DuplicateOrder,
}

/// One scheduled charge.
#[derive(Debug, Clone)]
pub(crate) struct Schedule {
    pub customer_uid: String,
    pub merchant_uid: String,
    pub pg: Pg,
    pub customer_id: Option<String>,
    pub schedule_at: i64,
    pub executed_at: i64,
    pub revoked_at: i64,
    pub amount: Decimal,
    pub currency: String,
    pub name: Option<String>,
    pub buyer: Contact,
    pub custom_data: Option<String>,
    pub notice_url: Option<String>,
    pub card_quota: i64,
    pub promotion_id: Option<String>,
    pub status: ScheduleStatus,
    /// Position in the ledger of the payment its execution made.
    pub payment: Option<usize>,
    pub failure: Option<ScheduleFailure>,
}

impl Schedule {
    /// `paid`/`failed`/`cancelled` once executed (the payment's current status), else `None`.
    pub fn payment_status(&self, ledger: &Ledger) -> Option<Status> {
        match self.payment.and_then(|i| ledger.get(i)) {
            Some(p) => Some(p.status),
            None => self.failure.map(|_| Status::Failed),
        }
    }

    /// Reschedule and retry need an execution that failed, or a revoked schedule.
    pub fn check_retryable(&self, ledger: &Ledger) -> Result<(), Refusal> {
        match self.status {
            ScheduleStatus::Scheduled => Err(Refusal::ScheduleNotExecuted),
            ScheduleStatus::Revoked => Ok(()),
            ScheduleStatus::Executed => match self.payment_status(ledger) {
                Some(Status::Failed) => Ok(()),
                _ => Err(Refusal::ScheduleAlreadyPaid),
            },
        }
    }
}

/// Every schedule, in creation order (positions never change until a reset).
#[derive(Debug, Default)]
pub(crate) struct Schedules {
    list: Vec<Schedule>,
    by_merchant_uid: HashMap<String, usize>,
}

impl Schedules {
    pub fn all(&self) -> &[Schedule] {
        &self.list
    }

    pub fn get(&self, i: usize) -> Option<&Schedule> {
        self.list.get(i)
    }

    pub fn get_mut(&mut self, i: usize) -> Option<&mut Schedule> {
        self.list.get_mut(i)
    }

    pub fn position(&self, merchant_uid: &str) -> Option<usize> {
        self.by_merchant_uid.get(merchant_uid).copied()
    }

    /// The position of `merchant_uid`'s schedule, or the refusal for an unknown one.
    pub fn find(&self, merchant_uid: &str) -> Result<usize, Refusal> {
        self.position(merchant_uid)
            .ok_or_else(|| Refusal::ScheduleNotFound(merchant_uid.to_owned()))
    }

    pub fn add(&mut self, schedule: Schedule) -> usize {
        let i = self.list.len();
        self.by_merchant_uid
            .insert(schedule.merchant_uid.clone(), i);
        self.list.push(schedule);
        i
    }

    /// Positions of the schedules (of `customer_uid`, if given) with `from <= schedule_at < to`
    /// and the status, sorted by `schedule_at` then creation: newest first unless
    /// `oldest_first`.
    pub fn select(
        &self,
        customer_uid: Option<&str>,
        (from, to): (i64, i64),
        status: Option<ScheduleStatus>,
        oldest_first: bool,
    ) -> Vec<usize> {
        let mut found: Vec<(i64, usize)> = self
            .list
            .iter()
            .enumerate()
            .filter(|(_, s)| {
                customer_uid.is_none_or(|c| s.customer_uid == c)
                    && from <= s.schedule_at
                    && s.schedule_at < to
                    && status.is_none_or(|x| s.status == x)
            })
            .map(|(i, s)| (s.schedule_at, i))
            .collect();
        found.sort_unstable();
        if !oldest_first {
            found.reverse();
        }
        found.into_iter().map(|(_, i)| i).collect()
    }

    /// Positions of the `scheduled` ones with `schedule_at <= now`, oldest `schedule_at` first.
    pub fn due(&self, now: i64) -> Vec<(i64, usize)> {
        let mut due: Vec<(i64, usize)> = self
            .list
            .iter()
            .enumerate()
            .filter(|(_, s)| s.status == ScheduleStatus::Scheduled && s.schedule_at <= now)
            .map(|(i, s)| (s.schedule_at, i))
            .collect();
        due.sort_unstable();
        due
    }
}
