//! Property tests over the public API: card data and secrets never show in `Debug`/`Display` of a
//! request, a secret type or an error; validation names the field of any invalid input and passes
//! every valid one; amounts round-trip through JSON text exactly.
//!
//! Calls go to a client pointed at a closed loopback port: an invalid request fails with
//! `InvalidRequest` before anything is sent, a valid one gets as far as the network and fails
//! there.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use iamport_subscribe::{
    AccessToken, Amount, Birth, CardDetails, CardNumber, Client, ClientBuilder, Cvc, Decimal,
    Error, ErrorKind, Expiry, ImpSecret, IssueBillingKeyRequest, PayAgainRequest,
    PayOnetimeRequest, Pwd2Digit, RetryPolicy,
};
use proptest::prelude::*;
use std::sync::OnceLock;
use std::time::Duration;

const CASES: u32 = 256;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: CASES,
        ..ProptestConfig::default()
    }
}

/// A loopback URL nothing listens on: bind an ephemeral port and release it.
fn closed_port_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

/// The secret of the shared client: generated once per run.
fn client_secret() -> &'static str {
    static SECRET: OnceLock<String> = OnceLock::new();
    SECRET.get_or_init(|| {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        format!("shared-secret-{nanos:x}-{}", std::process::id())
    })
}

fn builder(secret: &str) -> ClientBuilder {
    Client::builder()
        .imp_key("property-key")
        .imp_secret(secret)
        .base_url(closed_port_url())
        .retry_policy(RetryPolicy::none())
        .timeout(Duration::from_secs(5))
        .connect_timeout(Duration::from_secs(2))
}

/// One client for every case: building one (its TLS setup) costs tens of milliseconds.
fn client() -> &'static Client {
    static CLIENT: OnceLock<Client> = OnceLock::new();
    CLIENT.get_or_init(|| builder(client_secret()).build().unwrap())
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn digits(range: std::ops::RangeInclusive<usize>) -> impl Strategy<Value = String> {
    proptest::collection::vec(0u8..10, range)
        .prop_map(|d| d.into_iter().map(|x| char::from(b'0' + x)).collect())
}

/// Digits with an optional separator every four digits.
fn with_separators(digits: &str, sep: Option<char>) -> String {
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && i % 4 == 0 {
            if let Some(s) = sep {
                out.push(s);
            }
        }
        out.push(c);
    }
    out
}

fn separator() -> impl Strategy<Value = Option<char>> {
    prop_oneof![Just(None), Just(Some('-')), Just(Some(' '))]
}

/// (digits only, as written)
fn card_number() -> impl Strategy<Value = (String, String)> {
    (digits(13..=19), separator()).prop_map(|(d, sep)| {
        let text = with_separators(&d, sep);
        (d, text)
    })
}

/// `YYYY-MM` or `YYYYMM`, with a valid month.
fn expiry() -> impl Strategy<Value = String> {
    (2026u32..2100, 1u32..=12, any::<bool>()).prop_map(|(y, m, dash)| {
        if dash {
            format!("{y}-{m:02}")
        } else {
            format!("{y}{m:02}")
        }
    })
}

fn birth() -> impl Strategy<Value = String> {
    prop_oneof![digits(6..=6), digits(10..=10)]
}

fn secret() -> impl Strategy<Value = String> {
    "[A-Za-z0-9]{16,32}".prop_map(|s| format!("sec-{s}"))
}

/// Ids made of letters only, so that they cannot contain generated digits by accident.
fn uid(max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::char::range('a', 'z'), 1..=max)
        .prop_map(|c| c.into_iter().collect())
}

/// Whole won up to five digits: shorter than any generated secret digits.
fn krw() -> impl Strategy<Value = Amount> {
    (1i64..100_000).prop_map(Amount::new)
}

#[derive(Debug, Clone)]
struct Card {
    digits: String,
    text: String,
    expiry: String,
    birth: Option<String>,
    pwd: Option<String>,
    cvc: Option<String>,
}

