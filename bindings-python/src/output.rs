//! Core's results into Python objects, without JSON text: a serde `Serializer` that builds the
//! generated result classes (`models.py`, frozen dataclasses) directly.
//!
//! A struct becomes an instance of the class of the same name, its `__dict__` filled as pickle
//! would (the dataclass `__init__` is skipped: it is the slowest part of building one). Which
//! fields are unix times (`datetime` in UTC) and which are amounts comes from core's schemas
//! ([`crate::shape::result_layouts`]). Amounts follow the currency of the record that holds them:
//! `int` for KRW when whole, `decimal.Decimal` otherwise; a nested record (a refund in
//! `cancel_history`) takes its parent's currency, whatever the order of the fields.

use crate::shape::{OutKind, result_class_names, result_layouts};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList, PyString, PyType};
use pyo3::{IntoPyObjectExt, intern};
use serde::ser::{self, Impossible, Serialize, SerializeMap, SerializeSeq, SerializeStruct};
use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;

/// serde_json's name for the exact decimal text of a fractional `Amount`.
const RAW_VALUE_TOKEN: &str = "$serde_json::private::RawValue";

/// Earliest and latest unix second a `datetime` holds (years 1 and 9999).
const DATETIME_MIN: i64 = -62_135_596_800;
const DATETIME_MAX: i64 = 253_402_300_799;

/// Converts a core value to Python.
pub fn to_py<'py, T: Serialize + ?Sized>(
    py: Python<'py>,
    value: &T,
) -> PyResult<Bound<'py, PyAny>> {
    let out = Out {
        py,
        cache: cache(py)?,
        pending: RefCell::new(Vec::new()),
    };
    let result = value.serialize(&out).map_err(|e| e.0)?;
    // What no record with a currency claimed: KRW, the API's default.
    let pending = out.pending.take();
    resolve(py, out.cache, pending, None)?;
    Ok(result)
}

/// Whether `value` is a `datetime.datetime` (without importing `datetime` if nothing has).
pub fn is_datetime(value: &Bound<'_, PyAny>) -> PyResult<bool> {
    let py = value.py();
    if !py.import("sys")?.getattr("modules")?.contains("datetime")? {
        return Ok(false);
    }
    value.is_instance(cache(py)?.datetime.bind(py))
}

/// A result class and its fields: the attribute names interned once, each field's kind.
struct Layout {
    class: Py<PyType>,
    fields: Vec<LayoutField>,
}

struct LayoutField {
    wire: &'static str,
    key: Py<PyString>,
    kind: Option<OutKind>,
}

impl Layout {
    /// The field `wire`, expected at `*next` (fields come in declaration order).
    fn field(&self, wire: &str, next: &mut usize) -> Option<&LayoutField> {
        let at = match self.fields.get(*next) {
            Some(f) if std::ptr::eq(f.wire, wire) || f.wire == wire => *next,
            _ => self.fields.iter().position(|f| f.wire == wire)?,
        };
        *next = at + 1;
        self.fields.get(at)
    }
}

struct Cache {
    layouts: HashMap<&'static str, Layout>,
    object_new: Py<PyAny>,
    datetime: Py<PyType>,
    fromtimestamp: Py<PyAny>,
    utc: Py<PyAny>,
    min: Py<PyAny>,
    max: Py<PyAny>,
    decimal: Py<PyAny>,
}

