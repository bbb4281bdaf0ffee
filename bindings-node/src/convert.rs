//! JS values to core's types and back, for every type, from its shape (`iamport_subscribe::shape`):
//! no per-field code here.
//!
//! In: a JS object is walked along the Rust shape of the type (`buyer: { name }`, `card`,
//! camelCase keys) and written in the wire form that core's serde derives read (`buyer_name`,
//! card fields flattened), which `serde_json::from_value` then turns into the core value. The walk
//! refuses what serde would accept but change or what it cannot name: keys the type does not have,
//! numbers that are not exact (beyond 2^53, or a fraction of a whole-number field), strings that
//! cannot cross intact (a lone UTF-16 surrogate), and values of the wrong kind — each as
//! `InvalidRequest` naming the field the way the package names it (see [`field_name`]).
//!
//! Out: a serde `Serializer` that builds JS values directly (no JSON text): camelCase keys,
//! amounts as numbers, timestamps (known from the shape) as `Date`, `None` as `null`.

use iamport_subscribe::shape::{Field, Shape, Struct, Ty};
use iamport_subscribe::{Case, Error, Result};
use napi::bindgen_prelude::{
    Array, FromNapiValue, JsObjectValue, Null, Object, ToNapiValue, Unknown,
};
use napi::{Env, JsDate, JsString, JsValue, ValueType};
use serde::de::DeserializeOwned;
use serde::{Serialize, ser};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock, PoisonError};

/// Largest integer a JS number holds exactly (`Number.MAX_SAFE_INTEGER`).
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// `InvalidRequest`: nothing was sent.
pub(crate) fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Error {
    Error::InvalidRequest {
        field: field.into(),
        reason: reason.into(),
    }
}

/// A Rust (snake_case) name as the package names it: `customer_uid` → `customerUid`,
/// `pwd_2digit` → `pwd2digit`. Core's convention ([`Case::Camel`]), the one Kotlin and Swift
/// report too; names that are not snake_case (`channelGroupId`, `IAMPORT_IMP_KEY`) stay as they are.
pub(crate) fn camel(name: &str) -> Cow<'_, str> {
    Case::Camel.name(name)
}

/// One of the library's own texts (a validation reason, a hint) with the snake_case names in it
/// in the package's convention: "either imp_uid or merchant_uid is required" → "either impUid or
/// merchantUid is required". Texts from the API or the network are not passed here.
pub(crate) fn camel_text(text: &str) -> String {
    Case::Camel.text(text).into_owned()
}

/// The camelCase name of a `'static` Rust name, computed once.
fn camel_static(name: &'static str) -> &'static str {
    static NAMES: OnceLock<Mutex<HashMap<&'static str, &'static str>>> = OnceLock::new();
    let names = NAMES.get_or_init(Default::default);
    let mut names = names.lock().unwrap_or_else(PoisonError::into_inner);
    names.entry(name).or_insert_with(|| match camel(name) {
        Cow::Borrowed(same) => same,
        // Bounded by the number of field names in the shapes: leaked once each.
        Cow::Owned(new) => Box::leak(new.into_boxed_str()),
    })
}

/// How the package names a field core names `core_name` in an error (`card_number` →
/// `cardNumber`, `buyer_name` → `buyerName`, `extra.naverUseCfm` kept after its first part). The
/// binding's own settings that Node names differently are mapped by the caller.
pub(crate) fn field_name(core_name: &str) -> String {
    match core_name.split_once('.') {
        Some((head, rest)) => format!("{}.{rest}", camel(head)),
        None => match core_name.split_once('[') {
            Some((head, rest)) => format!("{}[{rest}", camel(head)),
            None => camel(core_name).into_owned(),
        },
    }
}

// -------------------------------------------------------------------------------------------
// JS to core

fn kind_name(t: ValueType) -> &'static str {
    match t {
        ValueType::Undefined => "undefined",
        ValueType::Null => "null",
        ValueType::Boolean => "a boolean",
        ValueType::Number => "a number",
        ValueType::String => "a string",
        ValueType::Symbol => "a symbol",
        ValueType::Object => "an object",
        ValueType::Function => "a function",
        ValueType::External => "an external value",
        ValueType::BigInt => "a bigint",
        _ => "an unknown value",
    }
}

