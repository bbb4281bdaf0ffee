//! Validation rules, each declared once. Requests (`requests.rs`, `schedule.rs`), lookups
//! (`client.rs`) and the client's configuration call these; every failure is
//! `Error::InvalidRequest` naming the field (core's snake_case name, the wire name where there is
//! one), and nothing is sent.
//!
//! Where the vendor spec gives a limit (string `maxLength`, enums, the 3-month schedule window),
//! that limit is used; where it gives none, the limit is this crate's and its reason is written
//! next to it. Limits are counted in characters (Unicode scalar values), free text in UTF-8 bytes.

use crate::error::{Error, Result};
use crate::models::{PaymentStatus, Timestamp};
use crate::money::Amount;
use crate::schedule::ScheduleStatus;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::net::IpAddr;
use std::time::Duration;

// ---------------------------------------------------------------------------------------------
// Text

/// What a text field may contain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextKind {
    /// An identifier: not blank, no control characters, at most `max` characters.
    Id,
    /// One line of text (a name, an address): no control characters, at most `max` characters.
    Line,
    /// Free text (`custom_data`, `bypass`): anything, at most `max` bytes of UTF-8.
    Free,
}

/// The rule of one text field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TextRule {
    /// Core's (snake_case, wire) name.
    pub field: &'static str,
    pub max: usize,
    pub kind: TextKind,
}

const fn id(field: &'static str, max: usize) -> TextRule {
    TextRule {
        field,
        max,
        kind: TextKind::Id,
    }
}

const fn line(field: &'static str, max: usize) -> TextRule {
    TextRule {
        field,
        max,
        kind: TextKind::Line,
    }
}

/// Single-line fields the spec gives no maximum for (`reason`, `customer_id`, `promotion_id`,
/// ...): generous for what they hold, small enough that a mistake (a whole document in a name)
/// is refused rather than sent.
pub const LINE_MAX: usize = 255;

/// Free-text fields (`custom_data`, `bypass`, `secure_3d_token`): the spec gives no maximum. 64 KiB
/// is far more than any order's metadata, and keeps one request well below [`MAX_BODY_BYTES`]; a
/// 5 MB `custom_data` is refused here instead of being sent (and retried) as a doomed request.
pub const FREE_TEXT_MAX_BYTES: usize = 64 * 1024;

/// Largest request body the client sends (only a `schedule` with very many entries reaches it).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

pub const MERCHANT_UID: TextRule = id("merchant_uid", 40);
pub const CUSTOMER_UID: TextRule = id("customer_uid", 80);
pub const IMP_UID: TextRule = id("imp_uid", 32);
pub const PG: TextRule = id("pg", 80);
pub const CHANNEL_KEY: TextRule = id("channel_key", 55);
pub const CHANNEL_GROUP_ID: TextRule = id("channel_group_id", 55);
pub const CUSTOMER_ID: TextRule = id("customer_id", LINE_MAX);
pub const PROMOTION_ID: TextRule = id("promotion_id", LINE_MAX);
pub const SECURE_3D_CHARGE_ID: TextRule = id("secure_3d_charge_id", LINE_MAX);
pub const NAME: TextRule = line("name", 40);
pub const BUYER_NAME: TextRule = line("buyer_name", 16);
pub const BUYER_EMAIL: TextRule = line("buyer_email", 64);
pub const BUYER_TEL: TextRule = line("buyer_tel", 16);
pub const BUYER_ADDR: TextRule = line("buyer_addr", 128);
pub const BUYER_POSTCODE: TextRule = line("buyer_postcode", 8);
pub const CUSTOMER_NAME: TextRule = line("customer_name", 20);
pub const CUSTOMER_TEL: TextRule = line("customer_tel", 20);
pub const CUSTOMER_EMAIL: TextRule = line("customer_email", 200);
pub const CUSTOMER_ADDR: TextRule = line("customer_addr", 200);
pub const CUSTOMER_POSTCODE: TextRule = line("customer_postcode", 8);
pub const REASON: TextRule = line("reason", LINE_MAX);
pub const REFUND_HOLDER: TextRule = line("refund_holder", LINE_MAX);
pub const REFUND_BANK: TextRule = line("refund_bank", LINE_MAX);
pub const REFUND_ACCOUNT: TextRule = line("refund_account", LINE_MAX);
pub const REFUND_TEL: TextRule = line("refund_tel", LINE_MAX);
pub const CUSTOM_DATA: TextRule = TextRule {
    field: "custom_data",
    max: FREE_TEXT_MAX_BYTES,
    kind: TextKind::Free,
};
pub const BYPASS: TextRule = TextRule {
    field: "bypass",
    max: FREE_TEXT_MAX_BYTES,
    kind: TextKind::Free,
};
pub const SECURE_3D_TOKEN: TextRule = TextRule {
    field: "secure_3d_token",
    max: FREE_TEXT_MAX_BYTES,
    kind: TextKind::Free,
};
/// The client's credentials (sent in the `getToken` body).
pub const IMP_KEY: TextRule = id("imp_key", 256);
pub const IMP_SECRET: TextRule = id("imp_secret", 256);

