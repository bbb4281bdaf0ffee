//! The operations commands, run as a user runs them: the built binary, credentials in the
//! environment, real HTTP to a sandbox.

mod common;

use common::{TestResult, command, iamport, run};
use iamport_sandbox::Sandbox;
use iamport_subscribe::{Amount, CardDetails, Client, ScheduleEntry, ScheduleRequest};

const CARD: &str = "4111-2222-3333-4448";
const CARD_DIGITS: &str = "4111222233334448";

async fn client(sandbox: &Sandbox) -> Result<Client, iamport_subscribe::Error> {
    Client::builder()
        .imp_key(sandbox.imp_key())
        .imp_secret(sandbox.imp_secret())
        .base_url(sandbox.url())
        .build()
}

/// Issues a billing key through the command, card data on piped stdin.
async fn issue(
    sandbox: &Sandbox,
    customer_uid: &str,
    card: &str,
) -> Result<common::Out, std::io::Error> {
    let input = format!("{card}\n2099-12\n900101\n12\n");
    run(
        &mut command(
            sandbox,
            &["billing-keys", "issue", customer_uid, "--pg", "nice"],
        ),
        Some(&input),
    )
    .await
}

#[tokio::test]
async fn token_checks_the_credentials_without_showing_a_token() -> TestResult {
    let sandbox = Sandbox::start().await?;
    let ok = iamport(&sandbox, &["token", "--json"]).await?;
    assert_eq!(ok.code, 0, "{ok:?}");
    assert_eq!(ok.json()["ok"], true);
    assert!(!ok.stdout.contains("access_token"), "{ok:?}");

    let mut bad = command(&sandbox, &["token"]);
    bad.env("IAMPORT_IMP_SECRET", "wrong-secret");
    let bad = run(&mut bad, None).await?;
    assert_eq!(
        bad.code, 3,
        "authentication failure has its own exit code: {bad:?}"
    );
    assert!(
        bad.stderr.starts_with("error: authentication failed"),
        "{bad:?}"
    );
    assert!(!bad.stderr.contains("wrong-secret"), "{bad:?}");

    let mut none = command(&sandbox, &["token"]);
    none.env_remove("IAMPORT_IMP_KEY");
    let none = run(&mut none, None).await?;
    assert_eq!(none.code, 2, "{none:?}");
    assert!(none.stderr.contains("IAMPORT_IMP_KEY"), "{none:?}");
    Ok(())
}

#[tokio::test]
async fn billing_keys_issue_get_list_delete() -> TestResult {
    let sandbox = Sandbox::start().await?;
    let issued = issue(&sandbox, "cust-1", CARD).await?;
    assert_eq!(issued.code, 0, "{issued:?}");
    // The card data went in on stdin; nothing of it comes back out but the API's masked number.
    for out in [&issued.stdout, &issued.stderr] {
        for secret in [CARD, CARD_DIGITS, "2099-12", "900101"] {
            assert!(!out.contains(secret), "{secret} shown: {issued:?}");
        }
    }
    assert!(
        issued.stdout.contains("cust-1") && issued.stdout.contains("411122******4448"),
        "{issued:?}"
    );

    let got = iamport(&sandbox, &["billing-keys", "get", "cust-1", "--json"]).await?;
    assert_eq!(got.code, 0, "{got:?}");
    assert_eq!(got.json()["customer_uid"], "cust-1");
    assert_eq!(got.json()["pg_provider"], "nice");

    let listed = iamport(
        &sandbox,
        &["--json", "billing-keys", "list", "cust-1", "nobody"],
    )
    .await?;
    assert_eq!(listed.code, 0, "{listed:?}");
    assert_eq!(listed.json()["found"][0]["customer_uid"], "cust-1");
    assert_eq!(listed.json()["missing"], serde_json::json!(["nobody"]));

    let table = iamport(&sandbox, &["billing-keys", "list", "cust-1", "nobody"]).await?;
    assert!(table.stdout.contains("missing: nobody"), "{table:?}");

    let deleted = iamport(
        &sandbox,
        &["billing-keys", "delete", "cust-1", "--reason", "left"],
    )
    .await?;
    assert_eq!(deleted.code, 0, "{deleted:?}");
    let gone = iamport(&sandbox, &["billing-keys", "get", "cust-1"]).await?;
    assert_eq!(gone.code, 4, "not found has its own exit code: {gone:?}");
    assert!(gone.stderr.starts_with("error: not found"), "{gone:?}");
    Ok(())
}

