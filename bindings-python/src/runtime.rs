//! One tokio runtime per process.
//!
//! A runtime's worker threads do not exist in a child made by `os.fork()`: a child that used the
//! parent's runtime would hang. So the runtime is keyed by process id: a child gets a fresh one
//! (the parent's is leaked, never dropped, since dropping it would wait for threads that are not
//! there).
//!
//! At interpreter exit the package's `atexit` hook shuts the runtime down (with the GIL
//! released, so a worker thread in the middle of handing a result to Python can finish). A worker
//! thread still running while the interpreter finalizes aborts the process when it takes the GIL
//! ("PyGILState_Release: thread state must be current"): measured 2 in 30 runs of a busy
//! AsyncClient on a loaded machine before this.

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;
use tokio::runtime::{Handle, Runtime};

struct Slot {
    pid: u32,
    handle: Handle,
    runtime: Runtime,
}

static RUNTIME: Mutex<Option<Slot>> = Mutex::new(None);

/// This process's runtime, created on first use (and again after [`shutdown`]).
pub fn get() -> PyResult<Handle> {
    let pid = std::process::id();
    let mut slot = RUNTIME.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(s) = slot.as_ref() {
        if s.pid == pid {
            return Ok(s.handle.clone());
        }
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .thread_name("iamport-subscribe")
        .enable_all()
        .build()
        .map_err(|e| PyRuntimeError::new_err(format!("cannot start the tokio runtime: {e}")))?;
    let handle = runtime.handle().clone();
    if let Some(parents) = slot.replace(Slot {
        pid,
        handle: handle.clone(),
        runtime,
    }) {
        // Another process's runtime (we are a fork): its threads are not here.
        std::mem::forget(parents.runtime);
    }
    Ok(handle)
}

/// Stops this process's runtime: tasks are dropped, worker threads end. Waits at most a second
/// for blocking work, with the GIL released. A later call creates a new runtime.
pub fn shutdown(py: Python<'_>) {
    let taken = RUNTIME
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .take();
    match taken {
        Some(s) if s.pid == std::process::id() => {
            py.detach(move || s.runtime.shutdown_timeout(Duration::from_secs(1)));
        }
        Some(s) => std::mem::forget(s.runtime),
        None => {}
    }
}