/// Every text rule, for documentation and tests.
pub const TEXT_RULES: &[TextRule] = &[
    MERCHANT_UID,
    CUSTOMER_UID,
    IMP_UID,
    PG,
    CHANNEL_KEY,
    CHANNEL_GROUP_ID,
    CUSTOMER_ID,
    PROMOTION_ID,
    SECURE_3D_CHARGE_ID,
    NAME,
    BUYER_NAME,
    BUYER_EMAIL,
    BUYER_TEL,
    BUYER_ADDR,
    BUYER_POSTCODE,
    CUSTOMER_NAME,
    CUSTOMER_TEL,
    CUSTOMER_EMAIL,
    CUSTOMER_ADDR,
    CUSTOMER_POSTCODE,
    REASON,
    REFUND_HOLDER,
    REFUND_BANK,
    REFUND_ACCOUNT,
    REFUND_TEL,
    CUSTOM_DATA,
    BYPASS,
    SECURE_3D_TOKEN,
    IMP_KEY,
    IMP_SECRET,
];

impl TextRule {
    /// Checks `value` against this rule.
    pub fn check(&self, value: &str) -> Result<()> {
        match self.kind {
            TextKind::Free => {
                if value.len() > self.max {
                    return Err(Error::invalid(
                        self.field,
                        format!(
                            "is {} bytes long; at most {} bytes are sent",
                            value.len(),
                            self.max
                        ),
                    ));
                }
            }
            TextKind::Id | TextKind::Line => {
                if self.kind == TextKind::Id && value.trim().is_empty() {
                    return Err(Error::invalid(self.field, "must not be empty"));
                }
                if value.chars().count() > self.max {
                    return Err(Error::invalid(
                        self.field,
                        format!("must be at most {} characters", self.max),
                    ));
                }
                if value.chars().any(char::is_control) {
                    return Err(Error::invalid(
                        self.field,
                        "must not contain control characters (such as a line break)",
                    ));
                }
            }
        }
        Ok(())
    }

    /// Checks `value` when it is given.
    pub fn check_opt(&self, value: Option<&str>) -> Result<()> {
        value.map_or(Ok(()), |v| self.check(v))
    }
}

/// One of a fixed set of values (the spec's `enum`).
pub(crate) fn one_of(field: &str, value: Option<&str>, allowed: &[&str]) -> Result<()> {
    match value {
        Some(v) if !allowed.contains(&v) => Err(Error::invalid(
            field,
            format!("must be one of {}", allowed.join(", ")),
        )),
        _ => Ok(()),
    }
}

/// `product_type` (KSNET).
pub(crate) const PRODUCT_TYPES: &[&str] = &["real", "digital"];
/// `cash_receipt_type` (TossPay).
pub(crate) const CASH_RECEIPT_TYPES: &[&str] = &["person", "company", "anonymous"];

/// `bypass`: free text that must be JSON (the spec: "JSON string 형식", passed to the PG as is).
pub(crate) fn check_bypass(value: Option<&str>) -> Result<()> {
    let Some(v) = value else { return Ok(()) };
    BYPASS.check(v)?;
    serde_json::from_str::<serde::de::IgnoredAny>(v)
        .map(drop)
        .map_err(|_| Error::invalid("bypass", "must be JSON text (it is passed to the PG as is)"))
}

