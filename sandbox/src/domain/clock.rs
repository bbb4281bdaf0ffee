//! The sandbox clock (real time plus an offset that only moves forward) and the little calendar
//! arithmetic in Korean time (UTC+9) that card expiry and PG transaction ids need.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Real time plus an offset.
#[derive(Debug, Default)]
pub(crate) struct Clock {
    offset: Duration,
}

impl Clock {
    /// Unix seconds.
    pub fn now(&self) -> i64 {
        let real = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        let t = real.checked_add(self.offset).unwrap_or(Duration::MAX);
        i64::try_from(t.as_secs()).unwrap_or(i64::MAX)
    }

    pub fn advance(&mut self, by: Duration) {
        self.offset = self.offset.checked_add(by).unwrap_or(Duration::MAX);
    }
}

/// Calendar date in Korea (UTC+9) for unix seconds.
pub(crate) fn kst_date(unix: i64) -> (i64, u32, u32) {
    civil_from_days(unix.saturating_add(9 * 3600).div_euclid(86_400))
}

/// `YYMMDDhhmmss` in Korean time, used inside PG transaction ids.
pub(crate) fn kst_stamp(unix: i64) -> String {
    let local = unix.saturating_add(9 * 3600);
    let (y, m, d) = civil_from_days(local.div_euclid(86_400));
    let secs = local.rem_euclid(86_400);
    format!(
        "{:02}{m:02}{d:02}{:02}{:02}{:02}",
        y.rem_euclid(100),
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// Howard Hinnant's days-to-civil algorithm.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days.saturating_add(719_468);
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe
        .saturating_add(era.saturating_mul(400))
        .saturating_add(i64::from(m <= 2));
    (y, m as u32, d as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        // 2024-12-31T15:00:00Z is already 2025-01-01 in Korea.
        assert_eq!(kst_date(1_735_657_200), (2025, 1, 1));
        assert_eq!(kst_stamp(1_735_657_200), "250101000000");
        // Extreme clocks must not overflow.
        assert_eq!(kst_stamp(i64::MAX).len(), 12);
        assert!(kst_date(i64::MIN).0 < 0);
    }

    #[test]
    fn clock_saturates() {
        let mut clock = Clock::default();
        let before = clock.now();
        clock.advance(Duration::from_secs(90));
        assert!(clock.now() >= before + 90);
        clock.advance(Duration::MAX);
        clock.advance(Duration::MAX);
        assert_eq!(clock.now(), i64::MAX);
    }
}
