//! Token providers written in JS: `new Client({ tokenProvider: async () => ({ accessToken,
//! expiredAt }) })`. The client (core) calls the provider when it needs a token; the call goes to
//! the JS thread through a threadsafe function and the promise it returns is awaited here. Core
//! caches the result, shares one call among concurrent requests, refreshes before the expiry and
//! asks once more after a 401 (`core/src/token.rs`).
//!
//! `index.js` wraps the app's function so that what arrives here is always a `NativeToken`: the
//! times already in whole seconds (a `Date` converted there), or `error` with the text of whatever
//! the provider threw. Core masks anything token-shaped in that text.

use iamport_subscribe::token::TokenFuture;
use iamport_subscribe::{ProvidedToken, TokenProvider, TokenProviderError};
use napi::Status;
use napi::bindgen_prelude::{Function, Promise};
use napi::threadsafe_function::ThreadsafeFunction;
use napi_derive::napi;
use std::sync::Arc;

/// What `index.js`'s wrapper of a token provider resolves to; not part of the package's API.
#[napi(object)]
pub struct NativeToken {
    pub access_token: Option<String>,
    pub expired_at: Option<f64>,
    pub now: Option<f64>,
    /// Set when the provider threw or returned something else than a token.
    pub error: Option<String>,
}

impl std::fmt::Debug for NativeToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NativeToken")
            .field("expired_at", &self.expired_at)
            .finish_non_exhaustive()
    }
}

/// The JS side's function: no arguments, a promise of a `NativeToken`. Weak: a client does not
/// keep the process alive (`index.js` does while one of its calls is pending).
type Call = ThreadsafeFunction<(), Promise<NativeToken>, (), Status, false, true>;

/// A JS token provider as core's `TokenProvider`.
pub(crate) struct JsTokenProvider(Arc<Call>);

impl std::fmt::Debug for JsTokenProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JsTokenProvider")
    }
}

impl JsTokenProvider {
    pub(crate) fn new(function: &Function<'_, (), Promise<NativeToken>>) -> napi::Result<Self> {
        let call = function
            .build_threadsafe_function::<()>()
            .callee_handled::<false>()
            .weak::<true>()
            .build_callback(|_| Ok(()))?;
        Ok(JsTokenProvider(Arc::new(call)))
    }
}

/// A whole number of seconds from JS (the wrapper checked it is one), or why not.
fn seconds(field: &str, value: f64) -> Result<i64, TokenProviderError> {
    // Within ±2^53 every whole f64 converts exactly.
    if value.is_finite() && value.fract() == 0.0 && value.abs() <= 9_007_199_254_740_991.0 {
        Ok(value as i64)
    } else {
        Err(TokenProviderError::new(format!(
            "{field} must be a whole number of unix seconds or a Date"
        )))
    }
}

impl TokenProvider for JsTokenProvider {
    fn access_token(&self) -> TokenFuture<'_> {
        let call = Arc::clone(&self.0);
        Box::pin(async move {
            let gone = |e: napi::Error| {
                TokenProviderError::new(format!("could not call it: {}", e.reason))
            };
            let promise = call.call_async(()).await.map_err(gone)?;
            let token = promise.await.map_err(gone)?;
            if let Some(error) = token.error {
                return Err(TokenProviderError::new(error));
            }
            let access_token = token
                .access_token
                .ok_or_else(|| TokenProviderError::new("it returned no accessToken (a string)"))?;
            let expired_at = token.expired_at.ok_or_else(|| {
                TokenProviderError::new("it returned no expiredAt (unix seconds or a Date)")
            })?;
            let mut provided = ProvidedToken::new(access_token, seconds("expiredAt", expired_at)?);
            if let Some(now) = token.now {
                provided = provided.issued_at(seconds("now", now)?);
            }
            Ok(provided)
        })
    }
}
