//! asyncio without a Python frame and without a GIL acquisition on tokio's threads.
//!
//! An `AsyncClient` method returns a [`Call`]: a native coroutine (it has `send`, `throw`,
//! `close` and `__await__`, so `await`, `asyncio.create_task` and `gather` take it). Nothing
//! starts until it is awaited; then the core future is spawned on the runtime and the coroutine
//! waits on an ordinary asyncio future of the running loop.
//!
//! Completions are batched per event loop: a finished task pushes its asyncio future onto the
//! loop's queue and, only if no wake-up is pending, writes one byte to a socket the loop watches
//! (`loop.add_reader`). The loop then resolves every queued future in one callback. tokio's
//! threads never take the GIL (which could stall a worker for a whole switch interval), and a
//! burst of completions costs one wake-up instead of one `call_soon_threadsafe` each. Loops
//! without `add_reader` (the Windows proactor loop) are woken by one `call_soon_threadsafe` per
//! batch from tokio's blocking pool instead.

use crate::runtime;
use iamport_subscribe::Error;
use pyo3::exceptions::{PyRuntimeError, PyStopIteration};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyType;
use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use tokio::task::AbortHandle;

/// A core result on its way to Python.
pub trait Output: Send {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>>;
}

impl<T: serde::Serialize + Send> Output for T {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        crate::output::to_py(py, self)
    }
}

pub type Outcome = Result<Box<dyn Output>, Error>;
pub type Op = Pin<Box<dyn Future<Output = Outcome> + Send>>;

/// Boxes an operation's future.
pub fn op<T, F>(fut: F) -> Op
where
    T: Output + 'static,
    F: Future<Output = Result<T, Error>> + Send + 'static,
{
    Box::pin(async move { fut.await.map(|v| Box::new(v) as Box<dyn Output>) })
}

/// Converts an outcome, raising the mapped exception for an error.
pub fn finish(py: Python<'_>, outcome: Outcome) -> PyResult<Py<PyAny>> {
    match outcome {
        Ok(value) => value.to_py(py).map(Bound::unbind),
        Err(e) => Err(crate::errors::to_py_err(py, e)),
    }
}

// -- the coroutine --------------------------------------------------------------------------

enum State {
    /// Not awaited yet: nothing has been sent.
    Ready(Op),
    /// Spawned; `future` is the asyncio future the awaiting task waits on.
    Running {
        slot: Arc<Mutex<Option<Outcome>>>,
        future: Py<PyAny>,
        abort: AbortHandle,
    },
    Done,
}

/// The coroutine an `AsyncClient` method returns.
#[pyclass(frozen, module = "iamport_subscribe._native")]
pub struct Call {
    // Only the awaiting task touches it; the lock is uncontended.
    state: Mutex<State>,
}

