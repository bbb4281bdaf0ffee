//! Shapes: a `'static` description of the requests and models as Rust declares them, for the
//! language bindings (compiled only with the `shape` feature).
//!
//! The serde derives describe the *wire*: buyer fields flattened with a `buyer_` prefix, card
//! fields flattened. A binding's objects follow the *Rust* declaration instead (`buyer: { name }`,
//! `card: { cardNumber }`), in its own case convention. A [`Shape`] gives both — each field's Rust
//! name, its wire name, whether it is flattened — so that a binding converts any request or model
//! generically (reading its objects into the wire form that serde reads, refusing keys a type does
//! not have, naming fields its own way) and generates its type declarations from the same source.
//! A field added to core appears in every binding that reads shapes, with no change there.
//!
//! `#[derive(Shape)]` (crate `iamport-subscribe-derive`) implements it from a struct's declaration.

pub use iamport_subscribe_derive::Shape;

/// How a value looks, as far as a binding needs to know.
#[derive(Debug, PartialEq, Eq)]
pub enum Ty {
    String,
    Bool,
    /// A whole number from 0 to `u32::MAX`.
    U32,
    /// A whole number from 0 to `u64::MAX` (counts).
    U64,
    /// A whole number (signed).
    I64,
    /// A number (binding settings such as milliseconds; never money).
    F64,
    /// Money: an exact decimal ([`crate::Amount`]), written on the wire as a JSON number.
    Amount,
    /// Unix time in seconds ([`crate::Timestamp`]).
    Timestamp,
    /// Card data or a credential: a string that is never shown.
    Secret,
    /// A string from an open set: the known values, any other kept verbatim.
    Enum(&'static [&'static str]),
    Option(&'static Ty),
    Vec(&'static Ty),
    /// A map from strings to the given values.
    Map(&'static Ty),
    Struct(&'static Struct),
    /// Any JSON value (a recorded answer body).
    Json,
}

/// A struct with named fields.
#[derive(Debug, PartialEq, Eq)]
pub struct Struct {
    /// The Rust type name.
    pub name: &'static str,
    /// Its doc comment.
    pub doc: &'static str,
    pub fields: &'static [Field],
}

/// One field of a [`Struct`].
#[derive(Debug, PartialEq, Eq)]
pub struct Field {
    /// The Rust name (`card_number`, `pwd_2digit`).
    pub name: &'static str,
    /// The key serde reads (`#[serde(rename)]`; for a flattened field, unused).
    pub wire: &'static str,
    /// `#[serde(flatten)]`: the field's own fields sit next to this struct's on the wire.
    pub flatten: bool,
    /// `#[serde(default)]`: may be left out although its type is not an `Option`.
    pub default: bool,
    /// Its doc comment.
    pub doc: &'static str,
    pub ty: &'static Ty,
}

impl Field {
    /// Whether a value must be given: not an `Option`, not defaulted, and not a flattened struct
    /// whose own fields may all be left out (`buyer`).
    pub fn required(&self) -> bool {
        match self.ty {
            Ty::Option(_) => false,
            _ if self.default => false,
            Ty::Struct(s) if self.flatten => s.fields.iter().any(Field::required),
            _ => true,
        }
    }
}

impl Struct {
    /// The field read from the wire key `wire`, looking into flattened fields too: the path of
    /// Rust fields that leads to it (`["buyer", "name"]` for `buyer_name`).
    pub fn path_of_wire(&self, wire: &str) -> Option<Vec<&'static str>> {
        for field in self.fields {
            match (field.flatten, field.ty.strip_option()) {
                (true, Ty::Struct(inner)) => {
                    if let Some(mut path) = inner.path_of_wire(wire) {
                        path.insert(0, field.name);
                        return Some(path);
                    }
                }
                _ if field.wire == wire => return Some(vec![field.name]),
                _ => {}
            }
        }
        None
    }
}

impl Ty {
    /// The type inside an `Option`, or this one.
    pub fn strip_option(&self) -> &Ty {
        match self {
            Ty::Option(inner) => inner,
            other => other,
        }
    }

    /// The struct this is (inside an `Option`), if any.
    pub fn as_struct(&self) -> Option<&'static Struct> {
        match self.strip_option() {
            Ty::Struct(s) => Some(s),
            _ => None,
        }
    }
}

/// Implemented by every type a binding converts: `derive(Shape)` for structs, by hand here for the
/// leaves.
pub trait Shape {
    const SHAPE: &'static Ty;
}

macro_rules! leaf {
    ($($t:ty => $shape:expr;)*) => {$(
        impl Shape for $t {
            const SHAPE: &'static Ty = &$shape;
        }
    )*};
}

leaf! {
    String => Ty::String;
    bool => Ty::Bool;
    u16 => Ty::U32;
    u32 => Ty::U32;
    u64 => Ty::U64;
    i64 => Ty::I64;
    f64 => Ty::F64;
    crate::Amount => Ty::Amount;
    crate::Pg => Ty::String;
    crate::PaymentStatus => Ty::Enum(&["ready", "paid", "failed", "cancelled"]);
    crate::ScheduleStatus => Ty::Enum(&["scheduled", "executed", "revoked"]);
    // A closed set: another text is refused by its `Deserialize` (the field named).
    crate::PaymentSorting => Ty::Enum(&["-started", "started", "-paid", "paid", "-updated", "updated"]);
    crate::CardNumber => Ty::Secret;
    crate::Expiry => Ty::Secret;
    crate::Birth => Ty::Secret;
    crate::Pwd2Digit => Ty::Secret;
    crate::Cvc => Ty::Secret;
    crate::ImpSecret => Ty::Secret;
    std::collections::BTreeMap<String, String> => Ty::Map(&Ty::String);
    serde_json::Value => Ty::Json;
}

impl<T: Shape> Shape for Option<T> {
    const SHAPE: &'static Ty = &Ty::Option(T::SHAPE);
}

impl<T: Shape> Shape for Vec<T> {
    const SHAPE: &'static Ty = &Ty::Vec(T::SHAPE);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{PayAgainRequest, PayOnetimeRequest, Payment};

    #[test]
    fn the_sorting_shape_lists_every_value() {
        let values: Vec<&str> = crate::PaymentSorting::ALL
            .iter()
            .map(|s| s.as_str())
            .collect();
        let known = match crate::PaymentSorting::SHAPE {
            Ty::Enum(known) => known.to_vec(),
            _ => Vec::new(),
        };
        assert_eq!(known, values);
    }

    #[test]
    fn shapes_follow_the_rust_declaration_and_know_the_wire_names() {
        let again = PayAgainRequest::SHAPE.as_struct().map(|s| s.name);
        assert_eq!(again, Some("PayAgainRequest"));
        let onetime = PayOnetimeRequest::SHAPE.as_struct();
        let path = onetime.and_then(|s| s.path_of_wire("buyer_name"));
        assert_eq!(path, Some(vec!["buyer", "name"]));
        let path = onetime.and_then(|s| s.path_of_wire("card_number"));
        assert_eq!(path, Some(vec!["card", "card_number"]));
        let path = onetime.and_then(|s| s.path_of_wire("channelGroupId"));
        assert_eq!(path, Some(vec!["channel_group_id"]));
        let fields = onetime.map(|s| s.fields).unwrap_or_default();
        let field = |n: &str| fields.iter().find(|f| f.name == n);
        assert_eq!(field("card").map(Field::required), Some(true));
        assert_eq!(field("buyer").map(Field::required), Some(false));
        assert_eq!(field("amount").map(|f| f.ty), Some(&Ty::Amount));
        let payment = Payment::SHAPE
            .as_struct()
            .map(|s| s.fields)
            .unwrap_or_default();
        let paid_at = payment.iter().find(|f| f.name == "paid_at").map(|f| f.ty);
        assert_eq!(paid_at, Some(&Ty::Option(&Ty::Timestamp)));
    }
}