fn card() -> impl Strategy<Value = Card> {
    (
        card_number(),
        expiry(),
        proptest::option::of(birth()),
        proptest::option::of(digits(2..=2)),
        proptest::option::of(digits(3..=4)),
    )
        .prop_map(|((digits, text), expiry, birth, pwd, cvc)| Card {
            digits,
            text,
            expiry,
            birth,
            pwd,
            cvc,
        })
}

impl Card {
    fn details(&self) -> CardDetails {
        CardDetails {
            birth: self.birth.as_deref().map(Birth::new),
            pwd_2digit: self.pwd.as_deref().map(Pwd2Digit::new),
            cvc: self.cvc.as_deref().map(Cvc::new),
            ..CardDetails::new(self.text.as_str(), self.expiry.as_str())
        }
    }

    /// Values that must never be printed. (The PIN digits and the CVC are too short to search
    /// for without false hits; their masks are checked instead.)
    fn raw_values(&self) -> Vec<String> {
        let mut raw = vec![self.digits.clone(), self.text.clone()];
        if self.expiry.len() == 7 {
            raw.push(self.expiry.clone());
        }
        raw.extend(self.birth.clone());
        raw
    }
}

fn onetime(card: &Card, merchant_uid: &str, amount: Amount) -> PayOnetimeRequest {
    PayOnetimeRequest {
        merchant_uid: merchant_uid.to_owned(),
        amount,
        card: card.details(),
        ..Default::default()
    }
}

fn issue(card: &Card, customer_uid: &str) -> IssueBillingKeyRequest {
    IssueBillingKeyRequest {
        customer_uid: customer_uid.to_owned(),
        card: card.details(),
        ..Default::default()
    }
}

fn all_formats<T: std::fmt::Debug>(value: &T) -> [String; 2] {
    [format!("{value:?}"), format!("{value:#?}")]
}

fn all_formats_display<T: std::fmt::Debug + std::fmt::Display>(value: &T) -> [String; 3] {
    [
        format!("{value:?}"),
        format!("{value:#?}"),
        format!("{value}"),
    ]
}

fn assert_hidden(texts: &[String], raw: &[String]) {
    for text in texts {
        for value in raw {
            assert!(
                !text.contains(value.as_str()),
                "{value:?} printed in {text:?}"
            );
        }
    }
}