fn kind_of(value: &Unknown<'_>) -> ValueType {
    value.get_type().unwrap_or(ValueType::Unknown)
}

/// `null` and `undefined` are "not given".
pub(crate) fn given(value: Option<Unknown<'_>>) -> Option<Unknown<'_>> {
    value.filter(|v| !matches!(kind_of(v), ValueType::Undefined | ValueType::Null))
}

fn expected(field: &str, wanted: &str, value: &Unknown<'_>) -> Error {
    invalid(
        field,
        format!("must be {wanted}, not {}", kind_name(kind_of(value))),
    )
}

fn unreadable(field: &str, e: &napi::Error) -> Error {
    invalid(field, format!("could not be read ({})", e.reason))
}

/// A JS string, or `InvalidRequest` naming `field`. A string with a lone UTF-16 surrogate has no
/// UTF-8 form: napi would replace it with U+FFFD, so that two different strings (`'order-\uD800'`
/// and `'order-\uDBFF'`) became the same one. It is refused instead.
pub(crate) fn string(field: &str, value: Unknown<'_>) -> Result<String> {
    if kind_of(&value) != ValueType::String {
        return Err(expected(field, "a string", &value));
    }
    let text = String::from_unknown(value).map_err(|e| unreadable(field, &e))?;
    if text.contains('\u{FFFD}') {
        // Either a real U+FFFD or a replaced surrogate: the UTF-16 form tells.
        let utf16 = JsString::from_unknown(value)
            .and_then(JsString::into_utf16)
            .map_err(|e| unreadable(field, &e))?;
        if char::decode_utf16(utf16.as_slice().iter().copied()).any(|c| c.is_err()) {
            return Err(invalid(
                field,
                "contains a lone UTF-16 surrogate (half of a character), which has no UTF-8 form",
            ));
        }
    }
    Ok(text)
}

/// A JS number, or `InvalidRequest` naming `field`.
fn number(field: &str, value: Unknown<'_>) -> Result<f64> {
    if kind_of(&value) != ValueType::Number {
        return Err(expected(field, "a number", &value));
    }
    f64::from_unknown(value).map_err(|e| unreadable(field, &e))
}

/// A whole JS number in `min..=max`.
pub(crate) fn whole(field: &str, value: Unknown<'_>, min: f64, max: f64) -> Result<f64> {
    let n = number(field, value)?;
    if n.is_finite() && n.fract() == 0.0 && (min..=max).contains(&n) {
        Ok(n)
    } else {
        Err(invalid(
            field,
            format!("must be a whole number from {min} to {max}"),
        ))
    }
}

/// A JS number as an exact amount: whole numbers up to `Number.MAX_SAFE_INTEGER` exactly; a
/// fraction through the shortest decimal text of the double, which is the number the caller wrote.
pub(crate) fn amount(field: &str, value: Unknown<'_>) -> Result<Value> {
    let n = number(field, value)?;
    amount_value(field, n)
}

fn amount_value(field: &str, n: f64) -> Result<Value> {
    if !n.is_finite() {
        return Err(invalid(field, "must be a finite number"));
    }
    if n.fract() == 0.0 {
        if n.abs() > MAX_SAFE_INTEGER {
            return Err(invalid(
                field,
                "must be at most Number.MAX_SAFE_INTEGER (larger numbers are not exact in JavaScript)",
            ));
        }
        // Whole and within ±2^53: the cast is exact (`-0` becomes 0).
        return Ok(Value::from(n as i64));
    }
    // Decimal text: core's `Amount` reads it exactly.
    Ok(Value::String(n.to_string()))
}

/// A point in time: a `Date` (whole seconds, earlier ones: the API counts in seconds) or a whole
/// number of unix seconds.
pub(crate) fn timestamp(field: &str, value: Unknown<'_>) -> Result<i64> {
    let seconds = match kind_of(&value) {
        ValueType::Number => {
            let n = f64::from_unknown(value).map_err(|e| unreadable(field, &e))?;
            if !(n.is_finite() && n.fract() == 0.0) {
                return Err(invalid(
                    field,
                    "must be a whole number of unix seconds (or a Date)",
                ));
            }
            n
        }
        ValueType::Object if value.is_date().unwrap_or(false) => {
            let ms = JsDate::from_unknown(value)
                .and_then(|d| d.value_of())
                .map_err(|e| unreadable(field, &e))?;
            if !ms.is_finite() {
                return Err(invalid(field, "is an invalid Date"));
            }
            (ms / 1000.0).floor()
        }
        _ => return Err(expected(field, "a Date or unix seconds", &value)),
    };
    // Whole: the cast is exact within ±2^53 and saturates beyond. The range (seconds, not
    // milliseconds) is core's rule, checked with the request.
    Ok(seconds as i64)
}

/// The items of a JS array, or `InvalidRequest` naming `field`.
fn array<'env>(field: &str, value: Unknown<'env>) -> Result<Vec<Unknown<'env>>> {
    let is_array = kind_of(&value) == ValueType::Object && value.is_array().unwrap_or(false);
    if !is_array {
        return Err(expected(field, "an array", &value));
    }
    let items = Array::from_unknown(value).map_err(|e| unreadable(field, &e))?;
    (0..items.len())
        .map(|i| {
            items
                .get::<Unknown<'env>>(i)
                .map_err(|e| unreadable(field, &e))?
                .ok_or_else(|| invalid(field, "changed while it was read"))
        })
        .collect()
}

