//! The native module `iamport_subscribe._native`: the clients, their conversions and the sandbox.
//!
//! Every behaviour (validation, tokens, retries, errors, redaction) is core's. What this crate
//! adds is derived from core's declarations, not written per field: keyword arguments are decoded
//! into core's request types through their serde implementations after a check against their
//! JSON Schemas (`input.rs`, `shape.rs`); results are serialized straight into the result classes
//! that `codegen.py` generates from the same schemas (`output.rs`). No JSON text crosses the
//! boundary.

mod aio;
mod client;
mod codegen;
mod errors;
mod input;
mod logging;
mod output;
mod runtime;
mod sandbox;
mod shape;

use pyo3::prelude::*;

/// Registered with `atexit` by the package: no more log records to Python, and the runtime's
/// threads stopped, before the interpreter finalizes.
#[pyfunction]
fn at_exit(py: Python<'_>) {
    logging::close_log_bridge();
    runtime::shutdown(py);
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    logging::init();
    m.add_function(wrap_pyfunction!(logging::reset_log_cache, m)?)?;
    m.add_function(wrap_pyfunction!(logging::close_log_bridge, m)?)?;
    m.add_function(wrap_pyfunction!(at_exit, m)?)?;
    m.add_function(wrap_pyfunction!(codegen::codegen_input, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<client::Client>()?;
    m.add_class::<client::AsyncClient>()?;
    m.add_class::<sandbox::NativeSandbox>()?;
    Ok(())
}
