//! Scheduled charges, multi-lookups and paged listings.
//!
//! Most merchants do not call `pay_again` themselves every month: they schedule future charges and
//! learn the results from webhooks (see [`crate::webhook`]). Listings are paged by the API; the
//! `*_stream` methods fetch pages lazily.

use crate::client::{Client, NoBody};
use crate::error::{Error, Result};
use crate::models::{BillingKey, Payment, PaymentPage, PaymentStatus, Timestamp};
use crate::money::Amount;
use crate::pg::Pg;
use crate::requests::{
    Buyer, CardDetails, charge_fields, check_billing_extras, check_customer_uid, check_merchant_uid,
};
use crate::rules;
use futures_util::stream::{self, Stream, StreamExt};
use http::Method;
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;

/// State of a scheduled charge.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum), uniffi::export(Display))]
pub enum ScheduleStatus {
    /// Waiting for its time.
    #[default]
    Scheduled,
    /// Attempted: see `payment_status`.
    Executed,
    /// Revoked before it ran.
    Revoked,
    /// A status this crate does not know, kept verbatim.
    Other(String),
}

impl ScheduleStatus {
    /// The wire value.
    pub fn as_str(&self) -> &str {
        match self {
            ScheduleStatus::Scheduled => "scheduled",
            ScheduleStatus::Executed => "executed",
            ScheduleStatus::Revoked => "revoked",
            ScheduleStatus::Other(s) => s,
        }
    }
}

impl From<String> for ScheduleStatus {
    fn from(s: String) -> Self {
        match s.as_str() {
            "scheduled" => ScheduleStatus::Scheduled,
            "executed" => ScheduleStatus::Executed,
            "revoked" => ScheduleStatus::Revoked,
            _ => ScheduleStatus::Other(s),
        }
    }
}

impl From<&str> for ScheduleStatus {
    fn from(s: &str) -> Self {
        ScheduleStatus::from(s.to_owned())
    }
}

impl From<ScheduleStatus> for String {
    fn from(s: ScheduleStatus) -> String {
        s.as_str().to_owned()
    }
}

impl fmt::Display for ScheduleStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A scheduled charge (`ScheduleResultAnnotation`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "shape", derive(crate::shape::Shape))]
pub struct Schedule {
    pub customer_uid: String,
    pub merchant_uid: String,
    /// The payment made when it ran.
    #[serde(default)]
    pub imp_uid: Option<String>,
    #[serde(default)]
    pub pg_provider: Option<String>,
    #[serde(default)]
    pub pg_id: Option<String>,
    #[serde(default)]
    pub customer_id: Option<String>,
    #[serde(default, deserialize_with = "crate::models::time")]
    pub schedule_at: Option<Timestamp>,
    #[serde(default, deserialize_with = "crate::models::time")]
    pub executed_at: Option<Timestamp>,
    #[serde(default, deserialize_with = "crate::models::time")]
    pub revoked_at: Option<Timestamp>,
    pub amount: Amount,
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub buyer_name: Option<String>,
    #[serde(default)]
    pub buyer_email: Option<String>,
    #[serde(default)]
    pub buyer_tel: Option<String>,
    #[serde(default)]
    pub buyer_addr: Option<String>,
    #[serde(default)]
    pub buyer_postcode: Option<String>,
    #[serde(default)]
    pub custom_data: Option<String>,
    #[serde(default)]
    pub schedule_status: ScheduleStatus,
    /// `None` until it ran; then paid, failed, or cancelled (refunded later).
    #[serde(default)]
    pub payment_status: Option<PaymentStatus>,
    #[serde(default)]
    pub fail_reason: Option<String>,
    #[serde(default)]
    pub promotion_id: Option<String>,
}

/// One page of schedules.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "shape", derive(crate::shape::Shape))]
pub struct SchedulePage {
    pub total: u64,
    pub previous: Option<u32>,
    pub next: Option<u32>,
    pub list: Vec<Schedule>,
}

