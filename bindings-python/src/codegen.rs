//! What `codegen.py` writes the Python result classes and type stubs from: the shapes of core's
//! requests and results (fields in declaration order, flattened parts inlined, wire names, docs,
//! types) and, per operation, the request it decodes and the Python type it returns.

use crate::shape::{requests, results, structs, wire_fields};
use iamport_subscribe::shape::{Struct, Ty};
use pyo3::prelude::*;
use serde_json::{Value, json};

/// Every operation of `Client`/`AsyncClient`: its name, the request type its keyword arguments
/// are decoded into (if it takes them), and what it returns (`Iterator[...]` for listings; the
/// async stub turns it into `AsyncIterator`). `codegen.py` checks that this covers every method.
const OPERATIONS: &[(&str, Option<&str>, &str)] = &[
    ("pay_onetime", Some("PayOnetimeRequest"), "Payment"),
    (
        "issue_billing_key",
        Some("IssueBillingKeyRequest"),
        "BillingKey",
    ),
    ("get_billing_key", None, "BillingKey"),
    ("delete_billing_key", None, "BillingKey"),
    ("pay_again", Some("PayAgainRequest"), "Payment"),
    ("get_payment", None, "Payment"),
    ("find_payment", None, "Payment"),
    ("find_all_payments", None, "List[Payment]"),
    ("cancel_payment", Some("CancelPaymentRequest"), "Payment"),
    ("schedule", Some("ScheduleRequest"), "List[Schedule]"),
    ("unschedule", None, "List[Schedule]"),
    ("unschedule_all", None, "List[Schedule]"),
    ("get_schedule", None, "Schedule"),
    ("update_schedule", None, "Schedule"),
    ("reschedule", None, "Schedule"),
    ("retry_schedule", None, "Payment"),
    ("get_billing_keys", None, "Found[BillingKey]"),
    ("get_payments", None, "Found[Payment]"),
    ("verify_webhook", None, "VerifiedWebhook"),
    ("check_credentials", None, "None"),
    ("list_schedules", None, "Iterator[Schedule]"),
    ("list_schedules_by_customer", None, "Iterator[Schedule]"),
    ("list_customer_payments", None, "Iterator[Payment]"),
    ("list_payments", None, "Iterator[Payment]"),
];

fn ty(t: &Ty) -> Value {
    match t {
        Ty::String => json!({"kind": "string"}),
        Ty::Bool => json!({"kind": "bool"}),
        Ty::U32 | Ty::U64 | Ty::I64 => json!({"kind": "int"}),
        Ty::F64 => json!({"kind": "float"}),
        Ty::Amount => json!({"kind": "amount"}),
        Ty::Timestamp => json!({"kind": "time"}),
        Ty::Secret => json!({"kind": "secret"}),
        Ty::Enum(values) => json!({"kind": "enum", "values": values}),
        Ty::Option(inner) => json!({"kind": "option", "of": ty(inner)}),
        Ty::Vec(inner) => json!({"kind": "list", "of": ty(inner)}),
        Ty::Map(inner) => json!({"kind": "map", "of": ty(inner)}),
        Ty::Struct(s) => json!({"kind": "struct", "name": s.name}),
        Ty::Json => json!({"kind": "json"}),
    }
}

/// A struct as the wire has it: flattened parts inlined.
fn describe(s: &'static Struct) -> Value {
    let fields: Vec<Value> = wire_fields(s)
        .into_iter()
        .map(|(f, required)| {
            json!({"wire": f.wire, "required": required, "doc": f.doc, "ty": ty(f.ty)})
        })
        .collect();
    json!({"name": s.name, "doc": s.doc, "fields": fields})
}

/// The input of `codegen.py`, as JSON text.
#[pyfunction]
pub fn codegen_input() -> String {
    let all =
        |tys: Vec<&'static Ty>| -> Vec<Value> { structs(&tys).into_iter().map(describe).collect() };
    let operations: Vec<Value> = OPERATIONS
        .iter()
        .map(|(name, request, returns)| json!({"name": name, "request": request, "returns": returns}))
        .collect();
    json!({
        "requests": all(requests()),
        "results": all(results()),
        "operations": operations,
    })
    .to_string()
}
