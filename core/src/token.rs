//! Access tokens from the caller instead of from `imp_key` and `imp_secret`.
//!
//! The REST API key and secret can charge and refund any customer, so they belong on the
//! merchant's server. A client that runs anywhere else (a staff or point-of-sale app on a device,
//! a worker without access to the secret) is built with a [`TokenProvider`]: an async function the
//! caller writes — typically a request to the merchant's own backend, which holds the secret and
//! calls `POST /users/getToken` — that returns an access token and its expiry. The client caches
//! what it returns exactly as it caches its own tokens: one call for any number of concurrent
//! requests, a refresh a minute before the expiry, and one fresh call when the API refuses the
//! token (401).
//!
//! ```no_run
//! # async fn run() -> iamport_subscribe::Result<()> {
//! use iamport_subscribe::{Client, ProvidedToken, TokenProviderError};
//!
//! async fn from_my_backend() -> Result<ProvidedToken, TokenProviderError> {
//!     // e.g. GET https://billing.example.com/iamport-token with the app's own session
//!     # let (token, expired_at) = (String::new(), 0);
//!     Ok(ProvidedToken::new(token, expired_at))
//! }
//!
//! let client = Client::builder().token_provider(from_my_backend).build()?;
//! # Ok(()) }
//! ```

use crate::secret::AccessToken;
use std::fmt;
use std::future::Future;
use std::pin::Pin;

/// What a [`TokenProvider`] returns: an access token and when it expires.
// (bindings-ffi declares it to uniffi as a remote record: a callback's return type must belong to
// the binding's own crate.)
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProvidedToken {
    /// The access token (`access_token` of `POST /users/getToken`). Printed as a mask.
    pub access_token: AccessToken,
    /// When it expires, in unix seconds (`expired_at` of `POST /users/getToken`).
    pub expired_at: i64,
    /// The issuer's clock when it handed the token out, in unix seconds (`now` of
    /// `POST /users/getToken`), when known. With it, the token's lifetime is `expired_at - now`
    /// and this machine's clock does not matter; without it, `expired_at` is read against this
    /// machine's clock.
    pub now: Option<i64>,
}

impl ProvidedToken {
    /// A token that expires at `expired_at` (unix seconds, read against this machine's clock).
    pub fn new(access_token: impl Into<AccessToken>, expired_at: i64) -> Self {
        ProvidedToken {
            access_token: access_token.into(),
            expired_at,
            now: None,
        }
    }

    /// The issuer's clock when it handed the token out (see [`ProvidedToken::now`]).
    pub fn issued_at(mut self, now: i64) -> Self {
        self.now = Some(now);
        self
    }
}

/// Why a [`TokenProvider`] could not give a token. The client reports it as
/// [`Error::Authentication`](crate::Error::Authentication), with this message after anything in it
/// that looks like a token is masked (see [`mask_token_like`]).
#[derive(Clone, PartialEq, Eq)]
pub struct TokenProviderError {
    message: String,
}

impl TokenProviderError {
    /// A failure described by `message`.
    pub fn new(message: impl Into<String>) -> Self {
        TokenProviderError {
            message: message.into(),
        }
    }

    /// The message, with anything token-shaped masked.
    pub fn message(&self) -> String {
        mask_token_like(&self.message)
    }
}

// Debug and Display mask too: the provider's own text may quote what its backend answered.
impl fmt::Debug for TokenProviderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("TokenProviderError")
            .field(&self.message())
            .finish()
    }
}

impl fmt::Display for TokenProviderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

/// Any error converts (so `?` works in a provider); only its text is kept, masked.
impl<E: std::error::Error> From<E> for TokenProviderError {
    fn from(e: E) -> Self {
        TokenProviderError::new(e.to_string())
    }
}

/// The future a [`TokenProvider`] returns.
pub type TokenFuture<'a> =
    Pin<Box<dyn Future<Output = Result<ProvidedToken, TokenProviderError>> + Send + 'a>>;

/// Supplies access tokens to a client built with
/// [`ClientBuilder::token_provider`](crate::ClientBuilder::token_provider).
///
/// Any `Fn() -> impl Future<Output = Result<ProvidedToken, TokenProviderError>>` is one. The
/// client calls it when it has no token, when its token is about to expire (a minute before
/// `expired_at`, or half the lifetime for a short one) and once more when the API refuses the
/// token; concurrent requests share one call. A provider should hand out the token its backend
/// holds rather than force a new one: `getToken` returns the same token while it is valid.
pub trait TokenProvider: Send + Sync {
    /// A current access token and its expiry.
    fn access_token(&self) -> TokenFuture<'_>;
}

impl<F, Fut> TokenProvider for F
where
    F: Fn() -> Fut + Send + Sync,
    Fut: Future<Output = Result<ProvidedToken, TokenProviderError>> + Send + 'static,
{
    fn access_token(&self) -> TokenFuture<'_> {
        Box::pin(self())
    }
}

/// The shortest run of token characters that is masked.
const TOKEN_LIKE_MIN_LEN: usize = 20;

fn token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '~' | '+' | '/' | '=')
}

/// `text` with every run of 20 or more token characters (ASCII letters, digits and `-._~+/=`, the
/// alphabet of hex, base64 and JWT tokens) replaced by `[redacted]`.
///
/// A provider's error text is the caller's, and may quote what its backend answered; the client
/// cannot know which token that was, so it masks everything shaped like one. Words, sentences,
/// Korean text and short identifiers pass unchanged; a long URL path may be masked too.
pub fn mask_token_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.chars().count() >= TOKEN_LIKE_MIN_LEN {
            out.push_str("[redacted]");
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in text.chars() {
        if token_char(c) {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_shaped_runs_are_masked_and_words_are_not() {
        let hex = "0123456789abcdef0123456789abcdef01234567";
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlc2lnbmF0dXJl";
        let text = format!("backend said {{\"access_token\":\"{hex}\"}} and Bearer {jwt}.");
        let masked = mask_token_like(&text);
        assert!(!masked.contains(hex) && !masked.contains(jwt), "{masked}");
        assert_eq!(
            masked,
            "backend said {\"access_token\":\"[redacted]\"} and Bearer [redacted]"
        );
        let plain = "토큰 서버가 응답하지 않습니다: connection refused (HTTP 503)";
        assert_eq!(mask_token_like(plain), plain);
    }

    #[test]
    fn the_error_prints_masked_everywhere() {
        let token = "a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0";
        let e = TokenProviderError::new(format!("stale token {token}"));
        for shown in [e.to_string(), format!("{e:?}"), e.message()] {
            assert!(!shown.contains(token), "{shown}");
            assert!(shown.contains("stale token"), "{shown}");
        }
    }
}
