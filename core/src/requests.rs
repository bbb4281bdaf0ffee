//! Request models. Field names are the wire names; card data and secrets use the masking types of
//! [`crate::secret`]. Every request is validated by the client before anything is sent.

use crate::error::Error;
use crate::money::Amount;
use crate::pg::Pg;
use crate::rules;
use crate::secret::{Birth, CardNumber, Cvc, Expiry, Pwd2Digit};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Card data for a key-in payment or a billing-key issue.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "shape", derive(crate::shape::Shape))]
pub struct CardDetails {
    /// 13–19 digits; dashes and spaces are allowed.
    pub card_number: CardNumber,
    /// `YYYY-MM` (or `YYYYMM`).
    pub expiry: Expiry,
    /// `YYMMDD`, or a 10-digit business registration number for corporate cards. Whether the PG
    /// needs it depends on the contract.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub birth: Option<Birth>,
    /// First two digits of the card PIN. Contract-dependent, like `birth`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub pwd_2digit: Option<Pwd2Digit>,
    /// Only for PGs that take it (Paymentwall).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub cvc: Option<Cvc>,
}

impl CardDetails {
    /// Card number and expiry; add `birth`/`pwd_2digit` as the PG contract requires.
    pub fn new(card_number: impl Into<CardNumber>, expiry: impl Into<Expiry>) -> Self {
        CardDetails {
            card_number: card_number.into(),
            expiry: expiry.into(),
            ..Default::default()
        }
    }
}

/// Buyer details, stored on the payment (and on the billing key for a key-in payment that stores
/// the card).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "shape", derive(crate::shape::Shape))]
pub struct Buyer {
    #[serde(
        rename = "buyer_name",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub name: Option<String>,
    #[serde(
        rename = "buyer_email",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub email: Option<String>,
    #[serde(rename = "buyer_tel", default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub tel: Option<String>,
    #[serde(
        rename = "buyer_addr",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub addr: Option<String>,
    #[serde(
        rename = "buyer_postcode",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub postcode: Option<String>,
}

/// `POST /subscribe/payments/onetime`: a key-in payment. With `customer_uid` the card is also
/// stored as a billing key under that id (issue together with the first charge).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "shape", derive(crate::shape::Shape))]
pub struct PayOnetimeRequest {
    /// Unique order id (≤ 40 characters); the API's only guard against charging twice.
    pub merchant_uid: String,
    pub amount: Amount,
    #[serde(flatten)]
    pub card: CardDetails,
    /// Store the card as a billing key under this id (≤ 80 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub customer_uid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub pg: Option<Pg>,
    #[serde(
        rename = "channelGroupId",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub channel_group_id: Option<String>,
    /// Defaults to `KRW` at the API.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub currency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub tax_free: Option<Amount>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub vat_amount: Option<Amount>,
    /// Deprecated by the API: use `vat_amount`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub vat: Option<Amount>,
    /// Order name (≤ 40 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub name: Option<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub buyer: Buyer,
    /// Installment months (≥ 2, only for amounts ≥ 50,000); 0 or none = lump sum.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub card_quota: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub interest_free_by_merchant: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub use_card_point: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub custom_data: Option<String>,
    /// Webhook URL for this payment, overriding the console setting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub notice_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub browser_ip: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub secure_3d_charge_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub secure_3d_token: Option<String>,
    /// `real` or `digital` (KSNET).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub product_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub promotion_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub bypass: Option<String>,
}

/// `POST /subscribe/payments/again`: charge a stored billing key.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "shape", derive(crate::shape::Shape))]
pub struct PayAgainRequest {
    pub customer_uid: String,
    /// Unique order id (≤ 40 characters).
    pub merchant_uid: String,
    pub amount: Amount,
    /// Order name (≤ 40 characters). The spec marks it required; the official examples omit it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub currency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub tax_free: Option<Amount>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub vat_amount: Option<Amount>,
    /// Deprecated by the API: use `vat_amount`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub vat: Option<Amount>,
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub buyer: Buyer,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub card_quota: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub interest_free_by_merchant: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub use_card_point: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub custom_data: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub notice_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub browser_ip: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub product_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub product_count: Option<u32>,
    /// `person`, `company` or `anonymous` (TossPay).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub cash_receipt_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub bypass: Option<String>,
    /// PG-specific extras, e.g. `naverUseCfm` for Naver Pay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: Option<BTreeMap<String, String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub promotion_id: Option<String>,
    /// Only for super billing keys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub channel_key: Option<String>,
}