#[tokio::test]
async fn bad_card_data_is_refused_before_anything_is_sent() -> TestResult {
    let sandbox = Sandbox::start().await?;
    let before = sandbox.total_requests();
    let out = run(
        &mut command(&sandbox, &["billing-keys", "issue", "cust-2"]),
        Some("4111-2222-33\n2099-12\n\n\n"),
    )
    .await?;
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("card_number"), "{out:?}");
    assert!(!out.stderr.contains("4111-2222-33"), "{out:?}");
    assert_eq!(sandbox.total_requests(), before, "nothing may be sent");
    Ok(())
}

#[tokio::test]
async fn charge_then_find_get_and_refund() -> TestResult {
    let sandbox = Sandbox::start().await?;
    assert_eq!(issue(&sandbox, "cust-1", CARD).await?.code, 0);
    assert_eq!(
        issue(&sandbox, "cust-d", "4000-0000-0000-0002").await?.code,
        0
    );

    let paid = iamport(
        &sandbox,
        &[
            "charge",
            "--customer-uid",
            "cust-1",
            "--merchant-uid",
            "order-1",
            "--amount",
            "9900",
            "--name",
            "Basic",
            "--json",
        ],
    )
    .await?;
    assert_eq!(paid.code, 0, "{paid:?}");
    let payment = paid.json();
    assert_eq!(payment["status"], "paid");
    assert_eq!(payment["amount"], 9900);
    let imp_uid = payment["imp_uid"].as_str().unwrap_or_default().to_string();

    // The same order again: the API's duplicate guard, exit code 6.
    let again = iamport(
        &sandbox,
        &[
            "charge",
            "--customer-uid",
            "cust-1",
            "--merchant-uid",
            "order-1",
            "--amount",
            "9900",
        ],
    )
    .await?;
    assert_eq!(again.code, 6, "{again:?}");

    // A decline is a failure with its own exit code, and shows the failed payment.
    let declined = iamport(
        &sandbox,
        &[
            "charge",
            "--customer-uid",
            "cust-d",
            "--merchant-uid",
            "order-2",
            "--amount",
            "9900",
            "--json",
        ],
    )
    .await?;
    assert_eq!(declined.code, 5, "{declined:?}");
    assert_eq!(declined.json()["error"]["kind"], "CardDeclined");
    assert_eq!(declined.json()["error"]["payment"]["status"], "failed");
    let human = iamport(
        &sandbox,
        &[
            "charge",
            "--customer-uid",
            "cust-d",
            "--merchant-uid",
            "order-3",
            "--amount",
            "9900",
        ],
    )
    .await?;
    assert_eq!(human.code, 5);
    assert!(
        human.stdout.contains("failed") && human.stderr.starts_with("error: card declined"),
        "{human:?}"
    );

    let got = iamport(&sandbox, &["payments", "get", &imp_uid]).await?;
    assert_eq!(got.code, 0, "{got:?}");
    assert!(
        got.stdout.contains("order-1") && got.stdout.contains("paid"),
        "{got:?}"
    );

    let found = iamport(&sandbox, &["payments", "find", "order-1", "--json"]).await?;
    assert_eq!(found.json()["imp_uid"], imp_uid.as_str());
    let all = iamport(
        &sandbox,
        &["payments", "find", "order-2", "--all", "--json"],
    )
    .await?;
    assert_eq!(all.json().as_array().map(Vec::len), Some(1), "{all:?}");
    let none = iamport(&sandbox, &["payments", "find", "order-404", "--all"]).await?;
    assert_eq!(none.code, 4, "{none:?}");

    // Partial refund with a checksum; repeating it with the stale checksum is refused.
    let refund = [
        "payments",
        "cancel",
        imp_uid.as_str(),
        "--amount",
        "4900",
        "--checksum",
        "9900",
        "--reason",
        "partial",
        "--json",
    ];
    let first = iamport(&sandbox, &refund).await?;
    assert_eq!(first.code, 0, "{first:?}");
    assert_eq!(first.json()["cancel_amount"], 4900);
    let repeat = iamport(&sandbox, &refund).await?;
    assert_eq!(
        repeat.code, 7,
        "a stale checksum is an API error: {repeat:?}"
    );
    let rest = iamport(
        &sandbox,
        &["payments", "cancel", "--merchant-uid", "order-1", "--json"],
    )
    .await?;
    assert_eq!(rest.code, 0, "{rest:?}");
    assert_eq!(rest.json()["status"], "cancelled");

    // Ledger: one paid (now cancelled) and two declined, nothing else.
    assert_eq!(sandbox.ledger().len(), 3);
    Ok(())
}

