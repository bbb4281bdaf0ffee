//! One tokio runtime per process.
//!
//! A runtime's worker threads do not exist in a child made by `os.fork()`: a child that used the
//! parent's runtime would hang. So the runtime is keyed by process id: a child gets a fresh one
//! (the parent's is leaked, never dropped, since dropping it would wait for threads that are not
//! there). asyncio awaitables are made with pyo3-async-runtimes' generic API on this runtime.
//!
//! At interpreter exit the package's `atexit` hook shuts the runtime down (with the GIL
//! released, so a worker thread in the middle of handing a result to Python can finish). A worker
//! thread still running while the interpreter finalizes aborts the process when it takes the GIL
//! ("PyGILState_Release: thread state must be current"): measured 2 in 30 runs of a busy
//! AsyncClient on a loaded machine before this.

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3_async_runtimes::TaskLocals;
use pyo3_async_runtimes::generic::{self, ContextExt, Runtime as GenericRuntime};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Mutex, OnceLock, PoisonError};
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

/// Marker type for pyo3-async-runtimes' generic API.
#[derive(Debug)]
pub struct ProcessRuntime;

tokio::task_local! {
    static TASK_LOCALS: OnceLock<TaskLocals>;
}

impl GenericRuntime for ProcessRuntime {
    type JoinError = tokio::task::JoinError;
    type JoinHandle = tokio::task::JoinHandle<()>;

    fn spawn<F>(fut: F) -> Self::JoinHandle
    where
        F: Future<Output = ()> + Send + 'static,
    {
        created().spawn(fut)
    }

    fn spawn_blocking<F>(f: F) -> Self::JoinHandle
    where
        F: FnOnce() + Send + 'static,
    {
        created().spawn_blocking(f)
    }
}

/// The runtime that `future_into_py` created before handing work to pyo3-async-runtimes.
#[allow(clippy::expect_used)]
fn created() -> Handle {
    // `future_into_py` calls `get()` first, so this only fails if a new runtime cannot be built
    // (after an exit-time shutdown); pyo3 then turns the panic into a Python exception.
    get().expect("the runtime is created before anything is spawned")
}

impl ContextExt for ProcessRuntime {
    fn scope<F, R>(locals: TaskLocals, fut: F) -> Pin<Box<dyn Future<Output = R> + Send>>
    where
        F: Future<Output = R> + Send + 'static,
    {
        let cell = OnceLock::new();
        let _ = cell.set(locals);
        Box::pin(TASK_LOCALS.scope(cell, fut))
    }

    fn get_task_locals() -> Option<TaskLocals> {
        TASK_LOCALS
            .try_with(|c| c.get().cloned())
            .unwrap_or_default()
    }
}

/// An asyncio awaitable resolving to the future's output.
pub fn future_into_py<F, T>(py: Python<'_>, fut: F) -> PyResult<Bound<'_, PyAny>>
where
    F: Future<Output = PyResult<T>> + Send + 'static,
    T: for<'py> IntoPyObject<'py> + Send + 'static,
{
    // Make sure the runtime exists before anything is spawned on it.
    get()?;
    generic::future_into_py::<ProcessRuntime, F, T>(py, fut)
}