/// `POST /subscribe/customers/{customer_uid}`: issue (or replace) a billing key.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "shape", derive(crate::shape::Shape))]
pub struct IssueBillingKeyRequest {
    /// Goes in the path, not the body (≤ 80 characters).
    #[serde(skip_serializing)]
    pub customer_uid: String,
    #[serde(flatten)]
    pub card: CardDetails,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub pg: Option<Pg>,
    /// The spec lists it as required since 2026-05; the API has always worked without it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub channel_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub channel_group_id: Option<String>,
    /// TossPayments only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub customer_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub customer_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub customer_tel: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub customer_email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub customer_addr: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub customer_postcode: Option<String>,
}

/// `POST /payments/cancel`: refund a payment fully or partly.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "shape", derive(crate::shape::Shape))]
pub struct CancelPaymentRequest {
    /// Which payment: `imp_uid` wins when both are given; one of the two is required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub imp_uid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub merchant_uid: Option<String>,
    /// `None` refunds the whole remaining balance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub amount: Option<Amount>,
    /// Tax-exempt part of the refund. NICE does not default it: pass it for tax-exempt payments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub tax_free: Option<Amount>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub vat_amount: Option<Amount>,
    /// The balance you believe is still refundable; the API refuses the refund if it disagrees,
    /// which makes repeating a partial refund safe.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub checksum: Option<Amount>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub refund_holder: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub refund_bank: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub refund_account: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub refund_tel: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub retain_promotion: Option<bool>,
    /// API refunds send no webhook unless this is true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub enable_webhook: Option<bool>,
    /// `{"requester": "customer" | "admin"}` for Naver Pay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: Option<BTreeMap<String, String>>,
}

// ---------------------------------------------------------------------------------------------
// Validation: every rule names the field and lives in `rules.rs`; nothing is sent when one fails.

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

pub(crate) fn check_merchant_uid(value: &str) -> Result<(), Error> {
    rules::MERCHANT_UID.check(value)
}

pub(crate) fn check_customer_uid(value: &str) -> Result<(), Error> {
    rules::CUSTOMER_UID.check(value)
}

pub(crate) fn check_imp_uid(value: &str) -> Result<(), Error> {
    rules::IMP_UID.check(value)
}

fn check_pg(pg: Option<&Pg>) -> Result<(), Error> {
    rules::PG.check_opt(pg.map(Pg::to_string).as_deref())
}

impl Buyer {
    /// The buyer fields' lengths (spec `maxLength`).
    pub(crate) fn validate(&self) -> Result<(), Error> {
        rules::BUYER_NAME.check_opt(self.name.as_deref())?;
        rules::BUYER_EMAIL.check_opt(self.email.as_deref())?;
        rules::BUYER_TEL.check_opt(self.tel.as_deref())?;
        rules::BUYER_ADDR.check_opt(self.addr.as_deref())?;
        rules::BUYER_POSTCODE.check_opt(self.postcode.as_deref())
    }
}

/// The fields every charge (`onetime`, `again`, a schedule entry) shares, checked once.
pub(crate) struct ChargeFields<'a> {
    pub merchant_uid: &'a str,
    pub amount: &'a Amount,
    pub currency: Option<&'a str>,
    pub tax_free: Option<&'a Amount>,
    pub vat_amount: Option<&'a Amount>,
    pub vat: Option<&'a Amount>,
    pub name: Option<&'a str>,
    pub buyer: &'a Buyer,
    pub card_quota: Option<u32>,
    pub custom_data: Option<&'a str>,
    pub notice_url: Option<&'a str>,
    pub browser_ip: Option<&'a str>,
    pub product_type: Option<&'a str>,
    pub promotion_id: Option<&'a str>,
    pub bypass: Option<&'a str>,
}

