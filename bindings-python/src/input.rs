//! Python values into core's requests, without JSON text.
//!
//! Keyword arguments are checked against the request's [`Shape`] (read from core's schema):
//! an unknown name is a `TypeError` like any Python function's; `None` means "not given"; a value
//! of the wrong type, a float amount, a naive datetime or a string that is not valid Unicode is
//! `InvalidRequestError` naming the field; a missing required field is named too. The checked
//! values then go through core's own `Deserialize` (a small in-memory [`Val`] tree), so every
//! rename, default and flattened part is core's. Values are never echoed in messages.

use crate::errors::invalid;
use crate::shape::{Kind, Request, Shape};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyMapping, PyString, PyTuple, PyType};
use serde::de::value::{MapDeserializer, SeqDeserializer};
use serde::de::{self, Deserializer, IntoDeserializer, Visitor};

/// A checked value on its way into a core type.
#[derive(Debug)]
pub enum Val {
    Str(String),
    I64(i64),
    U64(u64),
    Bool(bool),
    Seq(Vec<Val>),
    Map(Vec<(String, Val)>),
}

/// Decodes the keyword arguments of `op` into the request `T`.
pub fn request<T: Request>(
    py: Python<'_>,
    op: &str,
    kwargs: Option<&Bound<'_, PyDict>>,
) -> PyResult<T> {
    let empty;
    let kwargs = match kwargs {
        Some(k) => k,
        None => {
            empty = PyDict::new(py);
            &empty
        }
    };
    let entries = object(T::shape(), kwargs.as_any(), "", Some(op))?;
    decode(Val::Map(entries))
}

/// Core's `Deserialize` over a checked tree. A failure here is a value core cannot hold (an
/// integer out of range, a malformed amount text): named by its path (found by decoding again,
/// tracking it), never echoed.
fn decode<T: de::DeserializeOwned>(val: Val) -> PyResult<T> {
    T::deserialize(&val).map_err(|_| {
        let path = match serde_path_to_error::deserialize::<_, T>(&val) {
            Err(e) => e.path().to_string(),
            Ok(_) => ".".to_owned(),
        };
        let field = if path == "." {
            "request".to_owned()
        } else {
            path
        };
        invalid(&field, "is out of range or malformed")
    })
}

/// The entries of a dict-like value checked against `shape`. `op` is set for keyword arguments
/// (an unknown one is then a `TypeError`, as for any function).
fn object(
    shape: &Shape,
    value: &Bound<'_, PyAny>,
    at: &str,
    op: Option<&str>,
) -> PyResult<Vec<(String, Val)>> {
    let mut entries = Vec::with_capacity(shape.required.len() + 4);
    let mut given = 0;
    let mut entry = |key: Bound<'_, PyAny>, value: Bound<'_, PyAny>| -> PyResult<()> {
        let key = key
            .cast::<PyString>()
            .map_err(|_| invalid(at, "has a key that is not a str"))?
            .to_cow()?;
        let Some(field) = shape.fields.get(key.as_ref()) else {
            return Err(match op {
                Some(op) => PyTypeError::new_err(format!(
                    "{op}() got an unexpected keyword argument '{key}'"
                )),
                None => invalid(
                    &join(at, &key),
                    &format!("is not a field of {}", shape.name),
                ),
            });
        };
        if !value.is_none() {
            let val = convert(&field.kind, &value, &join(at, &key))?;
            if shape.required.iter().any(|r| *r == key) {
                given += 1;
            }
            entries.push((field.wire.to_owned(), val));
        }
        Ok(())
    };
    if let Ok(dict) = value.cast::<PyDict>() {
        for (k, v) in dict.iter() {
            entry(k, v)?;
        }
    } else if let Ok(mapping) = value.cast::<PyMapping>() {
        for item in mapping.items()?.iter() {
            let (k, v) = item.extract()?;
            entry(k, v)?;
        }
    } else {
        return Err(invalid(
            at,
            &format!("must be a dict, not {}", type_name(value)),
        ));
    }
    if given < shape.required.len() {
        for required in &shape.required {
            let wire = shape.fields[required.as_str()].wire;
            if !entries.iter().any(|(k, _)| k == wire) {
                return Err(invalid(&join(at, required), "is required"));
            }
        }
    }
    Ok(entries)
}

