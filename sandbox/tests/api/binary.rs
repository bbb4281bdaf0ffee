//! The `iamport-sandbox` binary: first stdout line, flags, and a real request.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use serde_json::{Value, json};

use crate::common::{CARD, EXPIRY, Receiver, client};

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

/// The way other languages use it: the binary with webhook flags, driven over HTTP only.
#[tokio::test]
async fn binary_sends_webhooks_on_clock_advance() {
    let mut hooks = Receiver::start().await;
    hooks.answer_with(&[500]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_iamport-sandbox"))
        .args(["--port", "0", "--webhook-form", "--webhook-retries", "1"])
        .args(["--webhook-url", &hooks.url("/bin")])
        .env_remove("IAMPORT_SANDBOX_PORT")
        .env_remove("IAMPORT_SANDBOX_IMP_KEY")
        .env_remove("IAMPORT_SANDBOX_IMP_SECRET")
        .env_remove("IAMPORT_SANDBOX_WEBHOOK_URL")
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
            .trim()
            .strip_prefix("listening on ")
            .unwrap()
            .to_owned();
        let http = client();
        let post = |path: String, token: Option<String>, body: Value| {
            let mut req = http.post(format!("{url}{path}")).json(&body);
            if let Some(t) = token {
                req = req.bearer_auth(t);
            }
            async move { req.send().await.unwrap().json::<Value>().await.unwrap() }
        };
        let auth = post(
            "/users/getToken".into(),
            None,
            json!({"imp_key": "sandbox_imp_key", "imp_secret": "sandbox_imp_secret"}),
        )
        .await;
        let token = auth["response"]["access_token"]
            .as_str()
            .unwrap()
            .to_owned();
        let now = auth["response"]["now"].as_i64().unwrap();
        let body = post(
            "/subscribe/payments/schedule".into(),
            Some(token),
            json!({"customer_uid": "bin", "card_number": CARD, "expiry": EXPIRY,
                   "schedules": [{"merchant_uid": "bin-1", "schedule_at": now + 3600, "amount": 1000}]}),
        )
        .await;
        assert_eq!(body["code"], 0, "{body}");
        let body = post(
            "/__sandbox/clock/advance".into(),
            None,
            json!({"seconds": 3600}),
        )
        .await;
        assert_eq!(body, json!({"ok": true}));
        // Answered only after both attempts (500, then 200) were made.
        let deliveries: Value = http
            .get(format!("{url}/__sandbox/webhooks"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let statuses: Vec<&Value> = deliveries
            .as_array()
            .unwrap()
            .iter()
            .map(|d| &d["status"])
            .collect();
        assert_eq!(statuses, [&json!(500), &json!(200)], "{deliveries}");
        let got = hooks.received();
        assert_eq!(got.len(), 2);
        assert_eq!(got[1].path, "/bin");
        assert_eq!(got[1].content_type, "application/x-www-form-urlencoded");
        assert!(
            got[1].body.ends_with("&merchant_uid=bin-1&status=paid"),
            "{:?}",
            got[1]
        );
    };
    let outcome = tokio::spawn(result).await;
    child.kill().unwrap();
    child.wait().unwrap();
    outcome.unwrap();
}
