//! `Client` (blocking, GIL released) and `AsyncClient` (asyncio): native classes whose methods
//! are written once ([`operations!`]) and call core directly. A call leaves no Python frame of
//! this package on the stack, so a traceback's local variables (which error trackers capture)
//! never hold the card data passed in.

use crate::aio::{self, Call, Op, Outcome, finish};
use crate::errors::{invalid, to_py_err};
use crate::input::{self, text, texts, unix};
use crate::runtime;
use futures_util::{Stream, StreamExt};
use iamport_subscribe::{
    CancelPaymentRequest, Client as Core, ClientBuilder, IssueBillingKeyRequest, PayAgainRequest,
    PayOnetimeRequest, PaymentSorting, PaymentStatus, RequestOptions, RetryPolicy, ScheduleRequest,
    ScheduleStatus,
};
use pyo3::exceptions::{PyRuntimeError, PyStopAsyncIteration};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyType};
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

/// The core client, bound to the process that created it.
#[derive(Clone)]
pub struct Inner {
    core: Core,
    pid: u32,
    /// The retry policy in force, as the base of `with_options` overrides.
    retry: RetryPolicy,
}

impl std::fmt::Debug for Inner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inner")
            .field("core", &self.core)
            .finish_non_exhaustive()
    }
}

impl Inner {
    /// A client's connections and runtime do not survive `fork()`; using them in the child would
    /// hang, so say so instead.
    fn core(&self) -> PyResult<Core> {
        if std::process::id() != self.pid {
            return Err(PyRuntimeError::new_err(
                "this iamport_subscribe client was created in another process (before os.fork()); \
                 create a new client in this process",
            ));
        }
        Ok(self.core.clone())
    }
}

/// A `with_options` result in the making, handed to the class's constructor (so a subclass of
/// `Client` gets an instance of itself).
#[pyclass(frozen, module = "iamport_subscribe._native")]
#[derive(Debug)]
pub struct Prepared(Inner);

fn opt<'a, 'py>(v: &'a Option<Bound<'py, PyAny>>) -> Option<&'a Bound<'py, PyAny>> {
    v.as_ref().filter(|v| !v.is_none())
}

fn seconds(value: &Bound<'_, PyAny>, field: &str) -> PyResult<Duration> {
    let number = if value.is_instance_of::<pyo3::types::PyBool>() {
        None
    } else {
        value.extract::<f64>().ok()
    };
    number
        .and_then(|s| Duration::try_from_secs_f64(s).ok())
        .ok_or_else(|| invalid(field, "must be a positive number of seconds"))
}

fn count(value: &Bound<'_, PyAny>, field: &str) -> PyResult<u32> {
    if value.is_instance_of::<pyo3::types::PyBool>() {
        return Err(invalid(field, "must be a whole number of at least 0"));
    }
    value
        .extract::<u32>()
        .map_err(|_| invalid(field, "must be a whole number of at least 0"))
}

/// Retry settings over `base`.
fn retry_policy(
    base: RetryPolicy,
    max_retries: &Option<Bound<'_, PyAny>>,
    initial_backoff: &Option<Bound<'_, PyAny>>,
    max_backoff: &Option<Bound<'_, PyAny>>,
) -> PyResult<RetryPolicy> {
    let mut policy = base;
    if let Some(n) = opt(max_retries) {
        policy.max_retries = count(n, "max_retries")?;
    }
    if let Some(b) = opt(initial_backoff) {
        policy.initial_backoff = seconds(b, "initial_backoff")?;
    }
    if let Some(b) = opt(max_backoff) {
        policy.max_backoff = seconds(b, "max_backoff")?;
    }
    Ok(policy)
}

