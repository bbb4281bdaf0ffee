//! Core results and errors as plain JS objects: camelCase fields, amounts as `number`,
//! timestamps as `Date | null`, absent values as `null`.

use chrono::{DateTime, Utc};
use iamport_subscribe as core;
use iamport_subscribe::{Amount, Error, ErrorKind};
use napi_derive::napi;

/// The JS number nearest to the exact amount (exact for every whole amount up to 2^53).
pub(crate) fn number(amount: &Amount) -> f64 {
    // Through the decimal text, never through binary arithmetic on the decimal.
    amount.to_string().parse().unwrap_or(f64::NAN)
}

fn date(seconds: Option<i64>) -> Option<DateTime<Utc>> {
    seconds.and_then(|s| DateTime::from_timestamp(s, 0))
}

/// A payment record (`PaymentAnnotation`).
#[napi(object, use_nullable = true, object_from_js = false)]
#[derive(Debug, Clone)]
pub struct Payment {
    pub imp_uid: String,
    pub merchant_uid: String,
    pub pay_method: Option<String>,
    pub channel: Option<String>,
    pub pg_provider: Option<String>,
    pub emb_pg_provider: Option<String>,
    pub pg_tid: Option<String>,
    pub pg_id: Option<String>,
    /// Made through a test channel.
    pub sandbox: bool,
    pub escrow: bool,
    /// Card approval number.
    pub apply_num: Option<String>,
    pub bank_code: Option<String>,
    pub bank_name: Option<String>,
    pub card_code: Option<String>,
    pub card_name: Option<String>,
    pub card_issuer_code: Option<String>,
    pub card_issuer_name: Option<String>,
    pub card_publisher_code: Option<String>,
    pub card_publisher_name: Option<String>,
    /// Installment months; 0 is a lump sum.
    pub card_quota: Option<i64>,
    /// Masked by the API.
    pub card_number: Option<String>,
    /// 0 credit, 1 check card; `null` when the PG does not say.
    pub card_type: Option<i64>,
    pub vbank_code: Option<String>,
    pub vbank_name: Option<String>,
    pub vbank_num: Option<String>,
    pub vbank_holder: Option<String>,
    pub vbank_date: Option<DateTime<Utc>>,
    pub vbank_issued_at: Option<DateTime<Utc>>,
    pub name: Option<String>,
    pub amount: f64,
    pub cancel_amount: f64,
    pub currency: String,
    pub buyer_name: Option<String>,
    pub buyer_email: Option<String>,
    pub buyer_tel: Option<String>,
    pub buyer_addr: Option<String>,
    pub buyer_postcode: Option<String>,
    pub custom_data: Option<String>,
    pub user_agent: Option<String>,
    /// `ready`, `paid`, `failed`, `cancelled`, or a status this version does not know.
    #[napi(ts_type = "'ready' | 'paid' | 'failed' | 'cancelled' | (string & {})")]
    pub status: String,
    pub started_at: Option<DateTime<Utc>>,
    pub paid_at: Option<DateTime<Utc>>,
    pub failed_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub fail_reason: Option<String>,
    pub cancel_reason: Option<String>,
    pub receipt_url: Option<String>,
    pub cancel_history: Vec<PaymentCancel>,
    pub deposit_history: Vec<VbankDeposit>,
    /// Deprecated by the API: `cancelHistory[].receiptUrl` replaces it.
    pub cancel_receipt_urls: Vec<String>,
    pub cash_receipt_issued: bool,
    /// The billing key used, if any.
    pub customer_uid: Option<String>,
    /// `issue`, `payment`, `payment.scheduled`, or `null` for an ordinary payment.
    pub customer_uid_usage: Option<String>,
    pub promotion: Option<Promotion>,
}

