//! The embedded sandbox, for tests of merchants' own billing code.

use crate::runtime;
use iamport_sandbox::{NotFoundMode, Sandbox, SandboxConfig, WebhookFormat};
use pyo3::exceptions::{PyOSError, PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use std::sync::Mutex;
use std::time::Duration;

#[pyclass(frozen, module = "iamport_subscribe._native")]
pub struct NativeSandbox {
    // `None` once stopped.
    inner: Mutex<Option<Sandbox>>,
    url: String,
    imp_key: String,
    imp_secret: String,
}

#[pymethods]
impl NativeSandbox {
    #[new]
    #[pyo3(signature = (imp_key=None, imp_secret=None, token_ttl=None, response_delay=None, billing_key_not_found=None, default_pg=None))]
    fn new(
        py: Python<'_>,
        imp_key: Option<String>,
        imp_secret: Option<String>,
        token_ttl: Option<f64>,
        response_delay: Option<f64>,
        billing_key_not_found: Option<String>,
        default_pg: Option<String>,
    ) -> PyResult<Self> {
        let mut config = SandboxConfig::default();
        if let Some(k) = imp_key {
            config.imp_key = k;
        }
        if let Some(s) = imp_secret {
            config.imp_secret = s;
        }
        if let Some(t) = token_ttl {
            config.token_ttl = duration("token_ttl", t)?;
        }
        if let Some(d) = response_delay {
            config.response_delay = duration("response_delay", d)?;
        }
        match billing_key_not_found.as_deref() {
            None | Some("observed") => {}
            Some("spec") => config.billing_key_not_found = NotFoundMode::Spec,
            Some(_) => {
                return Err(PyValueError::new_err(
                    "billing_key_not_found must be 'observed' or 'spec'",
                ));
            }
        }
        if let Some(pg) = default_pg {
            config.default_pg = pg;
        }
        crate::logging::install(py)?;
        let rt = runtime::get()?;
        let sandbox = py
            .detach(|| rt.block_on(Sandbox::start_with(config)))
            .map_err(|e| PyOSError::new_err(format!("cannot start the sandbox: {e}")))?;
        Ok(NativeSandbox {
            url: sandbox.url(),
            imp_key: sandbox.imp_key().to_owned(),
            imp_secret: sandbox.imp_secret().to_owned(),
            inner: Mutex::new(Some(sandbox)),
        })
    }

    #[getter]
    fn url(&self) -> String {
        self.url.clone()
    }

    #[getter]
    fn imp_key(&self) -> String {
        self.imp_key.clone()
    }

    #[getter]
    fn imp_secret(&self) -> String {
        self.imp_secret.clone()
    }

    fn request_counts(&self) -> PyResult<std::collections::BTreeMap<String, u64>> {
        self.with(|s| s.request_counts())
    }

    fn total_requests(&self) -> PyResult<u64> {
        self.with(|s| s.total_requests())
    }

    /// Every payment record, in creation order, as `Payment` objects.
    fn ledger(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        records::<iamport_subscribe::Payment>(py, self.with(|s| s.ledger())?)
    }

    /// Every schedule, in creation order, as `Schedule` objects (due ones run first).
    fn schedules(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        records::<iamport_subscribe::Schedule>(py, self.with(|s| s.schedules())?)
    }

    /// The most recent API answers, as JSON.
    fn exchanges_json(&self) -> PyResult<String> {
        self.with(|s| serde_json::to_string(&s.exchanges()))?
            .map_err(|e| PyRuntimeError::new_err(format!("unreadable exchanges: {e}")))
    }

    /// The fault plan in force as JSON (`null` when none).
    fn fault_plan_json(&self) -> PyResult<String> {
        self.with(|s| serde_json::to_string(&s.fault_plan()))?
            .map_err(|e| PyRuntimeError::new_err(format!("unreadable fault plan: {e}")))
    }

    /// `"json"` or `"form"`: the body encoding of webhooks queued from now on.
    fn set_webhook_format(&self, format: &str) -> PyResult<()> {
        let format = match format {
            "json" => WebhookFormat::Json,
            "form" => WebhookFormat::Form,
            _ => {
                return Err(PyValueError::new_err(
                    "webhook format must be 'json' or 'form'",
                ));
            }
        };
        self.with(|s| s.set_webhook_format(format))
    }

    /// Extra delivery attempts of webhooks queued from now on.
    fn set_webhook_retries(&self, retries: u32) -> PyResult<()> {
        self.with(|s| s.set_webhook_retries(retries))
    }

    fn revoke_tokens(&self) -> PyResult<()> {
        self.with(|s| s.revoke_tokens())
    }

    /// Moves the clock; due schedules run, and this returns once their webhooks are delivered.
    fn advance_clock(&self, py: Python<'_>, seconds: f64) -> PyResult<()> {
        let by = duration("seconds", seconds)?;
        self.with(|s| s.advance_clock(by))?;
        self.settle(py)
    }

    /// Waits until every queued webhook delivery has finished.
    fn settle(&self, py: Python<'_>) -> PyResult<()> {
        let rt = runtime::get()?;
        let guard = self
            .inner
            .lock()
            .map_err(|_| PyRuntimeError::new_err("sandbox state is poisoned"))?;
        match guard.as_ref() {
            Some(sandbox) => {
                py.detach(|| rt.block_on(sandbox.settle()));
                Ok(())
            }
            None => Err(PyRuntimeError::new_err("the sandbox is closed")),
        }
    }

    /// The sandbox clock, unix seconds.
    fn now(&self) -> PyResult<i64> {
        self.with(|s| s.now())
    }

    #[pyo3(signature = (url=None))]
    fn set_webhook_url(&self, url: Option<String>) -> PyResult<()> {
        self.with(|s| s.set_webhook_url(url))
    }

    /// Every webhook delivery attempt, as JSON.
    fn webhook_deliveries_json(&self) -> PyResult<String> {
        self.with(|s| {
            serde_json::to_string(&s.webhook_deliveries()).unwrap_or_else(|_| "[]".to_owned())
        })
    }

    fn set_response_delay(&self, seconds: f64) -> PyResult<()> {
        let d = duration("seconds", seconds)?;
        self.with(|s| s.set_response_delay(d))
    }

    /// Installs a fault plan given as JSON (`{"seed": 1, "rules": [{"route": "...",
    /// "probability": 0.2, "fault": {"type": "drop_after_commit"}}]}`).
    fn set_faults_json(&self, plan_json: &str) -> PyResult<()> {
        let plan: iamport_sandbox::FaultPlan = serde_json::from_str(plan_json)
            .map_err(|e| PyValueError::new_err(format!("invalid fault plan: {e}")))?;
        plan.validate()
            .map_err(|e| PyValueError::new_err(format!("invalid fault plan: {e}")))?;
        self.with(|s| s.set_faults(plan))
    }

    fn clear_faults(&self) -> PyResult<()> {
        self.with(|s| s.clear_faults())
    }

    fn fault_counts(&self) -> PyResult<std::collections::BTreeMap<String, u64>> {
        self.with(|s| s.fault_counts())
    }

    fn reset(&self) -> PyResult<()> {
        self.with(|s| s.reset())
    }

    #[getter]
    fn running(&self) -> bool {
        self.inner.lock().map(|g| g.is_some()).unwrap_or(false)
    }

    /// Stops the server (idempotent).
    fn close(&self, py: Python<'_>) -> PyResult<()> {
        let taken = self
            .inner
            .lock()
            .map_err(|_| PyRuntimeError::new_err("sandbox state is poisoned"))?
            .take();
        if let Some(sandbox) = taken {
            let rt = runtime::get()?;
            py.detach(|| rt.block_on(sandbox.shutdown()));
        }
        Ok(())
    }

    fn __repr__(&self) -> String {
        format!("<Sandbox url={:?} imp_key={:?}>", self.url, self.imp_key)
    }
}

impl std::fmt::Debug for NativeSandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NativeSandbox")
            .field("url", &self.url)
            .field("imp_key", &self.imp_key)
            .finish_non_exhaustive()
    }
}

impl NativeSandbox {
    fn with<T>(&self, f: impl FnOnce(&Sandbox) -> T) -> PyResult<T> {
        let guard = self
            .inner
            .lock()
            .map_err(|_| PyRuntimeError::new_err("sandbox state is poisoned"))?;
        guard
            .as_ref()
            .map(f)
            .ok_or_else(|| PyRuntimeError::new_err("the sandbox is closed"))
    }
}

/// The sandbox's JSON records read by core (as a client would read them), as result objects.
fn records<T: serde::de::DeserializeOwned + serde::Serialize>(
    py: Python<'_>,
    rows: Vec<serde_json::Value>,
) -> PyResult<Py<PyAny>> {
    let records = rows
        .into_iter()
        .map(serde_json::from_value::<T>)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| PyRuntimeError::new_err(format!("unreadable sandbox record: {e}")))?;
    crate::output::to_py(py, &records).map(Bound::unbind)
}

fn duration(field: &str, seconds: f64) -> PyResult<Duration> {
    Duration::try_from_secs_f64(seconds).map_err(|_| {
        PyValueError::new_err(format!("{field} must be a non-negative number of seconds"))
    })
}