#[allow(clippy::too_many_arguments)]
fn build(
    py: Python<'_>,
    imp_key: Option<Bound<'_, PyAny>>,
    imp_secret: Option<Bound<'_, PyAny>>,
    base_url: Option<Bound<'_, PyAny>>,
    tier: Option<Bound<'_, PyAny>>,
    timeout: Option<Bound<'_, PyAny>>,
    connect_timeout: Option<Bound<'_, PyAny>>,
    user_agent: Option<Bound<'_, PyAny>>,
    max_retries: Option<Bound<'_, PyAny>>,
    initial_backoff: Option<Bound<'_, PyAny>>,
    max_backoff: Option<Bound<'_, PyAny>>,
    from_env: bool,
    prepared: Option<Bound<'_, Prepared>>,
) -> PyResult<Inner> {
    if let Some(prepared) = prepared {
        return Ok(prepared.get().0.clone());
    }
    crate::logging::install(py)?;
    let mut builder = if from_env {
        Core::builder_from_env().map_err(|e| to_py_err(py, e))?
    } else {
        ClientBuilder::default()
    };
    if let Some(k) = opt(&imp_key) {
        builder = builder.imp_key(text(k, "imp_key")?);
    }
    if let Some(s) = opt(&imp_secret) {
        builder = builder.imp_secret(text(s, "imp_secret")?);
    }
    if let Some(u) = opt(&base_url) {
        builder = builder.base_url(text(u, "base_url")?);
    }
    if let Some(t) = opt(&tier) {
        builder = builder.tier(text(t, "tier")?);
    }
    if let Some(t) = opt(&timeout) {
        builder = builder.timeout(seconds(t, "timeout")?);
    }
    if let Some(t) = opt(&connect_timeout) {
        builder = builder.connect_timeout(seconds(t, "connect_timeout")?);
    }
    let retry = retry_policy(
        RetryPolicy::default(),
        &max_retries,
        &initial_backoff,
        &max_backoff,
    )?;
    builder = builder.retry_policy(retry.clone());
    builder = builder.user_agent(match opt(&user_agent) {
        Some(ua) => text(ua, "user_agent")?,
        None => concat!("iamport-subscribe-python/", env!("CARGO_PKG_VERSION")).to_owned(),
    });
    // The HTTP client's pool belongs to this process's runtime.
    let rt = runtime::get()?;
    let _entered = rt.enter();
    let core = builder.build().map_err(|e| to_py_err(py, e))?;
    Ok(Inner {
        core,
        pid: std::process::id(),
        retry,
    })
}

fn with_options(
    inner: &Inner,
    timeout: Option<Bound<'_, PyAny>>,
    max_retries: Option<Bound<'_, PyAny>>,
    initial_backoff: Option<Bound<'_, PyAny>>,
    max_backoff: Option<Bound<'_, PyAny>>,
) -> PyResult<Inner> {
    let retry = retry_policy(
        inner.retry.clone(),
        &max_retries,
        &initial_backoff,
        &max_backoff,
    )?;
    let options = RequestOptions {
        timeout: opt(&timeout).map(|t| seconds(t, "timeout")).transpose()?,
        retry: Some(retry.clone()),
    };
    let core = inner
        .core
        .with_options(options)
        .map_err(|e| Python::attach(|py| to_py_err(py, e)))?;
    Ok(Inner {
        core,
        pid: inner.pid,
        retry,
    })
}

/// A listing's items, fetched page by page as they are read.
type Items = Pin<Box<dyn Stream<Item = Outcome> + Send>>;

fn items<T, S>(stream: S) -> Items
where
    T: aio::Output + 'static,
    S: Stream<Item = Result<T, iamport_subscribe::Error>> + Send + 'static,
{
    Box::pin(stream.map(|r| r.map(|v| Box::new(v) as Box<dyn aio::Output>)))
}

fn status(value: &Option<Bound<'_, PyAny>>, field: &str) -> PyResult<Option<String>> {
    opt(value).map(|v| text(v, field)).transpose()
}

/// The webhook body as text (bytes are decoded as UTF-8, invalid sequences replaced: the body is
/// only parsed for three ids).
fn body(value: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    if let Ok(b) = value.cast::<PyBytes>() {
        return Ok(b.as_bytes().to_vec());
    }
    Ok(text(value, "body")?.into_bytes())
}

