//! Search windows of the listings: the range must not be reversed, nor longer than the API
//! allows ("3 months", 92 days, for schedules).

use crate::domain::error::{Refusal, WindowOf};

/// The longest window of each listing, in seconds.
fn max_secs(of: WindowOf) -> i64 {
    match of {
        WindowOf::Schedules => 92 * 86_400,
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
