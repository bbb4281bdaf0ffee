//! Exact money amounts.
//!
//! The API types amounts as JSON `number`. They are held as [`Decimal`], never as binary floating
//! point: integers are read and written exactly; a fractional JSON number is read through the
//! shortest decimal text of its double (the digits the server wrote, for any amount with up to 15
//! significant digits) and written back as the exact decimal text.

use rust_decimal::Decimal;
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// An amount of money in the payment's currency (won for KRW).
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Amount(Decimal);

impl Amount {
    /// Zero.
    pub const ZERO: Amount = Amount(Decimal::ZERO);

    /// A whole amount (won, for KRW), usable in constants.
    pub const fn whole(units: u64) -> Self {
        // Truncations intended: the low and middle 32 bits of the 96-bit mantissa.
        Amount(Decimal::from_parts(
            units as u32,
            (units >> 32) as u32,
            0,
            false,
            0,
        ))
    }

    /// A whole amount (won, for KRW).
    pub fn new(units: i64) -> Self {
        Amount(Decimal::from(units))
    }

    /// An amount from an exact decimal.
    pub fn from_decimal(value: Decimal) -> Self {
        Amount(value.normalize())
    }

    /// The exact value.
    pub fn as_decimal(&self) -> Decimal {
        self.0
    }

    /// True when there is no fractional part.
    pub fn is_whole(&self) -> bool {
        self.0.fract().is_zero()
    }

    /// The value as an integer when it is whole and fits.
    pub fn to_i64(&self) -> Option<i64> {
        if self.is_whole() {
            i64::try_from(self.0).ok()
        } else {
            None
        }
    }

    /// True when greater than zero.
    pub fn is_positive(&self) -> bool {
        self.0 > Decimal::ZERO
    }
}

impl From<i64> for Amount {
    fn from(v: i64) -> Self {
        Amount::new(v)
    }
}

impl From<i32> for Amount {
    fn from(v: i32) -> Self {
        Amount::new(i64::from(v))
    }
}

impl From<u32> for Amount {
    fn from(v: u32) -> Self {
        Amount::new(i64::from(v))
    }
}

impl From<Decimal> for Amount {
    fn from(v: Decimal) -> Self {
        Amount::from_decimal(v)
    }
}

impl FromStr for Amount {
    type Err = rust_decimal::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Decimal::from_str(s.trim()).map(Amount::from_decimal)
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0.normalize(), f)
    }
}

impl fmt::Debug for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Amount({self})")
    }
}

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if let Some(whole) = self.to_i64() {
            return s.serialize_i64(whole);
        }
        // Exact decimal text as a JSON number, never through f64.
        let raw = serde_json::value::RawValue::from_string(self.0.normalize().to_string())
            .map_err(serde::ser::Error::custom)?;
        raw.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(AmountVisitor)
    }
}

struct AmountVisitor;

impl Visitor<'_> for AmountVisitor {
    type Value = Amount;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an amount (number or numeric string)")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Amount, E> {
        Ok(Amount::new(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Amount, E> {
        Ok(Amount(Decimal::from(v)))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Amount, E> {
        if !v.is_finite() {
            return Err(E::custom("amount is not a finite number"));
        }
        // `f64`'s Display is the shortest text that reads back as the same double: the digits
        // the server wrote.
        Amount::from_str(&v.to_string()).map_err(E::custom)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Amount, E> {
        Amount::from_str(v).map_err(E::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_and_fractions_round_trip_exactly() {
        for text in [
            "3000",
            "0",
            "12.34",
            "0.1",
            "99999999999.99",
            "1000000000000",
        ] {
            let a: Amount = serde_json::from_str(text).unwrap_or_default();
            assert_eq!(a.to_string(), text, "decode {text}");
            assert_eq!(
                serde_json::to_string(&a).ok().as_deref(),
                Some(text),
                "encode {text}"
            );
        }
    }

    #[test]
    fn accepts_numeric_strings_and_refuses_garbage() {
        let a: Amount = serde_json::from_str("\"1500\"").unwrap_or_default();
        assert_eq!(a, Amount::new(1500));
        assert!(serde_json::from_str::<Amount>("\"abc\"").is_err());
        assert!(serde_json::from_str::<Amount>("true").is_err());
    }
}
