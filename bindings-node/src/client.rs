//! The client: one core `Client` per JS client; every call runs on napi's tokio runtime and
//! settles its promise with an outcome (`{ value, error }`), so the JS thread never waits on the
//! network and an error keeps its data.
//!
//! Each method reads its arguments with `convert::read` (by the request's shape), calls core, and
//! writes the result with `convert::write` (by the result's shape): no field is named here.

use crate::convert::{self, given, invalid};
use crate::dispatch::{Dispatcher, NativeDispatcher, pair};
use crate::error::NativeError;
use crate::listing::NativePaymentListing;
use crate::options::{
    ClientOptions, FOUND_BILLING_KEYS, FOUND_PAYMENTS, ListPaymentsOptions, ListSchedulesOptions,
    RequestOptions, UnscheduleOptions,
};
use crate::token::{JsTokenProvider, NativeToken};
use futures_util::StreamExt;
use iamport_subscribe as core;
use iamport_subscribe::shape::{Shape, Ty};
use iamport_subscribe::{PaymentStatus, Result};
use napi::bindgen_prelude::{
    BufferSlice, Either, Env, FromNapiValue, Function, Null, Promise, ToNapiValue, Unknown,
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

/// A native object made from JS arguments, or the refusal of those arguments as JS data.
fn made<'env, T>(env: &'env Env, result: Result<T>) -> napi::Result<Either<T, Unknown<'env>>> {
    match result {
        Ok(object) => Ok(Either::A(object)),
        Err(e) => Ok(Either::B(error_value(env, e)?)),
    }
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

/// A request of type `T`.
fn read<T: Shape + serde::de::DeserializeOwned>(value: Option<Unknown<'_>>) -> Result<T> {
    convert::read::<T>(value, "request", "")
}

/// `unschedule`'s options.
fn unschedule_options(value: Option<Unknown<'_>>) -> Result<UnscheduleOptions> {
    match given(value) {
        Some(o) => convert::read::<UnscheduleOptions>(Some(o), "options", ""),
        None => Ok(UnscheduleOptions::default()),
    }
}

/// A page number (1-based), from the package's own iterators.
fn page_number(value: Option<Unknown<'_>>) -> Result<u32> {
    let value = given(value).ok_or_else(|| invalid("page", "is required"))?;
    let n = convert::whole("page", value, 1.0, f64::from(u32::MAX))?;
    // Whole and in range: the cast is exact.
    Ok(n as u32)
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
    dispatcher: Dispatcher,
}

/// Creates a client, or says which setting is wrong. With `fromEnv`, the key, the secret and the
/// base URL come from `IAMPORT_IMP_KEY`, `IAMPORT_IMP_SECRET` and (optional) `IAMPORT_BASE_URL`,
/// and `options` has only the other settings. With `tokenProvider` (`index.js`'s wrapper of the
/// option of that name), access tokens come from it instead of a key and secret.
#[napi(
    catch_unwind,
    async_runtime,
    ts_args_type = "options: ClientOptions | undefined, fromEnv: boolean, dispatcher: NativeDispatcher, tokenProvider?: () => Promise<NativeToken>",
    ts_return_type = "NativeClient | NativeError"
)]
pub fn create_client<'env>(
    env: &'env Env,
    options: Option<Unknown<'env>>,
    from_env: bool,
    dispatcher: &NativeDispatcher,
    token_provider: Option<Function<'env, (), Promise<NativeToken>>>,
) -> napi::Result<Either<NativeClient, Unknown<'env>>> {
    let options = match given(options) {
        None if from_env => Ok(ClientOptions::default()),
        None => Err(invalid(
            "impKey",
            "is required: new Client({ impKey, impSecret }) or new Client({ tokenProvider })",
        )),
        Some(o) => convert::read::<ClientOptions>(Some(o), "options", ""),
    };
    let provider = token_provider
        .as_ref()
        .map(JsTokenProvider::new)
        .transpose()?;
    let builder = options.and_then(|o| {
        if !from_env {
            let builder = match provider {
                Some(p) => core::Client::builder().token_provider(p),
                None => core::Client::builder(),
            };
            return o.apply(builder);
        }
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
        core::Client::builder_from_env().and_then(|b| o.apply(b))
    });
    // `build` creates the connection pool, which belongs to the runtime (`async_runtime`).
    let client = builder.and_then(|(b, retry)| {
        Ok(NativeClient {
            inner: b.build()?,
            retry,
            dispatcher: dispatcher.handle(),
        })
    });
    made(env, client)
}