fn join(at: &str, key: &str) -> String {
    if at.is_empty() {
        key.to_owned()
    } else {
        format!("{at}.{key}")
    }
}

/// One value of a known kind.
pub fn convert(kind: &Kind, value: &Bound<'_, PyAny>, at: &str) -> PyResult<Val> {
    match kind {
        Kind::Str => text(value, at).map(Val::Str),
        Kind::Int => int(value, at),
        Kind::Bool => match value.cast::<PyBool>() {
            Ok(b) => Ok(Val::Bool(b.is_true())),
            Err(_) => Err(wrong_type(value, at, "a bool")),
        },
        Kind::Amount => amount(value, at),
        Kind::Time => unix(value, at).map(Val::I64),
        Kind::Map => {
            let mapping = value
                .cast::<PyMapping>()
                .map_err(|_| wrong_type(value, at, "a dict of str to str"))?;
            let mut entries = Vec::new();
            for item in mapping.items()?.iter() {
                let (k, v): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item.extract()?;
                let k = text(&k, at)?;
                let v = text(&v, &format!("{at}.{k}"))?;
                entries.push((k, Val::Str(v)));
            }
            Ok(Val::Map(entries))
        }
        Kind::List(item) => {
            let items = sequence(value, at)?;
            let mut out = Vec::with_capacity(items.len());
            for (i, v) in items.iter().enumerate() {
                out.push(convert(item, v, &format!("{at}[{i}]"))?);
            }
            Ok(Val::Seq(out))
        }
        Kind::Object(shape) => object(shape, value, at, None).map(Val::Map),
    }
}

/// A `str` (a subclass is fine); a lone surrogate cannot cross into Rust intact and is refused.
pub fn text(value: &Bound<'_, PyAny>, at: &str) -> PyResult<String> {
    let s = value
        .cast::<PyString>()
        .map_err(|_| wrong_type(value, at, "a str"))?;
    match s.to_cow() {
        Ok(s) => Ok(s.into_owned()),
        Err(_) => Err(invalid(
            at,
            "is not valid Unicode text (it holds a lone surrogate)",
        )),
    }
}

/// A list or tuple (or another sequence), but never a `str`: iterating one would send each
/// character as an id.
pub fn sequence<'py>(value: &Bound<'py, PyAny>, at: &str) -> PyResult<Vec<Bound<'py, PyAny>>> {
    if let Ok(list) = value.cast::<PyList>() {
        return Ok(list.iter().collect());
    }
    if let Ok(tuple) = value.cast::<PyTuple>() {
        return Ok(tuple.iter().collect());
    }
    if value.is_instance_of::<PyString>()
        || value.is_instance_of::<pyo3::types::PyBytes>()
        || value.cast::<PyMapping>().is_ok()
    {
        return Err(wrong_type(value, at, "a list"));
    }
    match value.try_iter() {
        Ok(iter) => iter.collect(),
        Err(_) => Err(wrong_type(value, at, "a list")),
    }
}

/// A list of `str`.
pub fn texts(value: &Bound<'_, PyAny>, at: &str) -> PyResult<Vec<String>> {
    let items = sequence(value, at).map_err(|_| wrong_type(value, at, "a list of str"))?;
    items
        .iter()
        .enumerate()
        .map(|(i, v)| text(v, &format!("{at}[{i}]")))
        .collect()
}

fn int(value: &Bound<'_, PyAny>, at: &str) -> PyResult<Val> {
    if value.is_instance_of::<PyBool>() || !value.is_instance_of::<PyInt>() {
        return Err(wrong_type(value, at, "an int"));
    }
    if let Ok(v) = value.extract::<i64>() {
        return Ok(Val::I64(v));
    }
    value
        .extract::<u64>()
        .map(Val::U64)
        .map_err(|_| invalid(at, "is out of range"))
}

