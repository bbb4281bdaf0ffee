//! Core's `tracing` events as records of Python's `logging`, with their fields in `extra`.
//!
//! Only this project's events go (targets `iamport_subscribe::*` and `iamport_sandbox::*`,
//! logger names `iamport_subscribe.client`, ...); hyper's and reqwest's would be noise. A record
//! carries the event's fields and those of its spans as attributes (`record.merchant_uid`,
//! `record.attempt`, `record.error_kind`, `record.status`, ...) and, for plain formatters, in the
//! message text too.
//!
//! Whether a level is enabled is asked of Python once per logger and cached, so a disabled event
//! costs no GIL on tokio's threads; below the lowest level any of this project's loggers lets
//! through (the floor, one atomic load) an event costs nothing more. Both are recomputed whenever
//! Python's `logging` drops its own cache (`Manager._clear_cache`, which `setLevel`,
//! `logging.disable` and the config functions call): a level set at any time takes effect at the
//! next event.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU64, Ordering};
use std::sync::{PoisonError, RwLock};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::Interest;
use tracing::{Event, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;

/// Whether records may still go to Python. `atexit` closes it: a runtime thread that logs after
/// that would take the GIL while the interpreter finalizes, which aborts the process
/// ("PyGILState_Release: thread state must be current"; see `runtime::shutdown`).
static OPEN: AtomicBool = AtomicBool::new(true);

/// Bumped when Python's logging configuration may have changed.
static GENERATION: AtomicU64 = AtomicU64::new(1);

/// Whether the `_clear_cache` hook is in place (else every check asks Python).
static HOOKED: AtomicBool = AtomicBool::new(false);

/// The lowest Python level any logger of this project lets through (0 until known).
static FLOOR: AtomicI32 = AtomicI32::new(0);

/// Per target: the generation it was computed in and the lowest enabled Python level.
static THRESHOLDS: RwLock<Option<HashMap<&'static str, (u64, i32)>>> = RwLock::new(None);

/// Installs the `tracing` subscriber (at module import; it touches no Python).
pub fn init() {
    let subscriber = tracing_subscriber::registry().with(Bridge);
    let _ = tracing::subscriber::set_global_default(subscriber);
}

/// Hooks Python's `logging` (at the first client or sandbox: importing `logging` costs time that
/// `import iamport_subscribe` should not pay).
pub fn install(py: Python<'_>) -> PyResult<()> {
    static INSTALLED: PyOnceLock<()> = PyOnceLock::new();
    INSTALLED.get_or_try_init(py, || {
        let changed = wrap_pyfunction!(reset_log_cache, py)?;
        let hooked = py
            .import("iamport_subscribe._logging")?
            .call_method1("install", (changed,))?
            .is_truthy()?;
        HOOKED.store(hooked, Ordering::Release);
        changed_now(py);
        Ok::<_, PyErr>(())
    })?;
    Ok(())
}

fn changed_now(py: Python<'_>) {
    GENERATION.fetch_add(1, Ordering::AcqRel);
    let floor = if HOOKED.load(Ordering::Acquire) {
        floor(py).unwrap_or(0)
    } else {
        0
    };
    FLOOR.store(floor, Ordering::Release);
}

/// The lowest level that any existing logger of this project, or one created later under its
/// two roots, lets through.
fn floor(py: Python<'_>) -> PyResult<i32> {
    let logging = logging_module(py)?;
    let manager = logging.getattr("root")?.getattr("manager")?;
    let logger_class = logging.getattr("Logger")?;
    let mut names = vec!["iamport_subscribe".to_owned(), "iamport_sandbox".to_owned()];
    for name in manager
        .getattr("loggerDict")?
        .call_method0("keys")?
        .try_iter()?
    {
        let name: String = name?.extract()?;
        if ours(&name) {
            names.push(name);
        }
    }
    let mut lowest = i32::MAX;
    for name in names {
        let logger = logging.call_method1("getLogger", (name,))?;
        if logger.is_instance(&logger_class)? {
            lowest = lowest.min(ask_python(py, &logger)?);
        }
    }
    Ok(lowest)
}

/// Forget the cached logger levels (called by the hook on Python's `logging.Manager`; kept
/// public for code that changes levels in ways `logging` itself does not notice).
#[pyfunction]
pub fn reset_log_cache(py: Python<'_>) {
    changed_now(py);
}

/// Stops forwarding records to Python.
#[pyfunction]
pub fn close_log_bridge() {
    OPEN.store(false, Ordering::Release);
}

fn ours(target: &str) -> bool {
    target.starts_with("iamport_subscribe") || target.starts_with("iamport_sandbox")
}

fn python_level(level: &tracing::Level) -> i32 {
    match *level {
        tracing::Level::TRACE => 5,
        tracing::Level::DEBUG => 10,
        tracing::Level::INFO => 20,
        tracing::Level::WARN => 30,
        tracing::Level::ERROR => 40,
    }
}

fn logger_name(target: &str) -> String {
    target.replace("::", ".")
}

/// The lowest level the Python logger for `target` lets through (`i32::MAX`: none).
fn threshold(target: &'static str) -> i32 {
    let generation = GENERATION.load(Ordering::Acquire);
    if HOOKED.load(Ordering::Acquire) {
        let cached = THRESHOLDS
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .and_then(|m| m.get(target).copied());
        if let Some((g, t)) = cached {
            if g == generation {
                return t;
            }
        }
    }
    let computed = Python::attach(|py| {
        let logger = logging_module(py)?.call_method1("getLogger", (logger_name(target),))?;
        ask_python(py, &logger)
    })
    .unwrap_or(i32::MAX);
    THRESHOLDS
        .write()
        .unwrap_or_else(PoisonError::into_inner)
        .get_or_insert_with(HashMap::new)
        .insert(target, (generation, computed));
    computed
}

/// The lowest level `logger` lets through (`i32::MAX`: none).
fn ask_python(py: Python<'_>, logger: &Bound<'_, PyAny>) -> PyResult<i32> {
    let logging = logging_module(py)?;
    if logger.getattr("disabled")?.is_truthy()? {
        return Ok(i32::MAX);
    }
    let effective: i32 = logger.call_method0("getEffectiveLevel")?.extract()?;
    let disabled_up_to: i32 = logging
        .getattr("root")?
        .getattr("manager")?
        .getattr("disable")?
        .extract()?;
    Ok(effective.max(disabled_up_to + 1))
}

fn logging_module(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    static LOGGING: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    LOGGING
        .get_or_try_init(py, || {
            Ok::<_, PyErr>(py.import("logging")?.into_any().unbind())
        })
        .map(|m| m.bind(py))
}

/// A field's value, kept until the record is made.
#[derive(Debug, Clone)]
enum Value {
    Str(String),
    I64(i64),
    U64(u64),
    F64(f64),
    Bool(bool),
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Str(s) => f.write_str(s),
            Value::I64(v) => write!(f, "{v}"),
            Value::U64(v) => write!(f, "{v}"),
            Value::F64(v) => write!(f, "{v}"),
            Value::Bool(v) => write!(f, "{v}"),
        }
    }
}

