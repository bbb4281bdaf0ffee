//! `iamport`: operations on the Iamport (PortOne V1) recurring-billing API, the monthly billing
//! run, the demo of the seed flows and the sandbox, from the command line.

mod bill;
mod demo;
mod ops;
mod output;
mod prompt;
mod reconcile;

use clap::{Args, CommandFactory, Parser, Subcommand};
use iamport_sandbox::Sandbox;
use iamport_subscribe::{Client, Error};
use output::Exit;
use std::process::ExitCode;
use std::time::Duration;

const EXAMPLES: &str = "\
Examples:
  iamport --sandbox charge --customer-uid c-1 --merchant-uid order-1 --amount 9900 --name Basic
  iamport token                                  check IAMPORT_IMP_KEY / IAMPORT_IMP_SECRET
  iamport billing-keys get customer-1
  iamport billing-keys issue customer-1 --pg nice   (card data is asked for, never echoed)
  iamport payments find order-2026-11 --json
  iamport payments cancel imps_123456789012 --amount 5000 --checksum 9900 --reason \"partial\"
  iamport schedules list --from 2026-12-01 --to 2027-01-01 --status scheduled
  iamport bill plan.csv --concurrency 32 --rate 100
  iamport reconcile plan.results.csv --from 2026-11-01 --to 2026-11-30
  iamport payments list --status paid --from 2026-01-01 --to 2026-12-31 --json
  iamport completions bash > /etc/bash_completion.d/iamport
  iamport demo                                   the seed flows against an embedded sandbox

Credentials: IAMPORT_IMP_KEY, IAMPORT_IMP_SECRET and IAMPORT_BASE_URL (default
https://api.iamport.kr), or --imp-key / --imp-secret / --base-url. --sandbox uses an embedded
sandbox instead (its state ends with the command).

Exit codes:
  0 success                       5 card declined
  1 other failure (I/O, ...)      6 duplicate order (merchant_uid already paid)
  2 invalid usage or input        7 other API error
  3 authentication failed         8 network error or timeout
  4 not found                     9 outcome unknown / `bill` rows left unresolved
                                 10 `reconcile`: the run and Iamport's records differ";

#[derive(Parser)]
#[command(
    name = "iamport",
    version,
    about = "Iamport (PortOne V1) recurring billing: operations, the billing run, demo and sandbox",
    after_help = EXAMPLES,
)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

/// Options shared by every command that talks to the API.
#[derive(Args)]
struct Global {
    /// REST API key.
    #[arg(long, env = "IAMPORT_IMP_KEY", global = true)]
    imp_key: Option<String>,
    /// REST API secret (prefer the environment: a flag shows in the process list).
    #[arg(
        long,
        env = "IAMPORT_IMP_SECRET",
        hide_env_values = true,
        global = true
    )]
    imp_secret: Option<String>,
    /// API base URL.
    #[arg(long, env = "IAMPORT_BASE_URL", global = true)]
    base_url: Option<String>,
    /// Run against an embedded sandbox (credentials and base URL are ignored).
    #[arg(long, global = true)]
    sandbox: bool,
    /// Machine-readable JSON on stdout instead of tables.
    #[arg(long, global = true)]
    json: bool,
    /// Total time allowed for one HTTP request, in seconds.
    #[arg(long, global = true, value_name = "SECONDS", value_parser = parse_seconds)]
    timeout: Option<Duration>,
    /// Retries of a request that is safe to repeat (a charge is reconciled, never re-sent blindly).
    #[arg(long, global = true, value_name = "N")]
    max_retries: Option<u32>,
}

#[derive(Subcommand)]
enum Command {
    /// Check the credentials by fetching an access token (the token is never shown).
    Token,
    /// Billing keys: look up, issue from card data typed at a prompt, delete.
    #[command(subcommand)]
    BillingKeys(ops::BillingKeysCommand),
    /// Payments: look up by imp_uid or merchant_uid, list by status over a time range, refund.
    #[command(subcommand)]
    Payments(ops::PaymentsCommand),
    /// Scheduled charges: list, look up, revoke.
    #[command(subcommand)]
    Schedules(ops::SchedulesCommand),
    /// Charge a stored billing key once (`pay_again`).
    Charge(ops::ChargeArgs),
    /// The monthly billing run: charge every row of a CSV plan once, resumably.
    Bill(bill::BillArgs),
    /// Prove a billing run against Iamport's records: one paid payment of the right amount per
    /// charged row; rows with none, second charges, strays, other amounts and refunds listed.
    Reconcile(reconcile::ReconcileArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions { shell: clap_complete::Shell },
    /// Run the seed documents' four flows for nice and daou, plus a declined charge and refunds.
    Demo {
        /// Use the real API instead of an embedded sandbox (real, if test-mode, charges).
        #[arg(long)]
        live: bool,
    },
    /// Run the sandbox in the foreground.
    Sandbox {
        /// Port on 127.0.0.1 (0 = any free port).
        #[arg(long, default_value_t = 0)]
        port: u16,
        #[arg(long, env = "IAMPORT_SANDBOX_IMP_KEY")]
        sandbox_imp_key: Option<String>,
        #[arg(long, env = "IAMPORT_SANDBOX_IMP_SECRET", hide_env_values = true)]
        sandbox_imp_secret: Option<String>,
    },
}

// By hand: the secret must not show in Debug output.
impl std::fmt::Debug for Global {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Global")
            .field("imp_key", &self.imp_key)
            .field(
                "imp_secret",
                &self.imp_secret.as_ref().map(|_| "<redacted>"),
            )
            .field("base_url", &self.base_url)
            .field("sandbox", &self.sandbox)
            .field("json", &self.json)
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .finish()
    }
}