#[tokio::test]
async fn schedules_list_get_revoke() -> TestResult {
    let sandbox = Sandbox::start().await?;
    let client = client(&sandbox).await?;
    let now = sandbox.now();
    let entries = (0..3)
        .map(|i| ScheduleEntry {
            merchant_uid: format!("sched-{i}"),
            schedule_at: now + 86_400 * (i + 1),
            amount: Amount::new(9900),
            name: Some("monthly".into()),
            ..Default::default()
        })
        .collect();
    client
        .schedule(&ScheduleRequest {
            customer_uid: "cust-s".into(),
            schedules: entries,
            card: Some(CardDetails::new(CARD, "2099-12")),
            ..Default::default()
        })
        .await?;

    let from = now.to_string();
    let to = (now + 86_400 * 10).to_string();
    let listed = iamport(
        &sandbox,
        &["schedules", "list", "--from", &from, "--to", &to, "--json"],
    )
    .await?;
    assert_eq!(listed.code, 0, "{listed:?}");
    assert_eq!(
        listed.json().as_array().map(Vec::len),
        Some(3),
        "{listed:?}"
    );
    let mine = iamport(
        &sandbox,
        &[
            "schedules",
            "list",
            "--customer",
            "cust-s",
            "--from",
            &from,
            "--to",
            &to,
        ],
    )
    .await?;
    assert!(mine.stdout.contains("3 scheduled charge(s)"), "{mine:?}");

    let one = iamport(&sandbox, &["schedules", "get", "sched-1", "--json"]).await?;
    assert_eq!(one.json()["schedule_status"], "scheduled");

    let revoked = iamport(
        &sandbox,
        &[
            "schedules",
            "revoke",
            "cust-s",
            "--merchant-uid",
            "sched-0",
            "--json",
        ],
    )
    .await?;
    assert_eq!(revoked.code, 0, "{revoked:?}");
    assert_eq!(revoked.json()[0]["merchant_uid"], "sched-0");
    let refused = iamport(&sandbox, &["schedules", "revoke", "cust-s"]).await?;
    assert_eq!(
        refused.code, 2,
        "revoking everything needs --all: {refused:?}"
    );
    let all = iamport(&sandbox, &["schedules", "revoke", "cust-s", "--all"]).await?;
    assert!(
        all.stdout.contains("2 scheduled charge(s) revoked"),
        "{all:?}"
    );
    let after = iamport(&sandbox, &["schedules", "get", "sched-2", "--json"]).await?;
    assert_eq!(after.json()["schedule_status"], "revoked");
    Ok(())
}

#[tokio::test]
async fn embedded_sandbox_help_and_completions() -> TestResult {
    let sandbox = Sandbox::start().await?; // only for the command's environment
    let mut cmd = command(
        &sandbox,
        &[
            "--sandbox",
            "charge",
            "--customer-uid",
            "c-1",
            "--merchant-uid",
            "o-1",
            "--amount",
            "1000",
            "--json",
        ],
    );
    cmd.env_remove("IAMPORT_IMP_KEY")
        .env_remove("IAMPORT_IMP_SECRET");
    let out = run(&mut cmd, None).await?;
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.json()["status"], "paid");
    assert_eq!(
        sandbox.total_requests(),
        0,
        "--sandbox talks to its own sandbox"
    );

    let help = iamport(&sandbox, &["--help"]).await?;
    for text in [
        "Examples:",
        "Exit codes:",
        "billing-keys",
        "bill",
        "IAMPORT_IMP_KEY",
    ] {
        assert!(help.stdout.contains(text), "--help lacks {text}: {help:?}");
    }
    for shell in ["bash", "zsh", "fish"] {
        let c = iamport(&sandbox, &["completions", shell]).await?;
        assert_eq!(c.code, 0, "{shell}: {}", c.stderr);
        assert!(
            c.stdout.contains("billing-keys") && c.stdout.contains("concurrency"),
            "{shell}: the script lacks the commands or options"
        );
    }
    let bad = iamport(&sandbox, &["charge", "--customer-uid", "c"]).await?;
    assert_eq!(bad.code, 2, "{bad:?}");
    Ok(())
}