impl From<core::Payment> for Payment {
    fn from(p: core::Payment) -> Self {
        // Destructured, so that a field added to core fails to compile here until it is exposed.
        let core::Payment {
            amount,
            cancel_amount,
            status,
            vbank_date,
            vbank_issued_at,
            started_at,
            paid_at,
            failed_at,
            cancelled_at,
            cancel_history,
            deposit_history,
            promotion,
            imp_uid,
            merchant_uid,
            pay_method,
            channel,
            pg_provider,
            emb_pg_provider,
            pg_tid,
            pg_id,
            sandbox,
            escrow,
            apply_num,
            bank_code,
            bank_name,
            card_code,
            card_name,
            card_issuer_code,
            card_issuer_name,
            card_publisher_code,
            card_publisher_name,
            card_quota,
            card_number,
            card_type,
            vbank_code,
            vbank_name,
            vbank_num,
            vbank_holder,
            name,
            currency,
            buyer_name,
            buyer_email,
            buyer_tel,
            buyer_addr,
            buyer_postcode,
            custom_data,
            user_agent,
            fail_reason,
            cancel_reason,
            receipt_url,
            cancel_receipt_urls,
            cash_receipt_issued,
            customer_uid,
            customer_uid_usage,
        } = p;
        Payment {
            amount: number(&amount),
            cancel_amount: number(&cancel_amount),
            status: status.as_str().to_owned(),
            vbank_date: date(vbank_date),
            vbank_issued_at: date(vbank_issued_at),
            started_at: date(started_at),
            paid_at: date(paid_at),
            failed_at: date(failed_at),
            cancelled_at: date(cancelled_at),
            cancel_history: cancel_history.into_iter().map(Into::into).collect(),
            deposit_history: deposit_history.into_iter().map(Into::into).collect(),
            promotion: promotion.map(Into::into),
            imp_uid,
            merchant_uid,
            pay_method,
            channel,
            pg_provider,
            emb_pg_provider,
            pg_tid,
            pg_id,
            sandbox,
            escrow,
            apply_num,
            bank_code,
            bank_name,
            card_code,
            card_name,
            card_issuer_code,
            card_issuer_name,
            card_publisher_code,
            card_publisher_name,
            card_quota,
            card_number,
            card_type,
            vbank_code,
            vbank_name,
            vbank_num,
            vbank_holder,
            name,
            currency,
            buyer_name,
            buyer_email,
            buyer_tel,
            buyer_addr,
            buyer_postcode,
            custom_data,
            user_agent,
            fail_reason,
            cancel_reason,
            receipt_url,
            cancel_receipt_urls,
            cash_receipt_issued,
            customer_uid,
            customer_uid_usage,
        }
    }
}

/// One refund of a payment (`PaymentCancelAnnotation`).
#[napi(object, use_nullable = true, object_from_js = false)]
#[derive(Debug, Clone)]
pub struct PaymentCancel {
    pub pg_tid: Option<String>,
    pub amount: f64,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub reason: Option<String>,
    pub cancellation_id: Option<String>,
    pub receipt_url: Option<String>,
}

impl From<core::PaymentCancel> for PaymentCancel {
    fn from(c: core::PaymentCancel) -> Self {
        // Destructured, so that a field added to core fails to compile here until it is exposed.
        let core::PaymentCancel {
            amount,
            cancelled_at,
            pg_tid,
            reason,
            cancellation_id,
            receipt_url,
        } = c;
        PaymentCancel {
            amount: number(&amount),
            cancelled_at: date(cancelled_at),
            pg_tid,
            reason,
            cancellation_id,
            receipt_url,
        }
    }
}

/// A deposit into a fixed virtual account (`VbankDepositAnnotation`).
#[napi(object, use_nullable = true, object_from_js = false)]
#[derive(Debug, Clone)]
pub struct VbankDeposit {
    pub pg_tid: Option<String>,
    pub amount: f64,
    pub depositor_name: Option<String>,
    pub deposited_at: Option<DateTime<Utc>>,
}

impl From<core::VbankDeposit> for VbankDeposit {
    fn from(d: core::VbankDeposit) -> Self {
        // Destructured, so that a field added to core fails to compile here until it is exposed.
        let core::VbankDeposit {
            amount,
            deposited_at,
            pg_tid,
            depositor_name,
        } = d;
        VbankDeposit {
            amount: number(&amount),
            deposited_at: date(deposited_at),
            pg_tid,
            depositor_name,
        }
    }
}

/// A promotion applied to a payment.
#[napi(object, use_nullable = true, object_from_js = false)]
#[derive(Debug, Clone)]
pub struct Promotion {
    pub id: Option<String>,
    pub discount: Option<f64>,
}

impl From<core::Promotion> for Promotion {
    fn from(p: core::Promotion) -> Self {
        // Destructured, so that a field added to core fails to compile here until it is exposed.
        let core::Promotion { discount, id } = p;
        Promotion {
            discount: discount.as_ref().map(number),
            id,
        }
    }
}

