//! What the binding knows about core's types, read from their shapes (core's `shape` feature:
//! `derive(Shape)` on every request and model). The Python view is the wire's: keyword arguments
//! and result attributes are the wire names in snake_case (`buyer_name`, `card_number`,
//! `channel_group_id` for `channelGroupId`), with flattened parts inlined. Nothing here names a
//! field of a model; `codegen.py` writes the Python classes and stubs from the same shapes.

use iamport_subscribe::shape::{Field, Shape as CoreShape, Struct, Ty};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

/// How a request field is converted from Python.
#[derive(Debug, Clone)]
pub enum Kind {
    /// `str` (plain text, an enum value, or card data).
    Str,
    /// `int` (not `bool`).
    Int,
    /// `bool`.
    Bool,
    /// Money: `int` or `decimal.Decimal`, never `float`.
    Amount,
    /// Unix seconds: `int` or a timezone-aware `datetime`.
    Time,
    /// A mapping of `str` to `str`.
    Map,
    /// A list (or tuple) of these.
    List(Box<Kind>),
    /// A nested object (a dict checked key by key).
    Object(Arc<Shape>),
}

/// One request field, as Python sees it.
#[derive(Debug)]
pub struct PyField {
    /// The key core's `Deserialize` reads.
    pub wire: &'static str,
    pub kind: Kind,
}

/// The fields of a request type (or of a nested object such as a schedule entry), flattened
/// parts inlined.
#[derive(Debug)]
pub struct Shape {
    /// The core type's name, for messages.
    pub name: &'static str,
    /// By Python name.
    pub fields: HashMap<String, PyField>,
    /// Python names of the required fields, in declaration order.
    pub required: Vec<String>,
}

/// The Python name of a field: its wire name in snake_case.
pub fn python_name(wire: &str) -> Cow<'_, str> {
    if !wire.bytes().any(|b| b.is_ascii_uppercase()) {
        return wire.into();
    }
    let mut out = String::with_capacity(wire.len() + 4);
    for (i, c) in wire.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out.into()
}

/// Each field as the wire has it: flattened parts inlined, with whether it must be given.
pub fn wire_fields(s: &'static Struct) -> Vec<(&'static Field, bool)> {
    let mut out = Vec::new();
    collect(s, true, &mut out);
    out
}

fn collect(s: &'static Struct, required: bool, out: &mut Vec<(&'static Field, bool)>) {
    for field in s.fields {
        match (field.flatten, field.ty.as_struct()) {
            (true, Some(inner)) => collect(inner, required && field.required(), out),
            _ => out.push((field, required && field.required())),
        }
    }
}

impl Shape {
    pub fn of(s: &'static Struct) -> Shape {
        let mut fields = HashMap::new();
        let mut required = Vec::new();
        for (field, must) in wire_fields(s) {
            let name = python_name(field.wire).into_owned();
            if must {
                required.push(name.clone());
            }
            let kind = kind_of(field.ty);
            fields.insert(
                name,
                PyField {
                    wire: field.wire,
                    kind,
                },
            );
        }
        Shape {
            name: s.name,
            fields,
            required,
        }
    }
}

fn kind_of(ty: &'static Ty) -> Kind {
    match ty {
        Ty::String | Ty::Secret | Ty::Enum(_) | Ty::Json => Kind::Str,
        Ty::Bool => Kind::Bool,
        Ty::U32 | Ty::U64 | Ty::I64 | Ty::F64 => Kind::Int,
        Ty::Amount => Kind::Amount,
        Ty::Timestamp => Kind::Time,
        Ty::Option(inner) => kind_of(inner),
        Ty::Vec(inner) => Kind::List(Box::new(kind_of(inner))),
        Ty::Map(_) => Kind::Map,
        Ty::Struct(s) => Kind::Object(Arc::new(Shape::of(s))),
    }
}

/// What a result field needs beyond the plain conversion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutKind {
    Amount,
    Time,
}

/// The requests a Python keyword-argument call is decoded into.
pub trait Request: serde::de::DeserializeOwned + CoreShape + Send + Sync + 'static {
    fn shape() -> &'static Shape;
}

macro_rules! requests {
    ($($t:ident),* $(,)?) => {
        $(impl Request for iamport_subscribe::$t {
            fn shape() -> &'static Shape {
                static SHAPE: OnceLock<Shape> = OnceLock::new();
                SHAPE.get_or_init(|| match <iamport_subscribe::$t as CoreShape>::SHAPE {
                    Ty::Struct(s) => Shape::of(s),
                    _ => unreachable!("requests are structs"),
                })
            }
        })*

        /// Every request decoded from keyword arguments.
        pub fn requests() -> Vec<&'static Ty> {
            vec![$(<iamport_subscribe::$t as CoreShape>::SHAPE),*]
        }
    };
}

requests!(
    PayOnetimeRequest,
    PayAgainRequest,
    IssueBillingKeyRequest,
    CancelPaymentRequest,
    ScheduleRequest,
);

/// Every result model an operation returns (nested ones are reached from these).
pub fn results() -> Vec<&'static Ty> {
    use iamport_subscribe::{BillingKey, Payment, Schedule, VerifiedWebhook};
    vec![
        Payment::SHAPE,
        BillingKey::SHAPE,
        Schedule::SHAPE,
        VerifiedWebhook::SHAPE,
    ]
}

/// Every struct reachable from `tys`, each once, nested ones first.
pub fn structs(tys: &[&'static Ty]) -> Vec<&'static Struct> {
    fn visit(ty: &'static Ty, out: &mut Vec<&'static Struct>) {
        match ty {
            Ty::Option(inner) | Ty::Vec(inner) | Ty::Map(inner) => visit(inner, out),
            Ty::Struct(s) => {
                if out
                    .iter()
                    .any(|seen| std::ptr::eq(*seen, *s) || seen.name == s.name)
                {
                    return;
                }
                for field in s.fields {
                    visit(field.ty, out);
                }
                out.push(s);
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    for ty in tys {
        visit(ty, &mut out);
    }
    out
}

/// A result field: its wire name, and whether it is an amount or a time.
pub type ResultField = (&'static str, Option<OutKind>);

/// The fields of every result model in the order serde serializes them (declaration order,
/// flattened parts inlined), with those that are amounts or times marked; by struct name.
pub fn result_layouts() -> Vec<(&'static str, Vec<ResultField>)> {
    structs(&results())
        .into_iter()
        .map(|s| {
            let fields = wire_fields(s)
                .into_iter()
                .map(|(f, _)| {
                    let kind = match f.ty.strip_option() {
                        Ty::Amount => Some(OutKind::Amount),
                        Ty::Timestamp => Some(OutKind::Time),
                        _ => None,
                    };
                    (f.wire, kind)
                })
                .collect();
            (s.name, fields)
        })
        .collect()
}

/// Names of the result classes `models.py` must have (every result struct, and `Found`).
pub fn result_class_names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = structs(&results()).iter().map(|s| s.name).collect();
    names.push("Found");
    names
}