/// A card that validation refuses in exactly one field (the others stay valid, so the raw values
/// of the valid fields are still searched for).
fn break_card(card: &mut Card, which: u8) {
    match which % 4 {
        0 => card.pwd = Some("4x".to_owned()),
        1 => card.cvc = Some("12".to_owned()),
        2 => card.text.push('a'),
        _ => card.expiry = "2030-13".to_owned(),
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn card_data_and_secrets_are_never_printed(
        mut card in card(),
        secret in secret(),
        token in secret(),
        merchant_uid in uid(40),
        customer_uid in uid(80),
        amount in krw(),
        broken in proptest::option::of(any::<u8>()),
    ) {
        if let Some(which) = broken {
            break_card(&mut card, which);
        }
        let mut raw = card.raw_values();
        raw.push(secret.clone());
        raw.push(token.clone());
        raw.push(client_secret().to_owned());

        let details = card.details();
        let pay = PayOnetimeRequest {
            customer_uid: Some(customer_uid.clone()),
            ..onetime(&card, &merchant_uid, amount)
        };
        let key = issue(&card, &customer_uid);
        let mut texts = Vec::new();
        texts.extend(all_formats(&details));
        texts.extend(all_formats(&pay));
        texts.extend(all_formats(&key));
        texts.extend(all_formats_display(&details.card_number));
        texts.extend(all_formats_display(&details.expiry));
        texts.extend(all_formats_display(&CardNumber::new(card.digits.as_str())));
        texts.extend(all_formats_display(&Expiry::new(card.expiry.as_str())));
        texts.extend(all_formats_display(&ImpSecret::new(secret.as_str())));
        texts.extend(all_formats_display(&AccessToken::new(token.as_str())));
        if let Some(b) = &card.birth {
            texts.extend(all_formats_display(&Birth::new(b.as_str())));
        }
        // The short values cannot be searched for; their whole output is the mask.
        if let Some(p) = &card.pwd {
            prop_assert_eq!(format!("{:?}", Pwd2Digit::new(p.as_str())), "Pwd2Digit(**)");
            prop_assert_eq!(Pwd2Digit::new(p.as_str()).to_string(), "**");
        }
        if let Some(c) = &card.cvc {
            prop_assert_eq!(format!("{:?}", Cvc::new(c.as_str())), "Cvc(***)");
            prop_assert_eq!(Cvc::new(c.as_str()).to_string(), "***");
        }

        texts.extend(all_formats(&builder(&secret)));
        let client = client();
        texts.extend(all_formats(client));
        let rt = runtime();
        let errors: Vec<Error> = rt.block_on(async {
            vec![
                client.pay_onetime(&pay).await.unwrap_err(),
                client.issue_billing_key(&key).await.unwrap_err(),
            ]
        });
        for error in &errors {
            if broken.is_some() {
                prop_assert_eq!(error.kind(), ErrorKind::InvalidRequest, "{:?}", error);
            }
            texts.extend(all_formats_display(error));
        }
        assert_hidden(&texts, &raw);
    }
}

/// One invalid field of an otherwise valid request.
#[derive(Debug, Clone)]
enum Bad {
    CardNumber(String),
    Expiry(String),
    Birth(String),
    Pwd(String),
    Cvc(String),
    Amount(Decimal),
    MerchantUid(String),
    CustomerUid(String),
    TaxFree(Decimal),
    VatAmount(Decimal),
    Name(String),
    Currency(String),
    CardQuota(u32),
    NoticeUrl(String),
    BuyerName(String),
    CustomData(usize),
}

impl Bad {
    fn field(&self) -> &'static str {
        match self {
            Bad::CardNumber(_) => "card_number",
            Bad::Expiry(_) => "expiry",
            Bad::Birth(_) => "birth",
            Bad::Pwd(_) => "pwd_2digit",
            Bad::Cvc(_) => "cvc",
            Bad::Amount(_) => "amount",
            Bad::MerchantUid(_) => "merchant_uid",
            Bad::CustomerUid(_) => "customer_uid",
            Bad::TaxFree(_) => "tax_free",
            Bad::VatAmount(_) => "vat_amount",
            Bad::Name(_) => "name",
            Bad::Currency(_) => "currency",
            Bad::CardQuota(_) => "card_quota",
            Bad::NoticeUrl(_) => "notice_url",
            Bad::BuyerName(_) => "buyer_name",
            Bad::CustomData(_) => "custom_data",
        }
    }

    fn is_card(&self) -> bool {
        matches!(
            self,
            Bad::CardNumber(_) | Bad::Expiry(_) | Bad::Birth(_) | Bad::Pwd(_) | Bad::Cvc(_)
        )
    }

    fn apply_card(&self, card: &mut CardDetails) {
        match self {
            Bad::CardNumber(v) => card.card_number = CardNumber::new(v.as_str()),
            Bad::Expiry(v) => card.expiry = Expiry::new(v.as_str()),
            Bad::Birth(v) => card.birth = Some(Birth::new(v.as_str())),
            Bad::Pwd(v) => card.pwd_2digit = Some(Pwd2Digit::new(v.as_str())),
            Bad::Cvc(v) => card.cvc = Some(Cvc::new(v.as_str())),
            _ => {}
        }
    }

    fn apply_onetime(&self, r: &mut PayOnetimeRequest) {
        self.apply_card(&mut r.card);
        match self {
            Bad::Amount(a) => r.amount = Amount::from_decimal(*a),
            Bad::MerchantUid(v) => r.merchant_uid = v.clone(),
            Bad::CustomerUid(v) => r.customer_uid = Some(v.clone()),
            Bad::TaxFree(a) => r.tax_free = Some(Amount::from_decimal(*a)),
            Bad::VatAmount(a) => r.vat_amount = Some(Amount::from_decimal(*a)),
            Bad::Name(v) => r.name = Some(v.clone()),
            Bad::Currency(v) => r.currency = Some(v.clone()),
            Bad::CardQuota(q) => r.card_quota = Some(*q),
            Bad::NoticeUrl(v) => r.notice_url = Some(v.clone()),
            Bad::BuyerName(v) => r.buyer.name = Some(v.clone()),
            Bad::CustomData(n) => r.custom_data = Some("x".repeat(*n)),
            _ => {}
        }
    }

    /// `None` when the field is not part of the request.
    fn apply_issue(&self, r: &mut IssueBillingKeyRequest) -> Option<()> {
        match self {
            Bad::CustomerUid(v) => r.customer_uid = v.clone(),
            b if b.is_card() => b.apply_card(&mut r.card),
            _ => return None,
        }
        Some(())
    }

    fn apply_again(&self, r: &mut PayAgainRequest) -> Option<()> {
        match self {
            Bad::Amount(a) => r.amount = Amount::from_decimal(*a),
            Bad::MerchantUid(v) => r.merchant_uid = v.clone(),
            Bad::CustomerUid(v) => r.customer_uid = v.clone(),
            Bad::TaxFree(a) => r.tax_free = Some(Amount::from_decimal(*a)),
            Bad::VatAmount(a) => r.vat_amount = Some(Amount::from_decimal(*a)),
            Bad::Name(v) => r.name = Some(v.clone()),
            Bad::Currency(v) => r.currency = Some(v.clone()),
            Bad::CardQuota(q) => r.card_quota = Some(*q),
            Bad::NoticeUrl(v) => r.notice_url = Some(v.clone()),
            Bad::BuyerName(v) => r.buyer.name = Some(v.clone()),
            Bad::CustomData(n) => r.custom_data = Some("x".repeat(*n)),
            _ => return None,
        }
        Some(())
    }
}

