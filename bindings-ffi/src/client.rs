//! The client object: core's `Client` behind an `Arc`, every operation as an async export.

use crate::token::Foreign;
use crate::{FoundBillingKeys, FoundPayments, IamportError, PaymentListing, TokenProvider};
use iamport_subscribe::secret::ImpSecret;
use iamport_subscribe::{
    BillingKey, CancelPaymentRequest, IssueBillingKeyRequest, PayAgainRequest, PayOnetimeRequest,
    Payment, PaymentPage, PaymentSorting, PaymentStatus, RetryPolicy, Schedule, SchedulePage,
    ScheduleRequest, ScheduleStatus, Timestamp, VerifiedWebhook,
};
use std::sync::Arc;
use std::time::Duration;

// Core declares `PaymentPage` with `#[uniffi::remote(Record)]` (it is defined in core's models
// without the derive), which implements the FFI traits for core's tag only: reuse them here.
uniffi::use_remote_type!(iamport_subscribe::PaymentPage);

/// Client configuration. `imp_secret` prints as a mask. Give `imp_key` and `imp_secret` (a
/// server), or neither and a token provider (`Client::with_token_provider`; an app on a device).
#[derive(Debug, Clone, uniffi::Record)]
pub struct ClientOptions {
    /// The REST API key (`imp_key`).
    #[uniffi(default)]
    pub imp_key: Option<String>,
    /// The REST API secret (`imp_secret`). Never in an app: use a token provider there.
    #[uniffi(default)]
    pub imp_secret: Option<ImpSecret>,
    /// Default `https://api.iamport.kr`; plain `http://` only for a loopback host (a sandbox).
    #[uniffi(default)]
    pub base_url: Option<String>,
    /// Sub-merchant code for the `Tier` header (3 upper-case letters or digits).
    #[uniffi(default)]
    pub tier: Option<String>,
    /// Total time for one HTTP exchange; default 60 s.
    #[uniffi(default)]
    pub timeout: Option<Duration>,
    /// Time to connect; default 10 s.
    #[uniffi(default)]
    pub connect_timeout: Option<Duration>,
    /// The `User-Agent` header (printable ASCII); default `iamport-subscribe-rust/{version}`.
    #[uniffi(default)]
    pub user_agent: Option<String>,
    /// Retries after the first attempt; default 2 (0 = never retry). A charge whose outcome is
    /// unclear is never re-sent blindly: its `merchant_uid` is looked up first (see README).
    #[uniffi(default)]
    pub max_retries: Option<u32>,
    /// Wait before the first retry, doubled for each further one (with jitter); default 0.5 s.
    #[uniffi(default)]
    pub initial_backoff: Option<Duration>,
    /// Upper bound of one wait, and of a server's `Retry-After` that is honoured; default 5 s.
    #[uniffi(default)]
    pub max_backoff: Option<Duration>,
}

/// Per-call settings for [`Client::with_options`]; every one unset keeps the client's.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct RequestOptions {
    /// Total time for one HTTP exchange.
    #[uniffi(default)]
    pub timeout: Option<Duration>,
    /// Retries after the first attempt (0 = never retry).
    #[uniffi(default)]
    pub max_retries: Option<u32>,
    /// Wait before the first retry.
    #[uniffi(default)]
    pub initial_backoff: Option<Duration>,
    /// Upper bound of one wait.
    #[uniffi(default)]
    pub max_backoff: Option<Duration>,
}

impl Client {
    fn build(
        options: ClientOptions,
        token_provider: Option<Arc<dyn TokenProvider>>,
    ) -> Result<Arc<Self>, IamportError> {
        let mut builder = iamport_subscribe::Client::builder();
        if let Some(key) = options.imp_key {
            builder = builder.imp_key(key);
        }
        if let Some(secret) = options.imp_secret {
            builder = builder.imp_secret(secret);
        }
        if let Some(provider) = token_provider {
            builder = builder.token_provider(Foreign(provider));
        }
        if let Some(url) = options.base_url {
            builder = builder.base_url(url);
        }
        if let Some(tier) = options.tier {
            builder = builder.tier(tier);
        }
        if let Some(timeout) = options.timeout {
            builder = builder.timeout(timeout);
        }
        if let Some(timeout) = options.connect_timeout {
            builder = builder.connect_timeout(timeout);
        }
        if let Some(user_agent) = options.user_agent {
            builder = builder.user_agent(user_agent);
        }
        let retry = retry_policy(
            &RetryPolicy::default(),
            options.max_retries,
            options.initial_backoff,
            options.max_backoff,
        );
        Ok(Arc::new(Client {
            inner: builder.retry_policy(retry.clone()).build()?,
            retry,
        }))
    }
}