/// Money: `int` or a finite `decimal.Decimal`; `bool`, `float` and `str` are refused.
fn amount(value: &Bound<'_, PyAny>, at: &str) -> PyResult<Val> {
    let py = value.py();
    if value.is_instance_of::<PyBool>() {
        return Err(invalid(at, "must be an int or decimal.Decimal, not bool"));
    }
    if value.is_instance_of::<PyInt>() {
        return Ok(match value.extract::<i64>() {
            Ok(v) => Val::I64(v),
            // Beyond 64 bits: core decides (the decimal text is exact).
            Err(_) => Val::Str(value.str()?.to_cow()?.into_owned()),
        });
    }
    if value.is_instance_of::<PyFloat>() {
        return Err(invalid(
            at,
            "is a float: pass an int (won) or decimal.Decimal so the amount stays exact",
        ));
    }
    if let Some(decimal) = decimal_type(py)? {
        if value.is_instance(decimal)? {
            if !value.call_method0("is_finite")?.is_truthy()? {
                return Err(invalid(at, "must be a finite number"));
            }
            // Plain notation (no exponent): the exact digits.
            let text = value.call_method1("__format__", ("f",))?;
            return Ok(Val::Str(text.cast::<PyString>()?.to_cow()?.into_owned()));
        }
    }
    Err(invalid(
        at,
        &format!(
            "must be an int or decimal.Decimal, not {}",
            type_name(value)
        ),
    ))
}

/// `decimal.Decimal`, if the `decimal` module was imported (a value cannot be a `Decimal`
/// otherwise, and importing it costs time at every start).
fn decimal_type(py: Python<'_>) -> PyResult<Option<&Bound<'_, PyType>>> {
    static DECIMAL: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    if let Some(t) = DECIMAL.get(py) {
        return Ok(Some(t.bind(py)));
    }
    let loaded = py.import("sys")?.getattr("modules")?.contains("decimal")?;
    if !loaded {
        return Ok(None);
    }
    DECIMAL
        .get_or_try_init(py, || {
            Ok::<_, PyErr>(
                py.import("decimal")?
                    .getattr("Decimal")?
                    .cast_into::<PyType>()?
                    .unbind(),
            )
        })
        .map(|t| Some(t.bind(py)))
}

/// Unix seconds from an `int` or a timezone-aware `datetime`.
pub fn unix(value: &Bound<'_, PyAny>, at: &str) -> PyResult<i64> {
    if value.is_instance_of::<PyInt>() && !value.is_instance_of::<PyBool>() {
        return value
            .extract::<i64>()
            .map_err(|_| invalid(at, "is out of range"));
    }
    if crate::output::is_datetime(value)? {
        if value.getattr("tzinfo")?.is_none() || value.call_method0("utcoffset")?.is_none() {
            return Err(invalid(
                at,
                "must be a timezone-aware datetime (or unix seconds)",
            ));
        }
        let seconds = value.call_method0("timestamp")?.extract::<f64>()?;
        return Ok(seconds.floor() as i64);
    }
    Err(invalid(
        at,
        "must be unix seconds (int) or a timezone-aware datetime",
    ))
}

fn wrong_type(value: &Bound<'_, PyAny>, at: &str, expected: &str) -> PyErr {
    invalid(at, &format!("must be {expected}, not {}", type_name(value)))
}

/// The type's name only: a value may be card data.
pub fn type_name(value: &Bound<'_, PyAny>) -> String {
    value
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "object".to_owned())
}

// -- Val as a serde Deserializer (by reference: a failed decode is repeated to find the path) --

impl<'de> Deserializer<'de> for &'de Val {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self {
            Val::Str(s) => visitor.visit_borrowed_str(s),
            Val::I64(v) => visitor.visit_i64(*v),
            Val::U64(v) => visitor.visit_u64(*v),
            Val::Bool(v) => visitor.visit_bool(*v),
            Val::Seq(items) => visitor.visit_seq(SeqDeserializer::new(items.iter())),
            Val::Map(entries) => visitor.visit_map(MapDeserializer::new(
                entries.iter().map(|(k, v)| (k.as_str(), v)),
            )),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        // Absent values are not in the tree at all (`None` arguments are skipped).
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_newtype_struct(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map struct enum identifier
        ignored_any
    }
}

impl<'de> IntoDeserializer<'de, de::value::Error> for &'de Val {
    type Deserializer = &'de Val;

    fn into_deserializer(self) -> &'de Val {
        self
    }
}
