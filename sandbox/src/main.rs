//! `iamport-sandbox`: runs the emulator as a standalone server for tests in other languages.
//!
//! The first stdout line is `listening on http://127.0.0.1:<port>`; it then serves until the
//! process is interrupted (Ctrl-C / SIGTERM end it; all state is in memory anyway).

use std::io::{IsTerminal, Write};
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use iamport_sandbox::{FaultPlan, NotFoundMode, Sandbox, SandboxConfig, WebhookFormat};

#[derive(Debug, Parser)]
#[command(
    name = "iamport-sandbox",
    version,
    about = "Local emulator of the Iamport (PortOne V1) recurring-billing API"
)]
struct Args {
    /// Port on 127.0.0.1 (0 = any free port).
    #[arg(long, env = "IAMPORT_SANDBOX_PORT", default_value_t = 0)]
    port: u16,
    /// Accepted imp_key.
    #[arg(
        long,
        env = "IAMPORT_SANDBOX_IMP_KEY",
        default_value = "sandbox_imp_key"
    )]
    imp_key: String,
    /// Accepted imp_secret.
    #[arg(
        long,
        env = "IAMPORT_SANDBOX_IMP_SECRET",
        default_value = "sandbox_imp_secret",
        hide_default_value = true,
        hide_env_values = true
    )]
    imp_secret: String,
    /// Access-token lifetime in seconds.
    #[arg(long, env = "IAMPORT_SANDBOX_TOKEN_TTL", default_value_t = 1800)]
    token_ttl_secs: u64,
    /// Delay added to every API answer, in milliseconds.
    #[arg(long, env = "IAMPORT_SANDBOX_DELAY_MS", default_value_t = 0)]
    response_delay_ms: u64,
    /// Answer unknown billing keys with HTTP 404 (vendor spec) instead of 200/code 1 (observed).
    #[arg(long, env = "IAMPORT_SANDBOX_SPEC_NOT_FOUND")]
    spec_not_found: bool,
    /// Channel used when a request has no `pg` (nice, nice.{MID}, daou, daou.{CPID}).
    #[arg(long, env = "IAMPORT_SANDBOX_DEFAULT_PG", default_value = "nice")]
    default_pg: String,
    /// Webhook URL for events without a notice_url (default: such webhooks are not sent).
    #[arg(long, env = "IAMPORT_SANDBOX_WEBHOOK_URL")]
    webhook_url: Option<String>,
    /// Send webhooks as application/x-www-form-urlencoded instead of JSON.
    #[arg(long, env = "IAMPORT_SANDBOX_WEBHOOK_FORM")]
    webhook_form: bool,
    /// Extra webhook delivery attempts after a network error or a non-200 answer.
    #[arg(long, env = "IAMPORT_SANDBOX_WEBHOOK_RETRIES", default_value_t = 0)]
    webhook_retries: u32,
    /// Fault plan to start with: a JSON file `{"seed": n, "rules": [{"route": ...,
    /// "probability": ..., "fault": {"type": ...}}]}` (see the README).
    #[arg(long, env = "IAMPORT_SANDBOX_FAULTS")]
    faults: Option<PathBuf>,
}

/// Reads and checks a fault plan file.
fn read_plan(path: &Path) -> Result<FaultPlan, String> {
    let text = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let plan: FaultPlan = serde_json::from_slice(&text)
        .map_err(|e| format!("invalid fault plan in {}: {e}", path.display()))?;
    plan.validate()
        .map_err(|e| format!("invalid fault plan in {}: {e}", path.display()))?;
    Ok(plan)
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let args = Args::parse();
    let faults = match args.faults.as_deref().filter(|p| !p.as_os_str().is_empty()) {
        None => None,
        Some(path) => match read_plan(path) {
            Ok(plan) => Some(plan),
            Err(err) => {
                eprintln!("iamport-sandbox: {err}");
                return ExitCode::FAILURE;
            }
        },
    };
    let config = SandboxConfig {
        imp_key: args.imp_key,
        imp_secret: args.imp_secret,
        token_ttl: Duration::from_secs(args.token_ttl_secs),
        response_delay: Duration::from_millis(args.response_delay_ms),
        billing_key_not_found: if args.spec_not_found {
            NotFoundMode::Spec
        } else {
            NotFoundMode::Observed
        },
        default_pg: args.default_pg,
        webhook_url: args.webhook_url.filter(|u| !u.is_empty()),
        webhook_content_type: if args.webhook_form {
            WebhookFormat::Form
        } else {
            WebhookFormat::Json
        },
        webhook_retries: args.webhook_retries,
        faults,
    };
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, args.port));
    let sandbox = match Sandbox::bind(addr, config).await {
        Ok(s) => s,
        Err(err) => {
            eprintln!("iamport-sandbox: cannot listen on {addr}: {err}");
            return ExitCode::FAILURE;
        }
    };
    let mut stdout = std::io::stdout();
    if writeln!(stdout, "listening on {}", sandbox.url())
        .and_then(|()| stdout.flush())
        .is_err()
    {
        return ExitCode::FAILURE;
    }
    tracing::info!(url = %sandbox.url(), "iamport-sandbox ready");
    // Serve until the process is signalled; the default signal disposition ends it.
    std::future::pending::<()>().await;
    sandbox.shutdown().await;
    ExitCode::SUCCESS
}
