//! `iamport demo` runs every seed flow for both PGs against the embedded sandbox.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

#[test]
fn demo_runs_the_seed_flows_for_nice_and_daou() {
    let out = Command::new(env!("CARGO_BIN_EXE_iamport"))
        .arg("demo")
        .env_remove("IAMPORT_IMP_KEY")
        .env_remove("IAMPORT_IMP_SECRET")
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "demo failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("http://127.0.0.1:"),
        "it ran against the embedded sandbox"
    );
    for pg in ["nice", "daou"] {
        for (step, status) in [
            ("key-in payment", "paid"),
            ("billing-key issue", "key issued"),
            ("issue + first charge", "paid"),
            ("repeat charge", "paid"),
            ("refund", "cancelled"),
        ] {
            let row = stdout
                .lines()
                .find(|l| l.contains(step) && l.contains(&format!(" {pg} ")) && l.contains(status));
            assert!(
                row.is_some(),
                "no {step} row for {pg} with {status}:\n{stdout}"
            );
        }
    }
    assert!(
        stdout
            .lines()
            .any(|l| l.contains("declined charge") && l.contains("declined: "))
    );
    // Only masked card numbers are shown.
    assert!(!stdout.contains("4111111111111111") && !stdout.contains("4111-1111-1111-1111"));
    assert!(stdout.contains("411111******1111"));
}

#[test]
fn live_demo_without_credentials_refuses_to_start() {
    let out = Command::new(env!("CARGO_BIN_EXE_iamport"))
        .args(["demo", "--live"])
        .env_remove("IAMPORT_IMP_KEY")
        .env_remove("IAMPORT_IMP_SECRET")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("IAMPORT_IMP_KEY"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_mode_reads_credentials_and_card_from_the_environment() {
    // A sandbox stands in for the real API: this exercises Client::from_env and the --live path.
    let sandbox = iamport_sandbox::Sandbox::start().await.unwrap();
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_iamport"))
        .args(["demo", "--live"])
        .env("IAMPORT_IMP_KEY", sandbox.imp_key())
        .env("IAMPORT_IMP_SECRET", sandbox.imp_secret())
        .env("IAMPORT_BASE_URL", sandbox.url())
        .env("IAMPORT_DEMO_CARD_NUMBER", "5500-0000-0000-0004")
        .env("IAMPORT_DEMO_EXPIRY", "2031-01")
        .env("IAMPORT_DEMO_BIRTH", "820213")
        .env("IAMPORT_DEMO_PWD_2DIGIT", "00")
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("550000******0004"));
    assert!(
        !stdout.contains("declined charge"),
        "no decline card on the real API"
    );
    // Everything charged was refunded: 3 charges per PG.
    let paid = sandbox
        .ledger()
        .iter()
        .filter(|p| p["status"] == "cancelled")
        .count();
    assert_eq!(paid, 6, "{stdout}");
    assert!(sandbox.ledger().iter().all(|p| p["status"] == "cancelled"));
}