#[derive(Debug, Default)]
struct Fields {
    message: String,
    values: Vec<(&'static str, Value)>,
}

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.message, "{value:?}");
        } else {
            self.values
                .push((field.name(), Value::Str(format!("{value:?}"))));
        }
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message.push_str(value);
        } else {
            self.values
                .push((field.name(), Value::Str(value.to_owned())));
        }
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.values.push((field.name(), Value::I64(value)));
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.values.push((field.name(), Value::U64(value)));
    }
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.values.push((field.name(), Value::F64(value)));
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.values.push((field.name(), Value::Bool(value)));
    }
    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        self.values
            .push((field.name(), Value::Str(value.to_string())));
    }
}

/// Attributes a `LogRecord` already has: a field of that name goes in as `iamport_<name>`.
const RESERVED: &[&str] = &[
    "name",
    "msg",
    "args",
    "levelname",
    "levelno",
    "pathname",
    "filename",
    "module",
    "exc_info",
    "exc_text",
    "stack_info",
    "lineno",
    "funcName",
    "created",
    "msecs",
    "relativeCreated",
    "thread",
    "threadName",
    "processName",
    "process",
    "message",
    "asctime",
    "taskName",
];

struct Bridge;

impl<S> Layer<S> for Bridge
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn register_callsite(&self, metadata: &'static Metadata<'static>) -> Interest {
        // Levels change at run time: ask at every event of ours, never for the others.
        if ours(metadata.target()) {
            Interest::sometimes()
        } else {
            Interest::never()
        }
    }

    fn enabled(&self, metadata: &Metadata<'_>, _: Context<'_, S>) -> bool {
        let level = python_level(metadata.level());
        OPEN.load(Ordering::Acquire)
            && level >= FLOOR.load(Ordering::Acquire)
            && ours(metadata.target())
            && {
                let target = metadata.target();
                // Targets are module paths of this project: intern them once.
                let target: &'static str = intern_target(target);
                python_level(metadata.level()) >= threshold(target)
            }
    }

    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        attrs.record(&mut fields);
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(fields);
        }
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(id) {
            let mut extensions = span.extensions_mut();
            if let Some(fields) = extensions.get_mut::<Fields>() {
                values.record(fields);
            }
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        if !OPEN.load(Ordering::Acquire) {
            return;
        }
        let mut fields = Fields::default();
        event.record(&mut fields);
        let mut text = fields.message.clone();
        for (name, value) in &fields.values {
            let _ = write!(text, " {name}={value}");
        }
        // The enclosing spans' fields (method, path, status, latency of a request) as extras.
        if let Some(scope) = ctx.event_scope(event) {
            for span in scope {
                if let Some(span_fields) = span.extensions().get::<Fields>() {
                    for (name, value) in &span_fields.values {
                        if !fields.values.iter().any(|(n, _)| n == name) {
                            fields.values.push((name, value.clone()));
                        }
                    }
                }
            }
        }
        let metadata = event.metadata();
        let _ = Python::attach(|py| emit(py, metadata, &text, &fields.values));
    }
}

