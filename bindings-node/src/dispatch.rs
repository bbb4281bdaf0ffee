//! Completions of the client's calls, delivered to the JS thread in batches.
//!
//! napi's own `spawn_future` makes a promise and a threadsafe function for every call: a uv handle
//! created and closed per call and one wakeup of the event loop per completion. Here one
//! threadsafe function serves every call of a JS realm: a finished call queues its result, and
//! only the first result queued after a drain wakes the JS thread, which then converts and hands
//! over every result queued by then in one JS call. Under load (64 calls in flight) that is one
//! wakeup for many completions; a lone call costs the same single wakeup as before.
//!
//! The JS side (`index.js`) numbers its calls, keeps their promises and keeps the event loop
//! alive while any is pending (the threadsafe function itself is weak).

use crate::convert;
use futures_util::FutureExt;
use iamport_subscribe::shape::Ty;
use napi::bindgen_prelude::{Env, Function, Null, ToNapiValue, Unknown};
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi::{JsValue, Status, sys};
use napi_derive::napi;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex, PoisonError};

/// A finished call's result as JS values: the value (compact, see `convert::write_compact`),
/// the error, and the name of the value's constructor (`Payment`, `Payment[]`, `` for none).
pub(crate) type Converted<'env> = (Unknown<'env>, Unknown<'env>, &'static str);

/// A finished call, converted to JS on the JS thread.
type Completion = Box<dyn for<'env> FnOnce(&'env Env) -> napi::Result<Converted<'env>> + Send>;

type Queue = Arc<Mutex<Vec<(u32, Completion)>>>;

/// Wakes the JS thread to drain the queue.
type Wakeup = ThreadsafeFunction<(), Unknown<'static>, sys::napi_value, Status, false, true>;

/// The completions of one JS realm's calls.
#[napi]
pub struct NativeDispatcher {
    queue: Queue,
    wakeup: Arc<Wakeup>,
}

impl std::fmt::Debug for NativeDispatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NativeDispatcher").finish_non_exhaustive()
    }
}

/// What a client keeps to complete its calls.
#[derive(Clone)]
pub(crate) struct Dispatcher {
    queue: Queue,
    wakeup: Arc<Wakeup>,
}

impl std::fmt::Debug for Dispatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dispatcher").finish_non_exhaustive()
    }
}

/// The batch handed to JS: `[id, value, error, constructor, id, ...]`; a result that could not be
/// converted is delivered as an error text in place of the error object.
fn drain<'env>(env: &'env Env, queue: &Queue) -> napi::Result<Unknown<'env>> {
    let batch = std::mem::take(&mut *queue.lock().unwrap_or_else(PoisonError::into_inner));
    let mut array = env.create_array(0)?;
    let mut at = 0;
    for (id, completion) in batch {
        let (value, error, constructor) = match completion(env) {
            Ok(converted) => converted,
            Err(e) => (
                Null.into_unknown(env)?,
                format!("the result could not be converted: {}", e.reason).into_unknown(env)?,
                "",
            ),
        };
        array.set(at, id)?;
        array.set(at + 1, value)?;
        array.set(at + 2, error)?;
        array.set(at + 3, constructor)?;
        at += 4;
    }
    Ok(array.to_unknown())
}

/// Creates the dispatcher of this realm: `settle` is called with each batch of completions.
#[napi(catch_unwind, ts_args_type = "settle: (batch: Array<unknown>) => void")]
pub fn create_dispatcher(
    settle: Function<'_, (), Unknown<'static>>,
) -> napi::Result<NativeDispatcher> {
    let queue: Queue = Arc::default();
    let drained = Arc::clone(&queue);
    let wakeup = settle
        .build_threadsafe_function::<()>()
        .callee_handled::<false>()
        .weak::<true>()
        .build_callback(move |ctx| drain(&ctx.env, &drained).map(|batch| batch.raw()))?;
    Ok(NativeDispatcher {
        queue,
        wakeup: Arc::new(wakeup),
    })
}

impl NativeDispatcher {
    pub(crate) fn handle(&self) -> Dispatcher {
        Dispatcher {
            queue: Arc::clone(&self.queue),
            wakeup: Arc::clone(&self.wakeup),
        }
    }
}

impl Dispatcher {
    fn complete(&self, id: u32, completion: Completion) {
        let was_empty = {
            let mut queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
            queue.push((id, completion));
            queue.len() == 1
        };
        if was_empty {
            // Closing (the realm is going away): nobody is left to wait for the result.
            let _ = self
                .wakeup
                .call((), ThreadsafeFunctionCallMode::NonBlocking);
        }
    }

    /// Runs `future` on the runtime and completes call `id` with its result, written by `write`.
    /// A panic completes the call with an error instead of leaving its promise pending.
    pub(crate) fn spawn<R, Fut, W>(&self, id: u32, future: Fut, write: W)
    where
        R: Send + 'static,
        Fut: Future<Output = R> + Send + 'static,
        W: for<'env> FnOnce(&'env Env, R) -> napi::Result<Converted<'env>> + Send + 'static,
    {
        let dispatcher = self.clone();
        napi::bindgen_prelude::spawn(async move {
            let completion: Completion = match AssertUnwindSafe(future).catch_unwind().await {
                Ok(result) => Box::new(move |env| write(env, result)),
                Err(_) => Box::new(|env| {
                    Ok((
                        Null.into_unknown(env)?,
                        "the call panicked (a bug: please report it)".into_unknown(env)?,
                        "",
                    ))
                }),
            };
            dispatcher.complete(id, completion);
        });
    }
}

/// A result as JS values: the value written by `shape` (compact), or the error as data.
pub(crate) fn pair<'env, R: serde::Serialize>(
    env: &'env Env,
    result: iamport_subscribe::Result<R>,
    shape: &'static Ty,
) -> napi::Result<Converted<'env>> {
    Ok(match result {
        Ok(value) => (
            convert::write_compact(env, &value, shape)?,
            Null.into_unknown(env)?,
            constructor(shape),
        ),
        Err(e) => (
            Null.into_unknown(env)?,
            crate::client::error_value(env, e)?,
            "",
        ),
    })
}

/// The name of the JS constructor of a compact value of `shape`: a struct's name, `Name[]` for a
/// list of them, `` for a value that is not compacted.
fn constructor(shape: &'static Ty) -> &'static str {
    match shape {
        Ty::Struct(s) => s.name,
        Ty::Vec(Ty::Struct(s)) => list_name(s.name),
        _ => "",
    }
}

/// `Name[]`, computed once per name.
fn list_name(name: &'static str) -> &'static str {
    static NAMES: std::sync::OnceLock<Mutex<Vec<(&'static str, &'static str)>>> =
        std::sync::OnceLock::new();
    let mut names = NAMES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    if let Some((_, list)) = names.iter().find(|(n, _)| *n == name) {
        return list;
    }
    // Bounded by the number of result types: leaked once each.
    let list: &'static str = Box::leak(format!("{name}[]").into_boxed_str());
    names.push((name, list));
    list
}
