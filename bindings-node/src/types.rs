//! The TypeScript declarations of the requests and results, generated from their shapes (core's
//! Rust declarations and doc comments). `bindings-node/run build` appends them to `native.d.ts`;
//! `run check` fails when the committed file differs.

use crate::convert::camel;
use crate::error::NativeError;
use crate::options::{
    ClientOptions, FOUND_BILLING_KEYS, FOUND_PAYMENTS, ListPaymentsOptions, ListSchedulesOptions,
    RequestOptions, UnscheduleOptions,
};
use crate::sandbox::{EXCHANGE, SandboxOptions, WEBHOOK_DELIVERY};
use iamport_subscribe as core;
use iamport_subscribe::shape::{Field, Shape, Struct, Ty};
use napi::bindgen_prelude::{Env, Object};
use napi_derive::napi;
use std::fmt::Write;

/// Which way a type crosses: requests are written by the user (optional keys may be left out,
/// times may be numbers), results are read (every key present, `null` when absent).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Way {
    In,
    Out,
}

/// Every type the package declares, in the order they appear in `native.d.ts`.
fn declared() -> Vec<(&'static Struct, Way)> {
    let inputs = [
        core::CardDetails::SHAPE,
        core::Buyer::SHAPE,
        core::PayOnetimeRequest::SHAPE,
        core::PayAgainRequest::SHAPE,
        core::IssueBillingKeyRequest::SHAPE,
        core::CancelPaymentRequest::SHAPE,
        core::ScheduleEntry::SHAPE,
        core::ScheduleRequest::SHAPE,
        UnscheduleOptions::SHAPE,
        ListSchedulesOptions::SHAPE,
        ListPaymentsOptions::SHAPE,
        ClientOptions::SHAPE,
        RequestOptions::SHAPE,
        SandboxOptions::SHAPE,
    ];
    let outputs = [
        core::Payment::SHAPE,
        core::PaymentCancel::SHAPE,
        core::VbankDeposit::SHAPE,
        core::Promotion::SHAPE,
        core::BillingKey::SHAPE,
        core::Schedule::SHAPE,
        core::SchedulePage::SHAPE,
        core::PaymentPage::SHAPE,
        FOUND_BILLING_KEYS,
        FOUND_PAYMENTS,
        core::VerifiedWebhook::SHAPE,
        WEBHOOK_DELIVERY,
        EXCHANGE,
        NativeError::SHAPE,
    ];
    let mut out = Vec::new();
    for (shapes, way) in [(&inputs[..], Way::In), (&outputs[..], Way::Out)] {
        out.extend(
            shapes
                .iter()
                .filter_map(|t| t.as_struct())
                .map(|s| (s, way)),
        );
    }
    out
}

/// The declarations, as appended to `native.d.ts`.
pub(crate) fn declarations() -> String {
    let mut out = String::from(
        "\n// Requests and results: generated from core's declarations (bindings-node/src/types.rs).\n",
    );
    out.push_str(
        "\n/** The settled value of a native call: the result, or the error as data. */\n\
         export interface Outcome<T> {\n  value: T | null\n  error: NativeError | null\n}\n",
    );
    out.push_str(crate::logging::LOG_RECORD_TS);
    for (shape, way) in declared() {
        out.push('\n');
        interface(&mut out, shape, way);
    }
    out
}

/// Core's doc text with the names in backticks in the package's convention (`` `vat_amount` ``
/// → `` `vatAmount` ``, `` `None` `` → `` `null` ``).
fn node_doc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, part) in text.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        if i % 2 == 1 {
            match part {
                "None" => out.push_str("null"),
                name => out.push_str(&camel(name)),
            }
        } else {
            out.push_str(part);
        }
    }
    out
}