/// A URL the API calls (`notice_url`): absolute `http`/`https` with a host, at most 2048
/// characters (a common limit of servers and proxies for a request line).
pub(crate) fn check_url(field: &str, value: Option<&str>) -> Result<()> {
    let Some(v) = value else { return Ok(()) };
    if v.chars().count() > 2048 {
        return Err(Error::invalid(field, "must be at most 2048 characters"));
    }
    let refused = || Error::invalid(field, "must be an absolute http:// or https:// URL");
    if v.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(refused());
    }
    let url = url::Url::parse(v).map_err(|_| refused())?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return Err(refused());
    }
    Ok(())
}

/// `browser_ip`: an IPv4 or IPv6 address.
pub(crate) fn check_ip(field: &str, value: Option<&str>) -> Result<()> {
    match value {
        Some(v) if v.parse::<IpAddr>().is_err() => {
            Err(Error::invalid(field, "must be an IPv4 or IPv6 address"))
        }
        _ => Ok(()),
    }
}

/// `extra`: PG-specific keys and values (`naverUseCfm`, `requester`), short single-line texts.
pub(crate) fn check_extra(value: Option<&BTreeMap<String, String>>) -> Result<()> {
    for (k, v) in value.into_iter().flatten() {
        id("extra", 64).check(k)?;
        line("extra", LINE_MAX).check(v)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Money

/// The largest amount the client sends: 9,999,999,999,999 (13 digits).
///
/// Every party must hold an amount exactly. The API is a PHP server: JSON integers become int64,
/// JSON fractions become IEEE doubles, which hold any decimal of up to 15 significant digits
/// exactly (it reads back as the same digits). JavaScript numbers are doubles too, exact for
/// integers up to 2^53 − 1 (9,007,199,254,740,991). 13 integer digits plus at most 2 decimals
/// (the finest minor unit of any currency below) are 15 significant digits: exact everywhere.
/// (It is about 7 billion US dollars, or 10 trillion won.)
pub const MAX_AMOUNT: Amount = Amount::whole(9_999_999_999_999);

/// A currency the client accepts, with the number of decimals its amounts may have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Currency {
    /// ISO 4217 code, upper-case as the API writes it.
    pub code: &'static str,
    /// Digits after the decimal point (ISO 4217 minor unit): 0 for KRW, 2 for USD.
    pub decimals: u32,
}

/// The currencies the vendor spec names for these endpoints (`KRW` the default; `USD`, `VND` in
/// the charge and schedule parameters, `JPY` in the payment pre-registration). Any other code is
/// refused: a typo (`XYZ`, `WON`) must not reach a PG.
pub const CURRENCIES: &[Currency] = &[
    Currency {
        code: "KRW",
        decimals: 0,
    },
    Currency {
        code: "USD",
        decimals: 2,
    },
    Currency {
        code: "JPY",
        decimals: 0,
    },
    Currency {
        code: "VND",
        decimals: 0,
    },
];

/// The currency of a charge (`None`: KRW, the API's default).
pub(crate) fn currency(code: Option<&str>) -> Result<Currency> {
    let code = code.unwrap_or("KRW");
    CURRENCIES
        .iter()
        .find(|c| c.code == code)
        .copied()
        .ok_or_else(|| {
            let known: Vec<&str> = CURRENCIES.iter().map(|c| c.code).collect();
            Error::invalid(
                "currency",
                format!("must be one of {} (upper case)", known.join(", ")),
            )
        })
}

/// The finest minor unit of any accepted currency: the decimals allowed where the currency is
/// not known (a refund is in its payment's currency).
fn finest_decimals() -> u32 {
    CURRENCIES.iter().map(|c| c.decimals).max().unwrap_or(0)
}

/// Whether zero is a valid value of an amount field.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Zero {
    Allowed,
    Refused,
}

/// One amount: not negative (and not zero unless allowed), at most [`MAX_AMOUNT`], no finer than
/// `decimals`.
pub(crate) fn check_amount(field: &str, amount: &Amount, zero: Zero, decimals: u32) -> Result<()> {
    let value = amount.as_decimal();
    if value.is_sign_negative() && !value.is_zero() {
        return Err(Error::invalid(field, "must not be negative"));
    }
    if zero == Zero::Refused && !amount.is_positive() {
        return Err(Error::invalid(field, "must be greater than 0"));
    }
    if value > MAX_AMOUNT.as_decimal() {
        return Err(Error::invalid(
            field,
            format!(
                "must be at most {MAX_AMOUNT} (larger amounts are not exact in every language \
                 and at the API)"
            ),
        ));
    }
    if value.normalize().scale() > decimals {
        return Err(Error::invalid(
            field,
            match decimals {
                0 => "must be a whole number in this currency (it has no minor unit)".to_owned(),
                d => format!("must have at most {d} decimals in this currency"),
            },
        ));
    }
    Ok(())
}