/// The operations, written once for both classes: each method converts its arguments, then
/// `run`s the core call (blocking with the GIL released, or as a coroutine).
macro_rules! operations {
    ($($class:ident),*) => {$(
        #[pymethods]
        impl $class {
            #[new]
            #[pyo3(signature = (imp_key=None, imp_secret=None, *, base_url=None, tier=None, timeout=None, connect_timeout=None, user_agent=None, max_retries=None, initial_backoff=None, max_backoff=None, _from_env=false, _prepared=None))]
            #[allow(clippy::too_many_arguments)]
            fn new(
                py: Python<'_>,
                imp_key: Option<Bound<'_, PyAny>>,
                imp_secret: Option<Bound<'_, PyAny>>,
                base_url: Option<Bound<'_, PyAny>>,
                tier: Option<Bound<'_, PyAny>>,
                timeout: Option<Bound<'_, PyAny>>,
                connect_timeout: Option<Bound<'_, PyAny>>,
                user_agent: Option<Bound<'_, PyAny>>,
                max_retries: Option<Bound<'_, PyAny>>,
                initial_backoff: Option<Bound<'_, PyAny>>,
                max_backoff: Option<Bound<'_, PyAny>>,
                _from_env: bool,
                _prepared: Option<Bound<'_, Prepared>>,
            ) -> PyResult<Self> {
                Ok($class(build(
                    py, imp_key, imp_secret, base_url, tier, timeout, connect_timeout, user_agent,
                    max_retries, initial_backoff, max_backoff, _from_env, _prepared,
                )?))
            }

            /// A client from ``IAMPORT_IMP_KEY``, ``IAMPORT_IMP_SECRET`` and ``IAMPORT_BASE_URL``.
            #[classmethod]
            #[pyo3(signature = (*, base_url=None, tier=None, timeout=None, connect_timeout=None, user_agent=None, max_retries=None, initial_backoff=None, max_backoff=None))]
            #[allow(clippy::too_many_arguments)]
            fn from_env<'py>(
                cls: &Bound<'py, PyType>,
                base_url: Option<Bound<'py, PyAny>>,
                tier: Option<Bound<'py, PyAny>>,
                timeout: Option<Bound<'py, PyAny>>,
                connect_timeout: Option<Bound<'py, PyAny>>,
                user_agent: Option<Bound<'py, PyAny>>,
                max_retries: Option<Bound<'py, PyAny>>,
                initial_backoff: Option<Bound<'py, PyAny>>,
                max_backoff: Option<Bound<'py, PyAny>>,
            ) -> PyResult<Bound<'py, PyAny>> {
                let kwargs = PyDict::new(cls.py());
                for (name, value) in [
                    ("base_url", base_url), ("tier", tier), ("timeout", timeout),
                    ("connect_timeout", connect_timeout), ("user_agent", user_agent),
                    ("max_retries", max_retries), ("initial_backoff", initial_backoff),
                    ("max_backoff", max_backoff),
                ] {
                    kwargs.set_item(name, value)?;
                }
                kwargs.set_item("_from_env", true)?;
                cls.call((), Some(&kwargs))
            }

            /// The same client (connections, token) with per-call settings, e.g.
            /// ``client.with_options(max_retries=0).get_payment(imp_uid)``.
            #[pyo3(signature = (*, timeout=None, max_retries=None, initial_backoff=None, max_backoff=None))]
            fn with_options<'py>(
                slf: &Bound<'py, Self>,
                timeout: Option<Bound<'py, PyAny>>,
                max_retries: Option<Bound<'py, PyAny>>,
                initial_backoff: Option<Bound<'py, PyAny>>,
                max_backoff: Option<Bound<'py, PyAny>>,
            ) -> PyResult<Bound<'py, PyAny>> {
                let inner = with_options(&slf.get().0, timeout, max_retries, initial_backoff, max_backoff)?;
                let kwargs = PyDict::new(slf.py());
                kwargs.set_item("_prepared", Prepared(inner))?;
                slf.get_type().call((), Some(&kwargs))
            }

            /// The API base URL (a user name and password in it shown as ``***``).
            #[getter]
            fn base_url(&self) -> String {
                self.0.core.base_url_redacted()
            }

            fn __repr__(slf: &Bound<'_, Self>) -> String {
                let name = slf
                    .get_type()
                    .name()
                    .map(|n| n.to_string())
                    .unwrap_or_else(|_| stringify!($class).to_owned());
                format!("<{name} base_url={:?}>", slf.get().0.core.base_url_redacted())
            }

            /// Key-in payment; with ``customer_uid`` the card is also stored as a billing key.
            /// A decline raises ``CardDeclinedError``.
            #[pyo3(signature = (**request))]
            fn pay_onetime(&self, py: Python<'_>, request: Option<&Bound<'_, PyDict>>) -> PyResult<Py<PyAny>> {
                let request: PayOnetimeRequest = input::request(py, "pay_onetime", request)?;
                let core = self.0.core()?;
                self.run(py, aio::op(async move { core.pay_onetime(&request).await }))
            }

            /// Issue (or replace) the billing key ``customer_uid``.
            #[pyo3(signature = (**request))]
            fn issue_billing_key(&self, py: Python<'_>, request: Option<&Bound<'_, PyDict>>) -> PyResult<Py<PyAny>> {
                let request: IssueBillingKeyRequest = input::request(py, "issue_billing_key", request)?;
                let core = self.0.core()?;
                self.run(py, aio::op(async move { core.issue_billing_key(&request).await }))
            }

            /// The billing key stored under ``customer_uid``.
            fn get_billing_key(&self, py: Python<'_>, customer_uid: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
                let customer_uid = text(customer_uid, "customer_uid")?;
                let core = self.0.core()?;
                self.run(py, aio::op(async move { core.get_billing_key(&customer_uid).await }))
            }

            /// Delete the billing key ``customer_uid``; returns what was deleted.
            #[pyo3(signature = (customer_uid, *, reason=None))]
            fn delete_billing_key(&self, py: Python<'_>, customer_uid: &Bound<'_, PyAny>, reason: Option<Bound<'_, PyAny>>) -> PyResult<Py<PyAny>> {
                let customer_uid = text(customer_uid, "customer_uid")?;
                let reason = status(&reason, "reason")?;
                let core = self.0.core()?;
                self.run(py, aio::op(async move { core.delete_billing_key(&customer_uid, reason.as_deref()).await }))
            }

            /// Charge the billing key ``customer_uid``. A decline raises ``CardDeclinedError``.
            #[pyo3(signature = (**request))]
            fn pay_again(&self, py: Python<'_>, request: Option<&Bound<'_, PyDict>>) -> PyResult<Py<PyAny>> {
                let request: PayAgainRequest = input::request(py, "pay_again", request)?;
                let core = self.0.core()?;
                self.run(py, aio::op(async move { core.pay_again(&request).await }))
            }

            /// One payment by ``imp_uid``.
            fn get_payment(&self, py: Python<'_>, imp_uid: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
                let imp_uid = text(imp_uid, "imp_uid")?;
                let core = self.0.core()?;
                self.run(py, aio::op(async move { core.get_payment(&imp_uid).await }))
            }

            /// The most recent payment attempt for ``merchant_uid`` (optionally in ``status``).
            #[pyo3(signature = (merchant_uid, *, status=None))]
            fn find_payment(&self, py: Python<'_>, merchant_uid: &Bound<'_, PyAny>, status: Option<Bound<'_, PyAny>>) -> PyResult<Py<PyAny>> {
                let merchant_uid = text(merchant_uid, "merchant_uid")?;
                let status = self::status(&status, "status")?.map(PaymentStatus::from);
                let core = self.0.core()?;
                self.run(py, aio::op(async move { core.find_payment(&merchant_uid, status.as_ref()).await }))
            }

            /// Every payment attempt under ``merchant_uid``, most recent first; empty when none.
            #[pyo3(signature = (merchant_uid, *, status=None))]
            fn find_all_payments(&self, py: Python<'_>, merchant_uid: &Bound<'_, PyAny>, status: Option<Bound<'_, PyAny>>) -> PyResult<Py<PyAny>> {
                let merchant_uid = text(merchant_uid, "merchant_uid")?;
                let status = self::status(&status, "status")?.map(PaymentStatus::from);
                let core = self.0.core()?;
                self.run(py, aio::op(async move { core.find_all_payments(&merchant_uid, status.as_ref()).await }))
            }

            /// Refund a payment fully (no ``amount``) or partly; pass ``checksum`` to make it safe to repeat.
            #[pyo3(signature = (**request))]
            fn cancel_payment(&self, py: Python<'_>, request: Option<&Bound<'_, PyDict>>) -> PyResult<Py<PyAny>> {
                let request: CancelPaymentRequest = input::request(py, "cancel_payment", request)?;
                let core = self.0.core()?;
                self.run(py, aio::op(async move { core.cancel_payment(&request).await }))
            }

            /// Schedule future charges of ``customer_uid``'s billing key (``schedules``: one
            /// ``ScheduleEntry`` dict per charge); with card data a new key is issued first.
            #[pyo3(signature = (**request))]
            fn schedule(&self, py: Python<'_>, request: Option<&Bound<'_, PyDict>>) -> PyResult<Py<PyAny>> {
                let request: ScheduleRequest = input::request(py, "schedule", request)?;
                let core = self.0.core()?;
                self.run(py, aio::op(async move { core.schedule(&request).await }))
            }

            /// Revoke the listed schedules. An empty list is refused: see ``unschedule_all``.
            #[pyo3(signature = (merchant_uids, *, customer_uid=None))]
            fn unschedule(&self, py: Python<'_>, merchant_uids: &Bound<'_, PyAny>, customer_uid: Option<Bound<'_, PyAny>>) -> PyResult<Py<PyAny>> {
                let merchant_uids = texts(merchant_uids, "merchant_uids")?;
                let customer_uid = status(&customer_uid, "customer_uid")?;
                let core = self.0.core()?;
                self.run(py, aio::op(async move { core.unschedule(customer_uid.as_deref(), &merchant_uids).await }))
            }

            /// Revoke every pending schedule of ``customer_uid``.
            fn unschedule_all(&self, py: Python<'_>, customer_uid: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
                let customer_uid = text(customer_uid, "customer_uid")?;
                let core = self.0.core()?;
                self.run(py, aio::op(async move { core.unschedule_all(&customer_uid).await }))
            }

            /// One scheduled charge by ``merchant_uid``.
            fn get_schedule(&self, py: Python<'_>, merchant_uid: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
                let merchant_uid = text(merchant_uid, "merchant_uid")?;
                let core = self.0.core()?;
                self.run(py, aio::op(async move { core.get_schedule(&merchant_uid).await }))
            }

            /// Move a pending schedule to another time.
            #[pyo3(signature = (merchant_uid, *, schedule_at))]
            fn update_schedule(&self, py: Python<'_>, merchant_uid: &Bound<'_, PyAny>, schedule_at: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
                let merchant_uid = text(merchant_uid, "merchant_uid")?;
                let schedule_at = unix(schedule_at, "schedule_at")?;
                let core = self.0.core()?;
                self.run(py, aio::op(async move { core.update_schedule(&merchant_uid, schedule_at).await }))
            }

            /// Schedule a failed or revoked charge again.
            #[pyo3(signature = (merchant_uid, *, schedule_at))]
            fn reschedule(&self, py: Python<'_>, merchant_uid: &Bound<'_, PyAny>, schedule_at: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
                let merchant_uid = text(merchant_uid, "merchant_uid")?;
                let schedule_at = unix(schedule_at, "schedule_at")?;
                let core = self.0.core()?;
                self.run(py, aio::op(async move { core.reschedule(&merchant_uid, schedule_at).await }))
            }

            /// Charge a failed or revoked schedule now (a decline raises ``CardDeclinedError``).
            fn retry_schedule(&self, py: Python<'_>, merchant_uid: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
                let merchant_uid = text(merchant_uid, "merchant_uid")?;
                let core = self.0.core()?;
                self.run(py, aio::op(async move { core.retry_schedule(&merchant_uid).await }))
            }

            /// Several billing keys; ids without one are in ``missing``.
            fn get_billing_keys(&self, py: Python<'_>, customer_uids: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
                let customer_uids = texts(customer_uids, "customer_uids")?;
                let core = self.0.core()?;
                self.run(py, aio::op(async move { core.get_billing_keys(&customer_uids).await }))
            }

            /// Several payments by ``imp_uid``; unknown ids are in ``missing``.
            fn get_payments(&self, py: Python<'_>, imp_uids: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
                let imp_uids = texts(imp_uids, "imp_uids")?;
                let core = self.0.core()?;
                self.run(py, aio::op(async move { core.get_payments(&imp_uids).await }))
            }

            /// Parse a webhook (JSON or form body), fetch its payment and check it matches;
            /// returns a ``VerifiedWebhook``.
            fn verify_webhook(&self, py: Python<'_>, body: &Bound<'_, PyAny>, content_type: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
                let body = self::body(body)?;
                let content_type = text(content_type, "content_type")?;
                let core = self.0.core()?;
                self.run(py, aio::op(async move { core.verify_webhook(&body, &content_type).await }))
            }

            /// Fetch (or reuse) an access token: a cheap check of the credentials.
            fn check_credentials(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
                let core = self.0.core()?;
                self.run(py, aio::op(async move { core.check_credentials().await }))
            }

            /// Every schedule in ``[from_, to)``, pages of 1000 fetched as they are read.
            #[pyo3(signature = (*, from_, to, status=None))]
            fn list_schedules(&self, py: Python<'_>, from_: &Bound<'_, PyAny>, to: &Bound<'_, PyAny>, status: Option<Bound<'_, PyAny>>) -> PyResult<Py<PyAny>> {
                let (from, to) = (unix(from_, "from")?, unix(to, "to")?);
                let status = self::status(&status, "status")?.map(ScheduleStatus::from);
                let core = self.0.core()?;
                self.pages(py, items(core.list_schedules(from, to, status)))
            }

            /// Every schedule of ``customer_uid`` in ``[from_, to)``, pages fetched as they are read.
            #[pyo3(signature = (customer_uid, *, from_, to, status=None))]
            fn list_schedules_by_customer(&self, py: Python<'_>, customer_uid: &Bound<'_, PyAny>, from_: &Bound<'_, PyAny>, to: &Bound<'_, PyAny>, status: Option<Bound<'_, PyAny>>) -> PyResult<Py<PyAny>> {
                let customer_uid = text(customer_uid, "customer_uid")?;
                let (from, to) = (unix(from_, "from")?, unix(to, "to")?);
                let status = self::status(&status, "status")?.map(ScheduleStatus::from);
                let core = self.0.core()?;
                self.pages(py, items(core.list_schedules_by_customer(&customer_uid, from, to, status)))
            }

            /// Every payment in ``status`` (``all`` by default) between ``from_`` and ``to`` (default:
            /// the last 90 days), the time chosen by status; a longer range is split into the API's
            /// 90-day windows, pages of 1000 fetched as they are read. ``sorting``: ``-started``
            /// (default), ``started``, ``-paid``, ``paid``, ``-updated``, ``updated``.
            #[pyo3(signature = (status=None, *, from_=None, to=None, sorting=None))]
            fn list_payments(&self, py: Python<'_>, status: Option<Bound<'_, PyAny>>, from_: Option<Bound<'_, PyAny>>, to: Option<Bound<'_, PyAny>>, sorting: Option<Bound<'_, PyAny>>) -> PyResult<Py<PyAny>> {
                let status = self::status(&status, "status")?.map(PaymentStatus::from);
                let from = opt(&from_).map(|v| unix(v, "from")).transpose()?;
                let to = opt(&to).map(|v| unix(v, "to")).transpose()?;
                let sorting = opt(&sorting)
                    .map(|v| text(v, "sorting")?.parse::<PaymentSorting>().map_err(|e| Python::attach(|py| to_py_err(py, e))))
                    .transpose()?;
                let core = self.0.core()?;
                self.pages(py, items(core.list_payments(status, from, to, sorting)))
            }

            /// Every payment made with a billing key, pages fetched as they are read.
            fn list_customer_payments(&self, py: Python<'_>, customer_uid: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
                let customer_uid = text(customer_uid, "customer_uid")?;
                let core = self.0.core()?;
                self.pages(py, items(core.list_customer_payments(&customer_uid)))
            }
        }
    )*};
}

