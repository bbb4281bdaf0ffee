//! The package's own settings objects (what core takes as builder calls or arguments), declared
//! once here: the same shapes read them and generate their TypeScript.

use crate::convert::invalid;
use iamport_subscribe as core;
use iamport_subscribe::shape::{Field, Shape, Struct, Ty};
use iamport_subscribe::{
    PaymentSorting, PaymentStatus, Result, RetryPolicy, ScheduleStatus, Timestamp,
};
use serde::Deserialize;
use std::time::Duration;

/// Settings of a `Client`.
#[derive(Debug, Default, Deserialize, Shape)]
#[serde(deny_unknown_fields)]
pub(crate) struct ClientOptions {
    /// The REST API key (`imp_key`).
    pub imp_key: Option<String>,
    /// The REST API secret (`imp_secret`).
    pub imp_secret: Option<String>,
    /// Default `https://api.iamport.kr`; plain `http://` only for a loopback host.
    pub base_url: Option<String>,
    /// Act for a sub-merchant: the `Tier` header (3 upper-case letters or digits).
    pub tier: Option<String>,
    /// Total time allowed for one HTTP exchange, in milliseconds; default 60 000.
    pub timeout_ms: Option<f64>,
    /// Time allowed to connect, in milliseconds; default 10 000.
    pub connect_timeout_ms: Option<f64>,
    /// The `User-Agent` header.
    pub user_agent: Option<String>,
    /// Retries after the first attempt (0: never retry); default 2. Only requests that are safe
    /// to repeat are repeated; an ambiguous charge is looked up by its `merchantUid` first.
    pub max_retries: Option<u32>,
    /// Wait before the first retry, in milliseconds, doubled for each further one (with jitter);
    /// default 500.
    pub initial_backoff_ms: Option<f64>,
    /// Upper bound of one wait (and of a server's `Retry-After` that is honoured), in
    /// milliseconds; default 5 000.
    pub max_backoff_ms: Option<f64>,
}

/// Per-call settings of `client.withOptions`: each one given replaces the client's.
#[derive(Debug, Default, Deserialize, Shape)]
#[serde(deny_unknown_fields)]
pub(crate) struct RequestOptions {
    /// Total time allowed for one HTTP exchange, in milliseconds.
    pub timeout_ms: Option<f64>,
    /// Retries after the first attempt (0: never retry).
    pub max_retries: Option<u32>,
    /// Wait before the first retry, in milliseconds, doubled for each further one.
    pub initial_backoff_ms: Option<f64>,
    /// Upper bound of one wait, in milliseconds.
    pub max_backoff_ms: Option<f64>,
}

/// `unschedule`'s options.
#[derive(Debug, Default, Deserialize, Shape)]
#[serde(deny_unknown_fields)]
pub(crate) struct UnscheduleOptions {
    /// Revoke only schedules of this billing key.
    pub customer_uid: Option<String>,
}

/// The window of a schedule listing: `[from, to)`.
#[derive(Debug, Deserialize, Shape)]
#[serde(deny_unknown_fields)]
pub(crate) struct ListSchedulesOptions {
    /// A `Date` or unix seconds (inclusive).
    pub from: Timestamp,
    /// A `Date` or unix seconds (exclusive).
    pub to: Timestamp,
    /// Only schedules in this state.
    pub status: Option<ScheduleStatus>,
}

/// What `listPayments` lists: payments in `status` found in `[from, to]`, in the order of
/// `sorting`. Any range: a range longer than the API's 90 days is read window by window.
#[derive(Debug, Default, Deserialize, Shape)]
#[serde(deny_unknown_fields)]
pub(crate) struct ListPaymentsOptions {
    /// Only payments in this status (each found by the time of its status: `paidAt` for `paid`,
    /// `failedAt`, `cancelledAt`, `startedAt` for `ready`); default every status (`all`).
    pub status: Option<PaymentStatus>,
    /// A `Date` or unix seconds (inclusive); default 90 days before `to`.
    pub from: Option<Timestamp>,
    /// A `Date` or unix seconds (inclusive); default now by the API's clock.
    pub to: Option<Timestamp>,
    /// Default `-started` (most recently started first).
    pub sorting: Option<PaymentSorting>,
}

/// Billing keys looked up together: those found, and the ids without one.
pub(crate) const FOUND_BILLING_KEYS: &Ty = &Ty::Struct(&Struct {
    name: "FoundBillingKeys",
    doc: "Billing keys looked up together: those found, and the ids without one.",
    // `core::Found<T>` is generic: its two fields, for each `T` the package returns.
    fields: &[found_field(&Ty::Vec(core::BillingKey::SHAPE)), MISSING],
});