impl Call {
    pub fn new(op: Op) -> Self {
        Call {
            state: Mutex::new(State::Ready(op)),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl std::fmt::Debug for Call {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Call")
    }
}

impl Drop for Call {
    fn drop(&mut self) {
        self.stop();
    }
}

#[pymethods]
impl Call {
    fn __await__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let mut state = self.state();
        match std::mem::replace(&mut *state, State::Done) {
            State::Ready(op) => {
                let (future, slot, abort) = start(py, op)?;
                let yielded = future.clone_ref(py);
                *state = State::Running {
                    slot,
                    future,
                    abort,
                };
                Ok(yielded)
            }
            State::Running {
                slot,
                future,
                abort,
            } => {
                let outcome = slot.lock().unwrap_or_else(PoisonError::into_inner).take();
                match outcome {
                    Some(outcome) => {
                        drop(state);
                        let value = finish(py, outcome)?;
                        Err(PyStopIteration::new_err((value,)))
                    }
                    None => {
                        // Resumed before the result arrived: keep waiting.
                        let yielded = future.clone_ref(py);
                        *state = State::Running {
                            slot,
                            future,
                            abort,
                        };
                        Ok(yielded)
                    }
                }
            }
            State::Done => Err(PyRuntimeError::new_err(
                "cannot reuse already awaited coroutine",
            )),
        }
    }

    #[pyo3(signature = (_value=None))]
    fn send(&self, py: Python<'_>, _value: Option<&Bound<'_, PyAny>>) -> PyResult<Py<PyAny>> {
        self.__next__(py)
    }

    /// Cancellation (`task.cancel()`, `asyncio.wait_for` running out): stop waiting and abort the
    /// request. Like a lost connection, that leaves a charge's outcome open: a charge already
    /// sent may complete. `find_payment(merchant_uid)` settles it.
    #[pyo3(signature = (typ, val=None, _tb=None))]
    fn throw(
        &self,
        typ: &Bound<'_, PyAny>,
        val: Option<&Bound<'_, PyAny>>,
        _tb: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        self.stop();
        let err = match val {
            Some(v) if !v.is_none() => {
                if v.is_instance_of::<pyo3::exceptions::PyBaseException>() {
                    PyErr::from_value(v.clone())
                } else {
                    PyErr::from_type(typ.cast::<PyType>()?.clone(), (v.clone().unbind(),))
                }
            }
            _ => match typ.cast::<PyType>() {
                Ok(t) => PyErr::from_type(t.clone(), ()),
                Err(_) => PyErr::from_value(typ.clone()),
            },
        };
        Err(err)
    }

    fn close(&self) {
        self.stop();
    }
}

impl Call {
    fn stop(&self) {
        if let State::Running { abort, .. } = std::mem::replace(&mut *self.state(), State::Done) {
            abort.abort();
        }
    }
}

type Started = (Py<PyAny>, Arc<Mutex<Option<Outcome>>>, AbortHandle);

/// Spawns `op` and returns the asyncio future that completes with it.
fn start(py: Python<'_>, op: Op) -> PyResult<Started> {
    let event_loop = running_loop(py)?;
    let queue = queue_for(py, &event_loop)?;
    let future = event_loop.call_method0(intern!(py, "create_future"))?;
    future.setattr(intern!(py, "_asyncio_future_blocking"), true)?;
    let slot = Arc::new(Mutex::new(None));
    let (task_slot, task_future) = (slot.clone(), future.clone().unbind());
    let handle = runtime::get()?.spawn(async move {
        let outcome = op.await;
        *task_slot.lock().unwrap_or_else(PoisonError::into_inner) = Some(outcome);
        queue.complete(task_future);
    });
    Ok((future.unbind(), slot, handle.abort_handle()))
}

fn running_loop<'py>(py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
    static GET: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    GET.get_or_try_init(py, || {
        Ok::<_, PyErr>(py.import("asyncio")?.getattr("get_running_loop")?.unbind())
    })?
    .bind(py)
    .call0()
}

// -- per-loop completion queues ---------------------------------------------------------------

/// The futures of one event loop whose results are ready.
struct Queue {
    event_loop: Py<PyAny>,
    state: Mutex<QueueState>,
    wake: Wake,
}

struct QueueState {
    ready: Vec<Py<PyAny>>,
    /// A wake-up is on its way: later completions need not send another.
    woken: bool,
}

enum Wake {
    /// One byte on a socket the loop reads (`add_reader`).
    #[cfg(unix)]
    Socket {
        writer: std::os::unix::net::UnixStream,
        reader: std::os::unix::net::UnixStream,
    },
    /// `loop.call_soon_threadsafe(drain)`, from tokio's blocking pool.
    Threadsafe,
}