/// Blocking client. Releases the GIL for the whole network call; safe to share across threads.
#[pyclass(frozen, subclass, module = "iamport_subscribe._native")]
#[derive(Debug)]
pub struct Client(Inner);

/// asyncio client: every method returns a coroutine. Safe to share across tasks and threads.
#[pyclass(frozen, subclass, module = "iamport_subscribe._native")]
#[derive(Debug)]
pub struct AsyncClient(Inner);

operations!(Client, AsyncClient);

impl Client {
    fn run(&self, py: Python<'_>, op: Op) -> PyResult<Py<PyAny>> {
        let rt = runtime::get()?;
        let outcome = py.detach(|| rt.block_on(op));
        finish(py, outcome)
    }

    fn pages(&self, py: Python<'_>, items: Items) -> PyResult<Py<PyAny>> {
        Ok(Py::new(py, Pages(std::sync::Mutex::new(items)))?.into_any())
    }
}

impl AsyncClient {
    fn run(&self, py: Python<'_>, op: Op) -> PyResult<Py<PyAny>> {
        Ok(Py::new(py, Call::new(op))?.into_any())
    }

    fn pages(&self, py: Python<'_>, items: Items) -> PyResult<Py<PyAny>> {
        let items = Arc::new(tokio::sync::Mutex::new(items));
        Ok(Py::new(py, AsyncPages(items))?.into_any())
    }
}