/// A stored billing key (`CustomerAnnotation`): the card behind a `customerUid`.
#[napi(object, use_nullable = true, object_from_js = false)]
#[derive(Debug, Clone)]
pub struct BillingKey {
    pub customer_uid: String,
    pub pg_provider: Option<String>,
    pub pg_id: Option<String>,
    pub sandbox: bool,
    pub customer_id: Option<String>,
    pub card_name: Option<String>,
    pub card_code: Option<String>,
    pub card_issuer_code: Option<String>,
    pub card_issuer_name: Option<String>,
    pub card_publisher_code: Option<String>,
    pub card_publisher_name: Option<String>,
    /// Masked by the API.
    pub card_number: Option<String>,
    pub card_type: Option<i64>,
    pub customer_name: Option<String>,
    pub customer_tel: Option<String>,
    pub customer_email: Option<String>,
    pub customer_addr: Option<String>,
    pub customer_postcode: Option<String>,
    pub inserted: Option<DateTime<Utc>>,
    pub updated: Option<DateTime<Utc>>,
}

impl From<core::BillingKey> for BillingKey {
    fn from(k: core::BillingKey) -> Self {
        // Destructured, so that a field added to core fails to compile here until it is exposed.
        let core::BillingKey {
            inserted,
            updated,
            customer_uid,
            pg_provider,
            pg_id,
            sandbox,
            customer_id,
            card_name,
            card_code,
            card_issuer_code,
            card_issuer_name,
            card_publisher_code,
            card_publisher_name,
            card_number,
            card_type,
            customer_name,
            customer_tel,
            customer_email,
            customer_addr,
            customer_postcode,
        } = k;
        BillingKey {
            inserted: date(inserted),
            updated: date(updated),
            customer_uid,
            pg_provider,
            pg_id,
            sandbox,
            customer_id,
            card_name,
            card_code,
            card_issuer_code,
            card_issuer_name,
            card_publisher_code,
            card_publisher_name,
            card_number,
            card_type,
            customer_name,
            customer_tel,
            customer_email,
            customer_addr,
            customer_postcode,
        }
    }
}

/// A scheduled charge (`ScheduleResultAnnotation`).
#[napi(object, use_nullable = true, object_from_js = false)]
#[derive(Debug, Clone)]
pub struct Schedule {
    pub customer_uid: String,
    pub merchant_uid: String,
    /// The payment made when it ran.
    pub imp_uid: Option<String>,
    pub pg_provider: Option<String>,
    pub pg_id: Option<String>,
    pub customer_id: Option<String>,
    /// When it is (or was) due.
    pub schedule_at: Option<DateTime<Utc>>,
    pub executed_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub amount: f64,
    pub currency: Option<String>,
    pub name: Option<String>,
    pub buyer_name: Option<String>,
    pub buyer_email: Option<String>,
    pub buyer_tel: Option<String>,
    pub buyer_addr: Option<String>,
    pub buyer_postcode: Option<String>,
    pub custom_data: Option<String>,
    /// `scheduled` (waiting), `executed` (attempted: see `paymentStatus`), `revoked`, or a status
    /// this version does not know.
    #[napi(ts_type = "'scheduled' | 'executed' | 'revoked' | (string & {})")]
    pub schedule_status: String,
    /// `null` until it ran; then `paid`, `failed`, or `cancelled` (refunded later).
    #[napi(ts_type = "Payment['status']")]
    pub payment_status: Option<String>,
    pub fail_reason: Option<String>,
    pub promotion_id: Option<String>,
}

impl From<core::Schedule> for Schedule {
    fn from(s: core::Schedule) -> Self {
        // Destructured, so that a field added to core fails to compile here until it is exposed.
        let core::Schedule {
            schedule_at,
            executed_at,
            revoked_at,
            amount,
            schedule_status,
            payment_status,
            customer_uid,
            merchant_uid,
            imp_uid,
            pg_provider,
            pg_id,
            customer_id,
            currency,
            name,
            buyer_name,
            buyer_email,
            buyer_tel,
            buyer_addr,
            buyer_postcode,
            custom_data,
            fail_reason,
            promotion_id,
        } = s;
        Schedule {
            schedule_at: date(schedule_at),
            executed_at: date(executed_at),
            revoked_at: date(revoked_at),
            amount: number(&amount),
            schedule_status: schedule_status.as_str().to_owned(),
            payment_status: payment_status.map(|p| p.as_str().to_owned()),
            customer_uid,
            merchant_uid,
            imp_uid,
            pg_provider,
            pg_id,
            customer_id,
            currency,
            name,
            buyer_name,
            buyer_email,
            buyer_tel,
            buyer_addr,
            buyer_postcode,
            custom_data,
            fail_reason,
            promotion_id,
        }
    }
}

