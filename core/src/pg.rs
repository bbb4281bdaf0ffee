//! The `pg` selector: which PG channel a key-in payment or billing key goes through.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::convert::Infallible;
use std::fmt;
use std::str::FromStr;

/// A PG channel, written on the wire as `{pg}` or `{pg}.{MID}`.
///
/// `nice` and `daou` have their own cases; any other value is kept verbatim in [`Pg::Other`], so
/// a channel this crate does not know yet still works.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum), uniffi::export(Display))]
pub enum Pg {
    /// NicePayments, optionally a specific MID (`nice.{MID}`).
    Nice {
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        mid: Option<String>,
    },
    /// PayJoa / Daou Data (Kiwoom Pay), optionally a specific CPID (`daou.{CPID}`).
    Daou {
        #[cfg_attr(feature = "uniffi", uniffi(default))]
        cpid: Option<String>,
    },
    /// Any other `pg` string, sent as given.
    Other(String),
}

impl Pg {
    /// NicePayments, the account's default NICE channel.
    pub fn nice() -> Self {
        Pg::Nice { mid: None }
    }

    /// NicePayments through a specific MID.
    pub fn nice_mid(mid: impl Into<String>) -> Self {
        Pg::Nice {
            mid: Some(mid.into()),
        }
    }

    /// PayJoa / Daou, the account's default Daou channel.
    pub fn daou() -> Self {
        Pg::Daou { cpid: None }
    }

    /// PayJoa / Daou through a specific CPID.
    pub fn daou_cpid(cpid: impl Into<String>) -> Self {
        Pg::Daou {
            cpid: Some(cpid.into()),
        }
    }

    /// The provider part (`nice`, `daou`, or the part before the first `.`).
    pub fn provider(&self) -> &str {
        match self {
            Pg::Nice { .. } => "nice",
            Pg::Daou { .. } => "daou",
            Pg::Other(raw) => raw.split('.').next().unwrap_or(raw),
        }
    }
}

impl FromStr for Pg {
    type Err = Infallible;
    fn from_str(s: &str) -> Result<Self, Infallible> {
        let (provider, id) = match s.split_once('.') {
            Some((p, id)) => (p, Some(id.to_owned())),
            None => (s, None),
        };
        Ok(match provider {
            "nice" => Pg::Nice { mid: id },
            "daou" => Pg::Daou { cpid: id },
            _ => Pg::Other(s.to_owned()),
        })
    }
}

impl From<&str> for Pg {
    fn from(s: &str) -> Self {
        match Pg::from_str(s) {
            Ok(pg) => pg,
            Err(never) => match never {},
        }
    }
}

impl fmt::Display for Pg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Pg::Nice { mid: None } => f.write_str("nice"),
            Pg::Nice { mid: Some(mid) } => write!(f, "nice.{mid}"),
            Pg::Daou { cpid: None } => f.write_str("daou"),
            Pg::Daou { cpid: Some(cpid) } => write!(f, "daou.{cpid}"),
            Pg::Other(raw) => f.write_str(raw),
        }
    }
}

impl Serialize for Pg {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Pg {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(|s| Pg::from(s.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_every_form() {
        for (text, pg) in [
            ("nice", Pg::nice()),
            ("nice.IMP1234567", Pg::nice_mid("IMP1234567")),
            ("daou", Pg::daou()),
            ("daou.CTS16629", Pg::daou_cpid("CTS16629")),
            ("kcp.T0000", Pg::Other("kcp.T0000".into())),
        ] {
            assert_eq!(Pg::from(text), pg);
            assert_eq!(pg.to_string(), text);
        }
        assert_eq!(Pg::from("kcp.T0000").provider(), "kcp");
    }
}
