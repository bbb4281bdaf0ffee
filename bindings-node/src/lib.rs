//! Node.js binding of `iamport-subscribe` (napi-rs): conversions between JS values and core's
//! types, nothing more. The package's JS layer (`index.js`) adds what napi cannot express: error
//! classes with a `code`, the masked `Card`, custom inspection.
//!
//! Every promise settles with an outcome object (`{ value, error }`) rather than rejecting, so
//! that an error keeps its data (a rejection carries only a message); every export is wrapped in
//! `catch_unwind`, so a panic becomes a JS exception or a rejection, never an abort.

// napi registers the exports only outside `cfg(test)`, so the unit-test build sees them unused.
#![cfg_attr(test, allow(dead_code))]

mod client;
mod convert;
mod dispatch;
mod error;
mod listing;
mod logging;
mod options;
mod sandbox;
mod token;
mod types;

use napi::bindgen_prelude::{Env, PromiseRaw};
use napi_derive::napi;

/// Panics on purpose, synchronously or inside a spawned future: lets the package's tests show
/// that a panic becomes an exception or a rejected promise and the process lives on.
#[napi(catch_unwind)]
pub fn panic_for_testing(env: &Env, asynchronous: bool) -> napi::Result<PromiseRaw<'_, ()>> {
    if !asynchronous {
        #[allow(clippy::panic)]
        {
            panic!("panic_for_testing (synchronous)");
        }
    }
    env.spawn_future(async {
        #[allow(clippy::panic)]
        {
            panic!("panic_for_testing (asynchronous)");
        }
    })
}

/// The TypeScript declarations of the requests and results, generated from their shapes
/// (`bindings-node/run build` appends them to `native.d.ts`).
#[napi(catch_unwind)]
pub fn type_definitions() -> String {
    types::declarations()
}
