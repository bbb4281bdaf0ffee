//! Request fields into domain values: the order of a charge, card data, contacts.

use crate::domain::card::CardInput;
use crate::domain::order::{Contact, Order};
use crate::wire::envelope::Reply;
use crate::wire::fields::Fields;

/// `merchant_uid`, `amount`, `currency` (KRW), `tax_free`/`vat_amount`/`vat`, `card_quota`,
/// `name`, `buyer_*`, `custom_data`, `notice_url`.
pub(crate) fn order(f: &Fields) -> Result<Order, Reply> {
    let merchant_uid = f.req_str("merchant_uid")?;
    let amount = f.req_decimal("amount")?;
    let currency = f.opt_str("currency")?.unwrap_or_else(|| "KRW".to_owned());
    let mut parts = Vec::new();
    for name in ["tax_free", "vat_amount", "vat"] {
        if let Some(v) = f.opt_decimal(name)? {
            parts.push((name, v));
        }
    }
    Ok(Order {
        merchant_uid,
        amount,
        currency,
        card_quota: f.opt_int("card_quota")?.unwrap_or(0),
        name: f.opt_str("name")?,
        buyer: contact(f, "buyer")?,
        custom_data: f.json_text("custom_data")?,
        notice_url: f.opt_str("notice_url")?,
        parts,
    })
}

/// `{prefix}_name`, `_email`, `_tel`, `_addr`, `_postcode`.
pub(crate) fn contact(f: &Fields, prefix: &str) -> Result<Contact, Reply> {
    Ok(Contact {
        name: f.opt_str(&format!("{prefix}_name"))?,
        email: f.opt_str(&format!("{prefix}_email"))?,
        tel: f.opt_str(&format!("{prefix}_tel"))?,
        addr: f.opt_str(&format!("{prefix}_addr"))?,
        postcode: f.opt_str(&format!("{prefix}_postcode"))?,
    })
}

/// `card_number` and `expiry` (required), `birth`, `pwd_2digit`.
pub(crate) fn card(f: &Fields) -> Result<CardInput, Reply> {
    Ok(CardInput {
        number: f.req_str("card_number")?,
        expiry: f.req_str("expiry")?,
        birth: f.opt_str("birth")?,
        pwd_2digit: f.opt_str("pwd_2digit")?,
    })
}
