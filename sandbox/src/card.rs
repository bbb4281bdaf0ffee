//! Test cards, PG channels and the small amount of calendar arithmetic they need.

use crate::api::Reply;

/// What the emulated card company does with a card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Behaviour {
    Approve,
    /// Charges are declined (HTTP 200, code 0, `status: "failed"`).
    Decline,
    /// Card authentication fails (code -1, nothing stored).
    AuthFail,
}

pub(crate) const DECLINE_CARD: &str = "4000000000000002";
pub(crate) const AUTH_FAIL_CARD: &str = "4000000000000069";
pub(crate) const DECLINE_REASON: &str = "[테스트] 카드 한도초과";

/// The only things kept of a card: its mask, issuer and test behaviour.
#[derive(Debug, Clone)]
pub(crate) struct Card {
    pub masked: String,
    pub code: &'static str,
    pub name: &'static str,
    pub behaviour: Behaviour,
}

/// Validates raw card data and reduces it to a [`Card`]; the raw values are dropped by the caller.
pub(crate) fn check_card(
    number: &str,
    expiry: &str,
    birth: Option<&str>,
    pwd_2digit: Option<&str>,
    now: i64,
) -> Result<Card, Reply> {
    let digits: String = number.chars().filter(|c| *c != '-' && *c != ' ').collect();
    if !(13..=19).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Reply::fail(-1, "유효하지않은 카드번호를 입력하셨습니다."));
    }
    let (year, month) = parse_expiry(expiry).ok_or_else(|| {
        Reply::fail(
            -1,
            "카드 유효기간 형식이 올바르지 않습니다. (YYYY-MM 또는 YYYYMM)",
        )
    })?;
    let (now_year, now_month, _) = kst_date(now);
    if (year, month) < (now_year, now_month) {
        return Err(Reply::fail(-1, "유효기간이 만료된 카드입니다."));
    }
    if let Some(b) = birth {
        if !matches!(b.len(), 6 | 10) || !b.bytes().all(|c| c.is_ascii_digit()) {
            return Err(Reply::fail(
                -1,
                "생년월일(birth)은 6자리(YYMMDD) 또는 사업자등록번호 10자리여야 합니다.",
            ));
        }
    }
    if let Some(p) = pwd_2digit {
        if p.len() != 2 || !p.bytes().all(|c| c.is_ascii_digit()) {
            return Err(Reply::fail(
                -1,
                "카드 비밀번호 앞 2자리(pwd_2digit)가 올바르지 않습니다.",
            ));
        }
    }
    let behaviour = match digits.as_str() {
        DECLINE_CARD => Behaviour::Decline,
        AUTH_FAIL_CARD => Behaviour::AuthFail,
        _ => Behaviour::Approve,
    };
    let (code, name) = issuer(&digits);
    Ok(Card {
        masked: mask(&digits),
        code,
        name,
        behaviour,
    })
}

/// First 6 and last 4 digits visible, e.g. `400000******0002`.
fn mask(digits: &str) -> String {
    let n = digits.len();
    let head = digits.get(..6).unwrap_or("");
    let tail = digits.get(n.saturating_sub(4)..).unwrap_or("");
    format!("{head}{}{tail}", "*".repeat(n.saturating_sub(10)))
}

/// Plausible issuer by first digit (금융결제원 card company codes).
fn issuer(digits: &str) -> (&'static str, &'static str) {
    match digits.as_bytes().first() {
        Some(b'3') => ("365", "삼성카드"),
        Some(b'4') => ("366", "신한카드"),
        Some(b'5') => ("381", "KB국민카드"),
        Some(b'6') => ("367", "현대카드"),
        _ => ("361", "BC카드"),
    }
}

fn parse_expiry(s: &str) -> Option<(i64, u32)> {
    let s = s.trim();
    let (y, m) = match s.len() {
        7 if s.as_bytes().get(4) == Some(&b'-') => (s.get(..4)?, s.get(5..)?),
        6 => (s.get(..4)?, s.get(4..)?),
        _ => return None,
    };
    if !y.bytes().chain(m.bytes()).all(|c| c.is_ascii_digit()) {
        return None;
    }
    let year: i64 = y.parse().ok()?;
    let month: u32 = m.parse().ok()?;
    (1..=12).contains(&month).then_some((year, month))
}

/// A billing/key-in channel: provider plus MID (nice) or CPID (daou).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pg {
    pub provider: &'static str,
    pub id: String,
}

/// `nice`, `nice.{MID}`, `daou`, `daou.{CPID}`; anything else has no key-in channel here.
pub(crate) fn parse_pg(requested: Option<&str>, default_pg: &str) -> Result<Pg, Reply> {
    let raw = requested.unwrap_or(default_pg).trim();
    let (provider, id) = match raw.split_once('.') {
        Some((p, id)) => (p, Some(id)),
        None => (raw, None),
    };
    let (provider, default_id) = match provider {
        "nice" => ("nice", "iamport01m"),
        "daou" => ("daou", "CTS17266"),
        _ => {
            return Err(Reply::fail(
                1,
                "비인증결제모듈 사용정보를 찾을 수 없습니다.",
            ));
        }
    };
    let id = match id {
        None => default_id.to_owned(),
        // A MID/CPID is a short identifier; anything else names no channel.
        Some(id)
            if (1..=64).contains(&id.len())
                && id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') =>
        {
            id.to_owned()
        }
        Some(_) => {
            return Err(Reply::fail(
                1,
                "비인증결제모듈 사용정보를 찾을 수 없습니다.",
            ));
        }
    };
    Ok(Pg { provider, id })
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
    #![allow(clippy::unwrap_used, clippy::expect_used)]
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
    fn masks_and_expiry() {
        assert_eq!(mask("4000000000000002"), "400000******0002");
        assert_eq!(mask("1234123412341"), "123412***2341");
        assert_eq!(parse_expiry("2030-07"), Some((2030, 7)));
        assert_eq!(parse_expiry("203007"), Some((2030, 7)));
        assert_eq!(parse_expiry("2030-13"), None);
        assert_eq!(parse_expiry("30-07"), None);
        assert_eq!(parse_expiry("2030/07"), None);
        assert_eq!(parse_expiry("٢٠٣٠-07"), None);
    }

    #[test]
    fn pg_channels() {
        assert_eq!(
            parse_pg(None, "nice").unwrap(),
            Pg {
                provider: "nice",
                id: "iamport01m".into()
            }
        );
        assert_eq!(parse_pg(Some("daou.CTS1"), "nice").unwrap().id, "CTS1");
        assert_eq!(parse_pg(Some("daou"), "nice").unwrap().id, "CTS17266");
        assert!(parse_pg(Some("kcp"), "nice").is_err());
        assert!(parse_pg(Some("nice_v2"), "nice").is_err());
        assert!(parse_pg(Some("nice."), "nice").is_err());
        assert!(parse_pg(Some("nice.."), "nice").is_err());
        assert!(parse_pg(Some("nice.a b"), "nice").is_err());
        assert!(parse_pg(None, "kcp").is_err());
    }
}