/// A plain object (not an array, a `Date` or a `Buffer`), or `InvalidRequest` naming `field`.
fn object<'env>(field: &str, type_name: &str, value: Unknown<'env>) -> Result<Object<'env>> {
    if kind_of(&value) != ValueType::Object {
        return Err(expected(field, &format!("a {type_name} object"), &value));
    }
    if value.is_array().unwrap_or(false) {
        return Err(invalid(
            field,
            format!("must be a {type_name} object, not an array"),
        ));
    }
    if value.is_date().unwrap_or(false) {
        return Err(invalid(
            field,
            format!("must be a {type_name} object, not a Date"),
        ));
    }
    Object::from_unknown(value).map_err(|e| unreadable(field, &e))
}

/// The keys and values of an object, `undefined` values left out.
fn entries<'env>(field: &str, object: &Object<'env>) -> Result<Vec<(String, Unknown<'env>)>> {
    let keys = Object::keys(object).map_err(|e| unreadable(field, &e))?;
    let mut out = Vec::with_capacity(keys.len());
    for key in keys {
        let value: Option<Unknown<'env>> = object.get(&key).map_err(|e| unreadable(field, &e))?;
        if let Some(value) = value.filter(|v| kind_of(v) != ValueType::Undefined) {
            out.push((key, value));
        }
    }
    Ok(out)
}

/// Reads a JS value as the core type `T` (its shape must be a struct); `what` names the value
/// itself in errors (`request`, `options`), `prefix` starts the path of unknown keys (`card.`).
pub(crate) fn read<T: Shape + DeserializeOwned>(
    value: Option<Unknown<'_>>,
    what: &str,
    prefix: &str,
) -> Result<T> {
    let Some(shape) = T::SHAPE.as_struct() else {
        return Err(invalid(what, "has no shape the package can read"));
    };
    let value = given(value).ok_or_else(|| invalid(what, "is required"))?;
    let object = object(what, shape.name, value)?;
    let mut wire = Map::new();
    read_struct(shape, &object, what, prefix, &mut wire)?;
    decode(shape, Value::Object(wire))
}

/// The wire form of a JS value of `shape`, as a JSON object (for values nested in lists).
fn read_nested(
    shape: &'static Struct,
    value: Unknown<'_>,
    field: &str,
    prefix: &str,
) -> Result<Value> {
    let object = object(field, shape.name, value)?;
    let mut wire = Map::new();
    read_struct(shape, &object, field, prefix, &mut wire)?;
    Ok(Value::Object(wire))
}

/// Core's value from its wire form; serde's own errors (rare: the walk checked the kinds) name the
/// field through the path it reports.
fn decode<T: DeserializeOwned>(shape: &Struct, wire: Value) -> Result<T> {
    serde_path_to_error::deserialize(wire).map_err(|e| {
        let path = e.path().to_string();
        let last = path.rsplit('.').next().unwrap_or(&path);
        let field = if last.is_empty() || last == "?" {
            shape.name.to_owned()
        } else {
            field_name(last)
        };
        invalid(field, "has the wrong type or format")
    })
}

