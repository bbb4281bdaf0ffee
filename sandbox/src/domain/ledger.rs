//! The payment ledger: every payment record in creation order, indexed by `imp_uid`,
//! `merchant_uid` and billing key, plus the rules that read it (the duplicate-order rule, the
//! sort orders of the lookups).

use std::cmp::Ordering;
use std::collections::HashMap;

use rust_decimal::Decimal;

use crate::domain::card::Decline;
use crate::domain::error::Refusal;
use crate::domain::ids;
use crate::domain::order::Contact;
use crate::domain::pg::Pg;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    Ready,
    Paid,
    Failed,
    Cancelled,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ready => "ready",
            Status::Paid => "paid",
            Status::Failed => "failed",
            Status::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        match s {
            "ready" => Some(Status::Ready),
            "paid" => Some(Status::Paid),
            "failed" => Some(Status::Failed),
            "cancelled" => Some(Status::Cancelled),
            _ => None,
        }
    }
}

/// One refund of a payment (`cancel_history` entry).
#[derive(Debug, Clone)]
pub(crate) struct Cancel {
    pub pg_tid: String,
    pub amount: Decimal,
    pub cancelled_at: i64,
    pub reason: String,
    pub cancellation_id: String,
    pub receipt_url: String,
}

#[derive(Debug, Clone)]
pub(crate) struct Payment {
    pub imp_uid: String,
    pub merchant_uid: String,
    pub pg: Pg,
    pub pg_tid: String,
    pub apply_num: Option<String>,
    pub card_code: &'static str,
    pub card_name: &'static str,
    pub card_number: String,
    pub card_quota: i64,
    pub name: Option<String>,
    pub amount: Decimal,
    pub cancel_amount: Decimal,
    pub currency: String,
    pub buyer: Contact,
    pub custom_data: Option<String>,
    pub status: Status,
    pub started_at: i64,
    pub paid_at: i64,
    pub failed_at: i64,
    pub cancelled_at: i64,
    /// Moves with every change of the record; drives `sorting=updated`.
    pub updated_at: i64,
    /// Why the card company declined it (`fail_reason`).
    pub decline: Option<Decline>,
    pub cancel_reason: Option<String>,
    pub receipt_url: Option<String>,
    pub cancels: Vec<Cancel>,
    pub customer_uid: Option<String>,
    pub customer_uid_usage: Option<&'static str>,
    /// Where webhooks about this payment go (else the configured URL).
    pub notice_url: Option<String>,
}

impl Payment {
    /// What is left to refund.
    pub fn remaining(&self) -> Decimal {
        self.amount - self.cancel_amount
    }

    /// When the payment reached its current status: the time a listing by status searches on
    /// (`ready`: started, `paid`: paid, `cancelled`: cancelled, `failed`: failed). A partly
    /// refunded payment is still `paid`, found by its `paid_at`.
    pub fn status_time(&self) -> i64 {
        match self.status {
            Status::Ready => self.started_at,
            Status::Paid => self.paid_at,
            Status::Cancelled => self.cancelled_at,
            Status::Failed => self.failed_at,
        }
    }
}

/// The field a list of payments is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SortKey {
    Started,
    Paid,
    Updated,
}

/// `-started` (the default), `started`, `-paid`, `paid`, `-updated`, `updated`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Sorting {
    pub key: SortKey,
    pub descending: bool,
}

impl Default for Sorting {
    fn default() -> Self {
        Sorting {
            key: SortKey::Started,
            descending: true,
        }
    }
}

impl Sorting {
    pub fn parse(s: &str) -> Option<Sorting> {
        let (descending, field) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let key = match field {
            "started" => SortKey::Started,
            "paid" => SortKey::Paid,
            "updated" => SortKey::Updated,
            _ => return None,
        };
        Some(Sorting { key, descending })
    }

    fn value(self, p: &Payment) -> i64 {
        match self.key {
            SortKey::Started => p.started_at,
            SortKey::Paid => p.paid_at,
            SortKey::Updated => p.updated_at,
        }
    }

    /// Sorts (position, payment) pairs; positions (creation order) break ties, so pages never
    /// repeat or skip a record.
    pub fn sort(self, found: &mut [(usize, &Payment)]) {
        found.sort_by(|(ia, a), (ib, b)| {
            let ord: Ordering = self.value(a).cmp(&self.value(b)).then(ia.cmp(ib));
            if self.descending { ord.reverse() } else { ord }
        });
    }
}