fn doc(out: &mut String, text: &str, indent: &str) {
    if text.is_empty() {
        return;
    }
    let text = node_doc(text);
    let text = text.as_str();
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() == 1 {
        let _ = writeln!(out, "{indent}/** {} */", lines[0]);
        return;
    }
    let _ = writeln!(out, "{indent}/**");
    for line in lines {
        if line.is_empty() {
            let _ = writeln!(out, "{indent} *");
        } else {
            let _ = writeln!(out, "{indent} * {line}");
        }
    }
    let _ = writeln!(out, "{indent} */");
}

fn interface(out: &mut String, shape: &Struct, way: Way) {
    doc(out, shape.doc, "");
    let _ = writeln!(out, "export interface {} {{", shape.name);
    for field in shape.fields {
        member(out, field, way);
    }
    out.push_str("}\n");
}

fn member(out: &mut String, field: &Field, way: Way) {
    doc(out, field.doc, "  ");
    let name = camel(field.name);
    let optional = way == Way::In && !field.required();
    let mark = if optional { "?" } else { "" };
    let ty = match (way, field.ty) {
        // An input's optional field is left out (or `null`); its type is the value's.
        (Way::In, Ty::Option(inner)) => ts(inner, way),
        (_, ty) => ts(ty, way),
    };
    let _ = writeln!(out, "  {name}{mark}: {ty}");
}

fn ts(ty: &Ty, way: Way) -> String {
    match ty {
        Ty::String | Ty::Secret => "string".into(),
        Ty::Bool => "boolean".into(),
        Ty::U32 | Ty::U64 | Ty::I64 | Ty::F64 | Ty::Amount => "number".into(),
        Ty::Timestamp => match way {
            Way::In => "Date | number".into(),
            Way::Out => "Date".into(),
        },
        Ty::Enum(values) => {
            let mut parts: Vec<String> = values.iter().map(|v| format!("'{v}'")).collect();
            // Values a later API version adds are kept verbatim.
            parts.push("(string & {})".into());
            parts.join(" | ")
        }
        Ty::Option(inner) => format!("{} | null", ts(inner, way)),
        Ty::Vec(item) => format!("Array<{}>", ts(item, way)),
        Ty::Map(item) => format!("Record<string, {}>", ts(item, way)),
        Ty::Struct(s) => s.name.into(),
        Ty::Json => "unknown".into(),
    }
}

/// How `index.js` builds each result object from its compact form (`convert::write_compact`):
/// `{ Payment: [[key, kind, constructor?], ...], ... }`, the fields in declaration order; `kind`
/// is `'v'` (the value as it is, `null` when absent), `'d'` (unix seconds to a `Date`), `'s'` (a
/// struct: its constructor) or `'S'` (a list of structs).
#[napi(
    catch_unwind,
    ts_return_type = "Record<string, Array<[string, 'v' | 'd' | 's' | 'S', string?]>>"
)]
pub fn result_shapes(env: &Env) -> napi::Result<Object<'_>> {
    let mut out = Object::new(env)?;
    let mut pending: Vec<&'static Struct> = declared()
        .into_iter()
        .filter(|(_, way)| *way == Way::Out)
        .map(|(s, _)| s)
        .collect();
    let mut done: Vec<&'static str> = Vec::new();
    while let Some(shape) = pending.pop() {
        if done.contains(&shape.name) {
            continue;
        }
        done.push(shape.name);
        let mut fields = env.create_array(0)?;
        for (i, field) in shape.fields.iter().enumerate() {
            let (kind, constructor) = match field.ty.strip_option() {
                Ty::Timestamp => ("d", None),
                Ty::Struct(s) => ("s", Some(*s)),
                Ty::Vec(Ty::Struct(s)) => ("S", Some(*s)),
                _ => ("v", None),
            };
            let mut entry = env.create_array(0)?;
            entry.set(0, camel(field.name).as_ref())?;
            entry.set(1, kind)?;
            if let Some(s) = constructor {
                entry.set(2, s.name)?;
                pending.push(s);
            }
            fields.set(u32::try_from(i).unwrap_or(u32::MAX), entry)?;
        }
        out.set(shape.name, fields)?;
    }
    Ok(out)
}
