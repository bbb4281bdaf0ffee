//! The client: one core `Client` per JS client; every call runs on napi's tokio runtime and
//! settles its promise with an outcome (`{ value, error }`), so the JS thread never waits on the
//! network and an error keeps its data.
//!
//! Each method reads its arguments with `convert::read` (by the request's shape), calls core, and
//! writes the result with `convert::write` (by the result's shape): no field is named here.

use crate::convert::{self, given, invalid};
use crate::error::NativeError;
use crate::options::{
    ClientOptions, FOUND_BILLING_KEYS, FOUND_PAYMENTS, ListSchedulesOptions, RequestOptions,
    UnscheduleOptions,
};
use iamport_subscribe as core;
use iamport_subscribe::shape::{Shape, Ty};
use iamport_subscribe::{PaymentStatus, Result};
use napi::bindgen_prelude::{
    BufferSlice, Either, Env, FromNapiValue, Null, Object, PromiseRaw, ToNapiValue, Unknown,
};
use napi::{JsValue, ValueType};
use napi_derive::napi;
use serde::Serialize;
use std::future::Future;

/// Page size of `listSchedules` (the API's largest).
const SCHEDULE_PAGE_SIZE: u32 = 1000;

/// An error as the JS object the package's `fromNative` reads.
pub(crate) fn error_value<'env>(env: &'env Env, e: core::Error) -> napi::Result<Unknown<'env>> {
    convert::write(env, &NativeError::from(e), NativeError::SHAPE)
}

/// A result as `{ value, error }`: the value written by `shape`, or the error as data.
pub(crate) fn outcome<'env, R: Serialize>(
    env: &'env Env,
    result: Result<R>,
    shape: &'static Ty,
) -> napi::Result<Unknown<'env>> {
    let mut object = Object::new(env)?;
    match result {
        Ok(value) => {
            object.set("value", convert::write(env, &value, shape)?)?;
            object.set("error", Null)?;
        }
        Err(e) => {
            object.set("value", Null)?;
            object.set("error", error_value(env, e)?)?;
        }
    }
    Ok(object.to_unknown())
}

/// Runs `call` on the runtime, unless the arguments were already refused: a refusal settles the
/// promise the same way as core's own validation errors do, and nothing is sent.
fn settle<'env, A, R, F, Fut>(
    env: &'env Env,
    args: Result<A>,
    shape: &'static Ty,
    call: F,
) -> napi::Result<PromiseRaw<'env, Unknown<'env>>>
where
    A: Send + 'static,
    R: Serialize + Send + 'static,
    F: FnOnce(A) -> Fut + Send + 'static,
    Fut: Future<Output = Result<R>> + Send + 'static,
{
    env.spawn_future_with_callback(
        async move {
            Ok(match args {
                Ok(args) => call(args).await,
                Err(e) => Err(e),
            })
        },
        move |env, result| outcome(env, result, shape),
    )
}

/// A required string argument (`customerUid`, `impUid`, ...).
fn id(field: &str, value: Option<Unknown<'_>>) -> Result<String> {
    let value = given(value).ok_or_else(|| invalid(field, "is required"))?;
    convert::string(field, value)
}

/// An optional string argument.
fn opt_id(field: &str, value: Option<Unknown<'_>>) -> Result<Option<String>> {
    given(value).map(|v| convert::string(field, v)).transpose()
}

/// A list of ids; a bad item is named `field[i]`.
fn ids(field: &str, value: Option<Unknown<'_>>) -> Result<Vec<String>> {
    let value = given(value).ok_or_else(|| invalid(field, "is required"))?;
    if !(value.get_type().ok() == Some(ValueType::Object) && value.is_array().unwrap_or(false)) {
        return Err(invalid(field, "must be an array of strings"));
    }
    let items = napi::bindgen_prelude::Array::from_unknown(value)
        .map_err(|e| invalid(field, format!("could not be read ({})", e.reason)))?;
    (0..items.len())
        .map(|i| {
            let item: Option<Unknown<'_>> = items
                .get(i)
                .map_err(|e| invalid(field, format!("could not be read ({})", e.reason)))?;
            let name = format!("{field}[{i}]");
            let item = given(item).ok_or_else(|| invalid(&name, "must be a string"))?;
            convert::string(&name, item)
        })
        .collect()
}