/// Every payment, in creation order; positions never change (until a reset).
#[derive(Debug, Default)]
pub(crate) struct Ledger {
    payments: Vec<Payment>,
    by_imp_uid: HashMap<String, usize>,
    /// Positions of each merchant_uid's attempts, in creation order: lookups and the duplicate
    /// check stay O(attempts), not O(ledger), however long a run is.
    by_merchant_uid: HashMap<String, Vec<usize>>,
    /// Positions of each billing key's payments, in creation order.
    by_customer_uid: HashMap<String, Vec<usize>>,
}

impl Ledger {
    pub fn all(&self) -> &[Payment] {
        &self.payments
    }

    pub fn get(&self, i: usize) -> Option<&Payment> {
        self.payments.get(i)
    }

    pub fn get_mut(&mut self, i: usize) -> Option<&mut Payment> {
        self.payments.get_mut(i)
    }

    pub fn position(&self, imp_uid: &str) -> Option<usize> {
        self.by_imp_uid.get(imp_uid).copied()
    }

    pub fn by_imp_uid(&self, imp_uid: &str) -> Option<&Payment> {
        self.position(imp_uid).and_then(|i| self.payments.get(i))
    }

    /// An `imp_uid` not used yet.
    pub fn fresh_imp_uid(&self) -> String {
        loop {
            let candidate = ids::imp_uid();
            if !self.by_imp_uid.contains_key(&candidate) {
                return candidate;
            }
        }
    }

    /// Adds a record and returns its position.
    pub fn record(&mut self, payment: Payment) -> usize {
        let i = self.payments.len();
        self.by_imp_uid.insert(payment.imp_uid.clone(), i);
        self.by_merchant_uid
            .entry(payment.merchant_uid.clone())
            .or_default()
            .push(i);
        if let Some(c) = &payment.customer_uid {
            self.by_customer_uid.entry(c.clone()).or_default().push(i);
        }
        self.payments.push(payment);
        i
    }

    /// The attempts recorded under `merchant_uid`: (position, payment), in creation order.
    pub fn of_order<'a>(
        &'a self,
        merchant_uid: &str,
    ) -> impl Iterator<Item = (usize, &'a Payment)> + 'a {
        self.indexed(self.by_merchant_uid.get(merchant_uid))
    }

    /// The payments made with the billing key `customer_uid`, in creation order.
    pub fn of_key<'a>(
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

    /// The duplicate-order rule: a paid or cancelled record of `merchant_uid` exists (a failed
    /// one does not block a retry with the same `merchant_uid`).
    pub fn order_taken(&self, merchant_uid: &str) -> bool {
        self.of_order(merchant_uid)
            .any(|(_, p)| matches!(p.status, Status::Paid | Status::Cancelled))
    }

    /// [`Ledger::order_taken`] as a refusal.
    pub fn check_order_free(&self, merchant_uid: &str) -> Result<(), Refusal> {
        if self.order_taken(merchant_uid) {
            Err(Refusal::DuplicateOrder)
        } else {
            Ok(())
        }
    }

    /// The records of `merchant_uid` (in `status`, if given) in the requested order.
    pub fn find(
        &self,
        merchant_uid: &str,
        status: Option<Status>,
        sorting: Sorting,
    ) -> Vec<&Payment> {
        let mut found: Vec<(usize, &Payment)> = self
            .of_order(merchant_uid)
            .filter(|(_, p)| status.is_none_or(|s| p.status == s))
            .collect();
        sorting.sort(&mut found);
        found.into_iter().map(|(_, p)| p).collect()
    }

    /// The payments in `status` (every status for `None`) whose [`Payment::status_time`] lies
    /// within `from..=to`, in the requested order.
    pub fn by_status(
        &self,
        status: Option<Status>,
        (from, to): (i64, i64),
        sorting: Sorting,
    ) -> Vec<&Payment> {
        let mut found: Vec<(usize, &Payment)> = self
            .payments
            .iter()
            .enumerate()
            .filter(|(_, p)| {
                status.is_none_or(|s| p.status == s) && (from..=to).contains(&p.status_time())
            })
            .collect();
        sorting.sort(&mut found);
        found.into_iter().map(|(_, p)| p).collect()
    }

    /// The most recent attempt of `merchant_uid` (latest start, then latest created).
    pub fn latest_of_order(&self, merchant_uid: &str) -> Option<usize> {
        self.of_order(merchant_uid)
            .max_by_key(|(i, p)| (p.started_at, *i))
            .map(|(i, _)| i)
    }

    /// The payments of a billing key, newest first.
    pub fn of_key_newest_first(&self, customer_uid: &str) -> Vec<&Payment> {
        let mut found: Vec<(usize, &Payment)> = self.of_key(customer_uid).collect();
        found.sort_by(|(ia, a), (ib, b)| (b.started_at, ib).cmp(&(a.started_at, ia)));
        found.into_iter().map(|(_, p)| p).collect()
    }
}