/// Payments looked up together: those found, and the ids of none.
pub(crate) const FOUND_PAYMENTS: &Ty = &Ty::Struct(&Struct {
    name: "FoundPayments",
    doc: "Payments looked up together: those found, and the ids of none.",
    fields: &[found_field(&Ty::Vec(core::Payment::SHAPE)), MISSING],
});

const fn found_field(ty: &'static Ty) -> Field {
    Field {
        name: "found",
        wire: "found",
        flatten: false,
        default: false,
        doc: "",
        ty,
    }
}

const MISSING: Field = Field {
    name: "missing",
    wire: "missing",
    flatten: false,
    default: false,
    doc: "The ids nothing was found for.",
    ty: &Ty::Vec(&Ty::String),
};

/// The package's names of core's builder settings that Node names differently (milliseconds).
pub(crate) fn setting_name(core_name: &str) -> Option<&'static str> {
    Some(match core_name {
        "timeout" => "timeoutMs",
        "connect_timeout" => "connectTimeoutMs",
        "initial_backoff" => "initialBackoffMs",
        "max_backoff" => "maxBackoffMs",
        _ => return None,
    })
}

fn duration(field: &str, ms: f64) -> Result<Duration> {
    if !(ms.is_finite() && ms >= 0.0) {
        return Err(invalid(
            field,
            "must be a non-negative number of milliseconds",
        ));
    }
    Duration::try_from_secs_f64(ms / 1000.0).map_err(|_| invalid(field, "is too large"))
}

/// A timeout must be a positive duration (as core's builder requires).
fn timeout(field: &str, ms: f64) -> Result<Duration> {
    let d = duration(field, ms)?;
    if d.is_zero() {
        return Err(invalid(field, "must be greater than zero"));
    }
    Ok(d)
}

/// `base` with the retry settings that were given replaced.
fn retry_policy(
    base: &RetryPolicy,
    max_retries: Option<u32>,
    initial_backoff_ms: Option<f64>,
    max_backoff_ms: Option<f64>,
) -> Result<RetryPolicy> {
    let mut policy = base.clone();
    if let Some(v) = max_retries {
        policy.max_retries = v;
    }
    if let Some(v) = initial_backoff_ms {
        policy.initial_backoff = duration("initialBackoffMs", v)?;
    }
    if let Some(v) = max_backoff_ms {
        policy.max_backoff = duration("maxBackoffMs", v)?;
    }
    Ok(policy)
}

impl RequestOptions {
    /// Core's per-call options, the retry settings merged into `current` (the client's policy);
    /// also the policy in force afterwards.
    pub(crate) fn apply(
        self,
        current: &RetryPolicy,
    ) -> Result<(core::RequestOptions, RetryPolicy)> {
        let timeout = self
            .timeout_ms
            .map(|v| timeout("timeoutMs", v))
            .transpose()?;
        let policy = retry_policy(
            current,
            self.max_retries,
            self.initial_backoff_ms,
            self.max_backoff_ms,
        )?;
        let options = core::RequestOptions {
            timeout,
            retry: Some(policy.clone()),
        };
        Ok((options, policy))
    }
}

impl ClientOptions {
    /// Applies the settings to a core builder; also returns the retry policy given to it.
    pub(crate) fn apply(
        self,
        mut b: core::ClientBuilder,
    ) -> Result<(core::ClientBuilder, RetryPolicy)> {
        if let Some(v) = self.imp_key {
            b = b.imp_key(v);
        }
        if let Some(v) = self.imp_secret {
            b = b.imp_secret(v);
        }
        if let Some(v) = self.base_url {
            b = b.base_url(v);
        }
        if let Some(v) = self.tier {
            b = b.tier(v);
        }
        if let Some(v) = self.timeout_ms {
            b = b.timeout(duration("timeoutMs", v)?);
        }
        if let Some(v) = self.connect_timeout_ms {
            b = b.connect_timeout(duration("connectTimeoutMs", v)?);
        }
        b = b.user_agent(self.user_agent.unwrap_or_else(|| {
            concat!("iamport-subscribe-node/", env!("CARGO_PKG_VERSION")).to_owned()
        }));
        let policy = retry_policy(
            &RetryPolicy::default(),
            self.max_retries,
            self.initial_backoff_ms,
            self.max_backoff_ms,
        )?;
        Ok((b.retry_policy(policy.clone()), policy))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_refuse_what_std_would_panic_on() {
        assert_eq!(
            duration("timeoutMs", 1500.0).ok(),
            Some(Duration::from_millis(1500))
        );
        for bad in [-1.0, f64::NAN, f64::INFINITY, 1e300] {
            assert!(duration("timeoutMs", bad).is_err(), "{bad}");
        }
    }
}