/// Fields of billing-key charges (`again`, schedule entries) that key-in payments lack.
pub(crate) fn check_billing_extras(
    product_count: Option<u32>,
    cash_receipt_type: Option<&str>,
    extra: Option<&BTreeMap<String, String>>,
) -> Result<(), Error> {
    rules::check_product_count(product_count)?;
    rules::one_of(
        "cash_receipt_type",
        cash_receipt_type,
        rules::CASH_RECEIPT_TYPES,
    )?;
    rules::check_extra(extra)
}

impl ChargeFields<'_> {
    pub(crate) fn validate(&self) -> Result<(), Error> {
        check_merchant_uid(self.merchant_uid)?;
        let currency = rules::check_charge(
            self.currency,
            self.amount,
            self.tax_free,
            self.vat_amount,
            self.vat,
        )?;
        rules::check_card_quota(self.card_quota, self.amount, currency)?;
        rules::NAME.check_opt(self.name)?;
        self.buyer.validate()?;
        rules::CUSTOM_DATA.check_opt(self.custom_data)?;
        rules::check_url("notice_url", self.notice_url)?;
        rules::check_ip("browser_ip", self.browser_ip)?;
        rules::one_of("product_type", self.product_type, rules::PRODUCT_TYPES)?;
        rules::PROMOTION_ID.check_opt(self.promotion_id)?;
        rules::check_bypass(self.bypass)
    }
}

/// The [`ChargeFields`] of a request that names them as `PayOnetimeRequest` does (`vat`: the
/// deprecated field, which schedule entries do not have).
macro_rules! charge_fields {
    ($r:expr, $vat:expr) => {
        $crate::requests::ChargeFields {
            merchant_uid: &$r.merchant_uid,
            amount: &$r.amount,
            currency: $r.currency.as_deref(),
            tax_free: $r.tax_free.as_ref(),
            vat_amount: $r.vat_amount.as_ref(),
            vat: $vat,
            name: $r.name.as_deref(),
            buyer: &$r.buyer,
            card_quota: $r.card_quota,
            custom_data: $r.custom_data.as_deref(),
            notice_url: $r.notice_url.as_deref(),
            browser_ip: $r.browser_ip.as_deref(),
            product_type: $r.product_type.as_deref(),
            promotion_id: $r.promotion_id.as_deref(),
            bypass: $r.bypass.as_deref(),
        }
    };
}
pub(crate) use charge_fields;

impl CardDetails {
    /// The checks the client makes before sending; `Err` names the offending field.
    pub fn validate(&self) -> Result<(), Error> {
        let raw = self.card_number.expose_secret();
        let digits = self.card_number.digits();
        if raw
            .chars()
            .any(|c| !(c.is_ascii_digit() || c == '-' || c == ' '))
        {
            return Err(Error::invalid(
                "card_number",
                "may contain only digits, dashes and spaces",
            ));
        }
        if !(13..=19).contains(&digits.len()) {
            return Err(Error::invalid("card_number", "must have 13 to 19 digits"));
        }
        let expiry = self.expiry.normalized();
        // ASCII first: the byte offsets below must fall on character boundaries.
        let valid_expiry = expiry.is_ascii()
            && expiry.len() == 7
            && all_digits(&expiry[..4])
            && &expiry[4..5] == "-"
            && all_digits(&expiry[5..])
            && matches!(expiry[5..].parse::<u8>(), Ok(1..=12));
        if !valid_expiry {
            return Err(Error::invalid("expiry", "must be YYYY-MM or YYYYMM"));
        }
        if let Some(birth) = &self.birth {
            let b = birth.expose_secret().trim();
            if !(all_digits(b) && (b.len() == 6 || b.len() == 10)) {
                return Err(Error::invalid(
                    "birth",
                    "must be 6 digits (YYMMDD) or a 10-digit business registration number",
                ));
            }
        }
        if let Some(pwd) = &self.pwd_2digit {
            let p = pwd.expose_secret().trim();
            if !(all_digits(p) && p.len() == 2) {
                return Err(Error::invalid("pwd_2digit", "must be exactly 2 digits"));
            }
        }
        if let Some(cvc) = &self.cvc {
            let c = cvc.expose_secret().trim();
            if !(all_digits(c) && (3..=4).contains(&c.len())) {
                return Err(Error::invalid("cvc", "must be 3 or 4 digits"));
            }
        }
        Ok(())
    }
}