/// A string of `len` characters, at least one of which is not an ASCII digit.
fn with_non_digit(len: std::ops::RangeInclusive<usize>) -> impl Strategy<Value = String> {
    with_non_digit_from(
        len,
        prop_oneof![
            Just('a'),
            Just('x'),
            Just('/'),
            Just('.'),
            Just('+'),
            Just('\u{ff11}'), // FULLWIDTH DIGIT ONE
            Just('٣'),        // ARABIC-INDIC DIGIT THREE
        ],
    )
}

fn with_non_digit_from(
    len: std::ops::RangeInclusive<usize>,
    chars: impl Strategy<Value = char>,
) -> impl Strategy<Value = String> {
    (digits(len), any::<prop::sample::Index>(), chars).prop_map(|(d, at, c)| {
        let mut chars: Vec<char> = d.chars().collect();
        let i = at.index(chars.len());
        chars[i] = c;
        chars.into_iter().collect()
    })
}

fn long_text(min: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![proptest::char::range('a', 'z'), Just('가'), Just('-')],
        min..=min + 40,
    )
    .prop_map(|c| c.into_iter().collect())
}

fn bad() -> impl Strategy<Value = Bad> {
    let not_positive = (-1_000_000i64..=0, 0u32..=3).prop_map(|(m, s)| Decimal::new(m, s));
    let fractional = (1i64..10_000_000, 1u32..=2)
        .prop_filter("has a fraction", |(m, s)| {
            !Decimal::new(*m, *s).fract().is_zero()
        })
        .prop_map(|(m, s)| Decimal::new(m, s));
    let negative = (-1_000_000i64..=-1, 0u32..=2).prop_map(|(m, s)| Decimal::new(m, s));
    prop_oneof![
        prop_oneof![digits(0..=12), digits(20..=30)].prop_map(Bad::CardNumber),
        with_non_digit(13..=19).prop_map(Bad::CardNumber),
        (2026u32..2100, prop_oneof![Just(0u32), 13u32..=99])
            .prop_map(|(y, m)| Bad::Expiry(format!("{y}-{m:02}"))),
        prop_oneof![digits(0..=5), digits(8..=8), digits(11..=14)].prop_map(Bad::Expiry),
        with_non_digit(6..=6).prop_map(Bad::Expiry),
        prop_oneof![digits(0..=5), digits(7..=9), digits(11..=14)].prop_map(Bad::Birth),
        prop_oneof![with_non_digit(6..=6), with_non_digit(10..=10)].prop_map(Bad::Birth),
        prop_oneof![digits(0..=1), digits(3..=6), with_non_digit(2..=2)].prop_map(Bad::Pwd),
        prop_oneof![digits(0..=2), digits(5..=8), with_non_digit(3..=4)].prop_map(Bad::Cvc),
        not_positive.prop_map(Bad::Amount),
        fractional.prop_map(Bad::Amount),
        long_text(41).prop_map(Bad::MerchantUid),
        prop_oneof![
            Just(String::new()),
            Just("   ".to_owned()),
            Just("a\nb".to_owned())
        ]
        .prop_map(Bad::MerchantUid),
        long_text(81).prop_map(Bad::CustomerUid),
        prop_oneof![
            Just(String::new()),
            Just("\t".to_owned()),
            Just("c\u{7}".to_owned())
        ]
        .prop_map(Bad::CustomerUid),
        negative.clone().prop_map(Bad::TaxFree),
        negative.prop_map(Bad::VatAmount),
        // More than any generated amount (< 100,000): a part larger than the whole.
        (100_000i64..1_000_000_000).prop_map(|t| Bad::TaxFree(Decimal::from(t))),
        // Beyond the exact maximum (13 digits).
        (10_000_000_000_000i64..=i64::MAX).prop_map(|a| Bad::Amount(Decimal::from(a))),
        long_text(41).prop_map(Bad::Name),
        "[a-z]{0,2}\\n".prop_map(Bad::Name),
        prop_oneof![
            "[A-Z]{3}".prop_filter("not accepted", |c| !["KRW", "USD", "JPY", "VND"]
                .contains(&c.as_str())),
            Just("krw".to_owned()),
            Just(String::new()),
        ]
        .prop_map(Bad::Currency),
        prop_oneof![Just(1u32), 37u32..10_000].prop_map(Bad::CardQuota),
        prop_oneof![
            Just("not a url".to_owned()),
            Just("ftp://example.com/hook".to_owned()),
            Just("/relative/hook".to_owned()),
            Just("http://".to_owned()),
            "[a-z]{1,10}".prop_map(|h| format!("https://{h}.example/ hook")),
        ]
        .prop_map(Bad::NoticeUrl),
        long_text(17).prop_map(Bad::BuyerName),
        (64 * 1024 + 1..=64 * 1024 + 100usize).prop_map(Bad::CustomData),
    ]
}