/// Writes the fields of `object` (of `shape`) into `wire`; flattened fields' fields go into the
/// same map, as on the wire.
fn read_struct(
    shape: &'static Struct,
    object: &Object<'_>,
    what: &str,
    prefix: &str,
    wire: &mut Map<String, Value>,
) -> Result<()> {
    let given = entries(what, object)?;
    for (key, value) in &given {
        let Some(field) = shape.fields.iter().find(|f| camel_static(f.name) == key) else {
            return Err(invalid(
                format!("{prefix}{key}"),
                format!("is not a field of {}", shape.name),
            ));
        };
        if matches!(kind_of(value), ValueType::Null) {
            continue;
        }
        if field.flatten {
            let Some(inner) = field.ty.as_struct() else {
                continue;
            };
            let name = camel_static(field.name);
            let nested = self::object(name, inner.name, *value)?;
            read_struct(inner, &nested, name, &format!("{prefix}{key}."), wire)?;
        } else {
            let v = read_value(field.ty, *value, field, prefix, key)?;
            wire.insert(field.wire.to_owned(), v);
        }
    }
    for field in shape.fields {
        let name = camel_static(field.name);
        let present = given
            .iter()
            .any(|(k, v)| k == name && !matches!(kind_of(v), ValueType::Null));
        if !present && field.required() {
            let reported = if field.flatten {
                name.to_owned()
            } else {
                field_name(field.wire)
            };
            return Err(invalid(reported, "is required"));
        }
    }
    Ok(())
}

/// One field's value in its wire form.
fn read_value(
    ty: &'static Ty,
    value: Unknown<'_>,
    field: &Field,
    prefix: &str,
    key: &str,
) -> Result<Value> {
    let name = field_name(field.wire);
    Ok(match ty {
        Ty::Option(inner) => return read_value(inner, value, field, prefix, key),
        Ty::String | Ty::Secret | Ty::Enum(_) => Value::String(string(&name, value)?),
        Ty::Bool => {
            if kind_of(&value) != ValueType::Boolean {
                return Err(expected(&name, "a boolean", &value));
            }
            Value::Bool(bool::from_unknown(value).map_err(|e| unreadable(&name, &e))?)
        }
        // Whole and in range: the casts are exact.
        Ty::U32 => Value::from(whole(&name, value, 0.0, f64::from(u32::MAX))? as u64),
        Ty::U64 => Value::from(whole(&name, value, 0.0, MAX_SAFE_INTEGER)? as u64),
        Ty::I64 => Value::from(whole(&name, value, -MAX_SAFE_INTEGER, MAX_SAFE_INTEGER)? as i64),
        Ty::F64 => {
            let n = number(&name, value)?;
            if !n.is_finite() {
                return Err(invalid(&name, "must be a finite number"));
            }
            Value::from(n)
        }
        Ty::Amount => amount(&name, value)?,
        Ty::Timestamp => Value::from(timestamp(&name, value)?),
        Ty::Vec(item) => {
            let items = array(&name, value)?;
            let mut out = Vec::with_capacity(items.len());
            for (i, v) in items.into_iter().enumerate() {
                let item_prefix = format!("{prefix}{key}[{i}].");
                out.push(match item {
                    Ty::Struct(s) => read_nested(s, v, &name, &item_prefix)?,
                    Ty::String | Ty::Secret | Ty::Enum(_) => {
                        Value::String(string(&format!("{name}[{i}]"), v)?)
                    }
                    other => read_value(other, v, field, prefix, key)?,
                });
            }
            Value::Array(out)
        }
        Ty::Map(item) => {
            let object = object(&name, "Record<string, string>", value)?;
            let mut out = Map::new();
            for (k, v) in entries(&name, &object)? {
                if matches!(kind_of(&v), ValueType::Null) {
                    continue;
                }
                let entry = format!("{name}.{k}");
                let v = match item {
                    Ty::String => Value::String(string(&entry, v)?),
                    _ => return Err(invalid(entry, "has a type the package cannot read")),
                };
                out.insert(k, v);
            }
            Value::Object(out)
        }
        Ty::Struct(s) => read_nested(s, value, &name, &format!("{prefix}{key}."))?,
        Ty::Json => return Err(invalid(name, "has a type the package cannot read")),
    })
}