impl NativeClient {
    /// Starts call `id`: `Some(error)` when its arguments are refused (nothing is sent), else
    /// `None`, and the result arrives through the dispatcher.
    fn run<'env, A, R, F, Fut>(
        &self,
        env: &'env Env,
        id: u32,
        args: Result<A>,
        shape: &'static Ty,
        call: F,
    ) -> napi::Result<Option<Unknown<'env>>>
    where
        R: Serialize + Send + 'static,
        F: FnOnce(core::Client, A) -> Fut,
        Fut: Future<Output = Result<R>> + Send + 'static,
    {
        match args {
            Err(e) => Ok(Some(error_value(env, e)?)),
            Ok(args) => {
                let future = call(self.inner.clone(), args);
                self.dispatcher
                    .spawn(id, future, move |env, result| pair(env, result, shape));
                Ok(None)
            }
        }
    }
}

/// The client's calls. Each reads its arguments (`$read`, from the JS values named in its
/// signature), runs `$call` with the core client and those arguments, and completes with the
/// result written by `$shape`. Every one takes the call's `id` first and returns the error when
/// the arguments are refused (nothing is sent), `null` otherwise.
macro_rules! calls {
    ($(
        $(#[doc = $doc:literal])*
        $name:ident($($arg:ident),*) $ts:literal -> $shape:expr;
            $read:expr => |$c:ident, $a:pat_param| $call:expr;
    )*) => {
        #[napi]
        impl NativeClient {
            /// The API this client talks to (a user name and password in it shown as `***`).
            #[napi(catch_unwind)]
            pub fn base_url(&self) -> String {
                self.inner.base_url_redacted()
            }

            /// The same client (same connections and access token) with the settings given
            /// replaced.
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
                    .and_then(|o| o.apply(&self.retry))
                    .and_then(|(options, retry)| {
                        Ok(NativeClient {
                            inner: self.inner.with_options(options)?,
                            retry,
                            dispatcher: self.dispatcher.clone(),
                        })
                    });
                made(env, read)
            }

            /// Payments by status over any range, as a cursor read a page at a time (nothing is
            /// sent before its first `nextPage`); the options refused before that.
            #[napi(
                catch_unwind,
                ts_args_type = "options?: ListPaymentsOptions",
                ts_return_type = "NativePaymentListing | NativeError"
            )]
            pub fn list_payments<'env>(
                &self,
                env: &'env Env,
                options: Option<Unknown<'env>>,
            ) -> napi::Result<Either<NativePaymentListing, Unknown<'env>>> {
                let read = match given(options) {
                    Some(o) => convert::read::<ListPaymentsOptions>(Some(o), "options", ""),
                    None => Ok(ListPaymentsOptions::default()),
                };
                let listing = read.map(|o| {
                    let pages = self.inner.list_payments_in_pages(o.status, o.from, o.to, o.sorting);
                    NativePaymentListing::new(pages.boxed(), self.dispatcher.clone())
                });
                made(env, listing)
            }

            $(
                $(#[doc = $doc])*
                #[napi(catch_unwind, ts_args_type = $ts, ts_return_type = "NativeError | null")]
                pub fn $name<'env>(
                    &self,
                    env: &'env Env,
                    id: u32,
                    $($arg: Option<Unknown<'env>>),*
                ) -> napi::Result<Option<Unknown<'env>>> {
                    self.run(env, id, $read, $shape, |$c, $a| async move { $call.await })
                }
            )*
        }
    };
}

