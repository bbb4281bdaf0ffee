//! The native module `iamport_subscribe._native`: conversions between Python and the core crate.
//!
//! Requests arrive as JSON text (built by the Python layer from keyword arguments) and are decoded
//! into core's own request types; results leave as JSON text that the Python layer turns into typed
//! classes (amounts exact through `parse_float=Decimal`). Every behaviour — validation, tokens,
//! errors, redaction — is core's. Errors cross as `NativeError(kind, payload_json)`, which the
//! Python layer maps to its exception classes.

mod runtime;
mod sandbox;

use iamport_subscribe::{
    Buyer, CancelPaymentRequest, CardDetails, Case, Client, Error, IssueBillingKeyRequest,
    PayAgainRequest, PayOnetimeRequest, PaymentStatus, RequestOptions, RetryPolicy,
    ScheduleRequest, ScheduleStatus,
};
use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyRuntimeError};
use pyo3::prelude::*;
use serde::Serialize;
use serde_json::{Value, json};
use std::time::Duration;

create_exception!(
    _native,
    NativeError,
    PyException,
    "An error from the core client (kind, payload JSON)."
);

/// A core client bound to the process that created it.
#[pyclass(frozen, module = "iamport_subscribe._native")]
#[derive(Debug)]
struct NativeClient {
    client: Client,
    pid: u32,
    // The policy in force, as the base of `with_options` overrides.
    retry: RetryPolicy,
}

#[pymethods]
impl NativeClient {
    #[new]
    #[pyo3(signature = (imp_key, imp_secret, base_url=None, tier=None, timeout=None, connect_timeout=None, user_agent=None, from_env=false, max_retries=None, initial_backoff=None, max_backoff=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        imp_key: Option<String>,
        imp_secret: Option<String>,
        base_url: Option<String>,
        tier: Option<String>,
        timeout: Option<f64>,
        connect_timeout: Option<f64>,
        user_agent: Option<String>,
        from_env: bool,
        max_retries: Option<u32>,
        initial_backoff: Option<f64>,
        max_backoff: Option<f64>,
    ) -> PyResult<Self> {
        let mut builder = if from_env {
            Client::builder_from_env().map_err(native_error)?
        } else {
            Client::builder()
        };
        if let Some(k) = imp_key {
            builder = builder.imp_key(k);
        }
        if let Some(s) = imp_secret {
            builder = builder.imp_secret(s);
        }
        if let Some(u) = base_url {
            builder = builder.base_url(u);
        }
        if let Some(t) = tier {
            builder = builder.tier(t);
        }
        if let Some(t) = timeout {
            builder = builder.timeout(seconds("timeout", t)?);
        }
        if let Some(t) = connect_timeout {
            builder = builder.connect_timeout(seconds("connect_timeout", t)?);
        }
        builder = builder.retry_policy(retry_policy(
            RetryPolicy::default(),
            max_retries,
            initial_backoff,
            max_backoff,
        )?);
        builder = builder.user_agent(user_agent.unwrap_or_else(|| {
            concat!("iamport-subscribe-python/", env!("CARGO_PKG_VERSION")).to_owned()
        }));
        // The HTTP client's pool belongs to this process's runtime.
        let rt = runtime::get()?;
        let _entered = rt.enter();
        let retry = retry_policy(
            RetryPolicy::default(),
            max_retries,
            initial_backoff,
            max_backoff,
        )?;
        let client = builder.build().map_err(native_error)?;
        Ok(NativeClient {
            client,
            pid: std::process::id(),
            retry,
        })
    }

    /// The API base URL.
    #[getter]
    fn base_url(&self) -> String {
        self.client.base_url().to_owned()
    }

    /// The same client (connections, token) with per-call settings.
    #[pyo3(signature = (timeout=None, max_retries=None, initial_backoff=None, max_backoff=None))]
    fn with_options(
        &self,
        timeout: Option<f64>,
        max_retries: Option<u32>,
        initial_backoff: Option<f64>,
        max_backoff: Option<f64>,
    ) -> PyResult<Self> {
        let options = RequestOptions {
            timeout: timeout.map(|t| seconds("timeout", t)).transpose()?,
            retry: Some(retry_policy(
                self.retry.clone(),
                max_retries,
                initial_backoff,
                max_backoff,
            )?),
        };
        let retry = options.retry.clone().unwrap_or_default();
        Ok(NativeClient {
            client: self.client.with_options(options).map_err(native_error)?,
            pid: self.pid,
            retry,
        })
    }

    /// Runs `op` to completion with the GIL released.
    fn call_blocking(&self, py: Python<'_>, op: &str, args_json: &str) -> PyResult<String> {
        self.check_process()?;
        let rt = runtime::get()?;
        let client = self.client.clone();
        let (op, args) = (op.to_owned(), args_json.to_owned());
        let result = py.detach(move || rt.block_on(dispatch(&client, &op, &args)));
        result.map_err(|e| e.into_py_err())
    }

    /// Runs `op` as an asyncio awaitable.
    fn call_async<'py>(
        &self,
        py: Python<'py>,
        op: &str,
        args_json: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.check_process()?;
        let client = self.client.clone();
        let (op, args) = (op.to_owned(), args_json.to_owned());
        runtime::future_into_py(py, async move {
            dispatch(&client, &op, &args)
                .await
                .map_err(|e| e.into_py_err())
        })
    }

    fn __repr__(&self) -> String {
        format!("<NativeClient base_url={:?}>", self.client.base_url())
    }
}