/// A required point in time (`scheduleAt`).
fn at(field: &str, value: Option<Unknown<'_>>) -> Result<core::Timestamp> {
    let value = given(value).ok_or_else(|| invalid(field, "is required"))?;
    convert::timestamp(field, value)
}

/// A listing's window: `from` is the first thing missing when nothing is given.
fn list_options(value: Option<Unknown<'_>>) -> Result<ListSchedulesOptions> {
    let value = given(value).ok_or_else(|| invalid("from", "is required"))?;
    convert::read::<ListSchedulesOptions>(Some(value), "options", "")
}

/// An optional payment status filter.
fn status(value: Option<Unknown<'_>>) -> Result<Option<PaymentStatus>> {
    Ok(opt_id("status", value)?.map(PaymentStatus::from))
}

/// Bytes: a string (as UTF-8) or a `Buffer`.
fn bytes(field: &str, value: Option<Unknown<'_>>) -> Result<Vec<u8>> {
    let value = given(value).ok_or_else(|| invalid(field, "is required"))?;
    if value.is_buffer().unwrap_or(false) {
        let buffer = BufferSlice::from_unknown(value)
            .map_err(|e| invalid(field, format!("could not be read ({})", e.reason)))?;
        return Ok(buffer.to_vec());
    }
    convert::string(field, value)
        .map(String::into_bytes)
        .map_err(|_| invalid(field, "must be a string or a Buffer"))
}

/// The native half of the package's `Client`; use `Client` instead.
#[napi]
#[derive(Debug)]
pub struct NativeClient {
    inner: core::Client,
    /// The retry policy `inner` uses (core does not tell it), so that `with_options` can
    /// replace only the settings given.
    retry: core::RetryPolicy,
}

/// A client, or the error object saying which setting is wrong.
fn built<'env>(
    env: &'env Env,
    builder: Result<(core::ClientBuilder, core::RetryPolicy)>,
) -> napi::Result<Either<NativeClient, Unknown<'env>>> {
    // `build` creates the connection pool, which belongs to the runtime (`async_runtime`).
    match builder.and_then(|(b, retry)| {
        Ok(NativeClient {
            inner: b.build()?,
            retry,
        })
    }) {
        Ok(client) => Ok(Either::A(client)),
        Err(e) => Ok(Either::B(error_value(env, e)?)),
    }
}

/// Creates a client, or says which setting is wrong.
#[napi(
    catch_unwind,
    async_runtime,
    ts_args_type = "options: ClientOptions",
    ts_return_type = "NativeClient | NativeError"
)]
pub fn create_client<'env>(
    env: &'env Env,
    options: Option<Unknown<'env>>,
) -> napi::Result<Either<NativeClient, Unknown<'env>>> {
    let options = given(options)
        .ok_or_else(|| invalid("impKey", "is required: new Client({ impKey, impSecret })"))
        .and_then(|o| convert::read::<ClientOptions>(Some(o), "options", ""));
    built(env, options.and_then(|o| o.apply(core::Client::builder())))
}