impl<'de> Deserialize<'de> for SchedulePage {
    /// The live API answers a paged object; the spec's schema says a plain array. Both are read.
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Shape {
            Paged {
                #[serde(default)]
                total: Option<u64>,
                #[serde(default)]
                previous: Option<u32>,
                #[serde(default)]
                next: Option<u32>,
                #[serde(default)]
                list: Option<Vec<Schedule>>,
            },
            List(Vec<Schedule>),
        }
        Ok(match Shape::deserialize(d)? {
            Shape::Paged {
                total,
                previous,
                next,
                list,
            } => {
                let list = list.unwrap_or_default();
                SchedulePage {
                    total: total.unwrap_or(list.len() as u64),
                    previous: previous.filter(|p| *p != 0),
                    next: next.filter(|n| *n != 0),
                    list,
                }
            }
            Shape::List(list) => SchedulePage {
                total: list.len() as u64,
                previous: None,
                next: None,
                list,
            },
        })
    }
}

/// One future charge in a [`ScheduleRequest`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "shape", derive(crate::shape::Shape))]
pub struct ScheduleEntry {
    /// Unique order id of this charge (≤ 40 characters).
    pub merchant_uid: String,
    /// When to charge, unix seconds.
    pub schedule_at: Timestamp,
    pub amount: Amount,
    /// Order name (≤ 40 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub currency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub tax_free: Option<Amount>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub vat_amount: Option<Amount>,
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub buyer: Buyer,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub custom_data: Option<String>,
    /// Webhook URL for this charge's result, overriding the console setting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub notice_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub card_quota: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub interest_free_by_merchant: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub use_card_point: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub product_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub product_count: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub cash_receipt_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub browser_ip: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub bypass: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub promotion_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: Option<BTreeMap<String, String>>,
}

/// `POST /subscribe/payments/schedule`: schedule charges of a billing key; with card data a new key
/// is issued first.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "shape", derive(crate::shape::Shape))]
pub struct ScheduleRequest {
    pub customer_uid: String,
    pub schedules: Vec<ScheduleEntry>,
    /// Only when `customer_uid` has no billing key yet.
    #[serde(flatten, default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub card: Option<CardDetails>,
    /// A test charge of this amount validates the card and is cancelled at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub checking_amount: Option<Amount>,
    /// Channel of a new key (older accounts; newer ones use `channel_key`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub pg: Option<Pg>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub channel_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub customer_id: Option<String>,
}

impl ScheduleEntry {
    /// The checks the client makes before sending; `Err` names the offending field.
    pub fn validate(&self) -> Result<()> {
        rules::check_schedule_at("schedule_at", self.schedule_at)?;
        charge_fields!(self, None).validate()?;
        check_billing_extras(
            self.product_count,
            self.cash_receipt_type.as_deref(),
            self.extra.as_ref(),
        )
    }
}

impl ScheduleRequest {
    /// The checks the client makes before sending; `Err` names the offending field.
    pub fn validate(&self) -> Result<()> {
        check_customer_uid(&self.customer_uid)?;
        if self.schedules.is_empty() {
            return Err(Error::invalid("schedules", "must hold at least one charge"));
        }
        if let Some(card) = &self.card {
            card.validate()?;
        }
        rules::check_checking_amount(self.checking_amount.as_ref())?;
        rules::PG.check_opt(self.pg.as_ref().map(Pg::to_string).as_deref())?;
        rules::CHANNEL_KEY.check_opt(self.channel_key.as_deref())?;
        rules::CUSTOMER_ID.check_opt(self.customer_id.as_deref())?;
        let mut seen = std::collections::HashSet::new();
        for entry in &self.schedules {
            entry.validate()?;
            if !seen.insert(entry.merchant_uid.as_str()) {
                return Err(Error::invalid(
                    "merchant_uid",
                    "appears twice in one request (each charge needs its own)",
                ));
            }
        }
        Ok(())
    }
}

/// Results of a lookup by several ids: what was found, and which ids were not.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Found<T> {
    pub found: Vec<T>,
    pub missing: Vec<String>,
}

#[derive(Serialize)]
struct UnscheduleBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    customer_uid: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    merchant_uid: Option<&'a [String]>,
}

#[derive(Serialize)]
struct ScheduleAtBody {
    schedule_at: Timestamp,
}