/// `base` with the given fields replaced.
fn retry_policy(
    base: &RetryPolicy,
    max_retries: Option<u32>,
    initial_backoff: Option<Duration>,
    max_backoff: Option<Duration>,
) -> RetryPolicy {
    RetryPolicy {
        max_retries: max_retries.unwrap_or(base.max_retries),
        initial_backoff: initial_backoff.unwrap_or(base.initial_backoff),
        max_backoff: max_backoff.unwrap_or(base.max_backoff),
    }
}

/// The Iamport (PortOne V1) client. Safe to share between threads and coroutines: one connection
/// pool and one access token for every call.
#[derive(Debug, uniffi::Object)]
#[uniffi::export(Debug)]
pub struct Client {
    inner: iamport_subscribe::Client,
    // The retry policy in force (core does not expose it), so that `with_options` can change one
    // field of it and keep the others.
    retry: RetryPolicy,
}

#[uniffi::export(async_runtime = "tokio")]
impl Client {
    /// A client with these options; a bad option is `InvalidRequest` naming it.
    #[uniffi::constructor]
    pub fn new(options: ClientOptions) -> Result<Arc<Self>, IamportError> {
        Self::build(options, None)
    }

    /// A client that takes its access tokens from `token_provider` instead of fetching them with
    /// a key and secret (leave `imp_key` and `imp_secret` unset in `options`): what an app on a
    /// device uses, so that the secret stays on the merchant's server.
    #[uniffi::constructor]
    pub fn with_token_provider(
        token_provider: Arc<dyn TokenProvider>,
        options: ClientOptions,
    ) -> Result<Arc<Self>, IamportError> {
        Self::build(options, Some(token_provider))
    }

    /// A client from `IAMPORT_IMP_KEY`, `IAMPORT_IMP_SECRET` and optional `IAMPORT_BASE_URL`.
    #[uniffi::constructor]
    pub fn from_env() -> Result<Arc<Self>, IamportError> {
        Ok(Arc::new(Client {
            inner: iamport_subscribe::Client::from_env()?,
            retry: RetryPolicy::default(),
        }))
    }

    /// The same client (same connections and access token) with these per-call settings; unset
    /// ones keep this client's. E.g. `with_options(RequestOptions { max_retries: Some(0), .. })`
    /// sends each request once.
    /// A bad setting is `InvalidRequest` naming it.
    pub fn with_options(&self, options: RequestOptions) -> Result<Arc<Self>, IamportError> {
        let retry = retry_policy(
            &self.retry,
            options.max_retries,
            options.initial_backoff,
            options.max_backoff,
        );
        Ok(Arc::new(Client {
            inner: self.inner.with_options(iamport_subscribe::RequestOptions {
                timeout: options.timeout,
                retry: Some(retry.clone()),
            })?,
            retry,
        }))
    }

    /// The API this client talks to.
    pub fn base_url(&self) -> String {
        self.inner.base_url().to_owned()
    }

    /// Key-in payment (`POST /subscribe/payments/onetime`); with `customer_uid` the card is also
    /// stored as a billing key. A declined card is `CardDeclined`, never a result.
    pub async fn pay_onetime(&self, request: PayOnetimeRequest) -> Result<Payment, IamportError> {
        Ok(self.inner.pay_onetime(&request).await?)
    }

    /// Issue (or replace) the billing key `customer_uid`.
    pub async fn issue_billing_key(
        &self,
        request: IssueBillingKeyRequest,
    ) -> Result<BillingKey, IamportError> {
        Ok(self.inner.issue_billing_key(&request).await?)
    }

    /// The billing key stored under `customer_uid`.
    pub async fn get_billing_key(&self, customer_uid: String) -> Result<BillingKey, IamportError> {
        Ok(self.inner.get_billing_key(&customer_uid).await?)
    }

    /// Delete the billing key `customer_uid`; returns what was deleted.
    #[uniffi::method(default(reason = None))]
    pub async fn delete_billing_key(
        &self,
        customer_uid: String,
        reason: Option<String>,
    ) -> Result<BillingKey, IamportError> {
        Ok(self
            .inner
            .delete_billing_key(&customer_uid, reason.as_deref())
            .await?)
    }