impl PayOnetimeRequest {
    /// The checks the client makes before sending; `Err` names the offending field.
    pub fn validate(&self) -> Result<(), Error> {
        charge_fields!(self, self.vat.as_ref()).validate()?;
        self.card.validate()?;
        rules::CUSTOMER_UID.check_opt(self.customer_uid.as_deref())?;
        check_pg(self.pg.as_ref())?;
        rules::CHANNEL_GROUP_ID.check_opt(self.channel_group_id.as_deref())?;
        rules::SECURE_3D_CHARGE_ID.check_opt(self.secure_3d_charge_id.as_deref())?;
        rules::SECURE_3D_TOKEN.check_opt(self.secure_3d_token.as_deref())
    }
}

impl PayAgainRequest {
    /// The checks the client makes before sending; `Err` names the offending field.
    pub fn validate(&self) -> Result<(), Error> {
        check_customer_uid(&self.customer_uid)?;
        charge_fields!(self, self.vat.as_ref()).validate()?;
        check_billing_extras(
            self.product_count,
            self.cash_receipt_type.as_deref(),
            self.extra.as_ref(),
        )?;
        rules::CHANNEL_KEY.check_opt(self.channel_key.as_deref())
    }
}

impl IssueBillingKeyRequest {
    /// The checks the client makes before sending; `Err` names the offending field.
    pub fn validate(&self) -> Result<(), Error> {
        check_customer_uid(&self.customer_uid)?;
        self.card.validate()?;
        check_pg(self.pg.as_ref())?;
        rules::CHANNEL_KEY.check_opt(self.channel_key.as_deref())?;
        rules::CHANNEL_GROUP_ID.check_opt(self.channel_group_id.as_deref())?;
        rules::CUSTOMER_ID.check_opt(self.customer_id.as_deref())?;
        rules::CUSTOMER_NAME.check_opt(self.customer_name.as_deref())?;
        rules::CUSTOMER_TEL.check_opt(self.customer_tel.as_deref())?;
        rules::CUSTOMER_EMAIL.check_opt(self.customer_email.as_deref())?;
        rules::CUSTOMER_ADDR.check_opt(self.customer_addr.as_deref())?;
        rules::CUSTOMER_POSTCODE.check_opt(self.customer_postcode.as_deref())
    }
}

impl CancelPaymentRequest {
    /// The checks the client makes before sending; `Err` names the offending field.
    pub fn validate(&self) -> Result<(), Error> {
        match (&self.imp_uid, &self.merchant_uid) {
            (None, None) => {
                return Err(Error::invalid(
                    "imp_uid",
                    "either imp_uid or merchant_uid is required",
                ));
            }
            (Some(imp), m) => {
                check_imp_uid(imp)?;
                rules::MERCHANT_UID.check_opt(m.as_deref())?;
            }
            (None, Some(m)) => check_merchant_uid(m)?,
        }
        rules::check_refund(
            self.amount.as_ref(),
            self.tax_free.as_ref(),
            self.vat_amount.as_ref(),
            self.checksum.as_ref(),
        )?;
        rules::REASON.check_opt(self.reason.as_deref())?;
        rules::REFUND_HOLDER.check_opt(self.refund_holder.as_deref())?;
        rules::REFUND_BANK.check_opt(self.refund_bank.as_deref())?;
        rules::REFUND_ACCOUNT.check_opt(self.refund_account.as_deref())?;
        rules::REFUND_TEL.check_opt(self.refund_tel.as_deref())?;
        rules::check_extra(self.extra.as_ref())
    }
}
