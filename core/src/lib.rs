//! # iamport-subscribe
//!
//! A typed async client for the Iamport (PortOne V1) recurring-billing REST API: key-in payments,
//! billing keys, charges with a stored key, lookups and refunds.
//!
//! It caches the access token (one `getToken` for any number of concurrent callers), never reports
//! a declined card as a success ([`Error::CardDeclined`]), validates every request before sending
//! it ([`Error::InvalidRequest`] names the field), keeps amounts exact ([`Amount`]) and never
//! prints card data or secrets (see [`secret`]).
//!
//! ```no_run
//! # async fn run() -> iamport_subscribe::Result<()> {
//! use iamport_subscribe::{Client, PayAgainRequest};
//! let client = Client::from_env()?;
//! let payment = client
//!     .pay_again(&PayAgainRequest {
//!         customer_uid: "customer-1".into(),
//!         merchant_uid: "order-2026-11".into(),
//!         amount: 9_900.into(),
//!         name: Some("Monthly plan".into()),
//!         ..Default::default()
//!     })
//!     .await?;
//! println!("{} {}", payment.imp_uid, payment.status);
//! # Ok(()) }
//! ```

// Android: the platform's TLS verifier (rustls-platform-verifier) needs a JNI initialisation
// with the app's `Context` before the first handshake, which a library cannot do; without it
// every HTTPS request fails on the device. Android builds therefore take the fixed root store
// (`webpki-roots`), and a build without it cannot be produced.
#[cfg(all(target_os = "android", not(feature = "webpki-roots")))]
compile_error!(
    "iamport-subscribe on Android needs the `webpki-roots` feature (a fixed root store): \
     the platform verifier fails every TLS handshake there without a JNI initialisation"
);

// `derive(Shape)` names this crate by its path, from inside it too.
#[cfg(feature = "shape")]
extern crate self as iamport_subscribe;

mod client;
mod error;
#[cfg(feature = "uniffi")]
mod ffi;
// uniffi's generated code names the tag as `crate::UniFfiTag`.
#[cfg(feature = "uniffi")]
#[doc(hidden)]
pub use ffi::UniFfiTag;
mod listing;
mod models;
mod money;
mod pg;
mod requests;
pub mod retry;
pub mod rules;
mod schedule;
pub mod secret;
#[cfg(feature = "shape")]
pub mod shape;
pub mod token;
mod transport;
mod webhook;

pub use client::{
    Client, ClientBuilder, DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, redact_url,
};
pub use error::{Case, Error, ErrorKind, Result};
pub use listing::PaymentSorting;
pub use models::{
    BillingKey, Payment, PaymentCancel, PaymentPage, PaymentStatus, Promotion, Timestamp,
    VbankDeposit,
};
pub use money::Amount;
pub use pg::Pg;
pub use requests::{
    Buyer, CancelPaymentRequest, CardDetails, IssueBillingKeyRequest, PayAgainRequest,
    PayOnetimeRequest,
};
pub use retry::{RequestOptions, RetryPolicy};
pub use rules::MAX_PAYMENTS_WINDOW_SECS;
pub use rust_decimal::Decimal;
pub use schedule::{Found, Schedule, ScheduleEntry, SchedulePage, ScheduleRequest, ScheduleStatus};
pub use secret::{AccessToken, Birth, CardNumber, Cvc, Expiry, ImpSecret, Pwd2Digit};
pub use token::{ProvidedToken, TokenProvider, TokenProviderError};
pub use webhook::VerifiedWebhook;