/// One page of a schedule listing (the package's iterators read these).
#[napi(object, use_nullable = true, object_from_js = false)]
#[derive(Debug, Clone)]
pub struct SchedulePage {
    pub total: f64,
    pub previous: Option<u32>,
    pub next: Option<u32>,
    pub list: Vec<Schedule>,
}

impl From<core::SchedulePage> for SchedulePage {
    fn from(p: core::SchedulePage) -> Self {
        let core::SchedulePage {
            total,
            previous,
            next,
            list,
        } = p;
        SchedulePage {
            // Totals stay far below 2^53, where f64 is exact.
            total: total as f64,
            previous,
            next,
            list: list.into_iter().map(Into::into).collect(),
        }
    }
}

/// One page of a payment listing (the package's iterators read these).
#[napi(object, use_nullable = true, object_from_js = false)]
#[derive(Debug, Clone)]
pub struct PaymentPage {
    pub total: f64,
    pub previous: Option<u32>,
    pub next: Option<u32>,
    pub list: Vec<Payment>,
}

impl From<core::PaymentPage> for PaymentPage {
    fn from(p: core::PaymentPage) -> Self {
        let core::PaymentPage {
            total,
            previous,
            next,
            list,
        } = p;
        PaymentPage {
            // Totals stay far below 2^53, where f64 is exact.
            total: total as f64,
            previous,
            next,
            list: list.into_iter().map(Into::into).collect(),
        }
    }
}

/// Billing keys looked up together: those found, and the ids without one.
#[napi(object, use_nullable = true, object_from_js = false)]
#[derive(Debug, Clone)]
pub struct FoundBillingKeys {
    pub found: Vec<BillingKey>,
    pub missing: Vec<String>,
}

impl From<core::Found<core::BillingKey>> for FoundBillingKeys {
    fn from(f: core::Found<core::BillingKey>) -> Self {
        let core::Found { found, missing } = f;
        FoundBillingKeys {
            found: found.into_iter().map(Into::into).collect(),
            missing,
        }
    }
}

/// Payments looked up together: those found, and the ids of none.
#[napi(object, use_nullable = true, object_from_js = false)]
#[derive(Debug, Clone)]
pub struct FoundPayments {
    pub found: Vec<Payment>,
    pub missing: Vec<String>,
}

impl From<core::Found<core::Payment>> for FoundPayments {
    fn from(f: core::Found<core::Payment>) -> Self {
        let core::Found { found, missing } = f;
        FoundPayments {
            found: found.into_iter().map(Into::into).collect(),
            missing,
        }
    }
}

/// A webhook confirmed against the API.
#[napi(object, use_nullable = true, object_from_js = false)]
#[derive(Debug, Clone)]
pub struct VerifiedWebhook {
    /// The payment as the API has it now: the truth, act on this.
    pub payment: Payment,
    /// The `status` the webhook announced. It can differ from `payment.status` when the payment
    /// changed since (refunded after `paid`). Deduplicate deliveries on
    /// (`payment.impUid`, `reportedStatus`).
    #[napi(ts_type = "Payment['status']")]
    pub reported_status: String,
}

impl From<core::VerifiedWebhook> for VerifiedWebhook {
    fn from(v: core::VerifiedWebhook) -> Self {
        let core::VerifiedWebhook {
            payment,
            reported_status,
        } = v;
        VerifiedWebhook {
            payment: payment.into(),
            reported_status,
        }
    }
}

