//! Core's `tracing` events for a JS logger: `setLogger((record) => ...)` receives each event at
//! the chosen level or above as `{ level, target, message, fields }`, the fields camelCased
//! (`merchantUid`, `attempt`, `waitMs`, `errorKind`), so that retries (INFO) and ambiguous or
//! unknown charge outcomes (WARN) can be acted on, not only read. Core never puts card data or
//! secrets in an event.
//!
//! Events are queued to the JS thread (a weak threadsafe function: a logger does not keep the
//! process alive); with no logger set, no event is even built.

use crate::convert::camel;
use napi::bindgen_prelude::{Env, Function, Object, Unknown};
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi::{JsValue, Status, sys};
use napi_derive::napi;
use std::fmt;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Once, RwLock};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::Interest;
use tracing::{Event, Level, Metadata, Subscriber};

/// One event, on its way to the JS thread.
struct LogRecord {
    level: &'static str,
    target: String,
    message: String,
    fields: Vec<(String, Value)>,
}

enum Value {
    Text(String),
    Number(f64),
    Bool(bool),
}

type Sink = ThreadsafeFunction<LogRecord, Unknown<'static>, sys::napi_value, Status, false, true>;

static SINK: RwLock<Option<Sink>> = RwLock::new(None);

/// The most verbose level forwarded: 0 none (no logger), 1 error ... 5 trace.
static MAX_LEVEL: AtomicU8 = AtomicU8::new(0);

fn rank(level: &Level) -> u8 {
    match *level {
        Level::ERROR => 1,
        Level::WARN => 2,
        Level::INFO => 3,
        Level::DEBUG => 4,
        Level::TRACE => 5,
    }
}

fn name(level: &Level) -> &'static str {
    match *level {
        Level::ERROR => "error",
        Level::WARN => "warn",
        Level::INFO => "info",
        Level::DEBUG => "debug",
        Level::TRACE => "trace",
    }
}

/// Forwards events to the sink; spans are not tracked (core's events carry their fields).
struct Bridge;

impl Subscriber for Bridge {
    fn register_callsite(&self, _: &'static Metadata<'static>) -> Interest {
        // Decided per event (`enabled`), so that setting a logger later takes effect at once.
        Interest::sometimes()
    }

    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        rank(metadata.level()) <= MAX_LEVEL.load(Ordering::Relaxed)
    }

    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let metadata = event.metadata();
        let mut record = LogRecord {
            level: name(metadata.level()),
            target: metadata.target().to_owned(),
            message: String::new(),
            fields: Vec::new(),
        };
        event.record(&mut record);
        let sink = SINK
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(sink) = sink.as_ref() {
            // Queue full or closing: the record is dropped rather than blocking a request.
            let _ = sink.call(record, ThreadsafeFunctionCallMode::NonBlocking);
        }
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

impl Visit for LogRecord {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        let text = format!("{value:?}");
        if field.name() == "message" {
            self.message = text;
        } else {
            self.fields
                .push((camel(field.name()).into_owned(), Value::Text(text)));
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            value.clone_into(&mut self.message);
        } else {
            self.fields.push((
                camel(field.name()).into_owned(),
                Value::Text(value.to_owned()),
            ));
        }
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        // Attempts, waits and counts: far below 2^53.
        self.fields.push((
            camel(field.name()).into_owned(),
            Value::Number(value as f64),
        ));
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.fields.push((
            camel(field.name()).into_owned(),
            Value::Number(value as f64),
        ));
    }

    fn record_f64(&mut self, field: &Field, value: f64) {
        self.fields
            .push((camel(field.name()).into_owned(), Value::Number(value)));
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.fields
            .push((camel(field.name()).into_owned(), Value::Bool(value)));
    }
}

fn to_js<'env>(env: &'env Env, record: LogRecord) -> napi::Result<Unknown<'env>> {
    let mut object = Object::new(env)?;
    object.set("level", record.level)?;
    object.set("target", record.target)?;
    object.set("message", record.message)?;
    let mut fields = Object::new(env)?;
    for (key, value) in record.fields {
        match value {
            Value::Text(t) => fields.set(key, t)?,
            Value::Number(n) => fields.set(key, n)?,
            Value::Bool(b) => fields.set(key, b)?,
        }
    }
    object.set("fields", fields)?;
    Ok(object.to_unknown())
}

/// Sends core's events at `level` or above (`'error'`, `'warn'`, `'info'`, `'debug'`,
/// `'trace'`) to `logger`; `null` stops.
#[napi(
    catch_unwind,
    ts_args_type = "logger: ((record: LogRecord) => void) | null, level: 'error' | 'warn' | 'info' | 'debug' | 'trace'"
)]
pub fn set_logger(
    logger: Option<Function<'_, (), Unknown<'static>>>,
    level: String,
) -> napi::Result<()> {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        // Another subscriber set first (none in this addon) would keep the events: harmless.
        let _ = tracing::subscriber::set_global_default(Bridge);
    });
    let max = match level.as_str() {
        "error" => 1,
        "warn" => 2,
        "info" => 3,
        "debug" => 4,
        "trace" => 5,
        other => {
            return Err(napi::Error::from_reason(format!(
                "level must be 'error', 'warn', 'info', 'debug' or 'trace', not {other:?}"
            )));
        }
    };
    let sink = match logger {
        Some(f) => Some(
            f.build_threadsafe_function::<LogRecord>()
                .callee_handled::<false>()
                .weak::<true>()
                .build_callback(|ctx| to_js(&ctx.env, ctx.value).map(|v| v.raw()))?,
        ),
        None => None,
    };
    let enabled = sink.is_some();
    *SINK
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = sink;
    MAX_LEVEL.store(if enabled { max } else { 0 }, Ordering::Relaxed);
    Ok(())
}

/// The shape of a record, for the TypeScript declarations.
pub(crate) const LOG_RECORD_TS: &str = "
/** One of core's log events (see `setLogger`). */
export interface LogRecord {
  level: 'error' | 'warn' | 'info' | 'debug' | 'trace'
  /** The Rust module that logged it (`iamport_subscribe::client`). */
  target: string
  /** `iamport retry`, `iamport charge outcome unknown`, ... */
  message: string
  /** Structured fields, camelCased: `merchantUid`, `attempt`, `waitMs`, `errorKind`, ... */
  fields: Record<string, string | number | boolean>
}
";