fn parse_seconds(text: &str) -> Result<Duration, String> {
    match text.trim().parse::<f64>() {
        Ok(s) if s.is_finite() && s > 0.0 && s < 1e9 => Ok(Duration::from_secs_f64(s)),
        _ => Err(format!(
            "expected a positive number of seconds, got {text:?}"
        )),
    }
}

/// A client plus, with `--sandbox`, the embedded sandbox it talks to (kept alive with it).
#[derive(Debug)]
pub struct Connection {
    pub client: Client,
    pub sandbox: Option<Sandbox>,
    pub json: bool,
}

impl Global {
    async fn connect(&self) -> Result<Connection, Exit> {
        let (mut builder, sandbox) = if self.sandbox {
            let sandbox = Sandbox::start()
                .await
                .map_err(|e| Exit::failure(format!("cannot start the embedded sandbox: {e}")))?;
            let builder = Client::builder()
                .imp_key(sandbox.imp_key())
                .imp_secret(sandbox.imp_secret())
                .base_url(sandbox.url());
            (builder, Some(sandbox))
        } else {
            let key = self.imp_key.clone().ok_or_else(|| {
                Exit::usage("no API key: set IAMPORT_IMP_KEY or pass --imp-key (or use --sandbox)")
            })?;
            let secret = self.imp_secret.clone().ok_or_else(|| {
                Exit::usage(
                    "no API secret: set IAMPORT_IMP_SECRET or pass --imp-secret (or use --sandbox)",
                )
            })?;
            let mut builder = Client::builder().imp_key(key).imp_secret(secret);
            if let Some(url) = &self.base_url {
                builder = builder.base_url(url.clone());
            }
            (builder, None)
        };
        if let Some(t) = self.timeout {
            builder = builder.timeout(t);
        }
        if let Some(n) = self.max_retries {
            builder = builder.retry_policy(iamport_subscribe::RetryPolicy {
                max_retries: n,
                ..Default::default()
            });
        }
        let client = builder.build().map_err(|e| Exit::from_error(&e))?;
        Ok(Connection {
            client,
            sandbox,
            json: self.json,
        })
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_env("IAMPORT_LOG"))
        .with_writer(std::io::stderr)
        .init();
    if let Command::Completions { shell } = cli.command {
        clap_complete::generate(
            shell,
            &mut Cli::command(),
            "iamport",
            &mut std::io::stdout(),
        );
        return ExitCode::SUCCESS;
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(run(cli))
}

async fn run(cli: Cli) -> ExitCode {
    let global = cli.global;
    let result = match cli.command {
        Command::Demo { live } => return demo::run(live).await,
        Command::Sandbox {
            port,
            sandbox_imp_key,
            sandbox_imp_secret,
        } => return run_sandbox(port, sandbox_imp_key, sandbox_imp_secret).await,
        Command::Completions { .. } => return ExitCode::SUCCESS,
        Command::Bill(args) => bill::run(&global, args).await,
        Command::Reconcile(args) => reconcile::run(&global, args).await,
        other => match global.connect().await {
            Ok(conn) => match other {
                Command::Token => ops::token(&conn).await,
                Command::BillingKeys(c) => ops::billing_keys(&conn, c).await,
                Command::Payments(c) => ops::payments(&conn, c).await,
                Command::Schedules(c) => ops::schedules(&conn, c).await,
                Command::Charge(a) => ops::charge(&conn, a).await,
                _ => Ok(()),
            },
            Err(e) => Err(e),
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(exit) => exit.report(global.json),
    }
}

impl From<Error> for Exit {
    fn from(e: Error) -> Exit {
        Exit::from_error(&e)
    }
}

async fn run_sandbox(port: u16, imp_key: Option<String>, imp_secret: Option<String>) -> ExitCode {
    let mut config = iamport_sandbox::SandboxConfig::default();
    if let Some(k) = imp_key {
        config.imp_key = k;
    }
    if let Some(s) = imp_secret {
        config.imp_secret = s;
    }
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let sandbox = match Sandbox::bind(addr, config).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: cannot start the sandbox on {addr}: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("listening on {}", sandbox.url());
    println!("imp_key: {}", sandbox.imp_key());
    println!("imp_secret: (set with --sandbox-imp-secret; default in sandbox/README.md)");
    if tokio::signal::ctrl_c().await.is_err() {
        eprintln!("error: cannot wait for Ctrl-C");
    }
    sandbox.shutdown().await;
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_secret_is_not_in_debug_output() {
        let cli = Cli::parse_from([
            "iamport",
            "--imp-key",
            "k",
            "--imp-secret",
            "s3cr3t-77",
            "token",
        ]);
        let text = format!("{:?}", cli.global);
        assert!(
            text.contains("<redacted>") && !text.contains("s3cr3t-77"),
            "{text}"
        );
    }
}
