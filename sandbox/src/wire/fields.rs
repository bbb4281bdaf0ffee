//! Request parameters: JSON or form bodies and query strings, read leniently the way a PHP
//! server does (numbers may come as strings, unknown fields are ignored, and bracketed names
//! such as `schedules[0][merchant_uid]` or `customer_uid[]` build nested arrays and objects).

use std::collections::BTreeMap;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::{Map, Value};

use crate::wire::envelope::Reply;
use crate::wire::messages::{
    malformed as type_error, missing, unparseable_body as unreadable_body,
};

/// Parameters of one request, by name.
#[derive(Debug, Default)]
pub(crate) struct Fields(BTreeMap<String, Value>);

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

    /// Later duplicates win, as in PHP; `a[]=x` appends to the array `a`, `a[k][j]=x` nests.
    pub fn from_pairs(pairs: Vec<(String, String)>) -> Fields {
        let mut top = Map::new();
        for (name, value) in pairs {
            match split_name(&name) {
                Some((base, segments)) => insert_nested(&mut top, base, &segments, value),
                None => {
                    top.insert(name, Value::String(value));
                }
            }
        }
        Fields(
            top.into_iter()
                .map(|(k, v)| (k, arrays_from_numeric_maps(v)))
                .collect(),
        )
    }

    /// The fields of one JSON object (e.g. one entry of `schedules`).
    pub fn from_map(map: Map<String, Value>) -> Fields {
        Fields(map.into_iter().collect())
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

    /// A string or a list of strings (`a=x`, `a[]=x&a[]=y`, `a[0]=x`, JSON `"x"` or `["x"]`).
    /// An empty list counts as absent.
    pub fn opt_list(&self, name: &str) -> Result<Option<Vec<String>>, Reply> {
        let items = match self.get(name) {
            None => return Ok(None),
            Some(Value::Array(items)) => items,
            Some(_) => return self.opt_str(name).map(|s| s.map(|s| vec![s])),
        };
        let mut list = Vec::with_capacity(items.len());
        for item in items {
            match item {
                Value::String(s) if !s.is_empty() => list.push(s.clone()),
                Value::Number(n) => list.push(n.to_string()),
                _ => return Err(type_error(name)),
            }
        }
        Ok((!list.is_empty()).then_some(list))
    }

    /// A list of objects: a JSON array, bracketed form fields (`a[0][k]=v`), or a form field
    /// holding a JSON array as text.
    pub fn opt_objects(&self, name: &str) -> Result<Option<Vec<Fields>>, Reply> {
        let parsed;
        let items = match self.get(name) {
            None => return Ok(None),
            Some(Value::Array(items)) => items,
            Some(Value::String(text)) => {
                parsed = serde_json::from_str::<Value>(text).map_err(|_| type_error(name))?;
                match &parsed {
                    Value::Array(items) => items,
                    _ => return Err(type_error(name)),
                }
            }
            Some(_) => return Err(type_error(name)),
        };
        items
            .iter()
            .map(|item| match item {
                Value::Object(map) => Ok(Fields::from_map(map.clone())),
                _ => Err(type_error(name)),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }

    /// `true`/`false`, also as text (`"true"`, `"1"`, `"false"`, `"0"`) or 0/1.
    pub fn opt_bool(&self, name: &str) -> Result<Option<bool>, Reply> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(Value::Number(n)) if n.as_i64() == Some(1) => Ok(Some(true)),
            Some(Value::Number(n)) if n.as_i64() == Some(0) => Ok(Some(false)),
            Some(Value::String(s)) => match s.trim().to_ascii_lowercase().as_str() {
                "true" | "1" => Ok(Some(true)),
                "false" | "0" => Ok(Some(false)),
                _ => Err(type_error(name)),
            },
            Some(_) => Err(type_error(name)),
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

/// `a[x][]` → `("a", [Some("x"), None])`; `None` for a name without (well-formed) brackets,
/// which is then taken literally.
fn split_name(name: &str) -> Option<(String, Vec<Option<String>>)> {
    let open = name.find('[')?;
    let base = name.get(..open)?;
    if base.is_empty() {
        return None;
    }
    let mut rest = name.get(open..)?;
    let mut segments = Vec::new();
    while !rest.is_empty() {
        let inner = rest.strip_prefix('[')?;
        let close = inner.find(']')?;
        let segment = inner.get(..close)?;
        segments.push((!segment.is_empty()).then(|| segment.to_owned()));
        rest = inner.get(close + 1..)?;
    }
    Some((base.to_owned(), segments))
}

fn insert_nested(
    target: &mut Map<String, Value>,
    key: String,
    rest: &[Option<String>],
    value: String,
) {
    let Some((segment, deeper)) = rest.split_first() else {
        target.insert(key, Value::String(value));
        return;
    };
    let slot = target
        .entry(key)
        .or_insert_with(|| Value::Object(Map::new()));
    if !slot.is_object() {
        // As in PHP, a scalar given earlier is replaced by the array.
        *slot = Value::Object(Map::new());
    }
    let Value::Object(map) = slot else {
        return;
    };
    let child = match segment {
        Some(s) => s.clone(),
        // `[]` appends: one past the highest numeric key so far.
        None => map
            .keys()
            .filter_map(|k| numeric_key(k))
            .max()
            .map_or(0, |n| n.saturating_add(1))
            .to_string(),
    };
    insert_nested(map, child, deeper, value);
}

/// A canonical non-negative integer key (`"0"`, `"12"`, not `"012"`).
fn numeric_key(k: &str) -> Option<u64> {
    let n = k.parse::<u64>().ok()?;
    (n.to_string() == k).then_some(n)
}

/// Objects built from brackets whose keys are all numeric become arrays, in key order.
fn arrays_from_numeric_maps(v: Value) -> Value {
    match v {
        Value::Object(map) => {
            let all_numeric = !map.is_empty() && map.keys().all(|k| numeric_key(k).is_some());
            let mut entries: Vec<(String, Value)> = map
                .into_iter()
                .map(|(k, v)| (k, arrays_from_numeric_maps(v)))
                .collect();
            if all_numeric {
                entries.sort_by_key(|(k, _)| numeric_key(k));
                Value::Array(entries.into_iter().map(|(_, v)| v).collect())
            } else {
                Value::Object(entries.into_iter().collect())
            }
        }
        other => other,
    }
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

    #[test]
    fn php_brackets() {
        let f = Fields::from_query(Some(
            "c%5B%5D=a&c%5B%5D=b&i[1]=y&i[0]=x&s[0][m]=m0&s[0][at]=5&s[1][m]=m1&o[k]=v&plain[=1&x=1&x[]=2",
        ));
        assert_eq!(f.opt_list("c").unwrap(), Some(vec!["a".into(), "b".into()]));
        assert_eq!(f.opt_list("i").unwrap(), Some(vec!["x".into(), "y".into()]));
        let s = f.opt_objects("s").unwrap().unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].opt_int("at").unwrap(), Some(5));
        assert_eq!(s[1].opt_str("m").unwrap().as_deref(), Some("m1"));
        assert_eq!(f.json_text("o").unwrap().as_deref(), Some(r#"{"k":"v"}"#));
        assert_eq!(f.opt_str("plain[").unwrap().as_deref(), Some("1"));
        assert_eq!(f.opt_list("x").unwrap(), Some(vec!["2".into()]));
        assert!(f.opt_list("o").is_err());
        assert!(f.opt_objects("c").is_err());
        let single = Fields::from_query(Some("c=a"));
        assert_eq!(single.opt_list("c").unwrap(), Some(vec!["a".into()]));
        let json =
            Fields::from_body(None, br#"{"s": "[{\"m\": 1}]", "b": "true", "n": 0}"#).unwrap();
        assert_eq!(json.opt_objects("s").unwrap().unwrap().len(), 1);
        assert_eq!(json.opt_bool("b").unwrap(), Some(true));
        assert_eq!(json.opt_bool("n").unwrap(), Some(false));
        assert_eq!(json.opt_list("missing").unwrap(), None);
    }
}
