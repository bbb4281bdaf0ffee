//! Access tokens from the app instead of a key and secret (core's `token` module): a foreign
//! interface that Kotlin and Swift implement with a suspend / async function.

use iamport_subscribe::token::TokenFuture;
use iamport_subscribe::{AccessToken, ProvidedToken};
use std::sync::Arc;

// Core's type, field for field (the compiler checks the list). Declared here, not in core: uniffi's
// Kotlin lowers a callback's return value with the binding crate's buffer type, so a type of
// core's namespace returned by a foreign callback does not compile.
/// An access token and when it expires, as a token provider returns it. `access_token` prints
/// as a mask.
#[uniffi::remote(Record)]
pub struct ProvidedToken {
    /// The access token (`access_token` of `POST /users/getToken`).
    pub access_token: AccessToken,
    /// When it expires, in unix seconds (`expired_at` of `POST /users/getToken`).
    pub expired_at: i64,
    /// The issuer's clock when it handed the token out (`now` of `POST /users/getToken`), when
    /// known: the lifetime is then `expired_at - now`, whatever this device's clock says.
    #[uniffi(default)]
    pub now: Option<i64>,
}

/// Supplies access tokens to a client made with `Client::with_token_provider`: typically a
/// request to the merchant's own backend, which holds the REST API secret. The client calls it
/// when it has no token, a minute before the token expires, and once more when the API refuses
/// the token; concurrent requests share one call. Whatever it throws becomes `Authentication`,
/// with anything token-shaped in the text masked.
#[uniffi::export(with_foreign, async_runtime = "tokio")]
#[async_trait::async_trait]
pub trait TokenProvider: Send + Sync {
    /// A current access token and its expiry.
    async fn access_token(&self) -> Result<ProvidedToken, TokenProviderError>;
}

/// A token provider's failure. Throw it (or any other exception) from `access_token`.
#[derive(Debug, uniffi::Error)]
pub enum TokenProviderError {
    /// No token could be had; `reason` says why (masked where it looks like a token).
    Failed { reason: String },
}

impl std::fmt::Display for TokenProviderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TokenProviderError::Failed { reason } => f.write_str(reason),
        }
    }
}

impl std::error::Error for TokenProviderError {}

// Any other exception the foreign code throws arrives as this: its text becomes the reason.
impl From<uniffi::UnexpectedUniFFICallbackError> for TokenProviderError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        TokenProviderError::Failed { reason: e.reason }
    }
}

/// The foreign provider as core's `TokenProvider`.
pub(crate) struct Foreign(pub(crate) Arc<dyn TokenProvider>);

impl iamport_subscribe::TokenProvider for Foreign {
    fn access_token(&self) -> TokenFuture<'_> {
        Box::pin(async move {
            self.0
                .access_token()
                .await
                .map_err(|TokenProviderError::Failed { reason }| {
                    iamport_subscribe::TokenProviderError::new(reason)
                })
        })
    }
}