// -------------------------------------------------------------------------------------------
// Core to JS

/// A core value as a JS value, `shape` telling which numbers are timestamps (`Date`).
pub(crate) fn write<'env, T: Serialize + ?Sized>(
    env: &'env Env,
    value: &T,
    shape: &'static Ty,
) -> napi::Result<Unknown<'env>> {
    value.serialize(Writer {
        env,
        ty: Some(shape),
        compact: false,
    })
}

/// A result as the package's `index.js` reads it on the hot path: each struct of the shape as an
/// array of its field values in declaration order (absent values left out, timestamps as unix
/// seconds), which a constructor generated from the same shapes (`resultShapes`) turns into the
/// object. An array is filled by index, which costs far less than setting named properties one
/// by one (each a key to intern and a hidden-class transition).
pub(crate) fn write_compact<'env, T: Serialize + ?Sized>(
    env: &'env Env,
    value: &T,
    shape: &'static Ty,
) -> napi::Result<Unknown<'env>> {
    value.serialize(Writer {
        env,
        ty: Some(shape),
        compact: true,
    })
}

/// Builds JS values; `ty` is the shape of the value being written, when known.
#[derive(Clone, Copy)]
struct Writer<'env> {
    env: &'env Env,
    ty: Option<&'static Ty>,
    /// Structs as arrays (see [`write_compact`]).
    compact: bool,
}

impl<'env> Writer<'env> {
    fn of(self, ty: Option<&'static Ty>) -> Self {
        Writer {
            env: self.env,
            ty,
            compact: self.compact,
        }
    }

    /// The shape inside an `Option`.
    fn inner(self) -> Self {
        self.of(self.ty.map(Ty::strip_option))
    }

    fn is_timestamp(&self) -> bool {
        matches!(self.ty.map(Ty::strip_option), Some(Ty::Timestamp))
    }

    fn number(self, n: f64) -> napi::Result<Unknown<'env>> {
        if self.is_timestamp() && !self.compact {
            return Ok(self.env.create_date(n * 1000.0)?.to_unknown());
        }
        n.into_unknown(self.env)
    }
}

fn custom(msg: impl std::fmt::Display) -> napi::Error {
    napi::Error::from_reason(msg.to_string())
}

/// `Writer`'s methods for numbers that convert to `f64` exactly.
macro_rules! numbers {
    ($($method:ident: $t:ty),* $(,)?) => {$(
        fn $method(self, v: $t) -> napi::Result<Unknown<'env>> {
            self.number(f64::from(v))
        }
    )*};
}

/// serde_json's name for a raw JSON value (how `Amount` writes a fraction exactly).
const RAW_VALUE_TOKEN: &str = "$serde_json::private::RawValue";

impl<'env> ser::Serializer for Writer<'env> {
    type Ok = Unknown<'env>;
    type Error = napi::Error;
    type SerializeSeq = SeqWriter<'env>;
    type SerializeTuple = SeqWriter<'env>;
    type SerializeTupleStruct = SeqWriter<'env>;
    type SerializeTupleVariant = ser::Impossible<Unknown<'env>, napi::Error>;
    type SerializeMap = MapWriter<'env>;
    type SerializeStruct = StructWriter<'env>;
    type SerializeStructVariant = ser::Impossible<Unknown<'env>, napi::Error>;

