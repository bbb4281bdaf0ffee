//! `iamport reconcile`: a 2,000-row billing run under injected faults reconciles clean (read from
//! its CSV and its JSON results, with faults on the listing too, sorted on disk); a stray
//! payment, a second charge of one order and a partial refund made directly through the API
//! afterwards are each reported; and every other kind of difference, from a results file that
//! disagrees with the ledger.

mod common;

use common::{
    CUSTOMERS, Out, TestResult, client_for, declines, faults, iamport, setup_customers, write_plan,
};
use iamport_sandbox::Sandbox;
use iamport_subscribe::{
    CancelPaymentRequest, CardDetails, IssueBillingKeyRequest, PayAgainRequest,
};
use rand::Rng;
use serde_json::Value;
use std::collections::BTreeMap;
use std::time::Duration;

const ROWS: usize = 2000;

/// The kinds of the findings of a `--json` report, counted.
fn kinds(out: &Out) -> BTreeMap<String, usize> {
    let mut kinds = BTreeMap::new();
    for f in out.json()["findings"].as_array().into_iter().flatten() {
        *kinds
            .entry(f["kind"].as_str().unwrap_or("?").to_owned())
            .or_default() += 1;
    }
    kinds
}

/// The findings of one kind.
fn findings(json: &Value, kind: &str) -> Vec<Value> {
    json["findings"]
        .as_array()
        .map(|a| a.iter().filter(|f| f["kind"] == kind).cloned().collect())
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_faulty_run_reconciles_clean_then_a_stray_a_second_charge_and_a_refund_are_reported()
-> TestResult {
    let seed: u64 = std::env::var("RECONCILE_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| rand::rng().random());
    eprintln!("RECONCILE_SEED={seed}");
    let sandbox = Sandbox::start().await?;
    setup_customers(&sandbox).await?;
    let dir = tempfile::tempdir()?;
    let plan = dir.path().join("plan.csv");
    write_plan(&plan, ROWS)?;
    let (plan, csv, json) = (
        plan.to_string_lossy().into_owned(),
        dir.path()
            .join("results.csv")
            .to_string_lossy()
            .into_owned(),
        dir.path()
            .join("results.json")
            .to_string_lossy()
            .into_owned(),
    );
    let from = sandbox.now().to_string();

    // The run, under faults; rows left unresolved by them are finished by running it again (the
    // faults cleared after two tries, so that the test ends).
    sandbox.set_faults(faults(seed));
    let bill = |results: String| {
        let (sandbox, plan) = (&sandbox, plan.clone());
        async move {
            let args = [
                "bill",
                &plan,
                "--concurrency",
                "32",
                "--results",
                &results,
                "--resume-grace",
                "0.5",
                "--timeout",
                "10",
            ];
            iamport(sandbox, &args).await
        }
    };
    let mut runs = 0;
    loop {
        let out = bill(csv.clone()).await?;
        runs += 1;
        if out.code == 0 {
            break;
        }
        assert!(
            matches!(out.code, 3 | 9) && runs < 5,
            "bill (seed {seed}): {out:?}"
        );
        if runs == 2 {
            sandbox.clear_faults();
        }
    }
    let faulted: u64 = sandbox.fault_counts().values().sum();
    assert!(faulted > 100, "faults were injected: {faulted}");
    // The same finished run's results as JSON (nothing is charged again).
    assert_eq!(bill(json.clone()).await?.code, 0);
    let to = sandbox.now().to_string();

    // Clean, from either results file, with the listing faulted too and sorted on disk.
    sandbox.set_faults(faults(seed.wrapping_add(1)));
    let reconcile = |results: &str, to: &str, json: bool| {
        let mut args = vec![
            "reconcile",
            results,
            "--from",
            &from,
            "--to",
            to,
            "--sort-chunk",
            "300",
            "--max-retries",
            "10",
            "--timeout",
            "10",
        ];
        if json {
            args.push("--json");
        }
        let args: Vec<String> = args.into_iter().map(str::to_owned).collect();
        let sandbox = &sandbox;
        async move {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            iamport(sandbox, &args).await
        }
    };
    let paid_rows: Vec<usize> = (0..ROWS).filter(|r| !declines(r % CUSTOMERS)).collect();
    let expected_amount: usize = paid_rows.iter().map(|r| 1000 + r).sum();
    for results in [&csv, &json] {
        let out = reconcile(results, &to, true).await?;
        assert_eq!(out.code, 0, "{results} (seed {seed}): {out:?}");
        let report = out.json();
        assert_eq!(report["findings"], serde_json::json!([]), "{report}");
        let summary = &report["summary"];
        assert_eq!(summary["clean"], true);
        assert_eq!(summary["rows"], ROWS);
        assert_eq!(summary["rows_charged"], paid_rows.len());
        assert_eq!(
            summary["rows_not_charged_as_recorded"],
            ROWS - paid_rows.len()
        );
        assert_eq!(summary["payments_in_window"], ROWS, "one payment a row");
        assert_eq!(summary["expected_amount"], expected_amount.to_string());
        assert_eq!(summary["charged_amount"], expected_amount.to_string());
        assert_eq!(summary["looked_up"], 0);
    }
    sandbox.clear_faults();

    // Then, directly through the API: a stray payment, a second charge of row nov-7's order
    // (cust-7, 1007 won) under another merchant_uid, and a partial refund of nov-8.
    let client = client_for(&sandbox)?;
    client
        .issue_billing_key(&IssueBillingKeyRequest {
            customer_uid: "outsider".into(),
            card: CardDetails::new("4111-1111-1111-1111", "2099-12"),
            ..Default::default()
        })
        .await?;
    for (customer, order, amount) in [
        ("outsider", "stray-1", 4321),
        ("cust-7", "nov-7-again", 1007),
    ] {
        client
            .pay_again(&PayAgainRequest {
                customer_uid: customer.into(),
                merchant_uid: order.into(),
                amount: amount.into(),
                ..Default::default()
            })
            .await?;
    }
    client
        .cancel_payment(&CancelPaymentRequest {
            merchant_uid: Some("nov-8".into()),
            amount: Some(300.into()),
            checksum: Some(1008.into()),
            reason: Some("goodwill".into()),
            ..Default::default()
        })
        .await?;
    let to = sandbox.now().to_string();
    let out = reconcile(&csv, &to, true).await?;
    assert_eq!(out.code, 10, "{out:?}");
    assert_eq!(
        kinds(&out),
        BTreeMap::from([
            ("charged_twice".to_owned(), 1),
            ("refunded".to_owned(), 1),
            ("stray".to_owned(), 1)
        ]),
        "{}",
        out.stdout
    );
    let report = out.json();
    let twice = &findings(&report, "charged_twice")[0];
    assert_eq!(twice["row"]["merchant_uid"], "nov-7");
    assert_eq!(twice["row"]["line"], 9);
    assert_eq!(twice["payment"]["merchant_uid"], "nov-7-again");
    let refund = &findings(&report, "refunded")[0];
    assert_eq!(refund["row"]["merchant_uid"], "nov-8");
    assert_eq!(refund["payment"]["cancel_amount"], 300);
    assert_eq!(refund["payment"]["status"], "paid");
    let stray = &findings(&report, "stray")[0];
    assert_eq!(stray["payment"]["merchant_uid"], "stray-1");
    assert_eq!(stray["payment"]["amount"], 4321);
    assert_eq!(report["summary"]["stray_amount"], "4321");
    assert_eq!(report["summary"]["refunded_amount"], "300");
    assert_eq!(report["summary"]["clean"], false);

    // For people: one line a difference, the summary, and the exit status.
    let out = reconcile(&csv, &to, false).await?;
    assert_eq!(out.code, 10, "{out:?}");
    for needle in [
        "charged_twice   line 9       nov-7: charged again under merchant_uid nov-7-again",
        "refunded        line 10      nov-8: partly refunded since: 300 of 1008 KRW",
        "stray           line -       stray-1: ",
    ] {
        assert!(out.stdout.contains(needle), "{needle:?} in {}", out.stdout);
    }
    assert!(out.stderr.contains("3 difference(s)"), "{}", out.stderr);
    Ok(())
}

/// A results file that disagrees with the ledger in every other way.
#[tokio::test]
async fn every_kind_of_difference_is_reported() -> TestResult {
    let sandbox = Sandbox::start().await?;
    let client = client_for(&sandbox)?;
    for (customer, card) in [
        ("c-ok", "4111-1111-1111-1111"),
        ("c-no", "4000-0000-0000-0002"),
    ] {
        client
            .issue_billing_key(&IssueBillingKeyRequest {
                customer_uid: customer.into(),
                card: CardDetails::new(card, "2099-12"),
                ..Default::default()
            })
            .await?;
    }
    let mut imp = BTreeMap::new();
    let mut charge = async |customer: &str, order: &str, amount: i64| -> TestResult {
        let result = client
            .pay_again(&PayAgainRequest {
                customer_uid: customer.into(),
                merchant_uid: order.into(),
                amount: amount.into(),
                ..Default::default()
            })
            .await;
        match result {
            Ok(p) => {
                imp.insert(order.to_owned(), p.imp_uid);
            }
            Err(iamport_subscribe::Error::CardDeclined { .. }) => {}
            Err(e) => return Err(e.into()),
        }
        Ok(())
    };
    // a-0 is paid a day before the window: found by looking it up.
    charge("c-ok", "a-0", 50).await?;
    sandbox.advance_clock(Duration::from_secs(86_400));
    let from = sandbox.now().to_string();
    charge("c-ok", "a-1", 100).await?;
    charge("c-ok", "a-2", 200).await?;
    charge("c-no", "a-3", 300).await?;
    charge("c-ok", "a-4", 400).await?;
    charge("c-ok", "a-5", 500).await?;
    let to = sandbox.now().to_string();

    let dir = tempfile::tempdir()?;
    let results = dir.path().join("results.csv");
    let lines = [
        "line,customer_uid,merchant_uid,amount,status,imp_uid,detail".to_owned(),
        format!("2,c-ok,a-0,50,paid,{},", imp["a-0"]),
        format!("3,c-ok,a-1,100,paid,{},", imp["a-1"]),
        format!("4,c-ok,a-2,250,paid,{},", imp["a-2"]),
        "5,c-no,a-3,300,paid,,".to_owned(),
        "6,c-ok,a-4,400,declined,,[테스트] 카드 한도초과".to_owned(),
        "7,c-ok,a-5,500,unknown,,in flight".to_owned(),
        "8,c-ok,a-6,600,paid,imps_000000000000,".to_owned(),
        format!("9,c-ok,a-1,100,paid,{},", imp["a-1"]),
        "10,c-no,a-7,700,declined,,".to_owned(),
        "11,c-ok,a-8,800,not_sent,,".to_owned(),
    ];
    std::fs::write(&results, lines.join("\n") + "\n")?;
    let r = results.to_string_lossy().into_owned();
    let out = iamport(
        &sandbox,
        &["reconcile", &r, "--from", &from, "--to", &to, "--json"],
    )
    .await?;
    assert_eq!(out.code, 10, "{out:?}");
    assert_eq!(
        kinds(&out),
        BTreeMap::from([
            ("amount_differs".to_owned(), 1),
            ("duplicate_row".to_owned(), 1),
            ("not_charged".to_owned(), 2),
            ("status_differs".to_owned(), 1),
            ("unresolved".to_owned(), 2),
        ]),
        "{}",
        out.stdout
    );
    let report = out.json();
    let orders = |kind: &str| {
        let mut orders: Vec<String> = findings(&report, kind)
            .iter()
            .map(|f| f["row"]["merchant_uid"].as_str().unwrap_or("").to_owned())
            .collect();
        orders.sort();
        orders
    };
    assert_eq!(orders("amount_differs"), ["a-2"]);
    assert_eq!(orders("not_charged"), ["a-3", "a-6"]);
    assert_eq!(orders("status_differs"), ["a-4"]);
    assert_eq!(orders("unresolved"), ["a-5", "a-8"]);
    assert_eq!(findings(&report, "duplicate_row")[0]["row"]["line"], 9);
    let summary = &report["summary"];
    // a-0 (outside the window), a-3, a-6 and a-8: nothing of theirs in the window.
    assert_eq!(summary["looked_up"], 4);
    assert_eq!(summary["rows"], 10);
    assert_eq!(summary["payments_in_window"], 5);

    // A lookup that fails ends the command with its error; the JSON document still parses, with
    // the findings made so far and the error.
    sandbox.set_faults(iamport_sandbox::FaultPlan::new(
        1,
        vec![iamport_sandbox::FaultRule::new(
            "GET /payments/findAll/{merchant_uid}",
            1.0,
            iamport_sandbox::Fault::ServerError { status: 503 },
        )],
    ));
    let out = iamport(
        &sandbox,
        &[
            "reconcile",
            &r,
            "--from",
            &from,
            "--to",
            &to,
            "--json",
            "--max-retries",
            "0",
        ],
    )
    .await?;
    sandbox.clear_faults();
    assert_eq!(out.code, 7, "{out:?}");
    let report = out.json();
    assert_eq!(report["error"]["kind"], "Api", "{out:?}");
    assert!(report["findings"].is_array(), "{out:?}");

    // Bad input is a usage error, nothing reconciled.
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "line,customer_uid,merchant_uid,amount,status,imp_uid,detail\n2,c,m,abc,paid,,\n",
    )?;
    let b = bad.to_string_lossy().into_owned();
    let out = iamport(&sandbox, &["reconcile", &b, "--from", &from]).await?;
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("amount \"abc\""), "{out:?}");
    let later = (sandbox.now() + 60).to_string();
    let out = iamport(
        &sandbox,
        &["reconcile", &r, "--from", &later, "--to", &from],
    )
    .await?;
    assert_eq!(out.code, 2, "{out:?}");
    Ok(())
}