impl Queue {
    /// Called on a runtime thread when a result is ready: no GIL.
    fn complete(self: &Arc<Self>, future: Py<PyAny>) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.ready.push(future);
        if state.woken {
            return;
        }
        state.woken = true;
        drop(state);
        match &self.wake {
            #[cfg(unix)]
            Wake::Socket { writer, .. } => {
                use std::io::Write;
                // Non-blocking; a full buffer means a wake-up is already waiting.
                let _ = (&*writer).write(&[1]);
            }
            Wake::Threadsafe => {
                let queue = self.clone();
                tokio::task::spawn_blocking(move || {
                    Python::attach(|py| {
                        let scheduled = Py::new(py, Drain(queue.clone())).and_then(|drain| {
                            queue
                                .event_loop
                                .bind(py)
                                .call_method1("call_soon_threadsafe", (drain,))
                        });
                        if scheduled.is_err() {
                            // The loop is closed: nobody waits for these any more.
                            queue.take(py);
                        }
                    });
                });
            }
        }
    }

    /// Takes every ready future (on the loop's thread).
    fn take(&self, _py: Python<'_>) -> Vec<Py<PyAny>> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.woken = false;
        std::mem::take(&mut state.ready)
    }

    /// Resolves the ready futures: the awaiting tasks then read their results from their slots.
    fn drain(&self, py: Python<'_>) -> PyResult<()> {
        #[cfg(unix)]
        if let Wake::Socket { reader, .. } = &self.wake {
            use std::io::Read;
            let mut buf = [0u8; 256];
            while matches!((&*reader).read(&mut buf), Ok(n) if n > 0) {}
        }
        let none = py.None();
        for future in self.take(py) {
            let future = future.bind(py);
            // A cancelled future (its task gave up) takes no result.
            if !future.call_method0(intern!(py, "done"))?.is_truthy()? {
                future.call_method1(intern!(py, "set_result"), (&none,))?;
            }
        }
        Ok(())
    }
}

/// The loop-side callback of a [`Queue`].
#[pyclass(frozen, module = "iamport_subscribe._native")]
struct Drain(Arc<Queue>);

impl std::fmt::Debug for Drain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Drain")
    }
}

#[pymethods]
impl Drain {
    fn __call__(&self, py: Python<'_>) -> PyResult<()> {
        self.0.drain(py)
    }
}

thread_local! {
    /// The queues of the loops that ran on this thread (asyncio loops are single-threaded).
    static QUEUES: RefCell<Vec<Arc<Queue>>> = const { RefCell::new(Vec::new()) };
}

fn queue_for(py: Python<'_>, event_loop: &Bound<'_, PyAny>) -> PyResult<Arc<Queue>> {
    let found = QUEUES.with(|q| {
        q.borrow()
            .iter()
            .find(|queue| queue.event_loop.bind(py).is(event_loop))
            .cloned()
    });
    if let Some(queue) = found {
        return Ok(queue);
    }
    // A new loop: forget the queues of loops that have been closed since (`asyncio.run` closes
    // its loop), then register this one.
    let mut closed = Vec::new();
    QUEUES.with(|q| {
        q.borrow_mut().retain(|queue| {
            let is_closed = queue
                .event_loop
                .bind(py)
                .call_method0("is_closed")
                .and_then(|c| c.is_truthy())
                .unwrap_or(true);
            if is_closed {
                closed.push(queue.clone());
            }
            !is_closed
        })
    });
    drop(closed);
    let queue = new_queue(py, event_loop)?;
    QUEUES.with(|q| q.borrow_mut().push(queue.clone()));
    Ok(queue)
}

fn new_queue(py: Python<'_>, event_loop: &Bound<'_, PyAny>) -> PyResult<Arc<Queue>> {
    let state = || {
        Mutex::new(QueueState {
            ready: Vec::new(),
            woken: false,
        })
    };
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd;
        let pair = std::os::unix::net::UnixStream::pair().and_then(|(reader, writer)| {
            reader.set_nonblocking(true)?;
            writer.set_nonblocking(true)?;
            Ok((reader, writer))
        });
        if let Ok((reader, writer)) = pair {
            let fd = reader.as_raw_fd();
            let queue = Arc::new(Queue {
                event_loop: event_loop.clone().unbind(),
                state: state(),
                wake: Wake::Socket { writer, reader },
            });
            let drain = Py::new(py, Drain(queue.clone()))?;
            match event_loop.call_method1("add_reader", (fd, drain)) {
                Ok(_) => return Ok(queue),
                Err(e) if e.is_instance_of::<pyo3::exceptions::PyNotImplementedError>(py) => {}
                Err(e) => return Err(e),
            }
        }
    }
    // No `add_reader` (Windows' proactor loop): wake by `call_soon_threadsafe`.
    let _ = py;
    Ok(Arc::new(Queue {
        event_loop: event_loop.clone().unbind(),
        state: state(),
        wake: Wake::Threadsafe,
    }))
}