/// The iterator a blocking listing returns.
#[pyclass(frozen, module = "iamport_subscribe._native")]
pub struct Pages(std::sync::Mutex<Items>);

impl std::fmt::Debug for Pages {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pages")
    }
}

#[pymethods]
impl Pages {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        let rt = runtime::get()?;
        let next = py.detach(|| {
            let mut items = self
                .0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            rt.block_on(items.next())
        });
        next.map(|outcome| finish(py, outcome)).transpose()
    }
}

/// The async iterator an `AsyncClient` listing returns.
#[pyclass(frozen, module = "iamport_subscribe._native")]
pub struct AsyncPages(Arc<tokio::sync::Mutex<Items>>);

impl std::fmt::Debug for AsyncPages {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AsyncPages")
    }
}

/// The end of a listing, raised as `StopAsyncIteration` by the awaiting `__anext__`.
struct End;

impl aio::Output for End {
    fn to_py<'py>(&self, _py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Err(PyStopAsyncIteration::new_err(()))
    }
}

#[pymethods]
impl AsyncPages {
    fn __aiter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __anext__(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let items = self.0.clone();
        let op: Op = Box::pin(async move {
            match items.lock().await.next().await {
                Some(outcome) => outcome,
                None => Ok(Box::new(End) as Box<dyn aio::Output>),
            }
        });
        Ok(Py::new(py, Call::new(op))?.into_any())
    }
}
