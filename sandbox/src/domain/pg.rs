//! PG channels: `nice`, `nice.{MID}`, `daou`, `daou.{CPID}` (facts §8). Anything else has no
//! key-in / billing channel in the emulated account.

use crate::domain::error::Refusal;

/// A billing / key-in channel: provider plus MID (nice) or CPID (daou).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pg {
    pub provider: &'static str,
    pub id: String,
}

/// The channel named by `requested`, else by `default_pg`.
pub(crate) fn parse_pg(requested: Option<&str>, default_pg: &str) -> Result<Pg, Refusal> {
    let raw = requested.unwrap_or(default_pg).trim();
    let (provider, id) = match raw.split_once('.') {
        Some((p, id)) => (p, Some(id)),
        None => (raw, None),
    };
    let (provider, default_id) = match provider {
        "nice" => ("nice", "iamport01m"),
        "daou" => ("daou", "CTS17266"),
        _ => return Err(Refusal::UnknownChannel),
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
        Some(_) => return Err(Refusal::UnknownChannel),
    };
    Ok(Pg { provider, id })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

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