    fn serialize_bool(self, v: bool) -> napi::Result<Unknown<'env>> {
        v.into_unknown(self.env)
    }
    numbers! {
        serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_u8: u8,
        serialize_u16: u16, serialize_u32: u32, serialize_f32: f32,
    }
    fn serialize_i64(self, v: i64) -> napi::Result<Unknown<'env>> {
        // Amounts, counts and times stay far below 2^53, where the conversion is exact.
        self.number(v as f64)
    }
    fn serialize_u64(self, v: u64) -> napi::Result<Unknown<'env>> {
        self.number(v as f64)
    }
    fn serialize_f64(self, v: f64) -> napi::Result<Unknown<'env>> {
        self.number(v)
    }
    fn serialize_char(self, v: char) -> napi::Result<Unknown<'env>> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> napi::Result<Unknown<'env>> {
        v.into_unknown(self.env)
    }
    fn serialize_bytes(self, v: &[u8]) -> napi::Result<Unknown<'env>> {
        let mut seq = ser::Serializer::serialize_seq(self, Some(v.len()))?;
        for b in v {
            ser::SerializeSeq::serialize_element(&mut seq, b)?;
        }
        ser::SerializeSeq::end(seq)
    }
    fn serialize_none(self) -> napi::Result<Unknown<'env>> {
        Null.into_unknown(self.env)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> napi::Result<Unknown<'env>> {
        value.serialize(self.inner())
    }
    fn serialize_unit(self) -> napi::Result<Unknown<'env>> {
        Null.into_unknown(self.env)
    }
    fn serialize_unit_struct(self, _: &'static str) -> napi::Result<Unknown<'env>> {
        Null.into_unknown(self.env)
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> napi::Result<Unknown<'env>> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> napi::Result<Unknown<'env>> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> napi::Result<Unknown<'env>> {
        let mut object = Object::new(self.env)?;
        object.set(variant, value.serialize(self.of(None))?)?;
        Ok(object.to_unknown())
    }
    fn serialize_seq(self, len: Option<usize>) -> napi::Result<SeqWriter<'env>> {
        let item = match self.ty.map(Ty::strip_option) {
            Some(Ty::Vec(item)) => Some(*item),
            json @ Some(Ty::Json) => json,
            _ => None,
        };
        Ok(SeqWriter {
            writer: self.of(item),
            array: self
                .env
                .create_array(u32::try_from(len.unwrap_or(0)).unwrap_or(0))?,
            next: 0,
        })
    }
    fn serialize_tuple(self, len: usize) -> napi::Result<SeqWriter<'env>> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> napi::Result<SeqWriter<'env>> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> napi::Result<Self::SerializeTupleVariant> {
        Err(custom("tuple variants are not converted"))
    }
    fn serialize_map(self, _: Option<usize>) -> napi::Result<MapWriter<'env>> {
        let item = match self.ty.map(Ty::strip_option) {
            Some(Ty::Map(item)) => Some(*item),
            json @ Some(Ty::Json) => json,
            _ => None,
        };
        Ok(MapWriter {
            writer: self.of(item),
            object: Object::new(self.env)?,
            key: None,
        })
    }
    fn serialize_struct(self, name: &'static str, _: usize) -> napi::Result<StructWriter<'env>> {
        if name == RAW_VALUE_TOKEN {
            // An exact decimal (a fractional amount), as serde_json's raw value: its text comes
            // as the one field.
            return Ok(StructWriter {
                writer: self,
                shape: None,
                object: None,
                array: None,
                raw: None,
                written: 0,
            });
        }
        let shape = self.ty.and_then(Ty::as_struct);
        if let Some(shape) = shape.filter(|_| self.compact) {
            let len = u32::try_from(shape.fields.len()).map_err(custom)?;
            return Ok(StructWriter {
                writer: self,
                shape: Some(shape),
                object: None,
                array: Some(self.env.create_array(len)?),
                raw: None,
                written: 0,
            });
        }
        Ok(StructWriter {
            writer: self,
            shape,
            object: Some(Object::new(self.env)?),
            array: None,
            raw: None,
            written: 0,
        })
        // (A struct under `Ty::Json` keeps its keys: see `serialize_field`.)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> napi::Result<Self::SerializeStructVariant> {
        Err(custom("struct variants are not converted"))
    }
}

pub(crate) struct SeqWriter<'env> {
    writer: Writer<'env>,
    array: Array<'env>,
    next: u32,
}

impl<'env> ser::SerializeSeq for SeqWriter<'env> {
    type Ok = Unknown<'env>;
    type Error = napi::Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> napi::Result<()> {
        self.array.set(self.next, value.serialize(self.writer)?)?;
        self.next += 1;
        Ok(())
    }
    fn end(self) -> napi::Result<Unknown<'env>> {
        Ok(self.array.to_unknown())
    }
}

impl<'env> ser::SerializeTuple for SeqWriter<'env> {
    type Ok = Unknown<'env>;
    type Error = napi::Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> napi::Result<()> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> napi::Result<Unknown<'env>> {
        ser::SerializeSeq::end(self)
    }
}