/// A core error as data. The package's JS layer turns it into the error class of its `code`
/// (napi cannot give a rejected promise's error a custom class or `code`).
#[napi(object, use_nullable = true, object_from_js = false)]
#[derive(Debug, Clone)]
pub struct NativeError {
    /// `INVALID_REQUEST`, `AUTHENTICATION`, `NOT_FOUND`, `CARD_DECLINED`, `DUPLICATE_ORDER`,
    /// `ALREADY_CANCELLED`, `RATE_LIMITED`, `API_ERROR`, `NETWORK`, `TIMEOUT` or
    /// `OUTCOME_UNKNOWN`.
    #[napi(
        ts_type = "'INVALID_REQUEST' | 'AUTHENTICATION' | 'NOT_FOUND' | 'CARD_DECLINED' | 'DUPLICATE_ORDER' | 'ALREADY_CANCELLED' | 'RATE_LIMITED' | 'API_ERROR' | 'NETWORK' | 'TIMEOUT' | 'OUTCOME_UNKNOWN'"
    )]
    pub code: String,
    /// The case's own `message` (the API's text, verbatim) where it has one, else the
    /// description of the error.
    pub message: String,
    pub field: Option<String>,
    pub reason: Option<String>,
    pub payment: Option<Payment>,
    pub fail_reason: Option<String>,
    pub api_code: Option<i64>,
    pub http_status: Option<u32>,
    pub may_have_reached_server: Option<bool>,
    pub merchant_uid: Option<String>,
    /// `RATE_LIMITED`: the server's `Retry-After`, in milliseconds.
    pub retry_after_ms: Option<f64>,
}

/// The stable `code` of each error case.
pub(crate) fn code(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::InvalidRequest => "INVALID_REQUEST",
        ErrorKind::Authentication => "AUTHENTICATION",
        ErrorKind::NotFound => "NOT_FOUND",
        ErrorKind::CardDeclined => "CARD_DECLINED",
        ErrorKind::DuplicateOrder => "DUPLICATE_ORDER",
        ErrorKind::AlreadyCancelled => "ALREADY_CANCELLED",
        ErrorKind::RateLimited => "RATE_LIMITED",
        ErrorKind::Api => "API_ERROR",
        ErrorKind::Network => "NETWORK",
        ErrorKind::Timeout => "TIMEOUT",
        ErrorKind::OutcomeUnknown => "OUTCOME_UNKNOWN",
    }
}

impl From<Error> for NativeError {
    fn from(e: Error) -> Self {
        let mut out = NativeError {
            code: code(e.kind()).to_owned(),
            // Core's texts never hold card data or secrets.
            message: e.to_string(),
            field: None,
            reason: None,
            payment: None,
            fail_reason: None,
            api_code: None,
            http_status: None,
            may_have_reached_server: None,
            merchant_uid: None,
            retry_after_ms: None,
        };
        match e {
            Error::InvalidRequest { field, reason } => {
                out.field = Some(field);
                out.reason = Some(reason);
            }
            Error::Authentication { message } | Error::NotFound { message } => {
                out.message = message
            }
            Error::DuplicateOrder {
                merchant_uid,
                message,
            } => {
                out.message = message;
                out.merchant_uid = Some(merchant_uid);
            }
            Error::CardDeclined {
                payment,
                fail_reason,
            } => {
                out.payment = Some((*payment).into());
                out.fail_reason = fail_reason;
            }
            Error::Api {
                http_status,
                code,
                message,
            }
            | Error::AlreadyCancelled {
                http_status,
                code,
                message,
            } => {
                out.message = message;
                out.api_code = code;
                out.http_status = Some(http_status.into());
            }
            Error::RateLimited {
                http_status,
                code,
                message,
                retry_after,
            } => {
                out.message = message;
                out.api_code = code;
                out.http_status = Some(http_status.into());
                out.retry_after_ms = retry_after.map(|d| d.as_secs_f64() * 1000.0);
            }
            Error::Network {
                message,
                may_have_reached_server,
            } => {
                out.message = message;
                out.may_have_reached_server = Some(may_have_reached_server);
            }
            Error::Timeout {
                may_have_reached_server,
            } => out.may_have_reached_server = Some(may_have_reached_server),
            Error::OutcomeUnknown { merchant_uid } => out.merchant_uid = Some(merchant_uid),
            // A case added to core later still has its code and description.
            _ => {}
        }
        out
    }
}

/// `InvalidRequest` for a value the binding could not convert; nothing was sent.
pub(crate) fn invalid(field: &str, reason: impl Into<String>) -> Error {
    Error::InvalidRequest {
        field: field.to_owned(),
        reason: reason.into(),
    }
}

// Settled values of the client's promises: a result or an error, never a rejection, so that the
// error keeps its data (a rejection carries only a message).

