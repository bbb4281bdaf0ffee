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
mod input;
mod output;
mod sandbox;

use napi::bindgen_prelude::{Env, PromiseRaw, Unknown};
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

/// Reads card data the way a request's `card` is read: `null` when it would be accepted, else
/// the error naming the field. The `Card` class calls it so that a wrong type fails where the
/// card is made.
#[napi(catch_unwind, ts_args_type = "details: CardDetails")]
pub fn check_card_details(details: Option<Unknown<'_>>) -> Option<output::NativeError> {
    input::CardDetails::read(details).err().map(Into::into)
}