const SCHEDULE_PAGE_SIZE: u32 = rules::MAX_PAGE_SIZE;

impl Client {
    /// Schedule future charges of `customer_uid`'s billing key (issuing it first when card data is
    /// given). Each result is a charge waiting for its time; its outcome arrives by webhook.
    pub async fn schedule(&self, request: &ScheduleRequest) -> Result<Vec<Schedule>> {
        request.validate()?;
        self.call_with(
            Method::POST,
            &["subscribe", "payments", "schedule"],
            &[],
            Some(request),
            "schedules",
        )
        .await
    }

    /// Revoke the listed scheduled charges (optionally only those of `customer_uid`). An empty list
    /// is refused: revoking everything of a customer is [`Client::unschedule_all`].
    pub async fn unschedule(
        &self,
        customer_uid: Option<&str>,
        merchant_uids: &[String],
    ) -> Result<Vec<Schedule>> {
        if merchant_uids.is_empty() {
            return Err(Error::invalid(
                "merchant_uids",
                "must name at least one schedule (use unschedule_all to revoke all of a customer's)",
            ));
        }
        if let Some(c) = customer_uid {
            check_customer_uid(c)?;
        }
        for m in merchant_uids {
            check_merchant_uid(m)?;
        }
        let body = UnscheduleBody {
            customer_uid,
            merchant_uid: Some(merchant_uids),
        };
        self.call(
            Method::POST,
            &["subscribe", "payments", "unschedule"],
            &[],
            Some(&body),
        )
        .await
    }

    /// Revoke every pending scheduled charge of `customer_uid`.
    pub async fn unschedule_all(&self, customer_uid: &str) -> Result<Vec<Schedule>> {
        check_customer_uid(customer_uid)?;
        let body = UnscheduleBody {
            customer_uid: Some(customer_uid),
            merchant_uid: None,
        };
        self.call(
            Method::POST,
            &["subscribe", "payments", "unschedule"],
            &[],
            Some(&body),
        )
        .await
    }

    /// One scheduled charge.
    pub async fn get_schedule(&self, merchant_uid: &str) -> Result<Schedule> {
        check_merchant_uid(merchant_uid)?;
        self.call(
            Method::GET,
            &["subscribe", "payments", "schedule", merchant_uid],
            &[],
            None::<&NoBody>,
        )
        .await
    }

    /// Move a pending scheduled charge to another time.
    pub async fn update_schedule(
        &self,
        merchant_uid: &str,
        schedule_at: Timestamp,
    ) -> Result<Schedule> {
        check_merchant_uid(merchant_uid)?;
        rules::check_schedule_at("schedule_at", schedule_at)?;
        self.call(
            Method::PUT,
            &["subscribe", "payments", "schedule", merchant_uid],
            &[],
            Some(&ScheduleAtBody { schedule_at }),
        )
        .await
    }

    /// Schedule a failed or revoked charge again, at `schedule_at`.
    pub async fn reschedule(&self, merchant_uid: &str, schedule_at: Timestamp) -> Result<Schedule> {
        check_merchant_uid(merchant_uid)?;
        rules::check_schedule_at("schedule_at", schedule_at)?;
        self.call(
            Method::POST,
            &[
                "subscribe",
                "payments",
                "schedule",
                merchant_uid,
                "reschedule",
            ],
            &[],
            Some(&ScheduleAtBody { schedule_at }),
        )
        .await
    }

    /// Charge a failed or revoked scheduled charge now. A decline is `Error::CardDeclined`.
    pub async fn retry_schedule(&self, merchant_uid: &str) -> Result<Payment> {
        check_merchant_uid(merchant_uid)?;
        let payment: Payment = self
            .call(
                Method::POST,
                &["subscribe", "payments", "schedule", merchant_uid, "retry"],
                &[],
                Some(&NoBody {}),
            )
            .await?;
        crate::client::declined_or_paid(payment)
    }