/// The amounts of a charge: `amount` and its tax-free and VAT parts, in `currency`. Returns the
/// currency.
pub(crate) fn check_charge(
    currency_code: Option<&str>,
    amount: &Amount,
    tax_free: Option<&Amount>,
    vat_amount: Option<&Amount>,
    vat: Option<&Amount>,
) -> Result<Currency> {
    let currency = currency(currency_code)?;
    check_amount("amount", amount, Zero::Refused, currency.decimals)?;
    check_parts(Some(amount), tax_free, vat_amount, vat, currency.decimals)?;
    Ok(currency)
}

/// `tax_free`, `vat_amount` (and the deprecated `vat`) are parts of `amount`: each at most the
/// amount, and `tax_free + vat_amount` too.
pub(crate) fn check_parts(
    amount: Option<&Amount>,
    tax_free: Option<&Amount>,
    vat_amount: Option<&Amount>,
    vat: Option<&Amount>,
    decimals: u32,
) -> Result<()> {
    for (field, part) in [
        ("tax_free", tax_free),
        ("vat_amount", vat_amount),
        ("vat", vat),
    ] {
        let Some(part) = part else { continue };
        check_amount(field, part, Zero::Allowed, decimals)?;
        if let Some(amount) = amount {
            if part.as_decimal() > amount.as_decimal() {
                return Err(Error::invalid(field, "must not exceed amount"));
            }
        }
    }
    if let (Some(amount), Some(tax_free), Some(vat_amount)) = (amount, tax_free, vat_amount) {
        if tax_free.as_decimal() + vat_amount.as_decimal() > amount.as_decimal() {
            return Err(Error::invalid(
                "vat_amount",
                "plus tax_free must not exceed amount (both are parts of it)",
            ));
        }
    }
    Ok(())
}

/// The amounts of a refund, whose currency (the payment's) is not known here: decimals up to the
/// finest accepted currency's.
pub(crate) fn check_refund(
    amount: Option<&Amount>,
    tax_free: Option<&Amount>,
    vat_amount: Option<&Amount>,
    checksum: Option<&Amount>,
) -> Result<()> {
    let decimals = finest_decimals();
    if let Some(a) = amount {
        if !a.is_positive() {
            return Err(Error::invalid(
                "amount",
                "must be greater than 0 (omit it to refund everything)",
            ));
        }
        check_amount("amount", a, Zero::Refused, decimals)?;
    }
    check_parts(amount, tax_free, vat_amount, None, decimals)?;
    if let Some(c) = checksum {
        check_amount("checksum", c, Zero::Allowed, decimals)?;
        if let Some(a) = amount {
            if a.as_decimal() > c.as_decimal() {
                return Err(Error::invalid(
                    "checksum",
                    "is the balance still refundable, so it must be at least amount",
                ));
            }
        }
    }
    Ok(())
}

/// `checking_amount` of a schedule request: a whole-won test charge, 0 for none.
pub(crate) fn check_checking_amount(value: Option<&Amount>) -> Result<()> {
    value.map_or(Ok(()), |a| {
        check_amount("checking_amount", a, Zero::Allowed, 0)
    })
}

/// Most installment months a Korean card company offers (general installments run 2 to 36).
pub const MAX_CARD_QUOTA: u32 = 36;
/// The smallest amount (won) that may be paid in installments (spec: "결제금액 50,000원 이상 한정").
pub const MIN_INSTALLMENT_KRW: i64 = 50_000;