impl<'env> ser::SerializeTupleStruct for SeqWriter<'env> {
    type Ok = Unknown<'env>;
    type Error = napi::Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> napi::Result<()> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> napi::Result<Unknown<'env>> {
        ser::SerializeSeq::end(self)
    }
}

pub(crate) struct MapWriter<'env> {
    writer: Writer<'env>,
    object: Object<'env>,
    key: Option<String>,
}

impl<'env> ser::SerializeMap for MapWriter<'env> {
    type Ok = Unknown<'env>;
    type Error = napi::Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> napi::Result<()> {
        // Map keys are data (`extra`'s keys, route names): kept as they are.
        self.key = Some(key.serialize(RawText)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> napi::Result<()> {
        let key = self
            .key
            .take()
            .ok_or_else(|| custom("a map value without its key"))?;
        self.object.set(key, value.serialize(self.writer)?)
    }
    fn end(self) -> napi::Result<Unknown<'env>> {
        Ok(self.object.to_unknown())
    }
}

pub(crate) struct StructWriter<'env> {
    writer: Writer<'env>,
    shape: Option<&'static Struct>,
    /// `None` for a raw JSON value, whose text is kept in `raw`, and in compact form.
    object: Option<Object<'env>>,
    /// The compact form: the field values by their index in the shape.
    array: Option<Array<'env>>,
    raw: Option<String>,
    /// Fields written so far (a field serde skips is written as `null` at the end); in compact
    /// form, where the next field is expected in the shape.
    written: usize,
}

impl StructWriter<'_> {
    /// The index of the field serde writes under `key`: the next one in declaration order, as a
    /// rule, found by its `'static` name without comparing text.
    fn index_of(&self, key: &'static str) -> Option<usize> {
        let fields = self.shape?.fields;
        let same = |f: &Field| std::ptr::eq(f.wire, key) || f.wire == key;
        match fields.get(self.written) {
            Some(f) if same(f) => Some(self.written),
            _ => fields.iter().position(same),
        }
    }
}

impl<'env> ser::SerializeStruct for StructWriter<'env> {
    type Ok = Unknown<'env>;
    type Error = napi::Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> napi::Result<()> {
        let index = self.index_of(key);
        if let Some(array) = &mut self.array {
            let Some(i) = index else {
                return Ok(());
            };
            let ty = self.shape.map(|s| s.fields[i].ty);
            let value = value.serialize(self.writer.of(ty))?;
            self.written = i + 1;
            if value.get_type()? != ValueType::Null {
                array.set(u32::try_from(i).map_err(custom)?, value)?;
            }
            return Ok(());
        }
        let Some(object) = &mut self.object else {
            self.raw = Some(value.serialize(RawText)?);
            return Ok(());
        };
        if matches!(self.writer.ty.map(Ty::strip_option), Some(Ty::Json)) {
            // Plain JSON (a fault plan): its keys are data, as the sandbox reads them back.
            let value = value.serialize(self.writer.of(Some(&Ty::Json)))?;
            return object.set(key, value);
        }
        let ty = index.and_then(|i| self.shape.map(|s| s.fields[i].ty));
        let value = value.serialize(self.writer.of(ty))?;
        self.written += 1;
        object.set(camel_static(key), value)
    }
    fn end(self) -> napi::Result<Unknown<'env>> {
        if let Some(array) = self.array {
            return Ok(array.to_unknown());
        }
        match (self.object, self.raw) {
            (Some(mut object), _) => {
                // Every field of the shape is there, `null` when absent (a field serde skips).
                if let Some(shape) = self.shape.filter(|s| s.fields.len() > self.written) {
                    for field in shape.fields {
                        let key = camel_static(field.wire);
                        if !object.has_named_property(key)? {
                            object.set(key, Null)?;
                        }
                    }
                }
                Ok(object.to_unknown())
            }
            // The nearest JS number of the exact decimal.
            (None, Some(text)) => self.writer.number(text.trim().parse().map_err(custom)?),
            (None, None) => Err(custom("a raw JSON value without its text")),
        }
    }
}

/// Serializes a string-like value (a map key, a raw JSON text) to its text.
struct RawText;

/// `RawText`'s methods for values whose text is their `Display`.
macro_rules! text_of {
    ($($method:ident: $t:ty),* $(,)?) => {$(
        fn $method(self, v: $t) -> napi::Result<String> {
            Ok(v.to_string())
        }
    )*};
}