    /// One page of a customer's scheduled charges in `[from, to)` (newest first).
    pub async fn list_schedules_by_customer_page(
        &self,
        customer_uid: &str,
        from: Timestamp,
        to: Timestamp,
        status: Option<&ScheduleStatus>,
        page: u32,
    ) -> Result<SchedulePage> {
        check_customer_uid(customer_uid)?;
        rules::check_window(from, to)?;
        rules::check_schedule_status(status)?;
        rules::check_page(page)?;
        let (from, to, page) = (from.to_string(), to.to_string(), page.to_string());
        let mut query = vec![
            ("page", page.as_str()),
            ("from", from.as_str()),
            ("to", to.as_str()),
        ];
        if let Some(s) = status {
            query.push(("schedule-status", s.as_str()));
        }
        self.call(
            Method::GET,
            &[
                "subscribe",
                "payments",
                "schedule",
                "customers",
                customer_uid,
            ],
            &query,
            None::<&NoBody>,
        )
        .await
    }

    /// Every scheduled charge of a customer in `[from, to)`, pages fetched as the stream is read.
    pub fn list_schedules_by_customer(
        &self,
        customer_uid: &str,
        from: Timestamp,
        to: Timestamp,
        status: Option<ScheduleStatus>,
    ) -> impl Stream<Item = Result<Schedule>> + Send + 'static {
        let (client, customer_uid) = (self.clone(), customer_uid.to_owned());
        pages(move |page| {
            let (client, customer_uid, status) =
                (client.clone(), customer_uid.clone(), status.clone());
            async move {
                let p = client
                    .list_schedules_by_customer_page(&customer_uid, from, to, status.as_ref(), page)
                    .await?;
                Ok((p.list, p.next))
            }
        })
    }

    /// One page of all scheduled charges in `[from, to)` (`limit` ≤ 1000).
    pub async fn list_schedules_page(
        &self,
        from: Timestamp,
        to: Timestamp,
        status: Option<&ScheduleStatus>,
        page: u32,
        limit: u32,
    ) -> Result<SchedulePage> {
        rules::check_window(from, to)?;
        rules::check_schedule_status(status)?;
        rules::check_page(page)?;
        rules::check_limit(limit)?;
        let (from, to) = (from.to_string(), to.to_string());
        let (page, limit) = (page.to_string(), limit.to_string());
        let mut query = vec![
            ("schedule_from", from.as_str()),
            ("schedule_to", to.as_str()),
            ("page", page.as_str()),
            ("limit", limit.as_str()),
        ];
        if let Some(s) = status {
            query.push(("schedule_status", s.as_str()));
        }
        self.call(
            Method::GET,
            &["subscribe", "payments", "schedule"],
            &query,
            None::<&NoBody>,
        )
        .await
    }

    /// Every scheduled charge in `[from, to)`, in pages of 1000 fetched as the stream is read.
    pub fn list_schedules(
        &self,
        from: Timestamp,
        to: Timestamp,
        status: Option<ScheduleStatus>,
    ) -> impl Stream<Item = Result<Schedule>> + Send + 'static {
        let client = self.clone();
        pages(move |page| {
            let (client, status) = (client.clone(), status.clone());
            async move {
                let p = client
                    .list_schedules_page(from, to, status.as_ref(), page, SCHEDULE_PAGE_SIZE)
                    .await?;
                Ok((p.list, p.next))
            }
        })
    }

    /// Several billing keys at once; ids without a key are reported in `missing`.
    pub async fn get_billing_keys(&self, customer_uids: &[String]) -> Result<Found<BillingKey>> {
        if customer_uids.is_empty() {
            return Ok(Found::default());
        }
        for c in customer_uids {
            check_customer_uid(c)?;
        }
        let query: Vec<(&str, &str)> = customer_uids
            .iter()
            .map(|c| ("customer_uid[]", c.as_str()))
            .collect();
        let found: Vec<BillingKey> = match self
            .call(
                Method::GET,
                &["subscribe", "customers"],
                &query,
                None::<&NoBody>,
            )
            .await
        {
            Ok(found) => found,
            Err(Error::NotFound { .. }) => Vec::new(),
            Err(e) => return Err(e),
        };
        let missing = customer_uids
            .iter()
            .filter(|c| !found.iter().any(|k| &k.customer_uid == *c))
            .cloned()
            .collect();
        Ok(Found { found, missing })
    }

    /// Several payments by `imp_uid` at once; unknown ids are reported in `missing`.
    pub async fn get_payments(&self, imp_uids: &[String]) -> Result<Found<Payment>> {
        if imp_uids.is_empty() {
            return Ok(Found::default());
        }
        if imp_uids.len() > 100 {
            return Err(Error::invalid("imp_uids", "at most 100 at once"));
        }
        for i in imp_uids {
            crate::requests::check_imp_uid(i)?;
        }
        let query: Vec<(&str, &str)> = imp_uids.iter().map(|i| ("imp_uid[]", i.as_str())).collect();
        let found: Vec<Payment> = match self
            .call(Method::GET, &["payments"], &query, None::<&NoBody>)
            .await
        {
            Ok(found) => found,
            Err(Error::NotFound { .. }) => Vec::new(),
            Err(e) => return Err(e),
        };
        let missing = imp_uids
            .iter()
            .filter(|i| !found.iter().any(|p| &p.imp_uid == *i))
            .cloned()
            .collect();
        Ok(Found { found, missing })
    }

    /// One page of the payments made with a billing key (newest first, 20 a page).
    pub async fn list_customer_payments_page(
        &self,
        customer_uid: &str,
        page: u32,
    ) -> Result<PaymentPage> {
        check_customer_uid(customer_uid)?;
        rules::check_page(page)?;
        let page = page.to_string();
        let result = self
            .call(
                Method::GET,
                &["subscribe", "customers", customer_uid, "payments"],
                &[("page", page.as_str())],
                None::<&NoBody>,
            )
            .await;
        match result {
            // The spec says 404 for an unknown key; the live API answers an empty page.
            Err(Error::NotFound { .. }) => Ok(PaymentPage::default()),
            other => other,
        }
    }

    /// Every payment made with a billing key, pages fetched as the stream is read.
    pub fn list_customer_payments(
        &self,
        customer_uid: &str,
    ) -> impl Stream<Item = Result<Payment>> + Send + 'static {
        let (client, customer_uid) = (self.clone(), customer_uid.to_owned());
        pages(move |page| {
            let (client, customer_uid) = (client.clone(), customer_uid.clone());
            async move {
                let p = client
                    .list_customer_payments_page(&customer_uid, page)
                    .await?;
                Ok((p.list, p.next))
            }
        })
    }
}