/// `card_quota`: none or 0 is a lump sum; installments are 2 to [`MAX_CARD_QUOTA`] months, and in
/// KRW only for amounts of at least [`MIN_INSTALLMENT_KRW`].
pub(crate) fn check_card_quota(
    quota: Option<u32>,
    amount: &Amount,
    currency: Currency,
) -> Result<()> {
    match quota {
        None | Some(0) => Ok(()),
        Some(1) => Err(Error::invalid(
            "card_quota",
            "must be 0 (or left out) for a lump sum, or 2 and more months",
        )),
        Some(q) if q > MAX_CARD_QUOTA => Err(Error::invalid(
            "card_quota",
            format!("must be at most {MAX_CARD_QUOTA} months"),
        )),
        Some(_)
            if currency.code == "KRW"
                && amount.as_decimal() < Decimal::from(MIN_INSTALLMENT_KRW) =>
        {
            Err(Error::invalid(
                "card_quota",
                "needs an amount of at least 50000 won (smaller amounts are paid in one sum)",
            ))
        }
        Some(_) => Ok(()),
    }
}

/// `product_count`: at least 1.
pub(crate) fn check_product_count(value: Option<u32>) -> Result<()> {
    match value {
        Some(0) => Err(Error::invalid("product_count", "must be at least 1")),
        _ => Ok(()),
    }
}

// ---------------------------------------------------------------------------------------------
// Time

/// Earliest time a charge may be scheduled at: 2000-01-01T00:00:00Z. An earlier one is a mistake
/// (0, a relative number of seconds), not a schedule.
pub const MIN_SCHEDULE_AT: Timestamp = 946_684_800;
/// Latest unix time accepted anywhere: 9999-12-31T23:59:59Z. A larger number is milliseconds by
/// mistake (now in milliseconds is year 50,000+); it also stays within every language's date type.
pub const MAX_TIMESTAMP: Timestamp = 253_402_300_799;
/// Widest window of a schedule listing: the API lists at most "3 months" at once (92 days, as the
/// sandbox counts them).
pub const MAX_SCHEDULE_WINDOW: Duration = Duration::from_secs(92 * 86_400);

const MILLIS_HINT: &str = "is after the year 9999: unix time is in seconds, not milliseconds";

/// A time to charge at (`schedule_at`), in unix seconds.
pub(crate) fn check_schedule_at(field: &str, at: Timestamp) -> Result<()> {
    if at > MAX_TIMESTAMP {
        return Err(Error::invalid(field, MILLIS_HINT));
    }
    if at < MIN_SCHEDULE_AT {
        return Err(Error::invalid(
            field,
            "is before the year 2000: it must be a unix time in seconds",
        ));
    }
    Ok(())
}

/// Widest window of a payments-by-status page (`GET /payments/status/{status}`): 90 days, both
/// ends inclusive (facts §6.5). `list_payments` cuts a longer range into such windows.
pub const MAX_PAYMENTS_WINDOW_SECS: i64 = 90 * 86_400;
/// Largest page a listing returns (the API's `limit` maximum).
pub const MAX_PAGE_SIZE: u32 = 1000;

/// A range of unix seconds: neither end negative nor in milliseconds, `from` not after `to`.
pub(crate) fn check_range(from: Timestamp, to: Timestamp) -> Result<()> {
    for (field, t) in [("from", from), ("to", to)] {
        if t > MAX_TIMESTAMP {
            return Err(Error::invalid(field, MILLIS_HINT));
        }
        if t < 0 {
            return Err(Error::invalid(field, "must not be negative (unix seconds)"));
        }
    }
    if from > to {
        return Err(Error::invalid("to", "must not be before from"));
    }
    Ok(())
}

/// A schedule listing's window `[from, to)`: a [`check_range`] at most [`MAX_SCHEDULE_WINDOW`]
/// wide.
pub(crate) fn check_window(from: Timestamp, to: Timestamp) -> Result<()> {
    check_range(from, to)?;
    if Duration::from_secs(to.abs_diff(from)) > MAX_SCHEDULE_WINDOW {
        return Err(Error::invalid(
            "to",
            "is more than 92 days after from: the API lists at most 3 months at once",
        ));
    }
    Ok(())
}

/// One payments-by-status page's window `[from, to]`: a [`check_range`] at most
/// [`MAX_PAYMENTS_WINDOW_SECS`] wide.
pub(crate) fn check_payments_window(from: Timestamp, to: Timestamp) -> Result<()> {
    check_range(from, to)?;
    if to - from > MAX_PAYMENTS_WINDOW_SECS {
        return Err(Error::invalid(
            "to",
            "is more than 90 days after from: one page covers at most 90 days \
             (list_payments splits a longer range)",
        ));
    }
    Ok(())
}

