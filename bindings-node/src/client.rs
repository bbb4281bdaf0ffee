//! The client: one core `Client` per JS client; every call runs on napi's tokio runtime and
//! settles its promise with an outcome (result or error data), so the JS thread never waits on
//! the network.

use crate::input::{self, CancelPaymentRequest, ClientOptions, IssueBillingKeyRequest};
use crate::input::{ListSchedulesOptions, PayAgainRequest, PayOnetimeRequest};
use crate::input::{RequestOptions, ScheduleRequest, UnscheduleOptions};
use crate::output::{
    self, BillingKeyOutcome, EmptyOutcome, FoundBillingKeysOutcome, FoundPaymentsOutcome,
    NativeError, PaymentListOutcome, PaymentOutcome, PaymentPageOutcome, ScheduleListOutcome,
    ScheduleOutcome, SchedulePageOutcome, VerifiedWebhookOutcome,
};
use iamport_subscribe as core;
use iamport_subscribe::Result;
use napi::bindgen_prelude::{Either, Env, PromiseRaw, ToNapiValue, Unknown};
use napi_derive::napi;
use std::future::Future;

/// Page size of `listSchedules` (the API's largest).
const SCHEDULE_PAGE_SIZE: u32 = 1000;

/// The native half of the package's `Client`; use `Client` instead.
#[napi]
#[derive(Debug)]
pub struct NativeClient {
    inner: core::Client,
    /// The retry policy `inner` uses (core does not tell it), so that `with_options` can
    /// replace only the settings given.
    retry: core::RetryPolicy,
}

/// Creates a client, or says which setting is wrong.
#[napi(
    catch_unwind,
    async_runtime,
    ts_args_type = "options: ClientOptions",
    ts_return_type = "NativeClient | NativeError"
)]
pub fn create_client(options: Option<Unknown<'_>>) -> Either<NativeClient, NativeError> {
    built(ClientOptions::read(options, false).and_then(|o| o.apply(core::Client::builder())))
}

/// Creates a client from `IAMPORT_IMP_KEY`, `IAMPORT_IMP_SECRET` and (optional)
/// `IAMPORT_BASE_URL`, with further settings from `options`.
#[napi(
    catch_unwind,
    async_runtime,
    ts_args_type = "options?: Omit<ClientOptions, 'impKey' | 'impSecret' | 'baseUrl'>",
    ts_return_type = "NativeClient | NativeError"
)]
pub fn create_client_from_env(options: Option<Unknown<'_>>) -> Either<NativeClient, NativeError> {
    built(
        ClientOptions::read(options, true)
            .and_then(|o| core::Client::builder_from_env().and_then(|b| o.apply(b))),
    )
}

fn built(
    builder: Result<(core::ClientBuilder, core::RetryPolicy)>,
) -> Either<NativeClient, NativeError> {
    // `build` creates the connection pool, which belongs to the runtime (`async_runtime` above).
    match builder.and_then(|(b, retry)| {
        Ok(NativeClient {
            inner: b.build()?,
            retry,
        })
    }) {
        Ok(client) => Either::A(client),
        Err(e) => Either::B(e.into()),
    }
}

/// Runs `call` on the runtime, unless the arguments were already refused: a refusal settles the
/// promise the same way as core's own validation errors do, and nothing is sent.
fn settle<'env, A, R, O, F, Fut>(
    env: &'env Env,
    args: Result<A>,
    call: F,
) -> napi::Result<PromiseRaw<'env, O>>
where
    A: Send + 'static,
    F: FnOnce(A) -> Fut + Send + 'static,
    Fut: Future<Output = Result<R>> + Send + 'static,
    O: From<Result<R>> + ToNapiValue + Send + 'static,
{
    env.spawn_future(async move {
        let result = match args {
            Ok(args) => call(args).await,
            Err(e) => Err(e),
        };
        Ok(O::from(result))
    })
}

#[napi]
impl NativeClient {
    /// The API this client talks to.
    #[napi(catch_unwind)]
    pub fn base_url(&self) -> String {
        self.inner.base_url().to_owned()
    }