    /// Charge the billing key `customer_uid` (`POST /subscribe/payments/again`). A declined card
    /// is `CardDeclined`, never a result.
    pub async fn pay_again(&self, request: PayAgainRequest) -> Result<Payment, IamportError> {
        Ok(self.inner.pay_again(&request).await?)
    }

    /// One payment by `imp_uid`.
    pub async fn get_payment(&self, imp_uid: String) -> Result<Payment, IamportError> {
        Ok(self.inner.get_payment(&imp_uid).await?)
    }

    /// The most recent attempt for `merchant_uid`, optionally only in `status`.
    #[uniffi::method(default(status = None))]
    pub async fn find_payment(
        &self,
        merchant_uid: String,
        status: Option<PaymentStatus>,
    ) -> Result<Payment, IamportError> {
        Ok(self
            .inner
            .find_payment(&merchant_uid, status.as_ref())
            .await?)
    }

    /// Every attempt recorded under `merchant_uid`, most recent first (empty when none).
    #[uniffi::method(default(status = None))]
    pub async fn find_all_payments(
        &self,
        merchant_uid: String,
        status: Option<PaymentStatus>,
    ) -> Result<Vec<Payment>, IamportError> {
        Ok(self
            .inner
            .find_all_payments(&merchant_uid, status.as_ref())
            .await?)
    }

    /// Refund a payment fully or partly; pass `checksum` to make a repeated partial refund safe.
    pub async fn cancel_payment(
        &self,
        request: CancelPaymentRequest,
    ) -> Result<Payment, IamportError> {
        Ok(self.inner.cancel_payment(&request).await?)
    }

    /// Fetches (or reuses) an access token: a cheap check of the credentials.
    pub async fn check_credentials(&self) -> Result<(), IamportError> {
        Ok(self.inner.check_credentials().await?)
    }

    /// Schedule future charges of `customer_uid`'s billing key (with `card`, a new key is issued
    /// first). Each result is a charge waiting for its time; its outcome arrives by webhook.
    pub async fn schedule(&self, request: ScheduleRequest) -> Result<Vec<Schedule>, IamportError> {
        Ok(self.inner.schedule(&request).await?)
    }

    /// Revoke the listed scheduled charges (optionally only those of `customer_uid`). An empty
    /// list is `InvalidRequest`: revoking everything of a customer is `unschedule_all`.
    #[uniffi::method(default(customer_uid = None))]
    pub async fn unschedule(
        &self,
        merchant_uids: Vec<String>,
        customer_uid: Option<String>,
    ) -> Result<Vec<Schedule>, IamportError> {
        Ok(self
            .inner
            .unschedule(customer_uid.as_deref(), &merchant_uids)
            .await?)
    }

    /// Revoke every pending scheduled charge of `customer_uid`.
    pub async fn unschedule_all(
        &self,
        customer_uid: String,
    ) -> Result<Vec<Schedule>, IamportError> {
        Ok(self.inner.unschedule_all(&customer_uid).await?)
    }

    /// One scheduled charge.
    pub async fn get_schedule(&self, merchant_uid: String) -> Result<Schedule, IamportError> {
        Ok(self.inner.get_schedule(&merchant_uid).await?)
    }

    /// Move a pending scheduled charge to `schedule_at` (unix seconds).
    pub async fn update_schedule(
        &self,
        merchant_uid: String,
        schedule_at: Timestamp,
    ) -> Result<Schedule, IamportError> {
        Ok(self
            .inner
            .update_schedule(&merchant_uid, schedule_at)
            .await?)
    }

    /// Schedule a failed or revoked charge again, at `schedule_at` (unix seconds).
    pub async fn reschedule(
        &self,
        merchant_uid: String,
        schedule_at: Timestamp,
    ) -> Result<Schedule, IamportError> {
        Ok(self.inner.reschedule(&merchant_uid, schedule_at).await?)
    }

    /// Charge a failed or revoked scheduled charge now. A declined card is `CardDeclined`.
    pub async fn retry_schedule(&self, merchant_uid: String) -> Result<Payment, IamportError> {
        Ok(self.inner.retry_schedule(&merchant_uid).await?)
    }

