//! What a charge is for (`onetime`, `again`, each schedule): the order and its amount rules.

use rust_decimal::Decimal;

use crate::domain::error::{AmountOf, Refusal};

/// `buyer_*` of a payment, `customer_*` of a billing key.
#[derive(Debug, Clone, Default)]
pub(crate) struct Contact {
    pub name: Option<String>,
    pub email: Option<String>,
    pub tel: Option<String>,
    pub addr: Option<String>,
    pub postcode: Option<String>,
}

impl Contact {
    /// Fields absent here are taken from `other`.
    pub fn or(self, other: &Contact) -> Contact {
        Contact {
            name: self.name.or_else(|| other.name.clone()),
            email: self.email.or_else(|| other.email.clone()),
            tel: self.tel.or_else(|| other.tel.clone()),
            addr: self.addr.or_else(|| other.addr.clone()),
            postcode: self.postcode.or_else(|| other.postcode.clone()),
        }
    }
}

/// The fields shared by `onetime`, `again` and each schedule.
#[derive(Debug, Clone)]
pub(crate) struct Order {
    pub merchant_uid: String,
    pub amount: Decimal,
    pub currency: String,
    pub name: Option<String>,
    pub buyer: Contact,
    pub custom_data: Option<String>,
    pub card_quota: i64,
    pub notice_url: Option<String>,
    /// `tax_free`, `vat_amount`, `vat` as sent (each must lie within `0..=amount`).
    pub parts: Vec<(&'static str, Decimal)>,
}

impl Order {
    /// The amount rules: a positive amount (whole won in KRW), parts within it, 0–36
    /// instalments.
    pub fn check(&self) -> Result<(), Refusal> {
        check_amount(self.amount, &self.currency, AmountOf::Payment)?;
        check_parts(&self.parts, self.amount)?;
        if !(0..=36).contains(&self.card_quota) {
            return Err(Refusal::CardQuotaOutOfRange);
        }
        Ok(())
    }
}

/// An amount is positive, and whole in KRW.
pub(crate) fn check_amount(amount: Decimal, currency: &str, of: AmountOf) -> Result<(), Refusal> {
    if amount <= Decimal::ZERO {
        return Err(Refusal::AmountNotPositive(of));
    }
    if currency.eq_ignore_ascii_case("KRW") && !amount.fract().is_zero() {
        return Err(Refusal::AmountNotWhole(of));
    }
    Ok(())
}

/// Tax-free and VAT parts lie within `0..=amount`.
pub(crate) fn check_parts(
    parts: &[(&'static str, Decimal)],
    amount: Decimal,
) -> Result<(), Refusal> {
    match parts
        .iter()
        .find(|(_, v)| *v < Decimal::ZERO || *v > amount)
    {
        Some((name, _)) => Err(Refusal::PartOutOfRange(name)),
        None => Ok(()),
    }
}