fn cache(py: Python<'_>) -> PyResult<&'static Cache> {
    static CACHE: PyOnceLock<Cache> = PyOnceLock::new();
    CACHE.get_or_try_init(py, || {
        let models = py.import("iamport_subscribe.models")?;
        let mut fields: HashMap<_, _> = result_layouts().into_iter().collect();
        let mut layouts = HashMap::new();
        for name in result_class_names() {
            let class = models.getattr(name)?.cast_into::<PyType>()?.unbind();
            let fields = fields
                .remove(name)
                .unwrap_or_default()
                .into_iter()
                .map(|(wire, kind)| LayoutField {
                    wire,
                    key: intern_key(py, wire).unbind(),
                    kind,
                })
                .collect();
            layouts.insert(name, Layout { class, fields });
        }
        let dt = py.import("datetime")?;
        let datetime = dt.getattr("datetime")?;
        let utc = dt.getattr("timezone")?.getattr("utc")?;
        let with_utc = |limit: &str| -> PyResult<Py<PyAny>> {
            let kwargs = PyDict::new(py);
            kwargs.set_item("tzinfo", &utc)?;
            Ok(datetime
                .getattr(limit)?
                .call_method("replace", (), Some(&kwargs))?
                .unbind())
        };
        Ok::<_, PyErr>(Cache {
            layouts,
            object_new: py
                .import("builtins")?
                .getattr("object")?
                .getattr("__new__")?
                .unbind(),
            fromtimestamp: datetime.getattr("fromtimestamp")?.unbind(),
            min: with_utc("min")?,
            max: with_utc("max")?,
            datetime: datetime.cast_into::<PyType>()?.unbind(),
            utc: utc.unbind(),
            decimal: py.import("decimal")?.getattr("Decimal")?.unbind(),
        })
    })
}

/// A unix time as an aware `datetime` in UTC. Years outside 1..=9999 (the API has stored a
/// millisecond value as seconds: year 58884) are clamped to `datetime.min`/`max` in UTC rather
/// than raising.
fn datetime<'py>(py: Python<'py>, cache: &Cache, seconds: i64) -> PyResult<Bound<'py, PyAny>> {
    if seconds < DATETIME_MIN {
        return Ok(cache.min.bind(py).clone());
    }
    if seconds > DATETIME_MAX {
        return Ok(cache.max.bind(py).clone());
    }
    cache
        .fromtimestamp
        .bind(py)
        .call1((seconds, cache.utc.bind(py)))
}

/// An amount not yet converted: its type depends on the currency of the record holding it.
enum RawAmount {
    Int(i128),
    Text(String),
}

struct Pending<'py> {
    dict: Bound<'py, PyDict>,
    key: Bound<'py, PyString>,
    raw: RawAmount,
}

fn resolve(
    py: Python<'_>,
    cache: &Cache,
    pending: Vec<Pending<'_>>,
    currency: Option<&str>,
) -> PyResult<()> {
    let krw = currency.is_none_or(|c| c.eq_ignore_ascii_case("KRW"));
    for p in pending {
        let value = match (&p.raw, krw) {
            (RawAmount::Int(v), true) => v.into_bound_py_any(py)?,
            (RawAmount::Int(v), false) => cache.decimal.bind(py).call1((v.to_string(),))?,
            (RawAmount::Text(t), _) => cache.decimal.bind(py).call1((t.as_str(),))?,
        };
        p.dict.set_item(p.key, value)?;
    }
    Ok(())
}

/// The attribute name of a field (its wire name in snake_case; see `shape::python_name`).
fn intern_key<'py>(py: Python<'py>, key: &'static str) -> Bound<'py, PyString> {
    PyString::intern(py, &crate::shape::python_name(key))
}

struct Out<'py> {
    py: Python<'py>,
    cache: &'static Cache,
    pending: RefCell<Vec<Pending<'py>>>,
}

/// A Python error carried through serde.
#[derive(Debug)]
pub struct OutError(PyErr);

impl fmt::Display for OutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl std::error::Error for OutError {}

impl ser::Error for OutError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        OutError(pyo3::exceptions::PyRuntimeError::new_err(msg.to_string()))
    }
}

impl From<PyErr> for OutError {
    fn from(e: PyErr) -> Self {
        OutError(e)
    }
}

type R<T> = Result<T, OutError>;

/// `fn serialize_<narrow>(v)` as `self.serialize_<wide>(v.into())`.
macro_rules! widen {
    ($($method:ident($narrow:ty)),* => $wide_method:ident($wide:ty)) => {$(
        fn $method(self, v: $narrow) -> R<Self::Ok> {
            self.$wide_method(<$wide>::from(v))
        }
    )*};
}

/// `fn serialize_<scalar>(v)` as the Python object pyo3 converts `v` to.
macro_rules! to_python {
    ($($method:ident($ty:ty)),*) => {$(
        fn $method(self, v: $ty) -> R<Self::Ok> {
            Ok(v.into_bound_py_any(self.py)?)
        }
    )*};
}

