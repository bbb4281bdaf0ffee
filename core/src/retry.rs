//! Retries that cannot charge twice.
//!
//! The API has no idempotency key: `merchant_uid` is the only guard against a double charge. So
//! requests are sorted by what repeating them can do:
//! - lookups (GET) and `getToken` are repeated on timeouts, lost connections, 429 and 5xx;
//! - any request that provably never reached the server (connection refused, DNS, connect
//!   timeout), or was refused with 429, is repeated as it is;
//! - a charge (`pay_onetime`, `pay_again`) whose outcome is ambiguous (timeout or connection lost
//!   after sending, 5xx, an unreadable answer) is never re-sent blindly: the `merchant_uid` is looked
//!   up first. Paid → that payment is the result; a failed attempt made by this call → the decline;
//!   nothing recorded → re-sent with the same `merchant_uid` (if the first attempt lands meanwhile,
//!   the duplicate guard refuses the second); still unclear when the budget is spent →
//!   `Error::OutcomeUnknown`. Refunds are reconciled the same way through the payment's balance.

use crate::error::Error;
use crate::rules;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

/// How often and how patiently to retry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (0 = never retry).
    pub max_retries: u32,
    /// Wait before the first retry; doubled for each further one.
    pub initial_backoff: Duration,
    /// Upper bound of one wait (and of a server's `Retry-After` that is honoured).
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    /// 2 retries, 0.5 s doubling to at most 5 s, with jitter.
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(5),
        }
    }
}

impl RetryPolicy {
    /// Checks the settings: `max_retries` at most 10, each backoff at most 300 s
    /// (`Error::InvalidRequest` naming the setting).
    pub fn validate(&self) -> Result<(), Error> {
        rules::check_max_retries(self.max_retries)?;
        rules::check_backoff("initial_backoff", self.initial_backoff)?;
        rules::check_backoff("max_backoff", self.max_backoff)
    }

    /// Never retry.
    pub fn none() -> Self {
        RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        }
    }

    /// The wait before retry number `retry` (0-based): exponential, capped, with "equal jitter"
    /// (half fixed, half random) so that many clients do not retry in step. A server's
    /// `Retry-After` wins when it is longer.
    pub(crate) fn backoff(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        let exp = self
            .initial_backoff
            .saturating_mul(2u32.saturating_pow(retry))
            .min(self.max_backoff);
        let half = exp / 2;
        let jitter = half.mul_f64(random_unit());
        let wait = half + jitter;
        match retry_after {
            Some(server) => server.min(self.max_backoff).max(wait),
            None => wait,
        }
    }
}

/// Per-call settings, applied with [`crate::Client::with_options`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestOptions {
    /// Total time for one HTTP exchange (overrides the client's `timeout`).
    pub timeout: Option<Duration>,
    /// Retry policy (overrides the client's).
    pub retry: Option<RetryPolicy>,
}

impl RequestOptions {
    /// Checks the settings, as [`crate::ClientBuilder::build`] does.
    pub fn validate(&self) -> Result<(), Error> {
        if let Some(t) = self.timeout {
            rules::check_timeout("timeout", t)?;
        }
        self.retry.as_ref().map_or(Ok(()), RetryPolicy::validate)
    }
}

/// A uniform random number in [0, 1) without a dependency: std's per-instance random hash keys.
fn random_unit() -> f64 {
    let mut h = RandomState::new().build_hasher();
    h.write_u64(0x9e37_79b9_7f4a_7c15);
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// What a failed attempt means for repeating the request.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// It did not take effect: repeating it is safe (never reached the server, or 429).
    NotApplied,
    /// It may have taken effect: only safe requests may be repeated; charges are reconciled.
    Ambiguous,
    /// A definite answer: return it.
    Final,
}

pub(crate) fn verdict(e: &Error) -> Verdict {
    match e {
        Error::Network {
            may_have_reached_server: false,
            ..
        }
        | Error::Timeout {
            may_have_reached_server: false,
        } => Verdict::NotApplied,
        Error::RateLimited { .. } => Verdict::NotApplied,
        Error::Network { .. } | Error::Timeout { .. } => Verdict::Ambiguous,
        Error::Api { http_status, .. } if *http_status >= 500 => Verdict::Ambiguous,
        // A 2xx answer that is not the API's envelope (cut off or garbled) hides the outcome.
        Error::Api {
            http_status,
            code: None,
            ..
        } if (200..300).contains(http_status) => Verdict::Ambiguous,
        _ => Verdict::Final,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_is_capped_and_jittered() {
        let p = RetryPolicy::default();
        for retry in 0..6 {
            let exp = Duration::from_millis(500)
                .saturating_mul(1 << retry)
                .min(Duration::from_secs(5));
            let wait = p.backoff(retry, None);
            assert!(wait >= exp / 2 && wait <= exp, "retry {retry}: {wait:?}");
        }
        // Retry-After is honoured up to the cap.
        assert_eq!(
            p.backoff(0, Some(Duration::from_secs(3))),
            Duration::from_secs(3)
        );
        assert_eq!(
            p.backoff(0, Some(Duration::from_secs(60))),
            Duration::from_secs(5)
        );
    }

    #[test]
    fn verdicts() {
        let net = |sent| Error::Network {
            message: String::new(),
            may_have_reached_server: sent,
        };
        let api = |http_status, code| Error::Api {
            http_status,
            code,
            message: String::new(),
        };
        assert_eq!(verdict(&net(false)), Verdict::NotApplied);
        assert_eq!(
            verdict(&Error::RateLimited {
                http_status: 429,
                code: Some(-1),
                message: String::new(),
                retry_after: None,
            }),
            Verdict::NotApplied
        );
        assert_eq!(verdict(&net(true)), Verdict::Ambiguous);
        assert_eq!(verdict(&api(502, None)), Verdict::Ambiguous);
        assert_eq!(verdict(&api(200, None)), Verdict::Ambiguous);
        assert_eq!(verdict(&api(200, Some(-1))), Verdict::Final);
        assert_eq!(
            verdict(&Error::NotFound {
                message: String::new()
            }),
            Verdict::Final
        );
    }
}