#[derive(Debug, Clone)]
struct Valid {
    card: Card,
    merchant_uid: String,
    customer_uid: String,
    amount: Amount,
    tax_free: Option<Amount>,
    name: Option<String>,
    store: bool,
}

fn valid() -> impl Strategy<Value = Valid> {
    (
        card(),
        proptest::collection::vec(
            prop_oneof![
                proptest::char::range('a', 'z'),
                proptest::char::range('0', '9'),
                Just('-'),
                Just('_'),
                Just('/'),
                Just('가'),
            ],
            1..=40,
        )
        .prop_map(|c| c.into_iter().collect::<String>()),
        uid(80),
        krw(),
        proptest::option::of((0i64..100_000).prop_map(Amount::new)),
        proptest::option::of("[a-z 가-힣]{0,40}"),
        any::<bool>(),
    )
        .prop_filter("merchant_uid not blank", |v| !v.1.trim().is_empty())
        .prop_map(
            |(card, merchant_uid, customer_uid, amount, tax_free, name, store)| Valid {
                card,
                merchant_uid,
                customer_uid,
                amount,
                // A part of the amount.
                tax_free: tax_free.map(|t| t.min(amount)),
                name,
                store,
            },
        )
}

impl Valid {
    fn onetime(&self) -> PayOnetimeRequest {
        PayOnetimeRequest {
            customer_uid: self.store.then(|| self.customer_uid.clone()),
            tax_free: self.tax_free,
            name: self.name.clone(),
            ..onetime(&self.card, &self.merchant_uid, self.amount)
        }
    }