impl<'a, 'py> ser::Serializer for &'a Out<'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = OutError;
    type SerializeSeq = Seq<'a, 'py>;
    type SerializeTuple = Seq<'a, 'py>;
    type SerializeTupleStruct = Seq<'a, 'py>;
    type SerializeTupleVariant = Impossible<Self::Ok, OutError>;
    type SerializeMap = Map<'a, 'py>;
    type SerializeStruct = Struct<'a, 'py>;
    type SerializeStructVariant = Impossible<Self::Ok, OutError>;

    // Every number becomes a Python int or float as it is; narrower types are widened first.
    widen!(serialize_i8(i8), serialize_i16(i16), serialize_i32(i32) => serialize_i64(i64));
    widen!(serialize_u8(u8), serialize_u16(u16), serialize_u32(u32) => serialize_u64(u64));
    widen!(serialize_f32(f32) => serialize_f64(f64));
    to_python!(
        serialize_bool(bool),
        serialize_i64(i64),
        serialize_u64(u64),
        serialize_f64(f64)
    );
    fn serialize_char(self, v: char) -> R<Self::Ok> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> R<Self::Ok> {
        Ok(PyString::new(self.py, v).into_any())
    }
    fn serialize_bytes(self, v: &[u8]) -> R<Self::Ok> {
        Ok(pyo3::types::PyBytes::new(self.py, v).into_any())
    }
    fn serialize_none(self) -> R<Self::Ok> {
        Ok(self.py.None().into_bound(self.py))
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> R<Self::Ok> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> R<Self::Ok> {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _: &'static str) -> R<Self::Ok> {
        self.serialize_none()
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> R<Self::Ok> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> R<Self::Ok> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> R<Self::Ok> {
        let dict = PyDict::new(self.py);
        dict.set_item(variant, value.serialize(self)?)?;
        Ok(dict.into_any())
    }
    fn serialize_seq(self, len: Option<usize>) -> R<Self::SerializeSeq> {
        Ok(Seq {
            out: self,
            items: Vec::with_capacity(len.unwrap_or(0)),
        })
    }
    fn serialize_tuple(self, len: usize) -> R<Self::SerializeTuple> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> R<Self::SerializeTupleStruct> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> R<Self::SerializeTupleVariant> {
        Err(ser::Error::custom("tuple variants are not converted"))
    }
    fn serialize_map(self, _: Option<usize>) -> R<Self::SerializeMap> {
        Ok(Map {
            out: self,
            dict: PyDict::new(self.py),
            key: None,
        })
    }
    fn serialize_struct(self, name: &'static str, _: usize) -> R<Self::SerializeStruct> {
        let py = self.py;
        if name == RAW_VALUE_TOKEN {
            // A fractional amount outside an amount field: still exact (a Decimal).
            return Ok(Struct {
                out: self,
                object: None,
                dict: PyDict::new(py),
                layout: None,
                next: 0,
                pending_from: 0,
                currency: None,
                raw: true,
            });
        }
        let layout = self.cache.layouts.get(name);
        let (object, dict) = match layout {
            Some(layout) => {
                let object = self
                    .cache
                    .object_new
                    .bind(py)
                    .call1((layout.class.bind(py),))?;
                let dict = object
                    .getattr(intern!(py, "__dict__"))?
                    .cast_into::<PyDict>()
                    .map_err(PyErr::from)?;
                (Some(object), dict)
            }
            None => (None, PyDict::new(py)),
        };
        Ok(Struct {
            out: self,
            object,
            dict,
            layout,
            next: 0,
            pending_from: self.pending.borrow().len(),
            currency: None,
            raw: false,
        })
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> R<Self::SerializeStructVariant> {
        Err(ser::Error::custom("struct variants are not converted"))
    }
}

struct Seq<'a, 'py> {
    out: &'a Out<'py>,
    items: Vec<Bound<'py, PyAny>>,
}

impl<'py> SerializeSeq for Seq<'_, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = OutError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> R<()> {
        self.items.push(value.serialize(self.out)?);
        Ok(())
    }
    fn end(self) -> R<Self::Ok> {
        Ok(PyList::new(self.out.py, self.items)?.into_any())
    }
}

impl<'py> ser::SerializeTuple for Seq<'_, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = OutError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> R<()> {
        SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> R<Self::Ok> {
        SerializeSeq::end(self)
    }
}

impl<'py> ser::SerializeTupleStruct for Seq<'_, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = OutError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> R<()> {
        SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> R<Self::Ok> {
        SerializeSeq::end(self)
    }
}

struct Map<'a, 'py> {
    out: &'a Out<'py>,
    dict: Bound<'py, PyDict>,
    key: Option<Bound<'py, PyAny>>,
}

impl<'py> SerializeMap for Map<'_, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = OutError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> R<()> {
        self.key = Some(key.serialize(self.out)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> R<()> {
        let key = self
            .key
            .take()
            .ok_or_else(|| <OutError as ser::Error>::custom("a map value without its key"))?;
        self.dict.set_item(key, value.serialize(self.out)?)?;
        Ok(())
    }
    fn end(self) -> R<Self::Ok> {
        Ok(self.dict.into_any())
    }
}

struct Struct<'a, 'py> {
    out: &'a Out<'py>,
    /// The result class's instance, or `None` for a struct with no class (a plain dict then).
    object: Option<Bound<'py, PyAny>>,
    dict: Bound<'py, PyDict>,
    layout: Option<&'static Layout>,
    /// Where the next field is expected in `layout`.
    next: usize,
    /// Amounts of this record and of records nested in it start here in `out.pending`.
    pending_from: usize,
    currency: Option<String>,
    /// serde_json's `RawValue` (see [`RawText`]): its one field is decimal text.
    raw: bool,
}

impl<'py> SerializeStruct for Struct<'_, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = OutError;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> R<()> {
        let py = self.out.py;
        if self.raw {
            let text = value.serialize(TextOnly)?;
            self.object = Some(self.out.cache.decimal.bind(py).call1((text,))?);
            return Ok(());
        }
        let field = self.layout.and_then(|l| l.field(key, &mut self.next));
        let (kind, name) = match field {
            Some(f) => (f.kind, f.key.bind(py).clone()),
            None => (None, intern_key(py, key)),
        };
        let converted = match kind {
            Some(OutKind::Time) => match value.serialize(TimeOnly)? {
                Some(seconds) => datetime(py, self.out.cache, seconds)?,
                None => py.None().into_bound(py),
            },
            Some(OutKind::Amount) => {
                if let Some(raw) = value.serialize(AmountOnly)? {
                    self.out.pending.borrow_mut().push(Pending {
                        dict: self.dict.clone(),
                        key: name.clone(),
                        raw,
                    });
                }
                // Set now to keep the field order; the value comes with the currency.
                py.None().into_bound(py)
            }
            None => {
                let v = value.serialize(self.out)?;
                if key == "currency" {
                    self.currency = v.extract::<String>().ok();
                }
                v
            }
        };
        self.dict.set_item(name, converted)?;
        Ok(())
    }

    fn end(self) -> R<Self::Ok> {
        if let Some(currency) = &self.currency {
            let mine = self.out.pending.borrow_mut().split_off(self.pending_from);
            resolve(self.out.py, self.out.cache, mine, Some(currency))?;
        }
        Ok(self.object.unwrap_or_else(|| self.dict.into_any()))
    }
}

/// Reads an amount field: `None`, a whole number, or exact decimal text.
struct AmountOnly;

/// Reads a unix-time field.
struct TimeOnly;

/// Reads a string (the text of a fractional amount).
struct TextOnly;

macro_rules! refuse {
    ($ok:ty; $($method:ident($($arg:ty),*)),* $(,)?) => {$(
        fn $method(self, $(_: $arg),*) -> R<$ok> {
            Err(ser::Error::custom(concat!("unexpected value (", stringify!($method), ")")))
        }
    )*};
}

macro_rules! only_scalars {
    ($ok:ty) => {
        only_scalars!($ok, Impossible<$ok, OutError>);

        fn serialize_struct(self, _: &'static str, _: usize) -> R<Self::SerializeStruct> {
            Err(ser::Error::custom("unexpected struct"))
        }
    };
    ($ok:ty, $struct:ty) => {
        type Ok = $ok;
        type Error = OutError;
        type SerializeSeq = Impossible<$ok, OutError>;
        type SerializeTuple = Impossible<$ok, OutError>;
        type SerializeTupleStruct = Impossible<$ok, OutError>;
        type SerializeTupleVariant = Impossible<$ok, OutError>;
        type SerializeMap = Impossible<$ok, OutError>;
        type SerializeStruct = $struct;
        type SerializeStructVariant = Impossible<$ok, OutError>;

        refuse!($ok; serialize_bool(bool), serialize_i8(i8), serialize_i16(i16),
            serialize_i32(i32), serialize_u8(u8), serialize_u16(u16), serialize_u32(u32),
            serialize_f32(f32), serialize_f64(f64), serialize_char(char), serialize_bytes(&[u8]),
            serialize_unit(), serialize_unit_struct(&'static str),
            serialize_unit_variant(&'static str, u32, &'static str));

        fn serialize_newtype_variant<T: Serialize + ?Sized>(self, _: &'static str, _: u32, _: &'static str, _: &T) -> R<$ok> {
            Err(ser::Error::custom("unexpected variant"))
        }
        fn serialize_seq(self, _: Option<usize>) -> R<Self::SerializeSeq> {
            Err(ser::Error::custom("unexpected sequence"))
        }
        fn serialize_tuple(self, _: usize) -> R<Self::SerializeTuple> {
            Err(ser::Error::custom("unexpected tuple"))
        }
        fn serialize_tuple_struct(self, _: &'static str, _: usize) -> R<Self::SerializeTupleStruct> {
            Err(ser::Error::custom("unexpected tuple"))
        }
        fn serialize_tuple_variant(self, _: &'static str, _: u32, _: &'static str, _: usize) -> R<Self::SerializeTupleVariant> {
            Err(ser::Error::custom("unexpected variant"))
        }
        fn serialize_map(self, _: Option<usize>) -> R<Self::SerializeMap> {
            Err(ser::Error::custom("unexpected map"))
        }
        fn serialize_struct_variant(self, _: &'static str, _: u32, _: &'static str, _: usize) -> R<Self::SerializeStructVariant> {
            Err(ser::Error::custom("unexpected variant"))
        }
    };
}

/// serde_json's `RawValue` (a fractional amount's exact text) serializes as a struct with one
/// field, both named [`RAW_VALUE_TOKEN`].
struct RawText(Option<String>);

impl SerializeStruct for RawText {
    type Ok = Option<RawAmount>;
    type Error = OutError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, _: &'static str, value: &T) -> R<()> {
        self.0 = Some(value.serialize(TextOnly)?);
        Ok(())
    }
    fn end(self) -> R<Self::Ok> {
        Ok(self.0.map(RawAmount::Text))
    }
}

impl ser::Serializer for AmountOnly {
    only_scalars!(Option<RawAmount>, RawText);

    fn serialize_struct(self, name: &'static str, _: usize) -> R<Self::SerializeStruct> {
        if name == RAW_VALUE_TOKEN {
            Ok(RawText(None))
        } else {
            Err(ser::Error::custom("unexpected struct"))
        }
    }

    fn serialize_none(self) -> R<Self::Ok> {
        Ok(None)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> R<Self::Ok> {
        value.serialize(self)
    }
    fn serialize_i64(self, v: i64) -> R<Self::Ok> {
        Ok(Some(RawAmount::Int(i128::from(v))))
    }
    fn serialize_u64(self, v: u64) -> R<Self::Ok> {
        Ok(Some(RawAmount::Int(i128::from(v))))
    }
    fn serialize_str(self, v: &str) -> R<Self::Ok> {
        Ok(Some(RawAmount::Text(v.to_owned())))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> R<Self::Ok> {
        value.serialize(self)
    }
}

impl ser::Serializer for TimeOnly {
    only_scalars!(Option<i64>);

    fn serialize_none(self) -> R<Self::Ok> {
        Ok(None)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> R<Self::Ok> {
        value.serialize(self)
    }
    fn serialize_i64(self, v: i64) -> R<Self::Ok> {
        Ok(Some(v))
    }
    fn serialize_u64(self, v: u64) -> R<Self::Ok> {
        Ok(Some(i64::try_from(v).unwrap_or(i64::MAX)))
    }
    fn serialize_str(self, _: &str) -> R<Self::Ok> {
        Err(ser::Error::custom("a time is not text"))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> R<Self::Ok> {
        value.serialize(self)
    }
}

impl ser::Serializer for TextOnly {
    only_scalars!(String);

    fn serialize_none(self) -> R<Self::Ok> {
        Err(ser::Error::custom("expected text"))
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> R<Self::Ok> {
        value.serialize(self)
    }
    fn serialize_i64(self, v: i64) -> R<Self::Ok> {
        Ok(v.to_string())
    }
    fn serialize_u64(self, v: u64) -> R<Self::Ok> {
        Ok(v.to_string())
    }
    fn serialize_str(self, v: &str) -> R<Self::Ok> {
        Ok(v.to_owned())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> R<Self::Ok> {
        value.serialize(self)
    }
}
