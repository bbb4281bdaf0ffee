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
