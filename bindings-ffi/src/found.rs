//! Results of the multi-lookups. Core's `Found<T>` is generic, which uniffi cannot export: one
//! concrete record per element type.

use iamport_subscribe::{BillingKey, Found, Payment};

/// Billing keys looked up by several `customer_uid`s: those found, and the ids without a key.
#[derive(Debug, Clone, Default, PartialEq, uniffi::Record)]
pub struct FoundBillingKeys {
    pub found: Vec<BillingKey>,
    pub missing: Vec<String>,
}

impl From<Found<BillingKey>> for FoundBillingKeys {
    fn from(f: Found<BillingKey>) -> Self {
        FoundBillingKeys {
            found: f.found,
            missing: f.missing,
        }
    }
}

/// Payments looked up by several `imp_uid`s: those found, and the unknown ids.
#[derive(Debug, Clone, Default, PartialEq, uniffi::Record)]
pub struct FoundPayments {
    pub found: Vec<Payment>,
    pub missing: Vec<String>,
}

impl From<Found<Payment>> for FoundPayments {
    fn from(f: Found<Payment>) -> Self {
        FoundPayments {
            found: f.found,
            missing: f.missing,
        }
    }
}
