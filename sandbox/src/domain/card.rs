//! Card data as the emulated PG sees it: the test cards, the checks a card must pass, and the
//! only things kept of a card (its mask, its issuer and its test behaviour). Raw card numbers,
//! expiry, `birth` and `pwd_2digit` are checked and dropped; they are never stored.
//!
//! The PG refuses a number it has no BIN for (live: `[F112]유효하지않은 카드번호를 입력하셨습니다.
//! (card_bin 없음)`, even for the vendor guides' own `1234-1234-1234-1234`): here, a number that
//! is not 13–19 digits, fails the Luhn check, or starts with a digit no card network issues
//! under (0, 1, 7, 8).

use std::fmt;

use crate::domain::clock::kst_date;

/// Approved (any other number that passes [`check`] is approved too).
pub const APPROVE_CARD: &str = "4111-1111-1111-1111";
/// Every charge of this card (or of a billing key issued from it) is declined: a `failed`
/// payment with `fail_reason` `[테스트] 카드 한도초과`.
pub const DECLINE_CARD: &str = "4000-0000-0000-0002";
/// Card authentication fails (code -1): no payment, no billing key.
pub const AUTH_FAIL_CARD: &str = "4000-0000-0000-0069";
/// Refused as the live API refuses it, `[F112]… (card_bin 없음)`: the vendor guides'
/// placeholder, which fails the Luhn check.
pub const NO_BIN_CARD: &str = "1234-1234-1234-1234";

/// Why the card company declines a charge (the payment's `fail_reason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decline {
    /// [`DECLINE_CARD`]: over its limit.
    OverLimit,
}

/// Why the PG refused card data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CardProblem {
    /// Not 13–19 digits.
    InvalidNumber,
    /// `expiry` is neither `YYYY-MM` nor `YYYYMM`.
    ExpiryFormat,
    /// `expiry` is before the current month.
    Expired,
    /// `birth` is not 6 or 10 digits.
    Birth,
    /// `pwd_2digit` is not 2 digits.
    Pwd2Digit,
    /// The authentication-failure test card.
    AuthFailed,
}

/// Card data as sent by the merchant.
pub(crate) struct CardInput {
    pub number: String,
    pub expiry: String,
    pub birth: Option<String>,
    pub pwd_2digit: Option<String>,
}

impl fmt::Debug for CardInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CardInput(<redacted>)")
    }
}

/// What is kept of an accepted card.
#[derive(Debug, Clone)]
pub(crate) struct Card {
    /// First 6 and last 4 digits, e.g. `400000******0002`.
    pub masked: String,
    pub code: &'static str,
    pub name: &'static str,
    /// Charges with it are declined, for this reason.
    pub declines: Option<Decline>,
}

/// Checks card data the way the PG does and reduces it to a [`Card`].
pub(crate) fn check(card: &CardInput, now: i64) -> Result<Card, CardProblem> {
    let digits = digits(&card.number);
    if !has_bin(&digits) {
        return Err(CardProblem::InvalidNumber);
    }
    let (year, month) = parse_expiry(&card.expiry).ok_or(CardProblem::ExpiryFormat)?;
    let (now_year, now_month, _) = kst_date(now);
    if (year, month) < (now_year, now_month) {
        return Err(CardProblem::Expired);
    }
    if let Some(b) = &card.birth {
        if !matches!(b.len(), 6 | 10) || !b.bytes().all(|c| c.is_ascii_digit()) {
            return Err(CardProblem::Birth);
        }
    }
    if let Some(p) = &card.pwd_2digit {
        if p.len() != 2 || !p.bytes().all(|c| c.is_ascii_digit()) {
            return Err(CardProblem::Pwd2Digit);
        }
    }
    if digits == self::digits(AUTH_FAIL_CARD) {
        return Err(CardProblem::AuthFailed);
    }
    let (code, name) = issuer(&digits);
    Ok(Card {
        masked: mask(&digits),
        code,
        name,
        declines: (digits == self::digits(DECLINE_CARD)).then_some(Decline::OverLimit),
    })
}

/// The number without its dashes and spaces.
fn digits(number: &str) -> String {
    number.chars().filter(|c| *c != '-' && *c != ' ').collect()
}

/// 13–19 ASCII digits, a valid Luhn check digit, and a first digit card networks issue under
/// (2 Mastercard, 3 Amex / JCB / Diners, 4 Visa, 5 Mastercard, 6 Discover / UnionPay,
/// 9 Korean domestic cards).
fn has_bin(digits: &str) -> bool {
    (13..=19).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && matches!(digits.as_bytes().first(), Some(b'2'..=b'6' | b'9'))
        && luhn(digits)
}

/// The Luhn (mod 10) check of a string of ASCII digits.
fn luhn(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            match (i % 2, d * 2) {
                (0, _) => d,
                (_, x) if x > 9 => x - 9,
                (_, x) => x,
            }
        })
        .sum();
    sum % 10 == 0
}

/// First 6 and last 4 digits visible.
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn numbers_without_a_bin_are_refused() {
        for good in [
            APPROVE_CARD,
            DECLINE_CARD,
            AUTH_FAIL_CARD,
            "5500-0000-0000-0004",
            "3700-000000-00002",
            "4111111111119",
            "9410 1234 5678 9010",
            "6011111111111117",
            "2223000048400011",
            "4111111111111111110",
        ] {
            assert!(has_bin(&digits(good)), "{good}");
        }
        for bad in [
            NO_BIN_CARD,
            "4111-1111-1111-1112",
            "4111-2222-3333-4444",
            "0000-0000-0000-0000",
            "1234-1234-1234-1238",
            "7000-0000-0000-0005",
            "8000-0000-0000-0003",
            "4111",
            "41111111111111111111",
            "4111-1111-1111-111a",
            "４１１１-1111-1111-1111",
        ] {
            assert!(!has_bin(&digits(bad)), "{bad}");
        }
        let now = 1_735_657_200;
        let input = |number: &str| CardInput {
            number: number.into(),
            expiry: "2099-12".into(),
            birth: None,
            pwd_2digit: None,
        };
        assert_eq!(
            check(&input(NO_BIN_CARD), now).unwrap_err(),
            CardProblem::InvalidNumber
        );
        assert_eq!(
            check(&input(AUTH_FAIL_CARD), now).unwrap_err(),
            CardProblem::AuthFailed
        );
        assert_eq!(
            check(&input(DECLINE_CARD), now).unwrap().declines,
            Some(Decline::OverLimit)
        );
        assert_eq!(check(&input(APPROVE_CARD), now).unwrap().declines, None);
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
    fn debug_hides_the_card() {
        let input = CardInput {
            number: "4111111111111111".into(),
            expiry: "2030-12".into(),
            birth: Some("820213".into()),
            pwd_2digit: Some("00".into()),
        };
        assert_eq!(format!("{input:?}"), "CardInput(<redacted>)");
    }
}
