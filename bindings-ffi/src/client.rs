//! The client object: core's `Client` behind an `Arc`, every operation as an async export.

use crate::IamportError;
use iamport_subscribe::secret::ImpSecret;
use iamport_subscribe::{
    BillingKey, CancelPaymentRequest, IssueBillingKeyRequest, PayAgainRequest, PayOnetimeRequest,
    Payment, PaymentStatus,
};
use std::sync::Arc;
use std::time::Duration;

/// Client configuration. `imp_secret` prints as a mask.
#[derive(Debug, Clone, uniffi::Record)]
pub struct ClientOptions {
    /// The REST API key (`imp_key`).
    pub imp_key: String,
    /// The REST API secret (`imp_secret`).
    pub imp_secret: ImpSecret,
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
}

/// The Iamport (PortOne V1) client. Safe to share between threads and coroutines: one connection
/// pool and one access token for every call.
#[derive(Debug, uniffi::Object)]
#[uniffi::export(Debug)]
pub struct Client {
    inner: iamport_subscribe::Client,
}

#[uniffi::export(async_runtime = "tokio")]
impl Client {
    /// A client with these options; a bad option is `InvalidRequest` naming it.
    #[uniffi::constructor]
    pub fn new(options: ClientOptions) -> Result<Arc<Self>, IamportError> {
        let mut builder = iamport_subscribe::Client::builder()
            .imp_key(options.imp_key)
            .imp_secret(options.imp_secret);
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
        Ok(Arc::new(Client {
            inner: builder.build()?,
        }))
    }

    /// A client from `IAMPORT_IMP_KEY`, `IAMPORT_IMP_SECRET` and optional `IAMPORT_BASE_URL`.
    #[uniffi::constructor]
    pub fn from_env() -> Result<Arc<Self>, IamportError> {
        Ok(Arc::new(Client {
            inner: iamport_subscribe::Client::from_env()?,
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
}
