//! Charges: key-in payments (`onetime`, optionally storing the card as a billing key), charges
//! of a billing key (`again`, scheduled executions), billing-key issue, and the decline: a
//! charge with a declining card is recorded as a `failed` payment with the card company's
//! reason (HTTP 200, code 0), not refused.

use rust_decimal::Decimal;

use crate::domain::card::{self, CardInput, Decline};
use crate::domain::error::{CardUse, Refusal};
use crate::domain::ids;
use crate::domain::keys::BillingKey;
use crate::domain::ledger::{Payment, Status};
use crate::domain::notifications::Occasion;
use crate::domain::order::{Contact, Order};
use crate::domain::pg::{Pg, parse_pg};
use crate::domain::world::World;

/// A key-in payment.
#[derive(Debug)]
pub(crate) struct Onetime {
    pub order: Order,
    pub card: CardInput,
    pub pg: Option<String>,
    /// Also store the card as this billing key.
    pub customer_uid: Option<String>,
}

/// A billing key to issue from card data.
#[derive(Debug)]
pub(crate) struct NewKey {
    pub customer_uid: String,
    pub card: CardInput,
    pub pg: Option<String>,
    pub customer: Contact,
    pub customer_id: Option<String>,
}

/// What a charge is made with.
#[derive(Debug)]
pub(crate) struct Charge {
    pub pg: Pg,
    pub card_code: &'static str,
    pub card_name: &'static str,
    pub card_number: String,
    pub declines: Option<Decline>,
    pub customer_uid: Option<String>,
    pub usage: Option<&'static str>,
    pub order: Order,
}

impl Charge {
    /// A charge of billing key `key` (`again`, scheduled executions).
    pub fn with_key(key: &BillingKey, usage: &'static str, order: Order) -> Charge {
        Charge {
            pg: key.pg.clone(),
            card_code: key.card_code,
            card_name: key.card_name,
            card_number: key.card_number.clone(),
            declines: key.declines,
            customer_uid: Some(key.customer_uid.clone()),
            usage: Some(usage),
            order,
        }
    }
}

impl World {
    /// `POST /subscribe/payments/onetime`. With `customer_uid` the card is stored as that
    /// billing key before the charge (so the key survives a declined charge).
    pub fn pay_onetime(&mut self, req: Onetime, now: i64) -> Result<usize, Refusal> {
        req.order.check()?;
        let pg = parse_pg(req.pg.as_deref(), &self.settings.default_pg)?;
        self.ledger.check_order_free(&req.order.merchant_uid)?;
        let card = card::check(&req.card, now).map_err(|p| Refusal::Card(CardUse::KeyIn, p))?;
        if let Some(uid) = &req.customer_uid {
            self.keys.store(BillingKey {
                customer_uid: uid.clone(),
                pg: pg.clone(),
                card_code: card.code,
                card_name: card.name,
                card_number: card.masked.clone(),
                declines: card.declines,
                customer_id: None,
                customer: req.order.buyer.clone(),
                inserted: now,
                updated: now,
            });
        }
        let usage = req.customer_uid.as_ref().map(|_| "issue");
        let charge = Charge {
            pg,
            card_code: card.code,
            card_name: card.name,
            card_number: card.masked,
            declines: card.declines,
            customer_uid: req.customer_uid,
            usage,
            order: req.order,
        };
        let i = self.charge(charge, now);
        self.notify(Occasion::Charge, i, None, None);
        Ok(i)
    }

    /// `POST /subscribe/payments/again`: `buyer_*` fall back to the key's `customer_*`.
    pub fn pay_again(
        &mut self,
        customer_uid: &str,
        mut order: Order,
        now: i64,
    ) -> Result<usize, Refusal> {
        order.check()?;
        let key = self
            .keys
            .get(customer_uid)
            .cloned()
            .ok_or(Refusal::UnknownCustomer)?;
        self.ledger.check_order_free(&order.merchant_uid)?;
        order.buyer = order.buyer.or(&key.customer);
        let i = self.charge(Charge::with_key(&key, "payment", order), now);
        self.notify(Occasion::Charge, i, None, None);
        Ok(i)
    }

    /// Checks card data into a billing key, not stored yet.
    pub fn key_from_card(&self, req: NewKey, now: i64) -> Result<BillingKey, Refusal> {
        let pg = parse_pg(req.pg.as_deref(), &self.settings.default_pg)?;
        let card = card::check(&req.card, now).map_err(|p| Refusal::Card(CardUse::IssueKey, p))?;
        Ok(BillingKey {
            customer_uid: req.customer_uid,
            pg,
            card_code: card.code,
            card_name: card.name,
            card_number: card.masked,
            declines: card.declines,
            customer_id: req.customer_id,
            customer: req.customer,
            inserted: now,
            updated: now,
        })
    }

    /// `POST /subscribe/customers/{customer_uid}`: issues or replaces a billing key.
    pub fn issue_billing_key(&mut self, req: NewKey, now: i64) -> Result<&BillingKey, Refusal> {
        let key = self.key_from_card(req, now)?;
        Ok(self.keys.store(key))
    }

    /// Records the payment a charge makes and returns its position: `paid`, or `failed` with
    /// the card company's reason when the card declines (the decline rule).
    pub fn charge(&mut self, c: Charge, now: i64) -> usize {
        let imp_uid = self.ledger.fresh_imp_uid();
        let paid = c.declines.is_none();
        let payment = Payment {
            receipt_url: paid.then(|| ids::receipt_url(&imp_uid)),
            imp_uid,
            merchant_uid: c.order.merchant_uid,
            pg_tid: ids::pg_tid(&c.pg, now),
            pg: c.pg,
            apply_num: paid.then(ids::apply_num),
            card_code: c.card_code,
            card_name: c.card_name,
            card_number: c.card_number,
            card_quota: c.order.card_quota,
            name: c.order.name,
            amount: c.order.amount,
            cancel_amount: Decimal::ZERO,
            currency: c.order.currency,
            buyer: c.order.buyer,
            custom_data: c.order.custom_data,
            status: if paid { Status::Paid } else { Status::Failed },
            started_at: now,
            paid_at: if paid { now } else { 0 },
            failed_at: if paid { 0 } else { now },
            cancelled_at: 0,
            updated_at: now,
            decline: c.declines,
            cancel_reason: None,
            cancels: Vec::new(),
            customer_uid: c.customer_uid,
            customer_uid_usage: c.usage,
            notice_url: c.order.notice_url,
        };
        self.ledger.record(payment)
    }
}
