//! uniffi binding of `iamport-subscribe` for Kotlin (JVM, Android) and Swift.
//!
//! The models and requests are core's own types (annotated behind core's `uniffi` feature, in the
//! `iamport_subscribe_core` namespace); this crate adds only what must be an object or is the
//! binding's own: the [`Client`], the embedded [`Sandbox`], the public error [`IamportError`], the
//! concrete multi-lookup results ([`FoundBillingKeys`], [`FoundPayments`]) and the cursor of a
//! lazy listing ([`PaymentListing`]).
//!
//! Every async export runs on tokio (`#[uniffi::export(async_runtime = "tokio")]`): the HTTP
//! client (hyper) and the sandbox need a tokio reactor, and uniffi's foreign executors do not
//! provide one.
//! `tests/async_runtime.rs` fails the build's tests if an async export lacks it.

mod client;
mod error;
mod found;
mod listing;
#[cfg(feature = "sandbox")]
mod sandbox;
mod token;

pub use client::{Client, ClientOptions, RequestOptions};
pub use error::IamportError;
pub use found::{FoundBillingKeys, FoundPayments};
pub use listing::PaymentListing;
#[cfg(feature = "sandbox")]
pub use sandbox::{
    BillingKeyNotFound, Exchange, Sandbox, SandboxOptions, WebhookDelivery, WebhookFormat,
};
pub use token::{TokenProvider, TokenProviderError};

uniffi::setup_scaffolding!("iamport_subscribe");

/// Parses a `pg` value as the API writes it (`nice`, `nice.{MID}`, `daou`, `daou.{CPID}`, or any
/// other channel string, kept verbatim).
/// Parses the API's `sorting` text (`-started`, `started`, `-paid`, `paid`, `-updated`,
/// `updated`); anything else is `InvalidRequest` on `sorting`.
#[uniffi::export]
pub fn payment_sorting_from_string(
    text: String,
) -> Result<iamport_subscribe::PaymentSorting, IamportError> {
    Ok(text.parse()?)
}

#[uniffi::export]
pub fn pg_from_string(text: String) -> iamport_subscribe::Pg {
    iamport_subscribe::Pg::from(text.as_str())
}