impl NativeClient {
    /// A client's connections and runtime do not survive `fork()`; using them in the child would
    /// hang, so say so instead.
    fn check_process(&self) -> PyResult<()> {
        if std::process::id() != self.pid {
            return Err(PyRuntimeError::new_err(
                "this iamport_subscribe client was created in another process (before os.fork()); \
                 create a new client in this process",
            ));
        }
        Ok(())
    }
}

fn retry_policy(
    base: RetryPolicy,
    max_retries: Option<u32>,
    initial_backoff: Option<f64>,
    max_backoff: Option<f64>,
) -> PyResult<RetryPolicy> {
    let mut policy = base;
    if let Some(n) = max_retries {
        policy.max_retries = n;
    }
    if let Some(b) = initial_backoff {
        policy.initial_backoff = seconds("initial_backoff", b)?;
    }
    if let Some(b) = max_backoff {
        policy.max_backoff = seconds("max_backoff", b)?;
    }
    Ok(policy)
}

fn seconds(field: &str, value: f64) -> PyResult<Duration> {
    Duration::try_from_secs_f64(value)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or_else(|| {
            native_error(Error::InvalidRequest {
                field: field.to_owned(),
                reason: "must be a positive number of seconds".to_owned(),
            })
        })
}

/// A failure on the way to or from core: an `Error`, or a problem with the Python layer's JSON.
enum CallError {
    Core(Error),
    Internal(String),
}

impl CallError {
    fn into_py_err(self) -> PyErr {
        match self {
            CallError::Core(e) => native_error(e),
            CallError::Internal(m) => PyRuntimeError::new_err(m),
        }
    }
}

impl From<Error> for CallError {
    fn from(e: Error) -> Self {
        CallError::Core(e)
    }
}

/// Decodes a request; a wrong type names the field and never echoes the value (it may be card
/// data).
fn decode<T: serde::de::DeserializeOwned>(args: &Value) -> Result<T, CallError> {
    serde_path_to_error::deserialize(args).map_err(|e| {
        // Fields of flattened parts (card, buyer) lose their path; find them by decoding the
        // parts on their own.
        let field = field_of(&e)
            .or_else(|| probe::<CardDetails>(args))
            .or_else(|| probe::<Buyer>(args))
            .unwrap_or_else(|| "request".to_owned());
        CallError::Core(Error::InvalidRequest {
            field,
            reason: "has the wrong type or format".to_owned(),
        })
    })
}

fn field_of(e: &serde_path_to_error::Error<serde_json::Error>) -> Option<String> {
    Some(e.path().to_string()).filter(|p| p != ".")
}

fn probe<T: serde::de::DeserializeOwned>(args: &Value) -> Option<String> {
    serde_path_to_error::deserialize::<_, T>(args)
        .err()
        .and_then(|e| field_of(&e))
}

fn text_arg<'a>(args: &'a Value, name: &str) -> Result<&'a str, CallError> {
    args[name].as_str().ok_or_else(|| {
        CallError::Core(Error::InvalidRequest {
            field: name.to_owned(),
            reason: "must be a string".to_owned(),
        })
    })
}

fn opt_text<'a>(args: &'a Value, name: &str) -> Result<Option<&'a str>, CallError> {
    match args.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(_) => text_arg(args, name).map(Some),
    }
}

fn texts(args: &Value, name: &str) -> Result<Vec<String>, CallError> {
    let wrong = || {
        CallError::Core(Error::InvalidRequest {
            field: name.to_owned(),
            reason: "must be a list of strings".to_owned(),
        })
    };
    args[name]
        .as_array()
        .ok_or_else(wrong)?
        .iter()
        .map(|v| v.as_str().map(str::to_owned).ok_or_else(wrong))
        .collect()
}

