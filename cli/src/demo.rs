//! `iamport demo`: the seed documents' flows (key-in payment, billing-key issue, issue with the
//! first charge, repeat charge) for NicePayments and PayJoa/Daou, a declined charge, and refunds of
//! everything it charged.

use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use iamport_sandbox::Sandbox;
use iamport_subscribe::{
    Birth, CancelPaymentRequest, CardDetails, Client, Error, IssueBillingKeyRequest,
    PayAgainRequest, PayOnetimeRequest, Payment, Pg, Pwd2Digit,
};
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::ops::SANDBOX_DECLINE_CARD as DECLINE_CARD;

struct Row {
    step: &'static str,
    pg: String,
    merchant_uid: String,
    status: String,
    amount: String,
    card: String,
}

struct Demo {
    client: Client,
    card: CardDetails,
    run_id: u64,
    rows: Vec<Row>,
    paid: Vec<Payment>,
    failures: usize,
}

pub async fn run(live: bool) -> ExitCode {
    // The sandbox must outlive the demo when there is one.
    let (client, card, _sandbox) = match setup(live).await {
        Ok(setup) => setup,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    println!("iamport demo against {}", client.base_url());
    let run_id = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let mut demo = Demo {
        client,
        card,
        run_id,
        rows: Vec::new(),
        paid: Vec::new(),
        failures: 0,
    };
    for pg in [Pg::nice(), Pg::daou()] {
        demo.seed_flows(pg).await;
    }
    if !live {
        // There is no decline card on the real API; the sandbox has one.
        demo.declined_charge().await;
    }
    demo.refund_everything().await;
    demo.print();
    if demo.failures > 0 {
        eprintln!("{} step(s) failed", demo.failures);
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

async fn setup(live: bool) -> Result<(Client, CardDetails, Option<Sandbox>), String> {
    if live {
        let client = Client::from_env().map_err(|e| format!("{e} (needed with --live)"))?;
        let var = |name: &str| {
            std::env::var(name).map_err(|_| format!("{name} is not set (needed with --live)"))
        };
        let mut card = CardDetails::new(
            var("IAMPORT_DEMO_CARD_NUMBER")?,
            var("IAMPORT_DEMO_EXPIRY")?,
        );
        card.birth = std::env::var("IAMPORT_DEMO_BIRTH").ok().map(Birth::new);
        card.pwd_2digit = std::env::var("IAMPORT_DEMO_PWD_2DIGIT")
            .ok()
            .map(Pwd2Digit::new);
        return Ok((client, card, None));
    }
    let sandbox = Sandbox::start()
        .await
        .map_err(|e| format!("cannot start the embedded sandbox: {e}"))?;
    let client = Client::builder()
        .imp_key(sandbox.imp_key())
        .imp_secret(sandbox.imp_secret())
        .base_url(sandbox.url())
        .build()
        .map_err(|e| e.to_string())?;
    let card = CardDetails {
        birth: Some(Birth::new("820213")),
        pwd_2digit: Some(Pwd2Digit::new("00")),
        ..CardDetails::new("4111-1111-1111-1111", "2030-12")
    };
    Ok((client, card, Some(sandbox)))
}

impl Demo {
    fn uid(&self, pg: &Pg, what: &str) -> String {
        format!("demo-{}-{what}-{}", pg.provider(), self.run_id)
    }

    fn record_payment(&mut self, step: &'static str, pg: &Pg, result: Result<Payment, Error>) {
        match result {
            Ok(p) => {
                self.rows.push(Row {
                    step,
                    pg: pg.to_string(),
                    merchant_uid: p.merchant_uid.clone(),
                    status: p.status.to_string(),
                    amount: p.amount.to_string(),
                    card: p.card_number.clone().unwrap_or_default(),
                });
                self.paid.push(p);
            }
            Err(Error::CardDeclined {
                payment,
                fail_reason,
            }) => self.rows.push(Row {
                step,
                pg: pg.to_string(),
                merchant_uid: payment.merchant_uid.clone(),
                status: format!("declined: {}", fail_reason.unwrap_or_default()),
                amount: payment.amount.to_string(),
                card: payment.card_number.clone().unwrap_or_default(),
            }),
            Err(e) => self.failed(step, pg, &e),
        }
    }

    fn failed(&mut self, step: &'static str, pg: &Pg, e: &Error) {
        self.failures += 1;
        self.rows.push(Row {
            step,
            pg: pg.to_string(),
            merchant_uid: String::new(),
            status: format!("error: {e}"),
            amount: String::new(),
            card: String::new(),
        });
    }

    async fn seed_flows(&mut self, pg: Pg) {
        // §2: key-in payment; the card is not stored.
        let keyin = PayOnetimeRequest {
            merchant_uid: self.uid(&pg, "keyin"),
            amount: 3000.into(),
            card: CardDetails {
                pwd_2digit: None,
                ..self.card.clone()
            },
            pg: Some(pg.clone()),
            name: Some("Key-in payment".into()),
            ..Default::default()
        };
        let result = self.client.pay_onetime(&keyin).await;
        self.record_payment("key-in payment", &pg, result);

        // §3: issue a billing key.
        let customer_uid = self.uid(&pg, "customer");
        let issue = IssueBillingKeyRequest {
            customer_uid: customer_uid.clone(),
            card: self.card.clone(),
            pg: Some(pg.clone()),
            ..Default::default()
        };
        match self.client.issue_billing_key(&issue).await {
            Ok(key) => self.rows.push(Row {
                step: "billing-key issue",
                pg: pg.to_string(),
                merchant_uid: format!("(customer {})", key.customer_uid),
                status: "key issued".into(),
                amount: String::new(),
                card: key.card_number.unwrap_or_default(),
            }),
            Err(e) => self.failed("billing-key issue", &pg, &e),
        }

        // §4: issue a billing key together with the first charge.
        let first = PayOnetimeRequest {
            merchant_uid: self.uid(&pg, "first"),
            customer_uid: Some(self.uid(&pg, "customer-first")),
            amount: 9900.into(),
            card: self.card.clone(),
            pg: Some(pg.clone()),
            name: Some("Plan: first month".into()),
            ..Default::default()
        };
        let result = self.client.pay_onetime(&first).await;
        self.record_payment("issue + first charge", &pg, result);

        // §5: charge the stored key again by customer_uid.
        let again = PayAgainRequest {
            customer_uid,
            merchant_uid: self.uid(&pg, "repeat"),
            amount: 9900.into(),
            name: Some("Plan: next month".into()),
            ..Default::default()
        };
        let result = self.client.pay_again(&again).await;
        self.record_payment("repeat charge", &pg, result);
    }

    async fn declined_charge(&mut self) {
        let pg = Pg::nice();
        let customer_uid = self.uid(&pg, "customer-decline");
        let issue = IssueBillingKeyRequest {
            customer_uid: customer_uid.clone(),
            card: CardDetails::new(DECLINE_CARD, "2030-12"),
            pg: Some(pg.clone()),
            ..Default::default()
        };
        if let Err(e) = self.client.issue_billing_key(&issue).await {
            return self.failed("declined charge", &pg, &e);
        }
        let again = PayAgainRequest {
            customer_uid,
            merchant_uid: self.uid(&pg, "decline"),
            amount: 9900.into(),
            ..Default::default()
        };
        match self.client.pay_again(&again).await {
            // A decline reported as a success would be the bug this project exists to fix.
            Ok(p) => {
                let e = Error::Api {
                    http_status: 200,
                    code: Some(0),
                    message: format!("the decline card was charged ({})", p.status),
                };
                self.failed("declined charge", &pg, &e);
            }
            result => self.record_payment("declined charge", &pg, result),
        }
    }

    async fn refund_everything(&mut self) {
        for payment in std::mem::take(&mut self.paid) {
            let pg = payment
                .pg_provider
                .as_deref()
                .map(Pg::from)
                .unwrap_or_else(Pg::nice);
            let refund = CancelPaymentRequest {
                imp_uid: Some(payment.imp_uid.clone()),
                checksum: Some(payment.cancellable_amount()),
                reason: Some("iamport demo".into()),
                ..Default::default()
            };
            match self.client.cancel_payment(&refund).await {
                Ok(p) => self.rows.push(Row {
                    step: "refund",
                    pg: pg.to_string(),
                    merchant_uid: p.merchant_uid,
                    status: p.status.to_string(),
                    amount: format!("-{}", p.cancel_amount),
                    card: p.card_number.unwrap_or_default(),
                }),
                Err(e) => self.failed("refund", &pg, &e),
            }
        }
    }

    fn print(&self) {
        let mut table = Table::new();
        table.load_preset(UTF8_FULL_CONDENSED);
        table.set_header(["step", "pg", "merchant_uid", "status", "amount", "card"]);
        for r in &self.rows {
            table.add_row([
                r.step,
                &r.pg,
                &r.merchant_uid,
                &r.status,
                &r.amount,
                &r.card,
            ]);
        }
        println!("{table}");
    }
}
