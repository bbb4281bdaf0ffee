//! Choices about how the API answers that a sandbox instance can make.

/// How an unknown `customer_uid` is reported by `GET`/`DELETE /subscribe/customers/{customer_uid}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NotFoundMode {
    /// What SDK test suites observed against the live API: HTTP 200, `code: 1`.
    #[default]
    Observed,
    /// What the vendor spec declares: HTTP 404 (same envelope and message).
    Spec,
}

/// The wire layer's settings.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Options {
    pub not_found: NotFoundMode,
}
