//! Core's `Error` as the package's exception classes (`iamport_subscribe/errors.py`), one
//! mapping per error case. No case carries card data or secrets; messages are core's.

use crate::output::to_py;
use iamport_subscribe::Error;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyModule};

fn errors_module(py: Python<'_>) -> PyResult<&Bound<'_, PyModule>> {
    static MODULE: PyOnceLock<Py<PyModule>> = PyOnceLock::new();
    MODULE
        .get_or_try_init(py, || {
            Ok::<_, PyErr>(py.import("iamport_subscribe.errors")?.unbind())
        })
        .map(|m| m.bind(py))
}

/// `InvalidRequestError(field, reason)`: bad input found by the binding, before anything is sent.
pub fn invalid(field: &str, reason: &str) -> PyErr {
    Python::attach(|py| {
        to_py_err(
            py,
            Error::InvalidRequest {
                field: field.to_owned(),
                reason: reason.to_owned(),
            },
        )
    })
}

/// The exception for a core error.
pub fn to_py_err(py: Python<'_>, e: Error) -> PyErr {
    match exception(py, &e) {
        Ok(exc) => PyErr::from_value(exc),
        Err(failed) => failed,
    }
}

fn exception<'py>(py: Python<'py>, e: &Error) -> PyResult<Bound<'py, PyAny>> {
    let errors = errors_module(py)?;
    let class = |name: &str| errors.getattr(name);
    let display = e.to_string();
    let exc = match e {
        Error::InvalidRequest { field, reason } => {
            class("InvalidRequestError")?.call1((field, reason, &display))?
        }
        Error::Authentication { message } => class("AuthenticationError")?.call1((message,))?,
        Error::NotFound { message } => class("NotFoundError")?.call1((message,))?,
        Error::DuplicateOrder {
            merchant_uid,
            message,
        } => {
            let kwargs = PyDict::new(py);
            kwargs.set_item("merchant_uid", merchant_uid)?;
            kwargs.set_item("display", &display)?;
            class("DuplicateOrderError")?.call((message,), Some(&kwargs))?
        }
        Error::AlreadyCancelled {
            http_status,
            code,
            message,
        } => class("AlreadyCancelledError")?.call1((code, message, http_status, &display))?,
        Error::RateLimited {
            http_status,
            code,
            message,
            retry_after,
        } => class("RateLimitedError")?.call1((
            code,
            message,
            http_status,
            retry_after.map(|d| d.as_secs_f64()),
            &display,
        ))?,
        Error::CardDeclined {
            payment,
            fail_reason,
        } => class("CardDeclinedError")?.call1((
            to_py(py, payment.as_ref())?,
            fail_reason,
            &display,
        ))?,
        Error::Api {
            http_status,
            code,
            message,
        } => class("ApiError")?.call1((code, message, http_status, &display))?,
        Error::Network {
            message,
            may_have_reached_server,
        } => {
            let exc = class("NetworkError")?.call1((&display, may_have_reached_server))?;
            let cause = py
                .get_type::<pyo3::exceptions::PyConnectionError>()
                .call1((message,))?;
            exc.setattr("__cause__", cause)?;
            exc
        }
        Error::Timeout {
            may_have_reached_server,
        } => {
            let exc = class("TimeoutError")?.call1((may_have_reached_server, &display))?;
            let cause = py
                .get_type::<pyo3::exceptions::PyTimeoutError>()
                .call1(("no answer within the configured timeout",))?;
            exc.setattr("__cause__", cause)?;
            exc
        }
        Error::OutcomeUnknown { merchant_uid } => {
            class("OutcomeUnknownError")?.call1((merchant_uid, &display))?
        }
        _ => class("IamportError")?.call1((&display,))?,
    };
    Ok(exc)
}
