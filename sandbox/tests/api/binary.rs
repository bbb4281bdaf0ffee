//! The `iamport-sandbox` binary: first stdout line, flags, and a real request.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use serde_json::{Value, json};

use crate::common::client;

#[tokio::test]
async fn binary_prints_its_url_and_serves() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_iamport-sandbox"))
        .args([
            "--port",
            "0",
            "--imp-key",
            "bin-key",
            "--imp-secret",
            "bin-secret",
        ])
        .env_remove("IAMPORT_SANDBOX_PORT")
        .env_remove("IAMPORT_SANDBOX_IMP_KEY")
        .env_remove("IAMPORT_SANDBOX_IMP_SECRET")
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let line = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        line
    })
    .await
    .unwrap();
    let result = async move {
        let url = line
            .strip_prefix("listening on ")
            .and_then(|l| l.strip_suffix('\n'))
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_owned();
        let port: u16 = url
            .strip_prefix("http://127.0.0.1:")
            .unwrap()
            .parse()
            .unwrap();
        assert_ne!(port, 0);
        let http = client();
        let token = |key: &'static str, secret: &'static str| {
            let http = http.clone();
            let url = format!("{url}/users/getToken");
            async move {
                let resp = http
                    .post(url)
                    .json(&json!({"imp_key": key, "imp_secret": secret}))
                    .send()
                    .await
                    .unwrap();
                (resp.status().as_u16(), resp.json::<Value>().await.unwrap())
            }
        };
        let (status, body) = token("bin-key", "bin-secret").await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["response"]["access_token"].as_str().unwrap().len(), 40);
        assert_eq!(token("sandbox_imp_key", "sandbox_imp_secret").await.0, 401);
    };
    // Always stop the child, even when an assertion fails.
    let outcome = tokio::spawn(result).await;
    child.kill().unwrap();
    child.wait().unwrap();
    outcome.unwrap();
}
