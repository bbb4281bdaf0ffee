//! Running the `iamport` binary against an in-process sandbox.
#![allow(dead_code)]

use iamport_sandbox::Sandbox;
use tokio::io::AsyncWriteExt;
use tokio::process::Command;

pub type TestResult = Result<(), Box<dyn std::error::Error>>;

#[derive(Debug)]
pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or(serde_json::Value::Null)
    }
}

/// `iamport` with the sandbox's credentials in the environment, like an operator's shell.
pub fn command(sandbox: &Sandbox, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_iamport"));
    cmd.args(args)
        .env("IAMPORT_IMP_KEY", sandbox.imp_key())
        .env("IAMPORT_IMP_SECRET", sandbox.imp_secret())
        .env("IAMPORT_BASE_URL", sandbox.url())
        .env_remove("IAMPORT_LOG")
        .kill_on_drop(true);
    cmd
}

pub async fn run(cmd: &mut Command, stdin: Option<&str>) -> Result<Out, std::io::Error> {
    cmd.stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn()?;
    if let Some(mut input) = child.stdin.take() {
        if let Some(text) = stdin {
            input.write_all(text.as_bytes()).await?;
        }
        drop(input);
    }
    let out = child.wait_with_output().await?;
    Ok(Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    })
}

pub async fn iamport(sandbox: &Sandbox, args: &[&str]) -> Result<Out, std::io::Error> {
    run(&mut command(sandbox, args), None).await
}

// -- a billing plan against the sandbox (bill and reconcile tests) -------------------------------

pub const CUSTOMERS: usize = 100;

/// Every 10th customer's card is declined.
pub fn declines(customer: usize) -> bool {
    customer % 10 == 3
}

pub fn client_for(
    sandbox: &Sandbox,
) -> Result<iamport_subscribe::Client, iamport_subscribe::Error> {
    iamport_subscribe::Client::builder()
        .imp_key(sandbox.imp_key())
        .imp_secret(sandbox.imp_secret())
        .base_url(sandbox.url())
        .build()
}

/// Billing keys `cust-0` … `cust-99`, the sandbox's declining test card for every 10th.
pub async fn setup_customers(sandbox: &Sandbox) -> TestResult {
    let client = client_for(sandbox)?;
    for c in 0..CUSTOMERS {
        let card = if declines(c) {
            "4000-0000-0000-0002"
        } else {
            "4111-1111-1111-1111"
        };
        client
            .issue_billing_key(&iamport_subscribe::IssueBillingKeyRequest {
                customer_uid: format!("cust-{c}"),
                card: iamport_subscribe::CardDetails::new(card, "2099-12"),
                ..Default::default()
            })
            .await?;
    }
    Ok(())
}

/// Row `r` charges customer `cust-{r % 100}` 1000 + r won as order `nov-{r}`.
pub fn write_plan(path: &std::path::Path, rows: usize) -> std::io::Result<()> {
    let mut text = String::from("customer_uid,merchant_uid,amount,name\n");
    for r in 0..rows {
        text.push_str(&format!(
            "cust-{},nov-{r},{},\"Plan, monthly\"\n",
            r % CUSTOMERS,
            1000 + r
        ));
    }
    std::fs::write(path, text)
}

/// About a fifth of all requests faulted, every kind of fault.
pub fn faults(seed: u64) -> iamport_sandbox::FaultPlan {
    use iamport_sandbox::{Fault, FaultPlan, FaultRule};
    let kinds = [
        Fault::Latency { ms: 30 },
        Fault::ServerError { status: 503 },
        Fault::TooManyRequests {
            retry_after_secs: 0,
        },
        Fault::MalformedBody,
        Fault::TruncatedBody,
        Fault::DropBeforeCommit,
        Fault::DropAfterCommit,
        Fault::TokenExpired,
    ];
    FaultPlan::new(
        seed,
        kinds
            .into_iter()
            .map(|f| FaultRule::new("*", 0.028, f))
            .collect(),
    )
}