/// Page numbers start at 1.
pub(crate) fn check_page(page: u32) -> Result<()> {
    if page == 0 {
        return Err(Error::invalid("page", "must be at least 1"));
    }
    Ok(())
}

/// A page size: 1 to [`MAX_PAGE_SIZE`].
pub(crate) fn check_limit(limit: u32) -> Result<()> {
    if !(1..=MAX_PAGE_SIZE).contains(&limit) {
        return Err(Error::invalid("limit", "must be between 1 and 1000"));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Statuses

/// The statuses `find_payment` and `find_all_payments` can filter by (the path segment's values).
pub(crate) fn check_payment_status(status: Option<&PaymentStatus>) -> Result<()> {
    match status {
        Some(PaymentStatus::Other(_)) => Err(Error::invalid(
            "status",
            "must be one of ready, paid, failed, cancelled",
        )),
        _ => Ok(()),
    }
}

/// The path segment of a payments-by-status listing: `all` for `None` (and for the text `all`);
/// a status the API does not list by is refused.
pub(crate) fn payments_status_segment(status: Option<&PaymentStatus>) -> Result<&str> {
    match status {
        None => Ok("all"),
        Some(PaymentStatus::Other(s)) if s == "all" => Ok("all"),
        Some(PaymentStatus::Other(_)) => Err(Error::invalid(
            "status",
            "must be one of all, ready, paid, failed, cancelled",
        )),
        Some(s) => Ok(s.as_str()),
    }
}

/// The statuses the schedule listings can filter by.
pub(crate) fn check_schedule_status(status: Option<&ScheduleStatus>) -> Result<()> {
    match status {
        Some(ScheduleStatus::Other(_)) => Err(Error::invalid(
            "status",
            "must be one of scheduled, executed, revoked",
        )),
        _ => Ok(()),
    }
}

// ---------------------------------------------------------------------------------------------
// Client configuration

/// Longest time allowed for one exchange (`timeout`, `connect_timeout`): 10 minutes. Longer is a
/// mistake (seconds given as milliseconds), and would hold a charge's caller for hours.
pub const MAX_TIMEOUT: Duration = Duration::from_secs(600);
/// Most retries after the first attempt.
pub const MAX_RETRIES: u32 = 10;
/// Longest single backoff: 5 minutes. (Zero is allowed: tests retry at once; the retry count
/// bounds the attempts.)
pub const MAX_BACKOFF: Duration = Duration::from_secs(300);

/// A timeout: more than zero, at most [`MAX_TIMEOUT`].
pub(crate) fn check_timeout(field: &str, value: Duration) -> Result<()> {
    if value.is_zero() {
        return Err(Error::invalid(field, "must be greater than zero"));
    }
    if value > MAX_TIMEOUT {
        return Err(Error::invalid(field, "must be at most 600 seconds"));
    }
    Ok(())
}

/// A backoff: at most [`MAX_BACKOFF`].
pub(crate) fn check_backoff(field: &str, value: Duration) -> Result<()> {
    if value > MAX_BACKOFF {
        return Err(Error::invalid(field, "must be at most 300 seconds"));
    }
    Ok(())
}

/// `max_retries`: 0 to [`MAX_RETRIES`].
pub(crate) fn check_max_retries(value: u32) -> Result<()> {
    if value > MAX_RETRIES {
        return Err(Error::invalid(
            "max_retries",
            format!("must be at most {MAX_RETRIES}"),
        ));
    }
    Ok(())
}

/// The `User-Agent` header: printable ASCII (a line break would end the header), 1 to 256
/// characters.
pub(crate) fn check_user_agent(value: &str) -> Result<()> {
    if value.is_empty() || value.len() > 256 {
        return Err(Error::invalid(
            "user_agent",
            "must be 1 to 256 characters long",
        ));
    }
    if !value.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return Err(Error::invalid(
            "user_agent",
            "must be printable ASCII (no line breaks or other control characters)",
        ));
    }
    Ok(())
}

/// `tier` (facts §2.3): exactly 3 upper-case letters or digits.
pub(crate) fn check_tier(value: &str) -> Result<()> {
    let ok = value.len() == 3
        && value
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    if !ok {
        return Err(Error::invalid(
            "tier",
            "must be 3 upper-case letters or digits",
        ));
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn every_text_rule_has_a_distinct_field_and_a_limit() {
        let mut seen = std::collections::HashSet::new();
        for rule in TEXT_RULES {
            assert!(seen.insert(rule.field), "{} twice", rule.field);
            assert!(rule.max > 0);
            let at_max = "a".repeat(rule.max);
            assert!(rule.check(&at_max).is_ok(), "{}", rule.field);
            let over = "a".repeat(rule.max + 1);
            assert_eq!(
                rule.check(&over).unwrap_err().field(),
                Some(rule.field),
                "{}",
                rule.field
            );
            let line_break = rule.check("a\nb");
            assert_eq!(line_break.is_err(), rule.kind != TextKind::Free);
            assert_eq!(rule.check("  ").is_err(), rule.kind == TextKind::Id);
        }
    }

    #[test]
    fn the_maximum_amount_is_exact_in_a_double_and_in_javascript() {
        let max = MAX_AMOUNT.as_decimal();
        // 13 digits and at most 2 decimals: 15 significant digits, the digits a double keeps.
        let with_cents = max + Decimal::new(99, 2);
        let text = with_cents.to_string();
        let parsed: f64 = text.parse().unwrap_or_default();
        assert_eq!(parsed.to_string(), text);
        assert!(max <= Decimal::from(9_007_199_254_740_991_i64));
        assert_eq!(finest_decimals(), 2);
    }

    #[test]
    fn amounts() {
        let a = |s: &str| s.parse::<Amount>().unwrap_or_default();
        let krw = currency(None).unwrap_or(CURRENCIES[0]);
        assert_eq!(krw.code, "KRW");
        assert!(currency(Some("XYZ")).is_err());
        assert!(currency(Some("krw")).is_err());
        assert!(check_charge(Some("USD"), &a("0.3"), None, None, None).is_ok());
        assert!(check_charge(Some("USD"), &a("0.30000000000000004"), None, None, None).is_err());
        assert!(check_charge(None, &a("10.5"), None, None, None).is_err());
        assert!(check_charge(None, &a("9999999999999"), None, None, None).is_ok());
        assert!(check_charge(None, &a("10000000000000"), None, None, None).is_err());
        let err = |r: Result<Currency>| r.err().and_then(|e| e.field().map(str::to_owned));
        assert_eq!(
            err(check_charge(None, &a("1000"), Some(&a("1001")), None, None)).as_deref(),
            Some("tax_free")
        );
        assert_eq!(
            err(check_charge(
                None,
                &a("1000"),
                Some(&a("600")),
                Some(&a("500")),
                None
            ))
            .as_deref(),
            Some("vat_amount")
        );
        assert!(check_charge(None, &a("1000"), Some(&a("500")), Some(&a("500")), None).is_ok());
        assert!(check_refund(Some(&a("100")), None, None, Some(&a("99"))).is_err());
        assert!(check_refund(Some(&a("100")), None, None, Some(&a("100"))).is_ok());
    }

    #[test]
    fn card_quota_and_times() {
        let krw = CURRENCIES[0];
        let big = Amount::new(50_000);
        assert!(check_card_quota(Some(0), &Amount::new(1), krw).is_ok());
        assert!(check_card_quota(Some(1), &big, krw).is_err());
        assert!(check_card_quota(Some(2), &big, krw).is_ok());
        assert!(check_card_quota(Some(36), &big, krw).is_ok());
        assert!(check_card_quota(Some(37), &big, krw).is_err());
        assert!(check_card_quota(Some(3), &Amount::new(49_999), krw).is_err());
        assert!(check_schedule_at("schedule_at", 1_767_225_600).is_ok());
        let ms = check_schedule_at("schedule_at", 1_767_225_600_000).unwrap_err();
        assert!(ms.to_string().contains("milliseconds"), "{ms}");
        assert!(check_schedule_at("schedule_at", 0).is_err());
        assert!(check_window(100, 100).is_ok());
        assert!(check_window(100, 99).is_err());
        assert!(check_window(0, 92 * 86_400).is_ok());
        assert!(check_window(0, 92 * 86_400 + 1).is_err());
    }
}
