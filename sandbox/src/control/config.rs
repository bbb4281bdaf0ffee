//! The settings a sandbox starts with.

use std::fmt;
use std::time::Duration;

use crate::control::faults::FaultPlan;
use crate::control::webhooks::WebhookFormat;
use crate::wire::options::NotFoundMode;

/// Settings of a sandbox instance.
#[derive(Clone)]
pub struct SandboxConfig {
    /// REST API key accepted by `POST /users/getToken`.
    pub imp_key: String,
    /// REST API secret accepted by `POST /users/getToken`.
    pub imp_secret: String,
    /// Lifetime of a freshly issued access token (the real API uses 30 minutes).
    pub token_ttl: Duration,
    /// Every API answer (not the inspection endpoints) is held back this long.
    pub response_delay: Duration,
    /// Reporting of unknown billing keys.
    pub billing_key_not_found: NotFoundMode,
    /// Channel used when a request carries no `pg` (`nice`, `nice.{MID}`, `daou`, `daou.{CPID}`).
    pub default_pg: String,
    /// Where webhooks go when the schedule or payment has no `notice_url` (the console setting
    /// of the real service). `None`: such webhooks are not sent.
    pub webhook_url: Option<String>,
    /// Body encoding of webhooks.
    pub webhook_content_type: WebhookFormat,
    /// Extra delivery attempts after a network error or a non-200 answer, made immediately.
    pub webhook_retries: u32,
    /// Fault plan in force from the start (`None`: every request is answered normally).
    /// See `Sandbox::set_faults`.
    pub faults: Option<FaultPlan>,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            imp_key: "sandbox_imp_key".to_owned(),
            imp_secret: "sandbox_imp_secret".to_owned(),
            token_ttl: Duration::from_secs(30 * 60),
            response_delay: Duration::ZERO,
            billing_key_not_found: NotFoundMode::Observed,
            default_pg: "nice".to_owned(),
            webhook_url: None,
            webhook_content_type: WebhookFormat::Json,
            webhook_retries: 0,
            faults: None,
        }
    }
}

impl fmt::Debug for SandboxConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SandboxConfig")
            .field("imp_key", &self.imp_key)
            .field("imp_secret", &"<redacted>")
            .field("token_ttl", &self.token_ttl)
            .field("response_delay", &self.response_delay)
            .field("billing_key_not_found", &self.billing_key_not_found)
            .field("default_pg", &self.default_pg)
            .field("webhook_url", &self.webhook_url)
            .field("webhook_content_type", &self.webhook_content_type)
            .field("webhook_retries", &self.webhook_retries)
            .field("faults", &self.faults)
            .finish()
    }
}