impl ser::Serializer for RawText {
    type Ok = String;
    type Error = napi::Error;
    type SerializeSeq = ser::Impossible<String, napi::Error>;
    type SerializeTuple = ser::Impossible<String, napi::Error>;
    type SerializeTupleStruct = ser::Impossible<String, napi::Error>;
    type SerializeTupleVariant = ser::Impossible<String, napi::Error>;
    type SerializeMap = ser::Impossible<String, napi::Error>;
    type SerializeStruct = ser::Impossible<String, napi::Error>;
    type SerializeStructVariant = ser::Impossible<String, napi::Error>;

    fn serialize_str(self, v: &str) -> napi::Result<String> {
        Ok(v.to_owned())
    }
    text_of! {
        serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32,
        serialize_i64: i64, serialize_u8: u8, serialize_u16: u16, serialize_u32: u32,
        serialize_u64: u64, serialize_f32: f32, serialize_f64: f64, serialize_char: char,
    }
    fn serialize_bytes(self, _: &[u8]) -> napi::Result<String> {
        Err(custom("bytes are not text"))
    }
    fn serialize_none(self) -> napi::Result<String> {
        Err(custom("not text"))
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> napi::Result<String> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> napi::Result<String> {
        Err(custom("not text"))
    }
    fn serialize_unit_struct(self, _: &'static str) -> napi::Result<String> {
        Err(custom("not text"))
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> napi::Result<String> {
        Ok(variant.to_owned())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> napi::Result<String> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> napi::Result<String> {
        Err(custom("not text"))
    }
    fn serialize_seq(self, _: Option<usize>) -> napi::Result<Self::SerializeSeq> {
        Err(custom("not text"))
    }
    fn serialize_tuple(self, _: usize) -> napi::Result<Self::SerializeTuple> {
        Err(custom("not text"))
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> napi::Result<Self::SerializeTupleStruct> {
        Err(custom("not text"))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> napi::Result<Self::SerializeTupleVariant> {
        Err(custom("not text"))
    }
    fn serialize_map(self, _: Option<usize>) -> napi::Result<Self::SerializeMap> {
        Err(custom("not text"))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> napi::Result<Self::SerializeStruct> {
        Err(custom("not text"))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> napi::Result<Self::SerializeStructVariant> {
        Err(custom("not text"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_the_package_convention() {
        assert_eq!(camel("customer_uid"), "customerUid");
        assert_eq!(camel("pwd_2digit"), "pwd2digit");
        assert_eq!(camel("secure_3d_charge_id"), "secure3dChargeId");
        assert_eq!(camel("channelGroupId"), "channelGroupId");
        assert_eq!(camel("IAMPORT_IMP_KEY"), "IAMPORT_IMP_KEY");
        assert_eq!(field_name("extra.naverUseCfm"), "extra.naverUseCfm");
        assert_eq!(field_name("merchant_uids[2]"), "merchantUids[2]");
        assert_eq!(field_name("buyer_name"), "buyerName");
        assert_eq!(
            camel_text("either imp_uid or merchant_uid is required: find_payment(x)"),
            "either impUid or merchantUid is required: findPayment(x)"
        );
        assert_eq!(
            camel_text("IAMPORT_IMP_KEY is not set"),
            "IAMPORT_IMP_KEY is not set"
        );
    }

    #[test]
    fn amounts_from_js_numbers_are_exact() {
        let ok = |n: f64| amount_value("amount", n).ok();
        assert_eq!(ok(9900.0), Some(Value::from(9900)));
        assert_eq!(ok(-0.0), Some(Value::from(0)));
        assert_eq!(ok(0.1), Some(Value::from("0.1")));
        assert_eq!(ok(12.34), Some(Value::from("12.34")));
        assert_eq!(ok(99999999999.99), Some(Value::from("99999999999.99")));
        assert_eq!(
            ok(9007199254740991.0),
            Some(Value::from(9007199254740991_i64))
        );
        for bad in [
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            9007199254740992.0,
            1e300,
        ] {
            let e = amount_value("amount", bad).err();
            assert_eq!(e.as_ref().and_then(Error::field), Some("amount"), "{bad}");
        }
    }
}