fn intern_target(target: &str) -> &'static str {
    static TARGETS: RwLock<Vec<&'static str>> = RwLock::new(Vec::new());
    if let Some(t) = TARGETS
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
        .find(|t| **t == target)
    {
        return t;
    }
    let mut targets = TARGETS.write().unwrap_or_else(PoisonError::into_inner);
    if let Some(t) = targets.iter().find(|t| **t == target) {
        return t;
    }
    // A handful of module paths, leaked once each.
    let leaked: &'static str = Box::leak(target.to_owned().into_boxed_str());
    targets.push(leaked);
    leaked
}

fn emit(
    py: Python<'_>,
    metadata: &Metadata<'_>,
    text: &str,
    values: &[(&'static str, Value)],
) -> PyResult<()> {
    if !OPEN.load(Ordering::Acquire) {
        return Ok(());
    }
    let logging = logging_module(py)?;
    let name = logger_name(metadata.target());
    let logger = logging.call_method1("getLogger", (name.as_str(),))?;
    let extra = PyDict::new(py);
    for (field, value) in values {
        let key = if RESERVED.contains(field) {
            format!("iamport_{field}")
        } else {
            (*field).to_owned()
        };
        match value {
            Value::Str(s) => extra.set_item(key, s)?,
            Value::I64(v) => extra.set_item(key, v)?,
            Value::U64(v) => extra.set_item(key, v)?,
            Value::F64(v) => extra.set_item(key, v)?,
            Value::Bool(v) => extra.set_item(key, v)?,
        }
    }
    let record = logger.call_method1(
        "makeRecord",
        (
            name.as_str(),
            python_level(metadata.level()),
            metadata.file().unwrap_or("<rust>"),
            metadata.line().unwrap_or(0),
            text,
            PyTuple::empty(py),
            py.None(),
            metadata.module_path(),
            extra,
        ),
    )?;
    logger.call_method1("handle", (record,))?;
    Ok(())
}