calls! {
    pay_onetime(request) "id: number, request: PayOnetimeRequest" -> core::Payment::SHAPE;
        read::<core::PayOnetimeRequest>(request) => |c, r| c.pay_onetime(&r);
    issue_billing_key(request) "id: number, request: IssueBillingKeyRequest"
        -> core::BillingKey::SHAPE;
        read::<core::IssueBillingKeyRequest>(request) => |c, r| c.issue_billing_key(&r);
    get_billing_key(customer_uid) "id: number, customerUid: string" -> core::BillingKey::SHAPE;
        id("customerUid", customer_uid) => |c, uid| c.get_billing_key(&uid);
    delete_billing_key(customer_uid, reason) "id: number, customerUid: string, reason?: string"
        -> core::BillingKey::SHAPE;
        id("customerUid", customer_uid).and_then(|uid| Ok((uid, opt_id("reason", reason)?)))
        => |c, (uid, reason)| c.delete_billing_key(&uid, reason.as_deref());
    pay_again(request) "id: number, request: PayAgainRequest" -> core::Payment::SHAPE;
        read::<core::PayAgainRequest>(request) => |c, r| c.pay_again(&r);
    get_payment(imp_uid) "id: number, impUid: string" -> core::Payment::SHAPE;
        id("impUid", imp_uid) => |c, uid| c.get_payment(&uid);
    find_payment(merchant_uid, status)
        "id: number, merchantUid: string, status?: Payment['status']" -> core::Payment::SHAPE;
        id("merchantUid", merchant_uid).and_then(|uid| Ok((uid, self::status(status)?)))
        => |c, (uid, status)| c.find_payment(&uid, status.as_ref());
    find_all_payments(merchant_uid, status)
        "id: number, merchantUid: string, status?: Payment['status']"
        -> <Vec<core::Payment>>::SHAPE;
        id("merchantUid", merchant_uid).and_then(|uid| Ok((uid, self::status(status)?)))
        => |c, (uid, status)| c.find_all_payments(&uid, status.as_ref());
    cancel_payment(request) "id: number, request: CancelPaymentRequest" -> core::Payment::SHAPE;
        read::<core::CancelPaymentRequest>(request) => |c, r| c.cancel_payment(&r);
    schedule(request) "id: number, request: ScheduleRequest" -> <Vec<core::Schedule>>::SHAPE;
        read::<core::ScheduleRequest>(request) => |c, r| c.schedule(&r);
    unschedule(merchant_uids, options)
        "id: number, merchantUids: string[], options?: UnscheduleOptions"
        -> <Vec<core::Schedule>>::SHAPE;
        ids("merchantUids", merchant_uids)
            .and_then(|uids| Ok((uids, unschedule_options(options)?)))
        => |c, (uids, o)| c.unschedule(o.customer_uid.as_deref(), &uids);
    unschedule_all(customer_uid) "id: number, customerUid: string"
        -> <Vec<core::Schedule>>::SHAPE;
        id("customerUid", customer_uid) => |c, uid| c.unschedule_all(&uid);
    get_schedule(merchant_uid) "id: number, merchantUid: string" -> core::Schedule::SHAPE;
        id("merchantUid", merchant_uid) => |c, uid| c.get_schedule(&uid);
    update_schedule(merchant_uid, schedule_at)
        "id: number, merchantUid: string, scheduleAt: Date | number" -> core::Schedule::SHAPE;
        id("merchantUid", merchant_uid).and_then(|uid| Ok((uid, at("scheduleAt", schedule_at)?)))
        => |c, (uid, at)| c.update_schedule(&uid, at);
    reschedule(merchant_uid, schedule_at)
        "id: number, merchantUid: string, scheduleAt: Date | number" -> core::Schedule::SHAPE;
        id("merchantUid", merchant_uid).and_then(|uid| Ok((uid, at("scheduleAt", schedule_at)?)))
        => |c, (uid, at)| c.reschedule(&uid, at);
    retry_schedule(merchant_uid) "id: number, merchantUid: string" -> core::Payment::SHAPE;
        id("merchantUid", merchant_uid) => |c, uid| c.retry_schedule(&uid);
    /// One page (1-based) of every schedule in `[from, to)`, 1000 a page.
    list_schedules_page(options, page) "id: number, options: ListSchedulesOptions, page: number"
        -> core::SchedulePage::SHAPE;
        list_options(options).and_then(|o| Ok((o, page_number(page)?)))
        => |c, (o, page)| c.list_schedules_page(o.from, o.to, o.status.as_ref(), page, SCHEDULE_PAGE_SIZE);
    /// One page (1-based) of a customer's schedules in `[from, to)`.
    list_schedules_by_customer_page(customer_uid, options, page)
        "id: number, customerUid: string, options: ListSchedulesOptions, page: number"
        -> core::SchedulePage::SHAPE;
        id("customerUid", customer_uid)
            .and_then(|uid| Ok((uid, list_options(options)?, page_number(page)?)))
        => |c, (uid, o, page)| c.list_schedules_by_customer_page(&uid, o.from, o.to, o.status.as_ref(), page);
    /// One page (1-based) of the payments made with a billing key, 20 a page.
    list_customer_payments_page(customer_uid, page) "id: number, customerUid: string, page: number"
        -> core::PaymentPage::SHAPE;
        id("customerUid", customer_uid).and_then(|uid| Ok((uid, page_number(page)?)))
        => |c, (uid, page)| c.list_customer_payments_page(&uid, page);
    get_billing_keys(customer_uids) "id: number, customerUids: string[]" -> FOUND_BILLING_KEYS;
        ids("customerUids", customer_uids) => |c, uids| c.get_billing_keys(&uids);
    get_payments(imp_uids) "id: number, impUids: string[]" -> FOUND_PAYMENTS;
        ids("impUids", imp_uids) => |c, uids| c.get_payments(&uids);
    /// Parses a webhook body, fetches the payment by its `imp_uid` and checks its
    /// `merchant_uid`.
    verify_webhook(body, content_type) "id: number, body: string | Buffer, contentType: string"
        -> core::VerifiedWebhook::SHAPE;
        bytes("body", body).and_then(|body| Ok((body, id("contentType", content_type)?)))
        => |c, (body, content_type)| c.verify_webhook(&body, &content_type);
    /// Fetches (or reuses) an access token: a cheap way to check the credentials.
    check_credentials() "id: number" -> &Ty::Json;
        Ok(()) => |c, ()| c.check_credentials();
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
