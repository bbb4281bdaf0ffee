//! uniffi glue, compiled only with the `uniffi` feature (used by `bindings-ffi`).
//!
//! The models and requests derive `uniffi::Record`/`uniffi::Enum` where they are defined; this
//! file declares the namespace and how the types uniffi has no built-in form for cross the FFI:
//! exact amounts as decimal text, card data and secrets as strings that the foreign side wraps in
//! masking types (configured in `bindings-ffi/uniffi.toml`), and string maps. `PaymentPage` (from
//! `models.rs`) is declared here as a record, field for field (the compiler checks the list).

use crate::models::{Payment, PaymentPage};
use crate::money::Amount;
use crate::secret::{AccessToken, Birth, CardNumber, Cvc, Expiry, ImpSecret, Pwd2Digit};
use std::collections::{BTreeMap, HashMap};

uniffi::setup_scaffolding!("iamport_subscribe_core");

// Decimal text, never a float: Kotlin maps it to BigDecimal, Swift to Decimal.
uniffi::custom_type!(Amount, String, {
    lower: |amount| amount.to_string(),
    try_lift: |text| amount_from_wire(&text),
});

/// Reads an amount only if it is exactly representable: the decimal parser silently rounds digits
/// beyond its 28 decimal places / 96-bit mantissa, and money must not change on the way in.
fn amount_from_wire(text: &str) -> uniffi::Result<Amount> {
    let amount: Amount = text.parse()?;
    match canonical_decimal(text) {
        Some(canonical) if canonical == amount.to_string() => Ok(amount),
        _ => Err(uniffi::deps::anyhow::anyhow!(
            "{text:?} is not an amount that can be held exactly (plain decimal text, at most 28 \
             decimal places and 28 digits)"
        )),
    }
}

/// `[+-]digits[.digits]` without superfluous zeros or sign, as `Amount`'s `Display` writes it.
fn canonical_decimal(text: &str) -> Option<String> {
    let text = text.trim();
    let (negative, unsigned) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (int.is_empty() && frac.is_empty()) || !digits(int) || !digits(frac) {
        return None;
    }
    let int = int.trim_start_matches('0');
    let frac = frac.trim_end_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    let mut out = String::new();
    if negative && (int != "0" || !frac.is_empty()) {
        out.push('-');
    }
    out.push_str(int);
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    Some(out)
}

// The raw value crosses the FFI only because the foreign code handed it over (requests); the
// foreign wrapper types print masks, like these types' `Debug`/`Display`.
macro_rules! secret_custom_type {
    ($($name:ident),*) => {$(
        uniffi::custom_type!($name, String, {
            lower: |secret| secret.expose_secret().to_owned(),
            try_lift: |raw| Ok($name::new(raw)),
        });
    )*};
}
secret_custom_type!(
    CardNumber,
    Expiry,
    Birth,
    Pwd2Digit,
    Cvc,
    ImpSecret,
    AccessToken
);

/// PG-specific extras (`extra`): uniffi has maps only as `HashMap`; the order of a `BTreeMap`
/// does not matter on the wire.
pub type StringMap = BTreeMap<String, String>;

uniffi::custom_type!(StringMap, HashMap<String, String>, {
    remote,
    lower: |map| map.into_iter().collect(),
    try_lift: |map| Ok(map.into_iter().collect()),
});

/// One page of payments (`PagedPaymentAnnotation`), as the `*_page` listing calls return it.
#[uniffi::remote(Record)]
pub struct PaymentPage {
    pub total: u64,
    /// Previous page number, `None` on the first page.
    pub previous: Option<u32>,
    /// Next page number, `None` on the last page.
    pub next: Option<u32>,
    pub list: Vec<Payment>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_cross_only_when_exact() {
        for (text, expected) in [
            ("9900", "9900"),
            ("9900.00", "9900"),
            ("+0012.340", "12.34"),
            ("-0", "0"),
            (
                "0.0000000000000000000000000001",
                "0.0000000000000000000000000001",
            ),
            (
                "79228162514264337593543950335",
                "79228162514264337593543950335",
            ),
        ] {
            let amount = amount_from_wire(text).map(|a| a.to_string()).ok();
            assert_eq!(amount.as_deref(), Some(expected), "{text}");
        }
        for text in [
            "0.00000000000000000000000000001",
            "1.00000000000000000000000000001",
            "79228162514264337593543950336",
            "1E+3",
            "NaN",
            "",
            ".",
            "12.3.4",
        ] {
            assert!(amount_from_wire(text).is_err(), "{text}");
        }
    }
}