#[tokio::test]
async fn payments_list_by_status_over_more_than_90_days() -> TestResult {
    let sandbox = Sandbox::start().await?;
    let api = client(&sandbox).await?;
    for (customer, card) in [
        ("c-ok", "4111-1111-1111-1111"),
        ("c-no", "4000-0000-0000-0002"),
    ] {
        api.issue_billing_key(&iamport_subscribe::IssueBillingKeyRequest {
            customer_uid: customer.into(),
            card: CardDetails::new(card, "2099-12"),
            ..Default::default()
        })
        .await?;
    }
    let charge = |customer: &'static str, order: &'static str| {
        let api = api.clone();
        async move {
            api.pay_again(&iamport_subscribe::PayAgainRequest {
                customer_uid: customer.into(),
                merchant_uid: order.into(),
                amount: 1000.into(),
                ..Default::default()
            })
            .await
        }
    };
    let start = sandbox.now().to_string();
    charge("c-ok", "p-old").await?;
    sandbox.advance_clock(std::time::Duration::from_secs(120 * 86_400));
    charge("c-ok", "p-new").await?;
    assert!(charge("c-no", "p-declined").await.is_err());
    let now = sandbox.now().to_string();

    let orders = |out: &common::Out| -> Vec<String> {
        out.json()
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| p["merchant_uid"].as_str().unwrap_or("").to_owned())
            .collect()
    };
    let range = ["--from", start.as_str(), "--to", now.as_str()];
    let list = |extra: &[&str]| {
        let mut args = vec!["payments", "list", "--json"];
        args.extend_from_slice(extra);
        let args: Vec<String> = args.into_iter().map(str::to_owned).collect();
        let sandbox = &sandbox;
        async move {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            iamport(sandbox, &args).await
        }
    };
    let paid = list(&[&["--status", "paid"][..], &range].concat()).await?;
    assert_eq!(paid.code, 0, "{paid:?}");
    assert_eq!(orders(&paid), ["p-new", "p-old"], "newest first");
    let oldest_first =
        list(&[&["--status", "paid", "--sorting", "paid"][..], &range].concat()).await?;
    assert_eq!(orders(&oldest_first), ["p-old", "p-new"]);
    let newest_paid =
        list(&[&["--status", "paid", "--sorting", "-paid"][..], &range].concat()).await?;
    assert_eq!(orders(&newest_paid), ["p-new", "p-old"]);
    let failed = list(&[&["--status", "failed"][..], &range].concat()).await?;
    assert_eq!(orders(&failed), ["p-declined"]);
    assert_eq!(failed.json()[0]["status"], "failed");
    let all = list(&range).await?;
    assert_eq!(all.json().as_array().map(Vec::len), Some(3));
    let one = list(&[&["--max", "1"][..], &range].concat()).await?;
    assert_eq!(one.json().as_array().map(Vec::len), Some(1));
    // Without a range: the last 90 days.
    let recent = list(&["--status", "paid"]).await?;
    assert_eq!(orders(&recent), ["p-new"]);
    let none = list(&["--status", "cancelled"]).await?;
    assert_eq!((none.code, none.stdout.trim()), (0, "[]"));

    let table = iamport(&sandbox, &[&["payments", "list"][..], &range].concat()).await?;
    assert_eq!(table.code, 0, "{table:?}");
    assert!(
        table.stdout.contains("p-old") && table.stdout.contains("3 payment(s)"),
        "{table:?}"
    );

    let before = sandbox.total_requests();
    for (args, field) in [
        (vec!["payments", "list", "--status", "refunded"], "status"),
        (vec!["payments", "list", "--sorting", "newest"], "sorting"),
        (
            vec!["payments", "list", "--from", &now, "--to", &start],
            "to",
        ),
    ] {
        let out = iamport(&sandbox, &args).await?;
        assert_eq!(out.code, 2, "{out:?}");
        assert!(
            out.stderr.contains(&format!("invalid request: {field}")),
            "{out:?}"
        );
    }
    assert_eq!(sandbox.total_requests(), before, "nothing sent");
    Ok(())
}