/// A lazily paged listing: `fetch(page)` returns the page's items and the next page number.
pub(crate) fn pages<T, F, Fut>(fetch: F) -> impl Stream<Item = Result<T>> + Send + 'static
where
    T: Send + 'static,
    F: FnMut(u32) -> Fut + Send + 'static,
    Fut: Future<Output = Result<(Vec<T>, Option<u32>)>> + Send,
{
    flatten_pages(page_batches(fetch))
}

/// The items of a stream of pages, in order; an error ends it.
pub(crate) fn flatten_pages<T, S>(batches: S) -> impl Stream<Item = Result<T>> + Send + 'static
where
    T: Send + 'static,
    S: Stream<Item = Result<Vec<T>>> + Send + 'static,
{
    batches.flat_map(|batch| match batch {
        Ok(items) => stream::iter(items.into_iter().map(Ok)).left_stream(),
        Err(e) => stream::once(async move { Err(e) }).right_stream(),
    })
}

/// A lazily paged listing, a page at a time: pages 1, 2, ... while the answer names a later
/// page; a page is fetched only when the stream is polled for it.
pub(crate) fn page_batches<T, F, Fut>(
    fetch: F,
) -> impl Stream<Item = Result<Vec<T>>> + Send + 'static
where
    T: Send + 'static,
    F: FnMut(u32) -> Fut + Send + 'static,
    Fut: Future<Output = Result<(Vec<T>, Option<u32>)>> + Send,
{
    stream::unfold((fetch, Some(1)), |(mut fetch, next)| async move {
        let page = next?;
        match fetch(page).await {
            // A server that repeats a page number must not make this loop forever.
            Ok((items, next)) => Some((Ok(items), (fetch, next.filter(|n| *n > page)))),
            Err(e) => Some((Err(e), (fetch, None))),
        }
    })
}