/// The settled value of a call that gives a payment.
#[napi(object, use_nullable = true, object_from_js = false)]
#[derive(Debug)]
pub struct PaymentOutcome {
    pub value: Option<Payment>,
    pub error: Option<NativeError>,
}

/// The settled value of a call that gives a billing key.
#[napi(object, use_nullable = true, object_from_js = false)]
#[derive(Debug)]
pub struct BillingKeyOutcome {
    pub value: Option<BillingKey>,
    pub error: Option<NativeError>,
}

/// The settled value of a call that gives a list of payments.
#[napi(object, use_nullable = true, object_from_js = false)]
#[derive(Debug)]
pub struct PaymentListOutcome {
    pub value: Option<Vec<Payment>>,
    pub error: Option<NativeError>,
}

/// The settled value of a call that gives nothing.
#[napi(object, use_nullable = true, object_from_js = false)]
#[derive(Debug)]
pub struct EmptyOutcome {
    pub error: Option<NativeError>,
}

/// The settled value of a call that gives a scheduled charge.
#[napi(object, use_nullable = true, object_from_js = false)]
#[derive(Debug)]
pub struct ScheduleOutcome {
    pub value: Option<Schedule>,
    pub error: Option<NativeError>,
}

/// The settled value of a call that gives a list of scheduled charges.
#[napi(object, use_nullable = true, object_from_js = false)]
#[derive(Debug)]
pub struct ScheduleListOutcome {
    pub value: Option<Vec<Schedule>>,
    pub error: Option<NativeError>,
}

/// The settled value of one page of a schedule listing.
#[napi(object, use_nullable = true, object_from_js = false)]
#[derive(Debug)]
pub struct SchedulePageOutcome {
    pub value: Option<SchedulePage>,
    pub error: Option<NativeError>,
}

/// The settled value of one page of a payment listing.
#[napi(object, use_nullable = true, object_from_js = false)]
#[derive(Debug)]
pub struct PaymentPageOutcome {
    pub value: Option<PaymentPage>,
    pub error: Option<NativeError>,
}

/// The settled value of a lookup of several billing keys.
#[napi(object, use_nullable = true, object_from_js = false)]
#[derive(Debug)]
pub struct FoundBillingKeysOutcome {
    pub value: Option<FoundBillingKeys>,
    pub error: Option<NativeError>,
}

/// The settled value of a lookup of several payments.
#[napi(object, use_nullable = true, object_from_js = false)]
#[derive(Debug)]
pub struct FoundPaymentsOutcome {
    pub value: Option<FoundPayments>,
    pub error: Option<NativeError>,
}

/// The settled value of a webhook verification.
#[napi(object, use_nullable = true, object_from_js = false)]
#[derive(Debug)]
pub struct VerifiedWebhookOutcome {
    pub value: Option<VerifiedWebhook>,
    pub error: Option<NativeError>,
}

/// `From<core::Result<$core>> for $outcome`: the value converted, or the error as data.
macro_rules! outcome_from {
    ($($outcome:ident: $core:ty => |$v:ident| $convert:expr;)*) => {$(
        impl From<core::Result<$core>> for $outcome {
            fn from(r: core::Result<$core>) -> Self {
                match r {
                    Ok($v) => $outcome {
                        value: Some($convert),
                        error: None,
                    },
                    Err(e) => $outcome {
                        value: None,
                        error: Some(e.into()),
                    },
                }
            }
        }
    )*};
}

outcome_from! {
    PaymentOutcome: core::Payment => |v| v.into();
    BillingKeyOutcome: core::BillingKey => |v| v.into();
    PaymentListOutcome: Vec<core::Payment> => |v| v.into_iter().map(Into::into).collect();
    ScheduleOutcome: core::Schedule => |v| v.into();
    ScheduleListOutcome: Vec<core::Schedule> => |v| v.into_iter().map(Into::into).collect();
    SchedulePageOutcome: core::SchedulePage => |v| v.into();
    PaymentPageOutcome: core::PaymentPage => |v| v.into();
    FoundBillingKeysOutcome: core::Found<core::BillingKey> => |v| v.into();
    FoundPaymentsOutcome: core::Found<core::Payment> => |v| v.into();
    VerifiedWebhookOutcome: core::VerifiedWebhook => |v| v.into();
}

impl From<core::Result<()>> for EmptyOutcome {
    fn from(r: core::Result<()>) -> Self {
        EmptyOutcome {
            error: r.err().map(Into::into),
        }
    }
}