fn int_arg(args: &Value, name: &str) -> Result<i64, CallError> {
    args[name].as_i64().ok_or_else(|| {
        CallError::Core(Error::InvalidRequest {
            field: name.to_owned(),
            reason: "must be a whole number (unix seconds)".to_owned(),
        })
    })
}

fn page_arg(args: &Value, name: &str) -> Result<u32, CallError> {
    args[name]
        .as_u64()
        .and_then(|n| u32::try_from(n).ok())
        .filter(|n| *n >= 1)
        .ok_or_else(|| {
            CallError::Core(Error::InvalidRequest {
                field: name.to_owned(),
                reason: "must be a whole number of at least 1".to_owned(),
            })
        })
}

fn encode<T: Serialize>(value: &T) -> Result<String, CallError> {
    serde_json::to_string(value).map_err(|e| CallError::Internal(e.to_string()))
}

/// The operations, by their core names.
async fn dispatch(client: &Client, op: &str, args_json: &str) -> Result<String, CallError> {
    let args: Value = serde_json::from_str(args_json)
        .map_err(|_| CallError::Internal("the Python layer sent invalid JSON".to_owned()))?;
    let status = match args.get("status") {
        None | Some(Value::Null) => None,
        Some(_) => Some(PaymentStatus::from(text_arg(&args, "status")?)),
    };
    match op {
        "pay_onetime" => encode(
            &client
                .pay_onetime(&decode::<PayOnetimeRequest>(&args)?)
                .await?,
        ),
        "pay_again" => encode(&client.pay_again(&decode::<PayAgainRequest>(&args)?).await?),
        "issue_billing_key" => encode(
            &client
                .issue_billing_key(&decode::<IssueBillingKeyRequest>(&args)?)
                .await?,
        ),
        "get_billing_key" => encode(
            &client
                .get_billing_key(text_arg(&args, "customer_uid")?)
                .await?,
        ),
        "delete_billing_key" => {
            let reason = match args.get("reason") {
                None | Some(Value::Null) => None,
                Some(_) => Some(text_arg(&args, "reason")?),
            };
            encode(
                &client
                    .delete_billing_key(text_arg(&args, "customer_uid")?, reason)
                    .await?,
            )
        }
        "get_payment" => encode(&client.get_payment(text_arg(&args, "imp_uid")?).await?),
        "find_payment" => encode(
            &client
                .find_payment(text_arg(&args, "merchant_uid")?, status.as_ref())
                .await?,
        ),
        "find_all_payments" => encode(
            &client
                .find_all_payments(text_arg(&args, "merchant_uid")?, status.as_ref())
                .await?,
        ),
        "cancel_payment" => encode(
            &client
                .cancel_payment(&decode::<CancelPaymentRequest>(&args)?)
                .await?,
        ),
        "schedule" => encode(&client.schedule(&decode::<ScheduleRequest>(&args)?).await?),
        "unschedule" => {
            let customer_uid = opt_text(&args, "customer_uid")?;
            let merchant_uids = texts(&args, "merchant_uids")?;
            encode(&client.unschedule(customer_uid, &merchant_uids).await?)
        }
        "unschedule_all" => encode(
            &client
                .unschedule_all(text_arg(&args, "customer_uid")?)
                .await?,
        ),
        "get_schedule" => encode(
            &client
                .get_schedule(text_arg(&args, "merchant_uid")?)
                .await?,
        ),
        "update_schedule" => encode(
            &client
                .update_schedule(
                    text_arg(&args, "merchant_uid")?,
                    int_arg(&args, "schedule_at")?,
                )
                .await?,
        ),
        "reschedule" => encode(
            &client
                .reschedule(
                    text_arg(&args, "merchant_uid")?,
                    int_arg(&args, "schedule_at")?,
                )
                .await?,
        ),
        "retry_schedule" => encode(
            &client
                .retry_schedule(text_arg(&args, "merchant_uid")?)
                .await?,
        ),
        "list_schedules_page" => {
            let status = opt_text(&args, "status")?.map(ScheduleStatus::from);
            let page = client
                .list_schedules_page(
                    int_arg(&args, "from")?,
                    int_arg(&args, "to")?,
                    status.as_ref(),
                    page_arg(&args, "page")?,
                    page_arg(&args, "limit")?,
                )
                .await?;
            encode(&page)
        }
        "list_schedules_by_customer_page" => {
            let status = opt_text(&args, "status")?.map(ScheduleStatus::from);
            let page = client
                .list_schedules_by_customer_page(
                    text_arg(&args, "customer_uid")?,
                    int_arg(&args, "from")?,
                    int_arg(&args, "to")?,
                    status.as_ref(),
                    page_arg(&args, "page")?,
                )
                .await?;
            encode(&page)
        }
        "list_customer_payments_page" => encode(
            &client
                .list_customer_payments_page(
                    text_arg(&args, "customer_uid")?,
                    page_arg(&args, "page")?,
                )
                .await?,
        ),
        "get_billing_keys" => encode(
            &client
                .get_billing_keys(&texts(&args, "customer_uids")?)
                .await?,
        ),
        "get_payments" => encode(&client.get_payments(&texts(&args, "imp_uids")?).await?),
        "verify_webhook" => {
            let body = text_arg(&args, "body")?;
            encode(
                &client
                    .verify_webhook(body.as_bytes(), text_arg(&args, "content_type")?)
                    .await?,
            )
        }
        "check_credentials" => {
            client.check_credentials().await?;
            Ok("null".to_owned())
        }
        other => Err(CallError::Internal(format!("unknown operation {other}"))),
    }
}

