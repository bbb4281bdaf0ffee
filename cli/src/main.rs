//! `iamport`: the demo of the seed billing flows and the sandbox, from the command line.

mod demo;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "iamport",
    version,
    about = "Iamport (PortOne V1) recurring billing: demo and local sandbox",
    after_help = "Examples:\n  iamport demo                 run the seed flows against an embedded sandbox\n  iamport demo --live          run them against the real API (IAMPORT_IMP_KEY, IAMPORT_IMP_SECRET and\n                               IAMPORT_DEMO_CARD_NUMBER, IAMPORT_DEMO_EXPIRY, ... must be set)\n  iamport sandbox --port 8080  serve the sandbox on 127.0.0.1:8080"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
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
        imp_key: Option<String>,
        #[arg(long, env = "IAMPORT_SANDBOX_IMP_SECRET", hide_env_values = true)]
        imp_secret: Option<String>,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_env("IAMPORT_LOG"))
        .with_writer(std::io::stderr)
        .init();
    match cli.command {
        Command::Demo { live } => demo::run(live).await,
        Command::Sandbox {
            port,
            imp_key,
            imp_secret,
        } => run_sandbox(port, imp_key, imp_secret).await,
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
    let sandbox = match iamport_sandbox::Sandbox::bind(addr, config).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: cannot start the sandbox on {addr}: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("listening on {}", sandbox.url());
    println!("imp_key: {}", sandbox.imp_key());
    println!("imp_secret: (set with --imp-secret; default in sandbox/README.md)");
    if tokio::signal::ctrl_c().await.is_err() {
        eprintln!("error: cannot wait for Ctrl-C");
    }
    sandbox.shutdown().await;
    ExitCode::SUCCESS
}
