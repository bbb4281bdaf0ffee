//! Search windows of the listings: a range must not be reversed, nor longer than the API
//! allows: 92 days ("3 months") for the schedule lists, 90 days for payments by status.

use crate::domain::error::{Refusal, WindowOf};

const DAY: i64 = 86_400;

/// The longest window of each listing, in seconds.
fn max_secs(of: WindowOf) -> i64 {
    match of {
        WindowOf::Schedules => 92 * DAY,
        WindowOf::PaymentsByStatus => 90 * DAY,
    }
}

/// `from..to` is a usable window for `of`.
pub(crate) fn check(of: WindowOf, from: i64, to: i64) -> Result<(), Refusal> {
    if to < from {
        return Err(Refusal::WindowReversed);
    }
    if to.saturating_sub(from) > max_secs(of) {
        return Err(Refusal::WindowTooLong(of));
    }
    Ok(())
}

/// The window of `GET /payments/status/{status}` (both ends inclusive): `to` defaults to now,
/// `from` to 90 days before `to`, so that without either the last 90 days are searched.
pub(crate) fn payments_by_status(
    from: Option<i64>,
    to: Option<i64>,
    now: i64,
) -> Result<(i64, i64), Refusal> {
    let of = WindowOf::PaymentsByStatus;
    let to = to.unwrap_or(now);
    let from = from.unwrap_or_else(|| to.saturating_sub(max_secs(of)));
    check(of, from, to)?;
    Ok((from, to))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payments_window_defaults_and_limits() {
        let now = 1_000_000_000;
        assert_eq!(
            payments_by_status(None, None, now),
            Ok((now - 90 * DAY, now))
        );
        assert_eq!(
            payments_by_status(None, Some(now - DAY), now),
            Ok((now - 91 * DAY, now - DAY))
        );
        assert_eq!(
            payments_by_status(Some(now - 90 * DAY), None, now),
            Ok((now - 90 * DAY, now))
        );
        assert_eq!(
            payments_by_status(Some(now - 90 * DAY - 1), None, now),
            Err(Refusal::WindowTooLong(WindowOf::PaymentsByStatus))
        );
        assert_eq!(
            payments_by_status(Some(now), Some(now - 1), now),
            Err(Refusal::WindowReversed)
        );
        assert_eq!(
            payments_by_status(Some(now), Some(now), now),
            Ok((now, now))
        );
        assert_eq!(check(WindowOf::Schedules, 0, 92 * DAY), Ok(()));
        assert!(check(WindowOf::Schedules, 0, 92 * DAY + 1).is_err());
    }
}