/// `NativeError(kind, payload)`: the case name and its fields as JSON (core's `Error::data`, in
/// Python's snake_case), plus `display`, the error's text.
fn native_error(e: Error) -> PyErr {
    let mut payload = e.data(Case::Snake);
    payload.insert("display".to_owned(), json!(e.to_string()));
    NativeError::new_err((e.kind().as_str(), Value::Object(payload).to_string()))
}

static LOG_RESET: std::sync::OnceLock<pyo3_log::ResetHandle> = std::sync::OnceLock::new();

/// Whether log records may still go to Python. `atexit` closes it: a runtime thread that logs
/// after that (hyper closing a pooled connection while the interpreter drops the clients) would
/// take the GIL during finalization, which aborts the process ("PyGILState_Release: thread state
/// must be current"; see `runtime::shutdown`, which the same hook calls).
static LOG_OPEN: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(true);

/// pyo3-log behind [`LOG_OPEN`].
struct LogBridge(pyo3_log::Logger);

impl log::Log for LogBridge {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        LOG_OPEN.load(std::sync::atomic::Ordering::Acquire) && self.0.enabled(metadata)
    }

    fn log(&self, record: &log::Record<'_>) {
        if LOG_OPEN.load(std::sync::atomic::Ordering::Acquire) {
            self.0.log(record);
        }
    }

    fn flush(&self) {
        if LOG_OPEN.load(std::sync::atomic::Ordering::Acquire) {
            self.0.flush();
        }
    }
}

/// Stops forwarding log records to Python.
#[pyfunction]
fn close_log_bridge() {
    LOG_OPEN.store(false, std::sync::atomic::Ordering::Release);
}

/// Registered with `atexit` by the package: no more log records to Python, and the runtime's
/// threads stopped, before the interpreter finalizes.
#[pyfunction]
fn at_exit(py: Python<'_>) {
    close_log_bridge();
    runtime::shutdown(py);
}

/// Forget the cached Python logger levels, after `logging` was reconfigured.
#[pyfunction]
fn reset_log_cache() {
    if let Some(handle) = LOG_RESET.get() {
        handle.reset();
    }
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    // Forward core's log records (DEBUG and above) to Python's `logging`; logger names follow the
    // Rust module paths (`iamport_subscribe.client`). Levels are cached: see `reset_log_cache`.
    // Only this project's records (`iamport_subscribe...`, `iamport_sandbox...`): hyper's and
    // reqwest's would be noise in the application's logs.
    let logger = pyo3_log::Logger::new(m.py(), pyo3_log::Caching::LoggersAndLevels)?
        .filter(log::LevelFilter::Off)
        .filter_target("iamport_subscribe".to_owned(), log::LevelFilter::Debug)
        .filter_target("iamport_sandbox".to_owned(), log::LevelFilter::Debug);
    let handle = logger.reset_handle();
    if log::set_boxed_logger(Box::new(LogBridge(logger))).is_ok() {
        log::set_max_level(log::LevelFilter::Debug);
        let _ = LOG_RESET.set(handle);
    }
    m.add_function(wrap_pyfunction!(reset_log_cache, m)?)?;
    m.add_function(wrap_pyfunction!(close_log_bridge, m)?)?;
    m.add_function(wrap_pyfunction!(at_exit, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("NativeError", m.py().get_type::<NativeError>())?;
    m.add_class::<NativeClient>()?;
    m.add_class::<sandbox::NativeSandbox>()?;
    Ok(())
}