/// Creates a client from `IAMPORT_IMP_KEY`, `IAMPORT_IMP_SECRET` and (optional)
/// `IAMPORT_BASE_URL`, with further settings from `options`.
#[napi(
    catch_unwind,
    async_runtime,
    ts_args_type = "options?: Omit<ClientOptions, 'impKey' | 'impSecret' | 'baseUrl'>",
    ts_return_type = "NativeClient | NativeError"
)]
pub fn create_client_from_env<'env>(
    env: &'env Env,
    options: Option<Unknown<'env>>,
) -> napi::Result<Either<NativeClient, Unknown<'env>>> {
    let options = match given(options) {
        None => Ok(ClientOptions::default()),
        Some(o) => convert::read::<ClientOptions>(Some(o), "options", "").and_then(|o| {
            // The environment gives these.
            for (given, name) in [
                (o.imp_key.is_some(), "impKey"),
                (o.imp_secret.is_some(), "impSecret"),
                (o.base_url.is_some(), "baseUrl"),
            ] {
                if given {
                    return Err(invalid(
                        name,
                        "is not a field of ClientEnvOptions (the environment gives it)",
                    ));
                }
            }
            Ok(o)
        }),
    };
    built(
        env,
        options.and_then(|o| core::Client::builder_from_env().and_then(|b| o.apply(b))),
    )
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
    pub fn with_options<'env>(
        &self,
        env: &'env Env,
        options: Option<Unknown<'env>>,
    ) -> napi::Result<Either<NativeClient, Unknown<'env>>> {
        let read = given(options)
            .ok_or_else(|| {
                invalid(
                    "options",
                    "is required: client.withOptions({ timeoutMs, maxRetries, ... })",
                )
            })
            .and_then(|o| convert::read::<RequestOptions>(Some(o), "options", ""))
            .and_then(|o| o.apply(&self.retry));
        match read {
            Ok((options, retry)) => Ok(Either::A(NativeClient {
                inner: self.inner.with_options(options),
                retry,
            })),
            Err(e) => Ok(Either::B(error_value(env, e)?)),
        }
    }

    #[napi(
        catch_unwind,
        ts_args_type = "request: PayOnetimeRequest",
        ts_return_type = "Promise<Outcome<Payment>>"
    )]
    pub fn pay_onetime<'env>(
        &self,
        env: &'env Env,
        request: Option<Unknown<'env>>,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let client = self.inner.clone();
        let args = convert::read::<core::PayOnetimeRequest>(request, "request", "");
        settle(env, args, core::Payment::SHAPE, move |r| async move {
            client.pay_onetime(&r).await
        })
    }

    #[napi(
        catch_unwind,
        ts_args_type = "request: IssueBillingKeyRequest",
        ts_return_type = "Promise<Outcome<BillingKey>>"
    )]
    pub fn issue_billing_key<'env>(
        &self,
        env: &'env Env,
        request: Option<Unknown<'env>>,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let client = self.inner.clone();
        let args = convert::read::<core::IssueBillingKeyRequest>(request, "request", "");
        settle(env, args, core::BillingKey::SHAPE, move |r| async move {
            client.issue_billing_key(&r).await
        })
    }

    #[napi(
        catch_unwind,
        ts_args_type = "customerUid: string",
        ts_return_type = "Promise<Outcome<BillingKey>>"
    )]
    pub fn get_billing_key<'env>(
        &self,
        env: &'env Env,
        customer_uid: Option<Unknown<'env>>,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let client = self.inner.clone();
        let args = id("customerUid", customer_uid);
        settle(env, args, core::BillingKey::SHAPE, move |uid| async move {
            client.get_billing_key(&uid).await
        })
    }

    #[napi(
        catch_unwind,
        ts_args_type = "customerUid: string, reason?: string",
        ts_return_type = "Promise<Outcome<BillingKey>>"
    )]
    pub fn delete_billing_key<'env>(
        &self,
        env: &'env Env,
        customer_uid: Option<Unknown<'env>>,
        reason: Option<Unknown<'env>>,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let client = self.inner.clone();
        let args =
            id("customerUid", customer_uid).and_then(|uid| Ok((uid, opt_id("reason", reason)?)));
        settle(
            env,
            args,
            core::BillingKey::SHAPE,
            move |(uid, reason)| async move { client.delete_billing_key(&uid, reason.as_deref()).await },
        )
    }

    #[napi(
        catch_unwind,
        ts_args_type = "request: PayAgainRequest",
        ts_return_type = "Promise<Outcome<Payment>>"
    )]
    pub fn pay_again<'env>(
        &self,
        env: &'env Env,
        request: Option<Unknown<'env>>,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let client = self.inner.clone();
        let args = convert::read::<core::PayAgainRequest>(request, "request", "");
        settle(env, args, core::Payment::SHAPE, move |r| async move {
            client.pay_again(&r).await
        })
    }

    #[napi(
        catch_unwind,
        ts_args_type = "impUid: string",
        ts_return_type = "Promise<Outcome<Payment>>"
    )]
    pub fn get_payment<'env>(
        &self,
        env: &'env Env,
        imp_uid: Option<Unknown<'env>>,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let client = self.inner.clone();
        settle(
            env,
            id("impUid", imp_uid),
            core::Payment::SHAPE,
            move |uid| async move { client.get_payment(&uid).await },
        )
    }

    #[napi(
        catch_unwind,
        ts_args_type = "merchantUid: string, status?: Payment['status']",
        ts_return_type = "Promise<Outcome<Payment>>"
    )]
    pub fn find_payment<'env>(
        &self,
        env: &'env Env,
        merchant_uid: Option<Unknown<'env>>,
        status: Option<Unknown<'env>>,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let client = self.inner.clone();
        let args = id("merchantUid", merchant_uid).and_then(|uid| Ok((uid, self::status(status)?)));
        settle(
            env,
            args,
            core::Payment::SHAPE,
            move |(uid, status)| async move { client.find_payment(&uid, status.as_ref()).await },
        )
    }

    #[napi(
        catch_unwind,
        ts_args_type = "merchantUid: string, status?: Payment['status']",
        ts_return_type = "Promise<Outcome<Array<Payment>>>"
    )]
    pub fn find_all_payments<'env>(
        &self,
        env: &'env Env,
        merchant_uid: Option<Unknown<'env>>,
        status: Option<Unknown<'env>>,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let client = self.inner.clone();
        let args = id("merchantUid", merchant_uid).and_then(|uid| Ok((uid, self::status(status)?)));
        settle(
            env,
            args,
            <Vec<core::Payment>>::SHAPE,
            move |(uid, status)| async move { client.find_all_payments(&uid, status.as_ref()).await },
        )
    }

    #[napi(
        catch_unwind,
        ts_args_type = "request: CancelPaymentRequest",
        ts_return_type = "Promise<Outcome<Payment>>"
    )]
    pub fn cancel_payment<'env>(
        &self,
        env: &'env Env,
        request: Option<Unknown<'env>>,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let client = self.inner.clone();
        let args = convert::read::<core::CancelPaymentRequest>(request, "request", "");
        settle(env, args, core::Payment::SHAPE, move |r| async move {
            client.cancel_payment(&r).await
        })
    }

    #[napi(
        catch_unwind,
        ts_args_type = "request: ScheduleRequest",
        ts_return_type = "Promise<Outcome<Array<Schedule>>>"
    )]
    pub fn schedule<'env>(
        &self,
        env: &'env Env,
        request: Option<Unknown<'env>>,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let client = self.inner.clone();
        let args = convert::read::<core::ScheduleRequest>(request, "request", "");
        settle(
            env,
            args,
            <Vec<core::Schedule>>::SHAPE,
            move |r| async move { client.schedule(&r).await },
        )
    }

    #[napi(
        catch_unwind,
        ts_args_type = "merchantUids: string[], options?: UnscheduleOptions",
        ts_return_type = "Promise<Outcome<Array<Schedule>>>"
    )]
    pub fn unschedule<'env>(
        &self,
        env: &'env Env,
        merchant_uids: Option<Unknown<'env>>,
        options: Option<Unknown<'env>>,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let client = self.inner.clone();
        let args = ids("merchantUids", merchant_uids).and_then(|uids| {
            let options = match given(options) {
                Some(o) => convert::read::<UnscheduleOptions>(Some(o), "options", "")?,
                None => UnscheduleOptions::default(),
            };
            Ok((uids, options))
        });
        settle(
            env,
            args,
            <Vec<core::Schedule>>::SHAPE,
            move |(uids, options)| async move {
                client
                    .unschedule(options.customer_uid.as_deref(), &uids)
                    .await
            },
        )
    }

    #[napi(
        catch_unwind,
        ts_args_type = "customerUid: string",
        ts_return_type = "Promise<Outcome<Array<Schedule>>>"
    )]
    pub fn unschedule_all<'env>(
        &self,
        env: &'env Env,
        customer_uid: Option<Unknown<'env>>,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let client = self.inner.clone();
        let args = id("customerUid", customer_uid);
        settle(
            env,
            args,
            <Vec<core::Schedule>>::SHAPE,
            move |uid| async move { client.unschedule_all(&uid).await },
        )
    }

    #[napi(
        catch_unwind,
        ts_args_type = "merchantUid: string",
        ts_return_type = "Promise<Outcome<Schedule>>"
    )]
    pub fn get_schedule<'env>(
        &self,
        env: &'env Env,
        merchant_uid: Option<Unknown<'env>>,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let client = self.inner.clone();
        let args = id("merchantUid", merchant_uid);
        settle(env, args, core::Schedule::SHAPE, move |uid| async move {
            client.get_schedule(&uid).await
        })
    }

    #[napi(
        catch_unwind,
        ts_args_type = "merchantUid: string, scheduleAt: Date | number",
        ts_return_type = "Promise<Outcome<Schedule>>"
    )]
    pub fn update_schedule<'env>(
        &self,
        env: &'env Env,
        merchant_uid: Option<Unknown<'env>>,
        schedule_at: Option<Unknown<'env>>,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let client = self.inner.clone();
        let args = id("merchantUid", merchant_uid)
            .and_then(|uid| Ok((uid, at("scheduleAt", schedule_at)?)));
        settle(
            env,
            args,
            core::Schedule::SHAPE,
            move |(uid, at)| async move { client.update_schedule(&uid, at).await },
        )
    }

    #[napi(
        catch_unwind,
        ts_args_type = "merchantUid: string, scheduleAt: Date | number",
        ts_return_type = "Promise<Outcome<Schedule>>"
    )]
    pub fn reschedule<'env>(
        &self,
        env: &'env Env,
        merchant_uid: Option<Unknown<'env>>,
        schedule_at: Option<Unknown<'env>>,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let client = self.inner.clone();
        let args = id("merchantUid", merchant_uid)
            .and_then(|uid| Ok((uid, at("scheduleAt", schedule_at)?)));
        settle(
            env,
            args,
            core::Schedule::SHAPE,
            move |(uid, at)| async move { client.reschedule(&uid, at).await },
        )
    }

    #[napi(
        catch_unwind,
        ts_args_type = "merchantUid: string",
        ts_return_type = "Promise<Outcome<Payment>>"
    )]
    pub fn retry_schedule<'env>(
        &self,
        env: &'env Env,
        merchant_uid: Option<Unknown<'env>>,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let client = self.inner.clone();
        let args = id("merchantUid", merchant_uid);
        settle(env, args, core::Payment::SHAPE, move |uid| async move {
            client.retry_schedule(&uid).await
        })
    }

    /// One page (1-based) of every schedule in `[from, to)`, 1000 a page.
    #[napi(
        catch_unwind,
        ts_args_type = "options: ListSchedulesOptions, page: number",
        ts_return_type = "Promise<Outcome<SchedulePage>>"
    )]
    pub fn list_schedules_page<'env>(
        &self,
        env: &'env Env,
        options: Option<Unknown<'env>>,
        page: u32,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let client = self.inner.clone();
        let args = list_options(options);
        settle(env, args, core::SchedulePage::SHAPE, move |o| async move {
            client
                .list_schedules_page(o.from, o.to, o.status.as_ref(), page, SCHEDULE_PAGE_SIZE)
                .await
        })
    }

    /// One page (1-based) of a customer's schedules in `[from, to)`.
    #[napi(
        catch_unwind,
        ts_args_type = "customerUid: string, options: ListSchedulesOptions, page: number",
        ts_return_type = "Promise<Outcome<SchedulePage>>"
    )]
    pub fn list_schedules_by_customer_page<'env>(
        &self,
        env: &'env Env,
        customer_uid: Option<Unknown<'env>>,
        options: Option<Unknown<'env>>,
        page: u32,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let client = self.inner.clone();
        let args =
            id("customerUid", customer_uid).and_then(|uid| Ok((uid, list_options(options)?)));
        settle(
            env,
            args,
            core::SchedulePage::SHAPE,
            move |(uid, o)| async move {
                client
                    .list_schedules_by_customer_page(&uid, o.from, o.to, o.status.as_ref(), page)
                    .await
            },
        )
    }

    /// One page (1-based) of the payments made with a billing key, 20 a page.
    #[napi(
        catch_unwind,
        ts_args_type = "customerUid: string, page: number",
        ts_return_type = "Promise<Outcome<PaymentPage>>"
    )]
    pub fn list_customer_payments_page<'env>(
        &self,
        env: &'env Env,
        customer_uid: Option<Unknown<'env>>,
        page: u32,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let client = self.inner.clone();
        let args = id("customerUid", customer_uid);
        settle(env, args, core::PaymentPage::SHAPE, move |uid| async move {
            client.list_customer_payments_page(&uid, page).await
        })
    }

    #[napi(
        catch_unwind,
        ts_args_type = "customerUids: string[]",
        ts_return_type = "Promise<Outcome<FoundBillingKeys>>"
    )]
    pub fn get_billing_keys<'env>(
        &self,
        env: &'env Env,
        customer_uids: Option<Unknown<'env>>,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let client = self.inner.clone();
        let args = ids("customerUids", customer_uids);
        settle(env, args, FOUND_BILLING_KEYS, move |uids| async move {
            client.get_billing_keys(&uids).await
        })
    }

    #[napi(
        catch_unwind,
        ts_args_type = "impUids: string[]",
        ts_return_type = "Promise<Outcome<FoundPayments>>"
    )]
    pub fn get_payments<'env>(
        &self,
        env: &'env Env,
        imp_uids: Option<Unknown<'env>>,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let client = self.inner.clone();
        let args = ids("impUids", imp_uids);
        settle(env, args, FOUND_PAYMENTS, move |uids| async move {
            client.get_payments(&uids).await
        })
    }

    /// Parses a webhook body, fetches the payment by its `imp_uid` and checks its
    /// `merchant_uid`.
    #[napi(
        catch_unwind,
        ts_args_type = "body: string | Buffer, contentType: string",
        ts_return_type = "Promise<Outcome<VerifiedWebhook>>"
    )]
    pub fn verify_webhook<'env>(
        &self,
        env: &'env Env,
        body: Option<Unknown<'env>>,
        content_type: Option<Unknown<'env>>,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let client = self.inner.clone();
        let args =
            bytes("body", body).and_then(|body| Ok((body, id("contentType", content_type)?)));
        settle(
            env,
            args,
            core::VerifiedWebhook::SHAPE,
            move |(body, content_type)| async move { client.verify_webhook(&body, &content_type).await },
        )
    }

    /// Fetches (or reuses) an access token: a cheap way to check the credentials.
    #[napi(catch_unwind, ts_return_type = "Promise<Outcome<null>>")]
    pub fn check_credentials<'env>(
        &self,
        env: &'env Env,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let client = self.inner.clone();
        settle(env, Ok(()), &Ty::Json, move |()| async move {
            client.check_credentials().await
        })
    }
}

/// Checks card data the way a request's `card` is read: `null` when it would be accepted, else
/// the error naming the field. The `Card` class calls it so that a wrong value fails where the
/// card is made.
#[napi(
    catch_unwind,
    ts_args_type = "details: CardDetails",
    ts_return_type = "NativeError | null"
)]
pub fn check_card_details<'env>(
    env: &'env Env,
    details: Option<Unknown<'env>>,
) -> napi::Result<Unknown<'env>> {
    match convert::read::<core::CardDetails>(details, "card", "card.") {
        Ok(_) => Null.into_unknown(env),
        Err(e) => error_value(env, e),
    }
}
