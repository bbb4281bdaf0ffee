//! Card data and secrets never reach logs, Debug, Display or error text: a whole flow runs with
//! tracing at TRACE (including reqwest's and hyper's own logs), every model and error is printed,
//! and the captured text is searched for the test card data, the secret and the access token.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use iamport_sandbox::{Sandbox, SandboxConfig};
use iamport_subscribe::{
    Birth, CancelPaymentRequest, CardDetails, Client, IssueBillingKeyRequest, PayAgainRequest,
    PayOnetimeRequest, Pwd2Digit,
};
use std::io::Write;
use std::sync::{Arc, Mutex};

const CARD: &str = "4242-4242-4242-4242";
const DECLINE_CARD: &str = "4000-0000-0000-0002";
const BIRTH: &str = "731125";
const PWD: &str = "47";
const SECRET: &str = "s3cr3t-imp-secret-0a9f7c2b";

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn card(number: &str) -> CardDetails {
    CardDetails {
        birth: Some(Birth::new(BIRTH)),
        pwd_2digit: Some(Pwd2Digit::new(PWD)),
        ..CardDetails::new(number, "2030-12")
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_card_data_or_secret_in_logs_debug_display_or_errors() {
    let capture = Capture::default();
    let writer = capture.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .try_init()
        .unwrap();

    let sandbox = Sandbox::start_with(SandboxConfig {
        imp_secret: SECRET.into(),
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let client = Client::builder()
        .imp_key(sandbox.imp_key())
        .imp_secret(SECRET)
        .base_url(sandbox.url())
        .build()
        .unwrap();
    let mut printed = Vec::<String>::new();
    let mut show = |label: &str, debug: String, display: String| {
        printed.push(format!("{label}: {debug} / {display}"));
    };

    let onetime = PayOnetimeRequest {
        merchant_uid: "order_redact_1".into(),
        amount: 3000.into(),
        card: card(CARD),
        customer_uid: Some("cust_redact".into()),
        ..Default::default()
    };
    show("request", format!("{onetime:?}"), format!("{:#?}", onetime));
    let paid = client.pay_onetime(&onetime).await.unwrap();
    show("payment", format!("{paid:?}"), format!("{:#?}", paid));

    let issue = IssueBillingKeyRequest {
        customer_uid: "cust_redact_decline".into(),
        card: card(DECLINE_CARD),
        ..Default::default()
    };
    show("issue", format!("{issue:?}"), format!("{:#?}", issue.card));
    let key = client.issue_billing_key(&issue).await.unwrap();
    show("key", format!("{key:?}"), format!("{:#?}", key));

    let again = PayAgainRequest {
        customer_uid: "cust_redact_decline".into(),
        merchant_uid: "order_redact_2".into(),
        amount: 9900.into(),
        ..Default::default()
    };
    let declined = client.pay_again(&again).await.unwrap_err();
    show("declined", format!("{declined:?}"), declined.to_string());

    // Errors that carry the request's own data: validation, card authentication, duplicates.
    let mut bad = onetime.clone();
    bad.card.expiry = "2030-13".into();
    let invalid = client.pay_onetime(&bad).await.unwrap_err();
    show("invalid", format!("{invalid:?}"), invalid.to_string());
    let mut bad = onetime.clone();
    bad.card.birth = Some(Birth::new("7311251"));
    let invalid = client.pay_onetime(&bad).await.unwrap_err();
    show("invalid birth", format!("{invalid:?}"), invalid.to_string());
    let auth_fail = client
        .pay_onetime(&PayOnetimeRequest {
            merchant_uid: "order_redact_3".into(),
            card: card("4000-0000-0000-0069"),
            ..onetime.clone()
        })
        .await
        .unwrap_err();
    show("auth fail", format!("{auth_fail:?}"), auth_fail.to_string());
    let duplicate = client.pay_onetime(&onetime).await.unwrap_err();
    show("duplicate", format!("{duplicate:?}"), duplicate.to_string());
    let refund = client
        .cancel_payment(&CancelPaymentRequest {
            imp_uid: Some(paid.imp_uid.clone()),
            ..Default::default()
        })
        .await
        .unwrap();
    show("refund", format!("{refund:?}"), format!("{:#?}", refund));
    show("client", format!("{client:?}"), format!("{:#?}", client));
    let wrong = Client::builder()
        .imp_key(sandbox.imp_key())
        .imp_secret(SECRET.to_owned() + "x")
        .base_url(sandbox.url());
    show("builder", format!("{wrong:?}"), String::new());
    let auth = wrong
        .build()
        .unwrap()
        .check_credentials()
        .await
        .unwrap_err();
    show("authentication", format!("{auth:?}"), auth.to_string());

    // The token the sandbox issued, taken from its own record of the getToken answer.
    let token = sandbox
        .exchanges()
        .into_iter()
        .find_map(|e| {
            e.body["response"]["access_token"]
                .as_str()
                .map(str::to_owned)
        })
        .expect("a token was issued");
    assert_eq!(token.len(), 40);

    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    // The capture really holds the trace of the flow.
    assert!(
        logs.contains("iamport.request"),
        "no request spans captured"
    );
    assert!(logs.contains("/subscribe/payments/onetime"));
    let everything = format!("{logs}\n{}", printed.join("\n"));
    let digits = |s: &str| s.replace('-', "");
    for needle in [
        CARD.to_owned(),
        digits(CARD),
        CARD.replace('-', " "),
        DECLINE_CARD.to_owned(),
        digits(DECLINE_CARD),
        BIRTH.to_owned(),
        "7311251".to_owned(),
        SECRET.to_owned(),
        token.clone(),
        format!("\"{PWD}\""),
        format!("pwd_2digit: Some(\"{PWD}"),
        format!("pwd_2digit={PWD}"),
    ] {
        assert!(
            !everything.contains(&needle),
            "{needle:?} leaked:\n{}",
            everything
                .lines()
                .filter(|l| l.contains(&needle))
                .take(3)
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
    // Masks are there instead.
    assert!(everything.contains("CardNumber(****-****-****-4242)"));
    assert!(everything.contains("Pwd2Digit(**)"));
}
