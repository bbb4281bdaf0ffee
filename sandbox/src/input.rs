//! Request parameters: JSON or form bodies and query strings, read leniently the way a PHP
//! server does (numbers may come as strings, unknown fields are ignored).

use std::collections::BTreeMap;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::Value;

use crate::api::Reply;

/// Parameters of one request, by name.
#[derive(Debug, Default)]
pub(crate) struct Fields(BTreeMap<String, Value>);

fn type_error(name: &str) -> Reply {
    Reply::fail(1, format!("{name} 파라메터의 형식이 올바르지 않습니다."))
}

fn missing(name: &str) -> Reply {
    Reply::fail(1, format!("{name} 파라메터가 누락되었습니다."))
}

impl Fields {
    /// Reads a request body: form when the Content-Type says so, JSON when it says so,
    /// otherwise whichever the body looks like.
    pub fn from_body(content_type: Option<&str>, body: &[u8]) -> Result<Fields, Reply> {
        let ct = content_type.unwrap_or("").to_ascii_lowercase();
        let trimmed = body.trim_ascii();
        if trimmed.is_empty() {
            return Ok(Fields::default());
        }
        let is_form = ct.starts_with("application/x-www-form-urlencoded")
            || (!ct.contains("json") && !trimmed.starts_with(b"{"));
        if is_form {
            let pairs: Vec<(String, String)> =
                serde_urlencoded::from_bytes(trimmed).map_err(|_| unreadable_body())?;
            return Ok(Fields::from_pairs(pairs));
        }
        match serde_json::from_slice::<Value>(trimmed) {
            Ok(Value::Object(map)) => Ok(Fields(map.into_iter().collect())),
            _ => Err(unreadable_body()),
        }
    }

    /// Later duplicates win, as in PHP.
    pub fn from_pairs(pairs: Vec<(String, String)>) -> Fields {
        Fields(
            pairs
                .into_iter()
                .map(|(k, v)| (k, Value::String(v)))
                .collect(),
        )
    }

    pub fn from_query(query: Option<&str>) -> Fields {
        let pairs: Vec<(String, String)> = query
            .and_then(|q| serde_urlencoded::from_str(q).ok())
            .unwrap_or_default();
        Fields::from_pairs(pairs)
    }

    fn get(&self, name: &str) -> Option<&Value> {
        match self.0.get(name) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if s.is_empty() => None,
            Some(v) => Some(v),
        }
    }

    /// An optional string; numbers and booleans are taken as their text. Empty means absent.
    pub fn opt_str(&self, name: &str) -> Result<Option<String>, Reply> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(Value::Bool(b)) => Ok(Some(b.to_string())),
            Some(_) => Err(type_error(name)),
        }
    }

    pub fn req_str(&self, name: &str) -> Result<String, Reply> {
        self.opt_str(name)?.ok_or_else(|| missing(name))
    }

    /// `custom_data` is documented as a JSON string; an object or array is stored encoded.
    pub fn json_text(&self, name: &str) -> Result<Option<String>, Reply> {
        match self.get(name) {
            Some(v @ (Value::Object(_) | Value::Array(_))) => Ok(Some(v.to_string())),
            _ => self.opt_str(name),
        }
    }

    pub fn opt_decimal(&self, name: &str) -> Result<Option<Decimal>, Reply> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => decimal_from_value(v)
                .map(Some)
                .ok_or_else(|| type_error(name)),
        }
    }

    pub fn req_decimal(&self, name: &str) -> Result<Decimal, Reply> {
        self.opt_decimal(name)?.ok_or_else(|| missing(name))
    }

    pub fn opt_int(&self, name: &str) -> Result<Option<i64>, Reply> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Number(n)) => n
                .as_i64()
                .or_else(|| {
                    n.as_f64()
                        .filter(|f| f.fract() == 0.0 && f.abs() < 1e15)
                        .map(|f| f as i64)
                })
                .map(Some)
                .ok_or_else(|| type_error(name)),
            Some(Value::String(s)) => s
                .trim()
                .parse::<i64>()
                .map(Some)
                .map_err(|_| type_error(name)),
            Some(_) => Err(type_error(name)),
        }
    }
}

fn unreadable_body() -> Reply {
    Reply::error(
        400,
        1,
        "요청 본문을 해석할 수 없습니다. (JSON 또는 x-www-form-urlencoded)",
    )
}

/// Exact decimal from a JSON value: integers via i64/u64, other numbers via the shortest text
/// of their f64 (the text the client most likely wrote), strings parsed as written.
pub(crate) fn decimal_from_value(v: &Value) -> Option<Decimal> {
    match v {
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Some(Decimal::from(i))
            } else if let Some(u) = n.as_u64() {
                Some(Decimal::from(u))
            } else {
                let f = n.as_f64()?;
                parse_decimal(&f.to_string())
            }
        }
        Value::String(s) => parse_decimal(s.trim()),
        _ => None,
    }
}

pub(crate) fn parse_decimal(s: &str) -> Option<Decimal> {
    if s.is_empty() {
        return None;
    }
    Decimal::from_str(s)
        .or_else(|_| Decimal::from_scientific(s))
        .ok()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn decimals_are_exact_and_never_panic() {
        let d = |v: Value| decimal_from_value(&v).map(|d| d.normalize().to_string());
        assert_eq!(d(json!(3000)), Some("3000".into()));
        assert_eq!(d(json!(10.99)), Some("10.99".into()));
        assert_eq!(d(json!(0.1)), Some("0.1".into()));
        assert_eq!(d(json!(u64::MAX)), Some(u64::MAX.to_string()));
        assert_eq!(d(json!("3000.00")), Some("3000".into()));
        assert_eq!(d(json!(" 1e3 ")), Some("1000".into()));
        assert_eq!(d(json!("abc")), None);
        assert_eq!(d(json!(null)), None);
        assert_eq!(d(json!(true)), None);
        for v in [
            json!(1e308),
            json!(-1e308),
            json!(1e-300),
            json!("1e400"),
            json!("NaN"),
            json!("inf"),
            json!("9".repeat(200)),
            json!("--1"),
        ] {
            // Only "does not panic" matters for these.
            let _ = decimal_from_value(&v);
        }
    }

    #[test]
    fn bodies() {
        let f = Fields::from_body(
            Some("application/x-www-form-urlencoded"),
            b"a=1&a=2&b=%ED%95%9C",
        )
        .unwrap();
        assert_eq!(f.opt_str("a").unwrap().as_deref(), Some("2"));
        assert_eq!(f.opt_str("b").unwrap().as_deref(), Some("\u{d55c}"));
        let f = Fields::from_body(None, br#" {"n": 5, "o": {"x": 1}, "e": ""} "#).unwrap();
        assert_eq!(f.opt_str("n").unwrap().as_deref(), Some("5"));
        assert!(f.opt_str("o").is_err());
        assert_eq!(f.json_text("o").unwrap().as_deref(), Some(r#"{"x":1}"#));
        assert_eq!(f.opt_str("e").unwrap(), None);
        assert!(Fields::from_body(Some("application/json"), b"{").is_err());
        assert!(Fields::from_body(Some("application/json"), b"null").is_err());
        let empty = Fields::from_body(Some("application/json"), b"  ").unwrap();
        assert_eq!(empty.opt_str("x").unwrap(), None);
        assert_eq!(f.opt_int("n").unwrap(), Some(5));
        let f = Fields::from_pairs(vec![("q".into(), "x".into()), ("r".into(), "1.5".into())]);
        assert!(f.opt_int("q").is_err());
        assert!(f.opt_int("r").is_err());
    }
}
