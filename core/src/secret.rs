//! Wrappers for card data and credentials.
//!
//! Each type holds its value in a [`Zeroizing`] buffer (wiped on drop) and prints only a mask in
//! `Debug` and `Display`, so a secret cannot reach a log line, a panic message or an error text by
//! accident. The raw value leaves only through [`Serialize`] (the request body) or an explicit
//! `expose_secret()` call.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use zeroize::Zeroizing;

macro_rules! secret_type {
    ($(#[$meta:meta])* $name:ident, |$v:ident| $mask:expr) => {
        $(#[$meta])*
        #[derive(Clone, Default, PartialEq, Eq)]
        pub struct $name(Zeroizing<String>);

        impl $name {
            /// Wraps a value. Nothing is checked here: the client validates every field before a
            /// request is sent and reports a bad one as `Error::InvalidRequest` naming the field.
            pub fn new(value: impl Into<String>) -> Self {
                Self(Zeroizing::new(value.into()))
            }

            /// The raw value. Call it only to hand the value to something that needs it.
            pub fn expose_secret(&self) -> &str {
                &self.0
            }

            fn mask(&self) -> String {
                let $v: &str = &self.0;
                $mask
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({})"), self.mask())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.mask())
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                Self::new(value)
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self::new(value)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                String::deserialize(d).map(Self::new)
            }
        }
    };
}

secret_type!(
    /// A card number (PAN). Printed as `****-****-****-1234` (last four digits only).
    CardNumber,
    |v| {
        let digits: Vec<char> = v.chars().filter(char::is_ascii_digit).collect();
        // Show the last four only when the number is long enough that they reveal little.
        if digits.len() >= 12 {
            let last4: String = digits[digits.len() - 4..].iter().collect();
            format!("****-****-****-{last4}")
        } else {
            "****".to_owned()
        }
    }
);

secret_type!(
    /// Card expiry, `YYYY-MM` (`YYYYMM` is accepted and normalised).
    Expiry,
    |_v| "****-**".to_owned()
);

secret_type!(
    /// Card holder's birth date `YYMMDD`, or a 10-digit business registration number.
    Birth,
    |_v| "******".to_owned()
);

secret_type!(
    /// First two digits of the card PIN.
    Pwd2Digit,
    |_v| "**".to_owned()
);

secret_type!(
    /// Card verification code (3 or 4 digits).
    Cvc,
    |_v| "***".to_owned()
);

secret_type!(
    /// The REST API secret (`imp_secret`).
    ImpSecret,
    |_v| "[redacted]".to_owned()
);

secret_type!(
    /// An access token from `POST /users/getToken`.
    AccessToken,
    |_v| "[redacted]".to_owned()
);

impl CardNumber {
    /// The digits of the number, without dashes or spaces.
    pub(crate) fn digits(&self) -> Zeroizing<String> {
        Zeroizing::new(self.0.chars().filter(char::is_ascii_digit).collect())
    }

    /// The last four digits, for receipts and logs.
    pub fn last4(&self) -> String {
        let digits = self.digits();
        digits[digits.len().saturating_sub(4)..].to_owned()
    }
}

impl Expiry {
    /// `YYYY-MM`, also when the value was given as `YYYYMM`.
    pub(crate) fn normalized(&self) -> Zeroizing<String> {
        let v = self.0.trim();
        if v.len() == 6 && v.bytes().all(|b| b.is_ascii_digit()) {
            Zeroizing::new(format!("{}-{}", &v[..4], &v[4..]))
        } else {
            Zeroizing::new(v.to_owned())
        }
    }
}

impl Serialize for CardNumber {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        // The API documents `dddd-dddd-dddd-dddd`; other lengths go as plain digits.
        let digits = self.digits();
        if digits.len() == 16 {
            let grouped = Zeroizing::new(format!(
                "{}-{}-{}-{}",
                &digits[0..4],
                &digits[4..8],
                &digits[8..12],
                &digits[12..16]
            ));
            ser.serialize_str(&grouped)
        } else {
            ser.serialize_str(&digits)
        }
    }
}

impl Serialize for Expiry {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        ser.serialize_str(&self.normalized())
    }
}

macro_rules! serialize_trimmed {
    ($($name:ident),*) => {$(
        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
                ser.serialize_str(self.0.trim())
            }
        }
    )*};
}
serialize_trimmed!(Birth, Pwd2Digit, Cvc, ImpSecret, AccessToken);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_mask_everything_but_last4() {
        let pan = CardNumber::new("4000-1234-5678-9010");
        assert_eq!(format!("{pan:?}"), "CardNumber(****-****-****-9010)");
        assert_eq!(pan.to_string(), "****-****-****-9010");
        assert_eq!(pan.last4(), "9010");
        assert_eq!(format!("{:?}", Birth::new("820213")), "Birth(******)");
        assert_eq!(
            format!("{:?}", ImpSecret::new("s3cr3t")),
            "ImpSecret([redacted])"
        );
    }

    #[test]
    fn serializes_the_raw_normalised_value() {
        let pan = CardNumber::new("4000 1234 5678 9010");
        assert_eq!(
            serde_json::to_string(&pan).ok().as_deref(),
            Some("\"4000-1234-5678-9010\"")
        );
        let exp = Expiry::new("203012");
        assert_eq!(
            serde_json::to_string(&exp).ok().as_deref(),
            Some("\"2030-12\"")
        );
    }
}