    fn issue(&self) -> IssueBillingKeyRequest {
        issue(&self.card, &self.customer_uid)
    }

    fn again(&self) -> PayAgainRequest {
        PayAgainRequest {
            customer_uid: self.customer_uid.clone(),
            merchant_uid: self.merchant_uid.clone(),
            amount: self.amount,
            tax_free: self.tax_free,
            name: self.name.clone(),
            ..Default::default()
        }
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn an_invalid_field_is_refused_and_named(base in valid(), bad in bad()) {
        let client = client();
        let rt = runtime();
        let mut pay = base.onetime();
        bad.apply_onetime(&mut pay);
        let mut results = vec![rt.block_on(client.pay_onetime(&pay)).map(drop)];
        let mut key = base.issue();
        if bad.apply_issue(&mut key).is_some() {
            results.push(rt.block_on(client.issue_billing_key(&key)).map(drop));
        }
        let mut again = base.again();
        if bad.apply_again(&mut again).is_some() {
            results.push(rt.block_on(client.pay_again(&again)).map(drop));
        }
        for result in results {
            let err = result.unwrap_err();
            prop_assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{:?}", err);
            prop_assert_eq!(err.field(), Some(bad.field()), "{:?}", err);
        }
    }

    #[test]
    fn a_valid_request_passes_validation(v in valid()) {
        let client = client();
        let rt = runtime();
        let results = rt.block_on(async {
            vec![
                client.pay_onetime(&v.onetime()).await.map(drop),
                client.issue_billing_key(&v.issue()).await.map(drop),
                client.pay_again(&v.again()).await.map(drop),
            ]
        });
        for result in results {
            // Validation passed: the call reached the (closed) network.
            let err = result.unwrap_err();
            prop_assert_eq!(err.kind(), ErrorKind::Network, "{:?}", err);
        }
    }

    #[test]
    fn amounts_round_trip_through_json_text(
        whole in any::<i64>(),
        mantissa in -999_999_999_999_999i64..=999_999_999_999_999,
        scale in 0u32..=2,
    ) {
        for decimal in [Decimal::from(whole), Decimal::new(mantissa, scale)] {
            let amount = Amount::from_decimal(decimal);
            let text = serde_json::to_string(&amount).unwrap();
            prop_assert_eq!(&text, &decimal.normalize().to_string());
            let back: Amount = serde_json::from_str(&text).unwrap();
            prop_assert_eq!(back.as_decimal(), decimal);
            prop_assert_eq!(back, amount);
            // Inside a document, and as the numeric string the API sometimes sends.
            let doc: serde_json::Value = serde_json::from_str(&format!("{{\"amount\":{text}}}")).unwrap();
            let inner: Amount = serde_json::from_value(doc["amount"].clone()).unwrap();
            prop_assert_eq!(inner.as_decimal(), decimal);
            let quoted: Amount = serde_json::from_str(&format!("\"{text}\"")).unwrap();
            prop_assert_eq!(quoted.as_decimal(), decimal);
        }
    }
}

/// Regression: `CardDetails::validate` once sliced the normalised expiry by byte after checking
/// only its byte length, so a 7-byte expiry with a multi-byte character panicked instead of giving
/// `InvalidRequest`. Found by `an_invalid_field_is_refused_and_named`.
#[test]
fn an_expiry_with_a_multibyte_character_is_refused_not_a_panic() {
    let rt = runtime();
    for expiry in ["977\u{663}35", "2030\u{b7}1", "203\u{e9}-1"] {
        let request = PayOnetimeRequest {
            merchant_uid: "order-1".to_owned(),
            amount: Amount::new(1000),
            card: CardDetails::new("4242424242424242", expiry),
            ..Default::default()
        };
        let err = rt.block_on(client().pay_onetime(&request)).unwrap_err();
        assert_eq!(err.field(), Some("expiry"), "{expiry:?}: {err:?}");
    }
}