    /// One page of all scheduled charges with `schedule_at` in `[from, to)` (unix seconds),
    /// newest first; `limit` is 1 to 1000. Read `next` for the following page (null on the last).
    #[uniffi::method(default(status = None, page = 1, limit = 1000))]
    pub async fn list_schedules_page(
        &self,
        from: Timestamp,
        to: Timestamp,
        status: Option<ScheduleStatus>,
        page: u32,
        limit: u32,
    ) -> Result<SchedulePage, IamportError> {
        Ok(self
            .inner
            .list_schedules_page(from, to, status.as_ref(), page, limit)
            .await?)
    }

    /// One page of a customer's scheduled charges in `[from, to)`, newest first.
    #[uniffi::method(default(status = None, page = 1))]
    pub async fn list_schedules_by_customer_page(
        &self,
        customer_uid: String,
        from: Timestamp,
        to: Timestamp,
        status: Option<ScheduleStatus>,
        page: u32,
    ) -> Result<SchedulePage, IamportError> {
        Ok(self
            .inner
            .list_schedules_by_customer_page(&customer_uid, from, to, status.as_ref(), page)
            .await?)
    }

    /// One page (20 payments) of the payments made with a billing key, newest first; an unknown
    /// key gives an empty page.
    #[uniffi::method(default(page = 1))]
    pub async fn list_customer_payments_page(
        &self,
        customer_uid: String,
        page: u32,
    ) -> Result<PaymentPage, IamportError> {
        Ok(self
            .inner
            .list_customer_payments_page(&customer_uid, page)
            .await?)
    }

    /// One page of the payments in `status` (null: every status) found in `[from, to]` (unix
    /// seconds, both inclusive, at most 90 days apart); `limit` is 1 to 1000. `list_payments`
    /// takes any range and reads every page.
    #[uniffi::method(default(status = None, sorting = None, page = 1, limit = 1000))]
    pub async fn list_payments_page(
        &self,
        status: Option<PaymentStatus>,
        from: Timestamp,
        to: Timestamp,
        sorting: Option<PaymentSorting>,
        page: u32,
        limit: u32,
    ) -> Result<PaymentPage, IamportError> {
        Ok(self
            .inner
            .list_payments_page(status.as_ref(), from, to, sorting, page, limit)
            .await?)
    }

    /// Every payment in `status` (null: every status) found in `[from, to]` (unix seconds, both
    /// inclusive; `to` defaults to the API's now, `from` to 90 days before `to`), in the order of
    /// `sorting` (default `-started`). Any range: one longer than the API's 90 days is read as
    /// consecutive windows. The cursor behind Kotlin's `listPayments` Flow and Swift's
    /// `listPayments` stream (use those): it requests nothing until read, and bad arguments throw
    /// from the first read, before anything is sent.
    #[uniffi::method(default(status = None, from = None, to = None, sorting = None))]
    pub fn list_payments_cursor(
        &self,
        status: Option<PaymentStatus>,
        from: Option<Timestamp>,
        to: Option<Timestamp>,
        sorting: Option<PaymentSorting>,
    ) -> Arc<PaymentListing> {
        Arc::new(PaymentListing::new(
            self.inner.list_payments_in_pages(status, from, to, sorting),
        ))
    }

    /// Several billing keys at once; ids without a key are listed in `missing`.
    pub async fn get_billing_keys(
        &self,
        customer_uids: Vec<String>,
    ) -> Result<FoundBillingKeys, IamportError> {
        Ok(self.inner.get_billing_keys(&customer_uids).await?.into())
    }

    /// Several payments by `imp_uid` at once (at most 100); unknown ids are listed in `missing`.
    pub async fn get_payments(&self, imp_uids: Vec<String>) -> Result<FoundPayments, IamportError> {
        Ok(self.inner.get_payments(&imp_uids).await?.into())
    }

    /// Verifies a webhook body (JSON or form-encoded, as `content_type` says): fetches the
    /// payment by its `imp_uid` and checks its `merchant_uid`. A body that does not parse or lacks
    /// a field is `InvalidRequest` naming it (nothing sent), an unknown payment `NotFound`, a
    /// mismatched `merchant_uid` `InvalidRequest` on `merchant_uid`. Deduplicate deliveries on
    /// (`payment.imp_uid`, `reported_status`).
    pub async fn verify_webhook(
        &self,
        body: Vec<u8>,
        content_type: String,
    ) -> Result<VerifiedWebhook, IamportError> {
        Ok(self.inner.verify_webhook(&body, &content_type).await?)
    }
}