    /// The same client (same connections and access token) with the settings given replaced.
    #[napi(
        catch_unwind,
        ts_args_type = "options: RequestOptions",
        ts_return_type = "NativeClient | NativeError"
    )]
    pub fn with_options(&self, options: Option<Unknown<'_>>) -> Either<NativeClient, NativeError> {
        let read = RequestOptions::read(options, &self.retry).and_then(|(options, retry)| {
            Ok(NativeClient {
                inner: self.inner.with_options(options)?,
                retry,
            })
        });
        match read {
            Ok(client) => Either::A(client),
            Err(e) => Either::B(e.into()),
        }
    }

    #[napi(catch_unwind, ts_args_type = "request: PayOnetimeRequest")]
    pub fn pay_onetime<'env>(
        &self,
        env: &'env Env,
        request: Unknown<'env>,
    ) -> napi::Result<PromiseRaw<'env, PaymentOutcome>> {
        let client = self.inner.clone();
        settle(env, PayOnetimeRequest::read(request), move |r| async move {
            client.pay_onetime(&r).await
        })
    }

    #[napi(catch_unwind, ts_args_type = "request: IssueBillingKeyRequest")]
    pub fn issue_billing_key<'env>(
        &self,
        env: &'env Env,
        request: Unknown<'env>,
    ) -> napi::Result<PromiseRaw<'env, BillingKeyOutcome>> {
        let client = self.inner.clone();
        settle(
            env,
            IssueBillingKeyRequest::read(request),
            move |r| async move { client.issue_billing_key(&r).await },
        )
    }

    #[napi(catch_unwind, ts_args_type = "customerUid: string")]
    pub fn get_billing_key<'env>(
        &self,
        env: &'env Env,
        customer_uid: Option<Unknown<'env>>,
    ) -> napi::Result<PromiseRaw<'env, BillingKeyOutcome>> {
        let client = self.inner.clone();
        let args = input::id("customer_uid", customer_uid);
        settle(env, args, move |uid| async move {
            client.get_billing_key(&uid).await
        })
    }

    #[napi(catch_unwind, ts_args_type = "customerUid: string, reason?: string")]
    pub fn delete_billing_key<'env>(
        &self,
        env: &'env Env,
        customer_uid: Option<Unknown<'env>>,
        reason: Option<Unknown<'env>>,
    ) -> napi::Result<PromiseRaw<'env, BillingKeyOutcome>> {
        let client = self.inner.clone();
        let args = input::id("customer_uid", customer_uid)
            .and_then(|uid| Ok((uid, input::opt_id("reason", reason)?)));
        settle(env, args, move |(uid, reason)| async move {
            client.delete_billing_key(&uid, reason.as_deref()).await
        })
    }

    #[napi(catch_unwind, ts_args_type = "request: PayAgainRequest")]
    pub fn pay_again<'env>(
        &self,
        env: &'env Env,
        request: Unknown<'env>,
    ) -> napi::Result<PromiseRaw<'env, PaymentOutcome>> {
        let client = self.inner.clone();
        settle(env, PayAgainRequest::read(request), move |r| async move {
            client.pay_again(&r).await
        })
    }

    #[napi(catch_unwind, ts_args_type = "impUid: string")]
    pub fn get_payment<'env>(
        &self,
        env: &'env Env,
        imp_uid: Option<Unknown<'env>>,
    ) -> napi::Result<PromiseRaw<'env, PaymentOutcome>> {
        let client = self.inner.clone();
        settle(env, input::id("imp_uid", imp_uid), move |uid| async move {
            client.get_payment(&uid).await
        })
    }

    #[napi(
        catch_unwind,
        ts_args_type = "merchantUid: string, status?: Payment['status']"
    )]
    pub fn find_payment<'env>(
        &self,
        env: &'env Env,
        merchant_uid: Option<Unknown<'env>>,
        status: Option<Unknown<'env>>,
    ) -> napi::Result<PromiseRaw<'env, PaymentOutcome>> {
        let client = self.inner.clone();
        let args = input::id("merchant_uid", merchant_uid)
            .and_then(|uid| Ok((uid, input::opt_status(status)?)));
        settle(env, args, move |(uid, status)| async move {
            client.find_payment(&uid, status.as_ref()).await
        })
    }

    #[napi(
        catch_unwind,
        ts_args_type = "merchantUid: string, status?: Payment['status']"
    )]
    pub fn find_all_payments<'env>(
        &self,
        env: &'env Env,
        merchant_uid: Option<Unknown<'env>>,
        status: Option<Unknown<'env>>,
    ) -> napi::Result<PromiseRaw<'env, PaymentListOutcome>> {
        let client = self.inner.clone();
        let args = input::id("merchant_uid", merchant_uid)
            .and_then(|uid| Ok((uid, input::opt_status(status)?)));
        settle(env, args, move |(uid, status)| async move {
            client.find_all_payments(&uid, status.as_ref()).await
        })
    }

    #[napi(catch_unwind, ts_args_type = "request: CancelPaymentRequest")]
    pub fn cancel_payment<'env>(
        &self,
        env: &'env Env,
        request: Unknown<'env>,
    ) -> napi::Result<PromiseRaw<'env, PaymentOutcome>> {
        let client = self.inner.clone();
        settle(
            env,
            CancelPaymentRequest::read(request),
            move |r| async move { client.cancel_payment(&r).await },
        )
    }

    #[napi(catch_unwind, ts_args_type = "request: ScheduleRequest")]
    pub fn schedule<'env>(
        &self,
        env: &'env Env,
        request: Unknown<'env>,
    ) -> napi::Result<PromiseRaw<'env, ScheduleListOutcome>> {
        let client = self.inner.clone();
        settle(env, ScheduleRequest::read(request), move |r| async move {
            client.schedule(&r).await
        })
    }

    #[napi(
        catch_unwind,
        ts_args_type = "merchantUids: string[], options?: UnscheduleOptions"
    )]
    pub fn unschedule<'env>(
        &self,
        env: &'env Env,
        merchant_uids: Option<Unknown<'env>>,
        options: Option<Unknown<'env>>,
    ) -> napi::Result<PromiseRaw<'env, ScheduleListOutcome>> {
        let client = self.inner.clone();
        let args = input::strings("merchant_uids", merchant_uids)
            .and_then(|uids| Ok((uids, UnscheduleOptions::read(options)?)));
        settle(env, args, move |(uids, options)| async move {
            client
                .unschedule(options.customer_uid.as_deref(), &uids)
                .await
        })
    }

    #[napi(catch_unwind, ts_args_type = "customerUid: string")]
    pub fn unschedule_all<'env>(
        &self,
        env: &'env Env,
        customer_uid: Option<Unknown<'env>>,
    ) -> napi::Result<PromiseRaw<'env, ScheduleListOutcome>> {
        let client = self.inner.clone();
        let args = input::id("customer_uid", customer_uid);
        settle(env, args, move |uid| async move {
            client.unschedule_all(&uid).await
        })
    }

    #[napi(catch_unwind, ts_args_type = "merchantUid: string")]
    pub fn get_schedule<'env>(
        &self,
        env: &'env Env,
        merchant_uid: Option<Unknown<'env>>,
    ) -> napi::Result<PromiseRaw<'env, ScheduleOutcome>> {
        let client = self.inner.clone();
        let args = input::id("merchant_uid", merchant_uid);
        settle(env, args, move |uid| async move {
            client.get_schedule(&uid).await
        })
    }

    #[napi(
        catch_unwind,
        ts_args_type = "merchantUid: string, scheduleAt: Date | number"
    )]
    pub fn update_schedule<'env>(
        &self,
        env: &'env Env,
        merchant_uid: Option<Unknown<'env>>,
        schedule_at: Option<Unknown<'env>>,
    ) -> napi::Result<PromiseRaw<'env, ScheduleOutcome>> {
        let client = self.inner.clone();
        let args = input::id("merchant_uid", merchant_uid)
            .and_then(|uid| Ok((uid, input::required_timestamp("schedule_at", schedule_at)?)));
        settle(env, args, move |(uid, at)| async move {
            client.update_schedule(&uid, at).await
        })
    }

    #[napi(
        catch_unwind,
        ts_args_type = "merchantUid: string, scheduleAt: Date | number"
    )]
    pub fn reschedule<'env>(
        &self,
        env: &'env Env,
        merchant_uid: Option<Unknown<'env>>,
        schedule_at: Option<Unknown<'env>>,
    ) -> napi::Result<PromiseRaw<'env, ScheduleOutcome>> {
        let client = self.inner.clone();
        let args = input::id("merchant_uid", merchant_uid)
            .and_then(|uid| Ok((uid, input::required_timestamp("schedule_at", schedule_at)?)));
        settle(env, args, move |(uid, at)| async move {
            client.reschedule(&uid, at).await
        })
    }

    #[napi(catch_unwind, ts_args_type = "merchantUid: string")]
    pub fn retry_schedule<'env>(
        &self,
        env: &'env Env,
        merchant_uid: Option<Unknown<'env>>,
    ) -> napi::Result<PromiseRaw<'env, PaymentOutcome>> {
        let client = self.inner.clone();
        let args = input::id("merchant_uid", merchant_uid);
        settle(env, args, move |uid| async move {
            client.retry_schedule(&uid).await
        })
    }

    /// One page (1-based) of every schedule in `[from, to)`, 1000 a page.
    #[napi(
        catch_unwind,
        ts_args_type = "options: ListSchedulesOptions, page: number"
    )]
    pub fn list_schedules_page<'env>(
        &self,
        env: &'env Env,
        options: Option<Unknown<'env>>,
        page: u32,
    ) -> napi::Result<PromiseRaw<'env, SchedulePageOutcome>> {
        let client = self.inner.clone();
        let args = ListSchedulesOptions::read(options);
        settle(env, args, move |o| async move {
            client
                .list_schedules_page(o.from, o.to, o.status.as_ref(), page, SCHEDULE_PAGE_SIZE)
                .await
        })
    }

    /// One page (1-based) of a customer's schedules in `[from, to)`.
    #[napi(
        catch_unwind,
        ts_args_type = "customerUid: string, options: ListSchedulesOptions, page: number"
    )]
    pub fn list_schedules_by_customer_page<'env>(
        &self,
        env: &'env Env,
        customer_uid: Option<Unknown<'env>>,
        options: Option<Unknown<'env>>,
        page: u32,
    ) -> napi::Result<PromiseRaw<'env, SchedulePageOutcome>> {
        let client = self.inner.clone();
        let args = input::id("customer_uid", customer_uid)
            .and_then(|uid| Ok((uid, ListSchedulesOptions::read(options)?)));
        settle(env, args, move |(uid, o)| async move {
            client
                .list_schedules_by_customer_page(&uid, o.from, o.to, o.status.as_ref(), page)
                .await
        })
    }

    /// One page (1-based) of the payments made with a billing key, 20 a page.
    #[napi(catch_unwind, ts_args_type = "customerUid: string, page: number")]
    pub fn list_customer_payments_page<'env>(
        &self,
        env: &'env Env,
        customer_uid: Option<Unknown<'env>>,
        page: u32,
    ) -> napi::Result<PromiseRaw<'env, PaymentPageOutcome>> {
        let client = self.inner.clone();
        let args = input::id("customer_uid", customer_uid);
        settle(env, args, move |uid| async move {
            client.list_customer_payments_page(&uid, page).await
        })
    }

    #[napi(catch_unwind, ts_args_type = "customerUids: string[]")]
    pub fn get_billing_keys<'env>(
        &self,
        env: &'env Env,
        customer_uids: Option<Unknown<'env>>,
    ) -> napi::Result<PromiseRaw<'env, FoundBillingKeysOutcome>> {
        let client = self.inner.clone();
        let args = input::strings("customer_uids", customer_uids);
        settle(env, args, move |uids| async move {
            client.get_billing_keys(&uids).await
        })
    }

    #[napi(catch_unwind, ts_args_type = "impUids: string[]")]
    pub fn get_payments<'env>(
        &self,
        env: &'env Env,
        imp_uids: Option<Unknown<'env>>,
    ) -> napi::Result<PromiseRaw<'env, FoundPaymentsOutcome>> {
        let client = self.inner.clone();
        let args = input::strings("imp_uids", imp_uids);
        settle(env, args, move |uids| async move {
            client.get_payments(&uids).await
        })
    }

    /// Parses a webhook body, fetches the payment by its `imp_uid` and checks its
    /// `merchant_uid`.
    #[napi(
        catch_unwind,
        ts_args_type = "body: string | Buffer, contentType: string"
    )]
    pub fn verify_webhook<'env>(
        &self,
        env: &'env Env,
        body: Option<Unknown<'env>>,
        content_type: Option<Unknown<'env>>,
    ) -> napi::Result<PromiseRaw<'env, VerifiedWebhookOutcome>> {
        let client = self.inner.clone();
        let args = input::bytes("body", body).and_then(|body| {
            let content_type = match input::given(content_type) {
                Some(v) => input::string("content_type", v)?,
                None => return Err(output::invalid("content_type", "is required")),
            };
            Ok((body, content_type))
        });
        settle(env, args, move |(body, content_type)| async move {
            client.verify_webhook(&body, &content_type).await
        })
    }

    /// Fetches (or reuses) an access token: a cheap way to check the credentials.
    #[napi(catch_unwind)]
    pub fn check_credentials<'env>(
        &self,
        env: &'env Env,
    ) -> napi::Result<PromiseRaw<'env, EmptyOutcome>> {
        let client = self.inner.clone();
        settle(env, Ok(()), move |()| async move {
            client.check_credentials().await
        })
    }
}
