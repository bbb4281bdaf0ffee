//! JS values to core requests.
//!
//! Conversion is done by hand rather than by napi's derived `FromNapiValue`, so that every bad
//! value becomes core's `InvalidRequest` naming the field (snake_case, as core names it) and
//! goes the same way as core's own validation errors, before anything is sent. Keys a request
//! does not have are refused too: a misspelt optional field would otherwise be dropped silently.
//!
//! The structs below are the TypeScript shape of each request (`object_from_js = false`: the
//! readers fill them); they hold core's masking types, so their `Debug` shows no card data.

use crate::output::invalid;
use iamport_subscribe as core;
use iamport_subscribe::{
    Amount, Birth, CardNumber, Cvc, Error, Expiry, PaymentStatus, Pg, Pwd2Digit, Result,
    RetryPolicy, ScheduleStatus, Timestamp,
};
use napi::bindgen_prelude::{Array, BufferSlice, FromNapiValue, Object, Unknown};
use napi::{JsDate, JsValue, ValueType};
use napi_derive::napi;
use std::collections::BTreeMap;
use std::str::FromStr;
use std::time::Duration;

/// Largest integer a JS number holds exactly (`Number.MAX_SAFE_INTEGER`).
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// A JS number as an exact amount: integers exactly; a fraction through the shortest decimal text
/// of the double, which is the number the caller wrote.
pub(crate) fn amount(field: &str, value: f64) -> Result<Amount> {
    if !value.is_finite() {
        return Err(invalid(field, "must be a finite number"));
    }
    if value.fract() == 0.0 {
        if value.abs() > MAX_SAFE_INTEGER {
            return Err(invalid(
                field,
                "must be at most Number.MAX_SAFE_INTEGER (larger numbers are not exact in JavaScript)",
            ));
        }
        // Whole and within ±2^53: the cast is exact.
        return Ok(Amount::new(value as i64));
    }
    Amount::from_str(&value.to_string()).map_err(|_| invalid(field, "is out of range"))
}

fn type_name(t: ValueType) -> &'static str {
    match t {
        ValueType::Undefined => "undefined",
        ValueType::Null => "null",
        ValueType::Boolean => "a boolean",
        ValueType::Number => "a number",
        ValueType::String => "a string",
        ValueType::Symbol => "a symbol",
        ValueType::Object => "an object",
        ValueType::Function => "a function",
        ValueType::External => "an external value",
        ValueType::BigInt => "a bigint",
        _ => "an unknown value",
    }
}

fn kind_of(value: &Unknown<'_>) -> ValueType {
    value.get_type().unwrap_or(ValueType::Unknown)
}

fn expect(field: &str, wanted: &str, value: &Unknown<'_>) -> Error {
    invalid(
        field,
        format!("must be {wanted}, not {}", type_name(kind_of(value))),
    )
}

fn unreadable(field: &str, e: napi::Error) -> Error {
    invalid(field, format!("could not be read ({})", e.reason))
}

/// A JS string, or `InvalidRequest` naming `field`.
pub(crate) fn string(field: &str, value: Unknown<'_>) -> Result<String> {
    if kind_of(&value) != ValueType::String {
        return Err(expect(field, "a string", &value));
    }
    String::from_unknown(value).map_err(|e| unreadable(field, e))
}

/// A point in time: a `Date` (whole seconds, earlier ones: the API counts in seconds) or a whole
/// number of unix seconds; otherwise `InvalidRequest` naming `field`.
pub(crate) fn timestamp(field: &str, value: Unknown<'_>) -> Result<Timestamp> {
    let seconds = match kind_of(&value) {
        ValueType::Number => {
            let n = f64::from_unknown(value).map_err(|e| unreadable(field, e))?;
            if !(n.is_finite() && n.fract() == 0.0) {
                return Err(invalid(
                    field,
                    "must be a whole number of unix seconds (or a Date)",
                ));
            }
            n
        }
        ValueType::Object if value.is_date().unwrap_or(false) => {
            let ms = JsDate::from_unknown(value)
                .and_then(|d| d.value_of())
                .map_err(|e| unreadable(field, e))?;
            if !ms.is_finite() {
                return Err(invalid(field, "is an invalid Date"));
            }
            (ms / 1000.0).floor()
        }
        _ => return Err(expect(field, "a Date or unix seconds", &value)),
    };
    // Whole: the cast is exact within ±2^53 and saturates beyond. The range (seconds, not
    // milliseconds) is core's rule, checked with the request.
    Ok(seconds as Timestamp)
}

/// The items of a JS array, or `InvalidRequest` naming `field`.
pub(crate) fn array<'env>(field: &str, value: Unknown<'env>) -> Result<Vec<Unknown<'env>>> {
    let is_array = kind_of(&value) == ValueType::Object
        && Object::from_unknown(value)
            .and_then(|o| o.is_array())
            .unwrap_or(false);
    if !is_array {
        return Err(expect(field, "an array", &value));
    }
    let items: Array<'env> = Array::from_unknown(value).map_err(|e| unreadable(field, e))?;
    (0..items.len())
        .map(|i| {
            items
                .get::<Unknown<'env>>(i)
                .map_err(|e| unreadable(field, e))?
                .ok_or_else(|| invalid(field, "changed while it was read"))
        })
        .collect()
}

/// An array of strings (`merchantUids`, `impUids`, ...); a bad item is named `field[i]`.
pub(crate) fn strings(field: &str, value: Option<Unknown<'_>>) -> Result<Vec<String>> {
    let value = given(value).ok_or_else(|| invalid(field, "is required"))?;
    array(field, value)?
        .into_iter()
        .enumerate()
        .map(|(i, item)| string(&format!("{field}[{i}]"), item))
        .collect()
}

/// Bytes: a string (as UTF-8) or a `Buffer`.
pub(crate) fn bytes(field: &str, value: Option<Unknown<'_>>) -> Result<Vec<u8>> {
    let value = given(value).ok_or_else(|| invalid(field, "is required"))?;
    if kind_of(&value) == ValueType::String {
        return string(field, value).map(String::into_bytes);
    }
    if value.is_buffer().unwrap_or(false) {
        let buffer = BufferSlice::from_unknown(value).map_err(|e| unreadable(field, e))?;
        return Ok(buffer.to_vec());
    }
    Err(expect(field, "a string or a Buffer", &value))
}

/// `null` and `undefined` are "not given".
pub(crate) fn given(value: Option<Unknown<'_>>) -> Option<Unknown<'_>> {
    value.filter(|v| !matches!(kind_of(v), ValueType::Undefined | ValueType::Null))
}

/// The fields of one JS object, read by name; `finish` refuses the keys nobody asked for.
pub(crate) struct Fields<'env> {
    object: Object<'env>,
    /// Prefix of unknown keys in errors (`"card."` inside a request, `"schedules[2]."` in a list).
    path: String,
    /// The type, for the error about an unknown key.
    type_name: &'static str,
    known: Vec<&'static str>,
}

impl<'env> Fields<'env> {
    /// `value` must be a plain object; otherwise `InvalidRequest` naming `field`.
    pub(crate) fn of(
        value: Unknown<'env>,
        field: &str,
        type_name: &'static str,
        path: impl Into<String>,
    ) -> Result<Self> {
        if kind_of(&value) != ValueType::Object {
            return Err(expect(field, &format!("a {type_name} object"), &value));
        }
        let object = Object::from_unknown(value).map_err(|e| unreadable(field, e))?;
        if object.is_array().unwrap_or(false) {
            return Err(invalid(
                field,
                format!("must be a {type_name} object, not an array"),
            ));
        }
        Ok(Fields {
            object,
            path: path.into(),
            type_name,
            known: Vec::new(),
        })
    }

    /// The value under `key`, `None` when absent, `undefined` or `null`.
    fn value(&mut self, key: &'static str, field: &str) -> Result<Option<Unknown<'env>>> {
        self.known.push(key);
        let value: Option<Unknown<'env>> =
            self.object.get(key).map_err(|e| unreadable(field, e))?;
        Ok(given(value))
    }

    fn required(&mut self, key: &'static str, field: &str) -> Result<Unknown<'env>> {
        self.value(key, field)?
            .ok_or_else(|| invalid(field, "is required"))
    }

    pub(crate) fn string(&mut self, key: &'static str, field: &str) -> Result<String> {
        let value = self.required(key, field)?;
        string(field, value)
    }

    pub(crate) fn opt_string(&mut self, key: &'static str, field: &str) -> Result<Option<String>> {
        self.value(key, field)?
            .map(|v| string(field, v))
            .transpose()
    }

    pub(crate) fn opt_number(&mut self, key: &'static str, field: &str) -> Result<Option<f64>> {
        self.value(key, field)?
            .map(|v| {
                if kind_of(&v) != ValueType::Number {
                    return Err(expect(field, "a number", &v));
                }
                f64::from_unknown(v).map_err(|e| unreadable(field, e))
            })
            .transpose()
    }

    pub(crate) fn amount(&mut self, key: &'static str, field: &str) -> Result<Amount> {
        match self.opt_number(key, field)? {
            Some(n) => amount(field, n),
            None => Err(invalid(field, "is required")),
        }
    }

    pub(crate) fn opt_amount(&mut self, key: &'static str, field: &str) -> Result<Option<Amount>> {
        self.opt_number(key, field)?
            .map(|n| amount(field, n))
            .transpose()
    }

    pub(crate) fn opt_u32(&mut self, key: &'static str, field: &str) -> Result<Option<u32>> {
        self.opt_number(key, field)?
            .map(|n| {
                if n.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&n) {
                    // Whole and in range: the cast is exact.
                    Ok(n as u32)
                } else {
                    Err(invalid(field, "must be a whole number from 0"))
                }
            })
            .transpose()
    }

    pub(crate) fn opt_bool(&mut self, key: &'static str, field: &str) -> Result<Option<bool>> {
        self.value(key, field)?
            .map(|v| {
                if kind_of(&v) != ValueType::Boolean {
                    return Err(expect(field, "a boolean", &v));
                }
                bool::from_unknown(v).map_err(|e| unreadable(field, e))
            })
            .transpose()
    }

    /// A point in time: a `Date` or unix seconds.
    pub(crate) fn timestamp(&mut self, key: &'static str, field: &str) -> Result<Timestamp> {
        let value = self.required(key, field)?;
        timestamp(field, value)
    }

    /// A list; each item is read by the caller.
    pub(crate) fn array(&mut self, key: &'static str, field: &str) -> Result<Vec<Unknown<'env>>> {
        let value = self.required(key, field)?;
        array(field, value)
    }

    /// A nested object, read with its own `Fields`.
    pub(crate) fn opt_object(
        &mut self,
        key: &'static str,
        field: &str,
        type_name: &'static str,
        path: &'static str,
    ) -> Result<Option<Fields<'env>>> {
        self.value(key, field)?
            .map(|v| Fields::of(v, field, type_name, path))
            .transpose()
    }

    /// An object of strings (`extra`).
    pub(crate) fn opt_string_map(
        &mut self,
        key: &'static str,
        field: &str,
    ) -> Result<Option<BTreeMap<String, String>>> {
        let Some(value) = self.value(key, field)? else {
            return Ok(None);
        };
        let map = Fields::of(value, field, "Record<string, string>", "")?;
        let keys = Object::keys(&map.object).map_err(|e| unreadable(field, e))?;
        let mut out = BTreeMap::new();
        for k in keys {
            let v: Option<Unknown<'_>> = map.object.get(&k).map_err(|e| unreadable(field, e))?;
            if let Some(v) = given(v) {
                let text = string(&format!("{field}.{k}"), v)?;
                out.insert(k, text);
            }
        }
        Ok(Some(out))
    }

    /// Refuses keys this type does not have (unless their value is `undefined`).
    pub(crate) fn finish(self) -> Result<()> {
        let keys = Object::keys(&self.object).map_err(|e| unreadable(self.type_name, e))?;
        for key in keys {
            if self.known.contains(&key.as_str()) {
                continue;
            }
            let value: Option<Unknown<'_>> = self.object.get(&key).ok().flatten();
            if value.is_some_and(|v| kind_of(&v) == ValueType::Undefined) {
                continue;
            }
            return Err(invalid(
                &format!("{}{key}", self.path),
                format!("is not a field of {}", self.type_name),
            ));
        }
        Ok(())
    }
}

// -------------------------------------------------------------------------------------------
// Requests

/// Card data for a key-in payment or a billing-key issue. The package's `Card` class holds it and
/// prints it masked; pass `new Card({...})` as a request's `card`.
#[napi(object, object_from_js = false, object_to_js = false)]
#[derive(Debug)]
pub struct CardDetails {
    /// 13–19 digits; dashes and spaces are allowed.
    #[napi(ts_type = "string")]
    pub card_number: CardNumber,
    /// `YYYY-MM` (or `YYYYMM`).
    #[napi(ts_type = "string")]
    pub expiry: Expiry,
    /// `YYMMDD`, or a 10-digit business registration number for corporate cards. Whether the PG
    /// needs it depends on the contract.
    #[napi(ts_type = "string")]
    pub birth: Option<Birth>,
    /// First two digits of the card PIN. Contract-dependent, like `birth`.
    #[napi(js_name = "pwd2digit", ts_type = "string")]
    pub pwd_2digit: Option<Pwd2Digit>,
    /// Only for PGs that take it (Paymentwall).
    #[napi(ts_type = "string")]
    pub cvc: Option<Cvc>,
}

impl CardDetails {
    pub(crate) fn read(value: Option<Unknown<'_>>) -> Result<Self> {
        let value = given(value).ok_or_else(|| invalid("card", "is required"))?;
        let mut f = Fields::of(value, "card", "CardDetails", "card.")?;
        let card = CardDetails {
            card_number: CardNumber::new(f.string("cardNumber", "card_number")?),
            expiry: Expiry::new(f.string("expiry", "expiry")?),
            birth: f.opt_string("birth", "birth")?.map(Birth::new),
            pwd_2digit: f.opt_string("pwd2digit", "pwd_2digit")?.map(Pwd2Digit::new),
            cvc: f.opt_string("cvc", "cvc")?.map(Cvc::new),
        };
        f.finish()?;
        Ok(card)
    }

    fn into_core(self) -> core::CardDetails {
        let CardDetails {
            card_number,
            expiry,
            birth,
            pwd_2digit,
            cvc,
        } = self;
        core::CardDetails {
            card_number,
            expiry,
            birth,
            pwd_2digit,
            cvc,
        }
    }
}

/// Buyer details, stored on the payment (and on the billing key for a key-in payment that stores
/// the card).
#[napi(object, object_from_js = false, object_to_js = false)]
#[derive(Debug, Default)]
pub struct Buyer {
    pub name: Option<String>,
    pub email: Option<String>,
    pub tel: Option<String>,
    pub addr: Option<String>,
    pub postcode: Option<String>,
}

impl Buyer {
    fn read(f: &mut Fields<'_>) -> Result<Self> {
        let Some(mut b) = f.opt_object("buyer", "buyer", "Buyer", "buyer.")? else {
            return Ok(Buyer::default());
        };
        let buyer = Buyer {
            name: b.opt_string("name", "buyer_name")?,
            email: b.opt_string("email", "buyer_email")?,
            tel: b.opt_string("tel", "buyer_tel")?,
            addr: b.opt_string("addr", "buyer_addr")?,
            postcode: b.opt_string("postcode", "buyer_postcode")?,
        };
        b.finish()?;
        Ok(buyer)
    }

    fn into_core(self) -> core::Buyer {
        let Buyer {
            name,
            email,
            tel,
            addr,
            postcode,
        } = self;
        core::Buyer {
            name,
            email,
            tel,
            addr,
            postcode,
        }
    }
}

fn opt_pg(f: &mut Fields<'_>) -> Result<Option<Pg>> {
    Ok(f.opt_string("pg", "pg")?.map(|p| Pg::from(p.as_str())))
}

/// `payOnetime`: a key-in payment. With `customerUid` the card is also stored as a billing key
/// under that id (issue together with the first charge).
#[napi(object, object_from_js = false, object_to_js = false)]
#[derive(Debug)]
pub struct PayOnetimeRequest {
    /// Unique order id (≤ 40 characters); the API's only guard against charging twice.
    pub merchant_uid: String,
    #[napi(ts_type = "number")]
    pub amount: Amount,
    pub card: CardDetails,
    /// Store the card as a billing key under this id (≤ 80 characters).
    pub customer_uid: Option<String>,
    /// `nice`, `nice.{MID}`, `daou`, `daou.{CPID}` or any other channel string.
    #[napi(ts_type = "string")]
    pub pg: Option<Pg>,
    pub channel_group_id: Option<String>,
    /// Defaults to `KRW` at the API.
    pub currency: Option<String>,
    #[napi(ts_type = "number")]
    pub tax_free: Option<Amount>,
    #[napi(ts_type = "number")]
    pub vat_amount: Option<Amount>,
    /// Deprecated by the API: use `vatAmount`.
    #[napi(ts_type = "number")]
    pub vat: Option<Amount>,
    /// Order name (≤ 40 characters).
    pub name: Option<String>,
    pub buyer: Option<Buyer>,
    /// Installment months (≥ 2, only for amounts ≥ 50,000); 0 or none = lump sum.
    pub card_quota: Option<u32>,
    pub interest_free_by_merchant: Option<bool>,
    pub use_card_point: Option<bool>,
    pub custom_data: Option<String>,
    /// Webhook URL for this payment, overriding the console setting.
    pub notice_url: Option<String>,
    pub browser_ip: Option<String>,
    #[napi(js_name = "secure3dChargeId")]
    pub secure_3d_charge_id: Option<String>,
    #[napi(js_name = "secure3dToken")]
    pub secure_3d_token: Option<String>,
    /// `real` or `digital` (KSNET).
    pub product_type: Option<String>,
    pub promotion_id: Option<String>,
    pub bypass: Option<String>,
}

impl PayOnetimeRequest {
    pub(crate) fn read(value: Unknown<'_>) -> Result<core::PayOnetimeRequest> {
        let mut f = Fields::of(value, "request", "PayOnetimeRequest", "")?;
        let card = f.value("card", "card")?;
        let r = PayOnetimeRequest {
            merchant_uid: f.string("merchantUid", "merchant_uid")?,
            amount: f.amount("amount", "amount")?,
            card: CardDetails::read(card)?,
            customer_uid: f.opt_string("customerUid", "customer_uid")?,
            pg: opt_pg(&mut f)?,
            channel_group_id: f.opt_string("channelGroupId", "channel_group_id")?,
            currency: f.opt_string("currency", "currency")?,
            tax_free: f.opt_amount("taxFree", "tax_free")?,
            vat_amount: f.opt_amount("vatAmount", "vat_amount")?,
            vat: f.opt_amount("vat", "vat")?,
            name: f.opt_string("name", "name")?,
            buyer: Some(Buyer::read(&mut f)?),
            card_quota: f.opt_u32("cardQuota", "card_quota")?,
            interest_free_by_merchant: f
                .opt_bool("interestFreeByMerchant", "interest_free_by_merchant")?,
            use_card_point: f.opt_bool("useCardPoint", "use_card_point")?,
            custom_data: f.opt_string("customData", "custom_data")?,
            notice_url: f.opt_string("noticeUrl", "notice_url")?,
            browser_ip: f.opt_string("browserIp", "browser_ip")?,
            secure_3d_charge_id: f.opt_string("secure3dChargeId", "secure_3d_charge_id")?,
            secure_3d_token: f.opt_string("secure3dToken", "secure_3d_token")?,
            product_type: f.opt_string("productType", "product_type")?,
            promotion_id: f.opt_string("promotionId", "promotion_id")?,
            bypass: f.opt_string("bypass", "bypass")?,
        };
        f.finish()?;
        Ok(r.into_core())
    }

    fn into_core(self) -> core::PayOnetimeRequest {
        let PayOnetimeRequest {
            merchant_uid,
            amount,
            card,
            customer_uid,
            pg,
            channel_group_id,
            currency,
            tax_free,
            vat_amount,
            vat,
            name,
            buyer,
            card_quota,
            interest_free_by_merchant,
            use_card_point,
            custom_data,
            notice_url,
            browser_ip,
            secure_3d_charge_id,
            secure_3d_token,
            product_type,
            promotion_id,
            bypass,
        } = self;
        core::PayOnetimeRequest {
            merchant_uid,
            amount,
            card: card.into_core(),
            customer_uid,
            pg,
            channel_group_id,
            currency,
            tax_free,
            vat_amount,
            vat,
            name,
            buyer: buyer.unwrap_or_default().into_core(),
            card_quota,
            interest_free_by_merchant,
            use_card_point,
            custom_data,
            notice_url,
            browser_ip,
            secure_3d_charge_id,
            secure_3d_token,
            product_type,
            promotion_id,
            bypass,
        }
    }
}

/// `payAgain`: charge a stored billing key.
#[napi(object, object_from_js = false, object_to_js = false)]
#[derive(Debug)]
pub struct PayAgainRequest {
    pub customer_uid: String,
    /// Unique order id (≤ 40 characters).
    pub merchant_uid: String,
    #[napi(ts_type = "number")]
    pub amount: Amount,
    /// Order name (≤ 40 characters). The spec marks it required; the official examples omit it.
    pub name: Option<String>,
    pub currency: Option<String>,
    #[napi(ts_type = "number")]
    pub tax_free: Option<Amount>,
    #[napi(ts_type = "number")]
    pub vat_amount: Option<Amount>,
    /// Deprecated by the API: use `vatAmount`.
    #[napi(ts_type = "number")]
    pub vat: Option<Amount>,
    pub buyer: Option<Buyer>,
    pub card_quota: Option<u32>,
    pub interest_free_by_merchant: Option<bool>,
    pub use_card_point: Option<bool>,
    pub custom_data: Option<String>,
    pub notice_url: Option<String>,
    pub browser_ip: Option<String>,
    pub product_type: Option<String>,
    pub product_count: Option<u32>,
    /// `person`, `company` or `anonymous` (TossPay).
    pub cash_receipt_type: Option<String>,
    pub bypass: Option<String>,
    /// PG-specific extras, e.g. `naverUseCfm` for Naver Pay.
    #[napi(ts_type = "Record<string, string>")]
    pub extra: Option<BTreeMap<String, String>>,
    pub promotion_id: Option<String>,
    /// Only for super billing keys.
    pub channel_key: Option<String>,
}

impl PayAgainRequest {
    pub(crate) fn read(value: Unknown<'_>) -> Result<core::PayAgainRequest> {
        let mut f = Fields::of(value, "request", "PayAgainRequest", "")?;
        let r = PayAgainRequest {
            customer_uid: f.string("customerUid", "customer_uid")?,
            merchant_uid: f.string("merchantUid", "merchant_uid")?,
            amount: f.amount("amount", "amount")?,
            name: f.opt_string("name", "name")?,
            currency: f.opt_string("currency", "currency")?,
            tax_free: f.opt_amount("taxFree", "tax_free")?,
            vat_amount: f.opt_amount("vatAmount", "vat_amount")?,
            vat: f.opt_amount("vat", "vat")?,
            buyer: Some(Buyer::read(&mut f)?),
            card_quota: f.opt_u32("cardQuota", "card_quota")?,
            interest_free_by_merchant: f
                .opt_bool("interestFreeByMerchant", "interest_free_by_merchant")?,
            use_card_point: f.opt_bool("useCardPoint", "use_card_point")?,
            custom_data: f.opt_string("customData", "custom_data")?,
            notice_url: f.opt_string("noticeUrl", "notice_url")?,
            browser_ip: f.opt_string("browserIp", "browser_ip")?,
            product_type: f.opt_string("productType", "product_type")?,
            product_count: f.opt_u32("productCount", "product_count")?,
            cash_receipt_type: f.opt_string("cashReceiptType", "cash_receipt_type")?,
            bypass: f.opt_string("bypass", "bypass")?,
            extra: f.opt_string_map("extra", "extra")?,
            promotion_id: f.opt_string("promotionId", "promotion_id")?,
            channel_key: f.opt_string("channelKey", "channel_key")?,
        };
        f.finish()?;
        Ok(r.into_core())
    }

    fn into_core(self) -> core::PayAgainRequest {
        let PayAgainRequest {
            customer_uid,
            merchant_uid,
            amount,
            name,
            currency,
            tax_free,
            vat_amount,
            vat,
            buyer,
            card_quota,
            interest_free_by_merchant,
            use_card_point,
            custom_data,
            notice_url,
            browser_ip,
            product_type,
            product_count,
            cash_receipt_type,
            bypass,
            extra,
            promotion_id,
            channel_key,
        } = self;
        core::PayAgainRequest {
            customer_uid,
            merchant_uid,
            amount,
            name,
            currency,
            tax_free,
            vat_amount,
            vat,
            buyer: buyer.unwrap_or_default().into_core(),
            card_quota,
            interest_free_by_merchant,
            use_card_point,
            custom_data,
            notice_url,
            browser_ip,
            product_type,
            product_count,
            cash_receipt_type,
            bypass,
            extra,
            promotion_id,
            channel_key,
        }
    }
}

/// `issueBillingKey`: issue (or replace) the billing key `customerUid`.
#[napi(object, object_from_js = false, object_to_js = false)]
#[derive(Debug)]
pub struct IssueBillingKeyRequest {
    /// ≤ 80 characters.
    pub customer_uid: String,
    pub card: CardDetails,
    /// `nice`, `nice.{MID}`, `daou`, `daou.{CPID}` or any other channel string.
    #[napi(ts_type = "string")]
    pub pg: Option<Pg>,
    /// The spec lists it as required since 2026-05; the API has always worked without it.
    pub channel_key: Option<String>,
    pub channel_group_id: Option<String>,
    /// TossPayments only.
    pub customer_id: Option<String>,
    pub customer_name: Option<String>,
    pub customer_tel: Option<String>,
    pub customer_email: Option<String>,
    pub customer_addr: Option<String>,
    pub customer_postcode: Option<String>,
}

impl IssueBillingKeyRequest {
    pub(crate) fn read(value: Unknown<'_>) -> Result<core::IssueBillingKeyRequest> {
        let mut f = Fields::of(value, "request", "IssueBillingKeyRequest", "")?;
        let card = f.value("card", "card")?;
        let r = IssueBillingKeyRequest {
            customer_uid: f.string("customerUid", "customer_uid")?,
            card: CardDetails::read(card)?,
            pg: opt_pg(&mut f)?,
            channel_key: f.opt_string("channelKey", "channel_key")?,
            channel_group_id: f.opt_string("channelGroupId", "channel_group_id")?,
            customer_id: f.opt_string("customerId", "customer_id")?,
            customer_name: f.opt_string("customerName", "customer_name")?,
            customer_tel: f.opt_string("customerTel", "customer_tel")?,
            customer_email: f.opt_string("customerEmail", "customer_email")?,
            customer_addr: f.opt_string("customerAddr", "customer_addr")?,
            customer_postcode: f.opt_string("customerPostcode", "customer_postcode")?,
        };
        f.finish()?;
        Ok(r.into_core())
    }

    fn into_core(self) -> core::IssueBillingKeyRequest {
        let IssueBillingKeyRequest {
            customer_uid,
            card,
            pg,
            channel_key,
            channel_group_id,
            customer_id,
            customer_name,
            customer_tel,
            customer_email,
            customer_addr,
            customer_postcode,
        } = self;
        core::IssueBillingKeyRequest {
            customer_uid,
            card: card.into_core(),
            pg,
            channel_key,
            channel_group_id,
            customer_id,
            customer_name,
            customer_tel,
            customer_email,
            customer_addr,
            customer_postcode,
        }
    }
}

/// `cancelPayment`: refund a payment fully or partly.
#[napi(object, object_from_js = false, object_to_js = false)]
#[derive(Debug)]
pub struct CancelPaymentRequest {
    /// Which payment: `impUid` wins when both are given; one of the two is required.
    pub imp_uid: Option<String>,
    pub merchant_uid: Option<String>,
    /// Leave it out to refund the whole remaining balance.
    #[napi(ts_type = "number")]
    pub amount: Option<Amount>,
    /// Tax-exempt part of the refund. NICE does not default it: pass it for tax-exempt payments.
    #[napi(ts_type = "number")]
    pub tax_free: Option<Amount>,
    #[napi(ts_type = "number")]
    pub vat_amount: Option<Amount>,
    /// The balance you believe is still refundable; the API refuses the refund if it disagrees,
    /// which makes repeating a partial refund safe.
    #[napi(ts_type = "number")]
    pub checksum: Option<Amount>,
    pub reason: Option<String>,
    pub refund_holder: Option<String>,
    pub refund_bank: Option<String>,
    pub refund_account: Option<String>,
    pub refund_tel: Option<String>,
    pub retain_promotion: Option<bool>,
    /// API refunds send no webhook unless this is true.
    pub enable_webhook: Option<bool>,
    /// `{ requester: 'customer' | 'admin' }` for Naver Pay.
    #[napi(ts_type = "Record<string, string>")]
    pub extra: Option<BTreeMap<String, String>>,
}

impl CancelPaymentRequest {
    pub(crate) fn read(value: Unknown<'_>) -> Result<core::CancelPaymentRequest> {
        let mut f = Fields::of(value, "request", "CancelPaymentRequest", "")?;
        let r = CancelPaymentRequest {
            imp_uid: f.opt_string("impUid", "imp_uid")?,
            merchant_uid: f.opt_string("merchantUid", "merchant_uid")?,
            amount: f.opt_amount("amount", "amount")?,
            tax_free: f.opt_amount("taxFree", "tax_free")?,
            vat_amount: f.opt_amount("vatAmount", "vat_amount")?,
            checksum: f.opt_amount("checksum", "checksum")?,
            reason: f.opt_string("reason", "reason")?,
            refund_holder: f.opt_string("refundHolder", "refund_holder")?,
            refund_bank: f.opt_string("refundBank", "refund_bank")?,
            refund_account: f.opt_string("refundAccount", "refund_account")?,
            refund_tel: f.opt_string("refundTel", "refund_tel")?,
            retain_promotion: f.opt_bool("retainPromotion", "retain_promotion")?,
            enable_webhook: f.opt_bool("enableWebhook", "enable_webhook")?,
            extra: f.opt_string_map("extra", "extra")?,
        };
        f.finish()?;
        Ok(r.into_core())
    }

    fn into_core(self) -> core::CancelPaymentRequest {
        let CancelPaymentRequest {
            imp_uid,
            merchant_uid,
            amount,
            tax_free,
            vat_amount,
            checksum,
            reason,
            refund_holder,
            refund_bank,
            refund_account,
            refund_tel,
            retain_promotion,
            enable_webhook,
            extra,
        } = self;
        core::CancelPaymentRequest {
            imp_uid,
            merchant_uid,
            amount,
            tax_free,
            vat_amount,
            checksum,
            reason,
            refund_holder,
            refund_bank,
            refund_account,
            refund_tel,
            retain_promotion,
            enable_webhook,
            extra,
        }
    }
}

/// One future charge of a `schedule` request.
#[napi(object, object_from_js = false, object_to_js = false)]
#[derive(Debug)]
pub struct ScheduleEntry {
    /// Unique order id of this charge (≤ 40 characters).
    pub merchant_uid: String,
    /// When to charge: a `Date` (whole seconds) or unix seconds.
    #[napi(ts_type = "Date | number")]
    pub schedule_at: Timestamp,
    #[napi(ts_type = "number")]
    pub amount: Amount,
    /// Order name (≤ 40 characters).
    pub name: Option<String>,
    /// Defaults to `KRW` at the API.
    pub currency: Option<String>,
    #[napi(ts_type = "number")]
    pub tax_free: Option<Amount>,
    #[napi(ts_type = "number")]
    pub vat_amount: Option<Amount>,
    pub buyer: Option<Buyer>,
    pub custom_data: Option<String>,
    /// Webhook URL for this charge's result, overriding the console setting.
    pub notice_url: Option<String>,
    pub card_quota: Option<u32>,
    pub interest_free_by_merchant: Option<bool>,
    pub use_card_point: Option<bool>,
    pub product_type: Option<String>,
    pub product_count: Option<u32>,
    pub cash_receipt_type: Option<String>,
    pub browser_ip: Option<String>,
    pub bypass: Option<String>,
    pub promotion_id: Option<String>,
    /// PG-specific extras.
    #[napi(ts_type = "Record<string, string>")]
    pub extra: Option<BTreeMap<String, String>>,
}

impl ScheduleEntry {
    fn read(value: Unknown<'_>, index: usize) -> Result<Self> {
        let path = format!("schedules[{index}].");
        let mut f = Fields::of(value, "schedules", "ScheduleEntry", path)?;
        let e = ScheduleEntry {
            merchant_uid: f.string("merchantUid", "merchant_uid")?,
            schedule_at: f.timestamp("scheduleAt", "schedule_at")?,
            amount: f.amount("amount", "amount")?,
            name: f.opt_string("name", "name")?,
            currency: f.opt_string("currency", "currency")?,
            tax_free: f.opt_amount("taxFree", "tax_free")?,
            vat_amount: f.opt_amount("vatAmount", "vat_amount")?,
            buyer: Some(Buyer::read(&mut f)?),
            custom_data: f.opt_string("customData", "custom_data")?,
            notice_url: f.opt_string("noticeUrl", "notice_url")?,
            card_quota: f.opt_u32("cardQuota", "card_quota")?,
            interest_free_by_merchant: f
                .opt_bool("interestFreeByMerchant", "interest_free_by_merchant")?,
            use_card_point: f.opt_bool("useCardPoint", "use_card_point")?,
            product_type: f.opt_string("productType", "product_type")?,
            product_count: f.opt_u32("productCount", "product_count")?,
            cash_receipt_type: f.opt_string("cashReceiptType", "cash_receipt_type")?,
            browser_ip: f.opt_string("browserIp", "browser_ip")?,
            bypass: f.opt_string("bypass", "bypass")?,
            promotion_id: f.opt_string("promotionId", "promotion_id")?,
            extra: f.opt_string_map("extra", "extra")?,
        };
        f.finish()?;
        Ok(e)
    }

    fn into_core(self) -> core::ScheduleEntry {
        let ScheduleEntry {
            merchant_uid,
            schedule_at,
            amount,
            name,
            currency,
            tax_free,
            vat_amount,
            buyer,
            custom_data,
            notice_url,
            card_quota,
            interest_free_by_merchant,
            use_card_point,
            product_type,
            product_count,
            cash_receipt_type,
            browser_ip,
            bypass,
            promotion_id,
            extra,
        } = self;
        core::ScheduleEntry {
            merchant_uid,
            schedule_at,
            amount,
            name,
            currency,
            tax_free,
            vat_amount,
            buyer: buyer.unwrap_or_default().into_core(),
            custom_data,
            notice_url,
            card_quota,
            interest_free_by_merchant,
            use_card_point,
            product_type,
            product_count,
            cash_receipt_type,
            browser_ip,
            bypass,
            promotion_id,
            extra,
        }
    }
}

/// `schedule`: future charges of the billing key `customerUid`; with `card`, the key is issued
/// first.
#[napi(object, object_from_js = false, object_to_js = false)]
#[derive(Debug)]
pub struct ScheduleRequest {
    /// ≤ 80 characters.
    pub customer_uid: String,
    /// At least one charge; each `merchantUid` once.
    pub schedules: Vec<ScheduleEntry>,
    /// Only when `customerUid` has no billing key yet: a key is issued with it first.
    pub card: Option<CardDetails>,
    /// A test charge of this amount validates the card and is cancelled at once.
    #[napi(ts_type = "number")]
    pub checking_amount: Option<Amount>,
    /// Channel of a new key (older accounts; newer ones use `channelKey`).
    #[napi(ts_type = "string")]
    pub pg: Option<Pg>,
    pub channel_key: Option<String>,
    pub customer_id: Option<String>,
}

impl ScheduleRequest {
    pub(crate) fn read(value: Unknown<'_>) -> Result<core::ScheduleRequest> {
        let mut f = Fields::of(value, "request", "ScheduleRequest", "")?;
        let customer_uid = f.string("customerUid", "customer_uid")?;
        let schedules = f
            .array("schedules", "schedules")?
            .into_iter()
            .enumerate()
            .map(|(i, entry)| ScheduleEntry::read(entry, i))
            .collect::<Result<Vec<_>>>()?;
        let card = f.value("card", "card")?;
        let r = ScheduleRequest {
            customer_uid,
            schedules,
            card: card.map(|c| CardDetails::read(Some(c))).transpose()?,
            checking_amount: f.opt_amount("checkingAmount", "checking_amount")?,
            pg: opt_pg(&mut f)?,
            channel_key: f.opt_string("channelKey", "channel_key")?,
            customer_id: f.opt_string("customerId", "customer_id")?,
        };
        f.finish()?;
        Ok(r.into_core())
    }

    fn into_core(self) -> core::ScheduleRequest {
        let ScheduleRequest {
            customer_uid,
            schedules,
            card,
            checking_amount,
            pg,
            channel_key,
            customer_id,
        } = self;
        core::ScheduleRequest {
            customer_uid,
            schedules: schedules
                .into_iter()
                .map(ScheduleEntry::into_core)
                .collect(),
            card: card.map(CardDetails::into_core),
            checking_amount,
            pg,
            channel_key,
            customer_id,
        }
    }
}

/// `unschedule`'s options.
#[napi(object, object_from_js = false, object_to_js = false)]
#[derive(Debug)]
pub struct UnscheduleOptions {
    /// Revoke only schedules of this billing key.
    pub customer_uid: Option<String>,
}

impl UnscheduleOptions {
    pub(crate) fn read(value: Option<Unknown<'_>>) -> Result<Self> {
        let Some(value) = given(value) else {
            return Ok(UnscheduleOptions { customer_uid: None });
        };
        let mut f = Fields::of(value, "options", "UnscheduleOptions", "")?;
        let o = UnscheduleOptions {
            customer_uid: f.opt_string("customerUid", "customer_uid")?,
        };
        f.finish()?;
        Ok(o)
    }
}

/// The window of a schedule listing: `[from, to)`.
#[napi(object, object_from_js = false, object_to_js = false)]
#[derive(Debug)]
pub struct ListSchedulesOptions {
    /// A `Date` or unix seconds (inclusive).
    #[napi(ts_type = "Date | number")]
    pub from: Timestamp,
    /// A `Date` or unix seconds (exclusive).
    #[napi(ts_type = "Date | number")]
    pub to: Timestamp,
    /// Only schedules in this state.
    #[napi(ts_type = "Schedule['scheduleStatus']")]
    pub status: Option<ScheduleStatus>,
}

impl ListSchedulesOptions {
    pub(crate) fn read(value: Option<Unknown<'_>>) -> Result<Self> {
        let value = given(value).ok_or_else(|| invalid("from", "is required"))?;
        let mut f = Fields::of(value, "options", "ListSchedulesOptions", "")?;
        let o = ListSchedulesOptions {
            from: f.timestamp("from", "from")?,
            to: f.timestamp("to", "to")?,
            status: f.opt_string("status", "status")?.map(ScheduleStatus::from),
        };
        f.finish()?;
        Ok(o)
    }
}

/// A lookup argument (`customerUid`, `impUid`, `merchantUid`, `reason`): a string.
pub(crate) fn id(field: &str, value: Option<Unknown<'_>>) -> Result<String> {
    match given(value) {
        Some(v) => string(field, v),
        None => Err(invalid(field, "is required")),
    }
}

/// An optional lookup argument.
pub(crate) fn opt_id(field: &str, value: Option<Unknown<'_>>) -> Result<Option<String>> {
    given(value).map(|v| string(field, v)).transpose()
}

/// A required point in time argument (`scheduleAt`).
pub(crate) fn required_timestamp(field: &str, value: Option<Unknown<'_>>) -> Result<Timestamp> {
    match given(value) {
        Some(v) => timestamp(field, v),
        None => Err(invalid(field, "is required")),
    }
}

/// An optional payment status filter.
pub(crate) fn opt_status(value: Option<Unknown<'_>>) -> Result<Option<PaymentStatus>> {
    Ok(opt_id("status", value)?.map(PaymentStatus::from))
}

// -------------------------------------------------------------------------------------------
// Client settings

/// Settings of a `Client`.
#[napi(object, object_from_js = false, object_to_js = false)]
#[derive(Debug)]
pub struct ClientOptions {
    /// The REST API key (`imp_key`).
    pub imp_key: Option<String>,
    /// The REST API secret (`imp_secret`).
    pub imp_secret: Option<String>,
    /// Default `https://api.iamport.kr`; plain `http://` only for a loopback host.
    pub base_url: Option<String>,
    /// Act for a sub-merchant: the `Tier` header (3 upper-case letters or digits).
    pub tier: Option<String>,
    /// Total time allowed for one HTTP exchange, in milliseconds; default 60 000.
    pub timeout_ms: Option<f64>,
    /// Time allowed to connect, in milliseconds; default 10 000.
    pub connect_timeout_ms: Option<f64>,
    /// The `User-Agent` header.
    pub user_agent: Option<String>,
    /// Retries after the first attempt (0: never retry); default 2. Only requests that are safe
    /// to repeat are repeated; an ambiguous charge is looked up by its `merchantUid` first.
    pub max_retries: Option<u32>,
    /// Wait before the first retry, in milliseconds, doubled for each further one (with jitter);
    /// default 500.
    pub initial_backoff_ms: Option<f64>,
    /// Upper bound of one wait (and of a server's `Retry-After` that is honoured), in
    /// milliseconds; default 5 000.
    pub max_backoff_ms: Option<f64>,
}

/// Per-call settings of `client.withOptions`: each one given replaces the client's.
#[napi(object, object_from_js = false, object_to_js = false)]
#[derive(Debug)]
pub struct RequestOptions {
    /// Total time allowed for one HTTP exchange, in milliseconds.
    pub timeout_ms: Option<f64>,
    /// Retries after the first attempt (0: never retry).
    pub max_retries: Option<u32>,
    /// Wait before the first retry, in milliseconds, doubled for each further one.
    pub initial_backoff_ms: Option<f64>,
    /// Upper bound of one wait, in milliseconds.
    pub max_backoff_ms: Option<f64>,
}

/// `base` with the retry settings that were given replaced.
fn retry_policy(
    base: &RetryPolicy,
    max_retries: Option<u32>,
    initial_backoff_ms: Option<f64>,
    max_backoff_ms: Option<f64>,
) -> Result<RetryPolicy> {
    let mut policy = base.clone();
    if let Some(v) = max_retries {
        policy.max_retries = v;
    }
    if let Some(v) = initial_backoff_ms {
        policy.initial_backoff = duration("initial_backoff", v)?;
    }
    if let Some(v) = max_backoff_ms {
        policy.max_backoff = duration("max_backoff", v)?;
    }
    Ok(policy)
}

/// A timeout must be a positive duration (as core's builder requires).
fn timeout(field: &str, ms: f64) -> Result<Duration> {
    let d = duration(field, ms)?;
    if d.is_zero() {
        return Err(invalid(field, "must be greater than zero"));
    }
    Ok(d)
}

impl RequestOptions {
    /// Reads the settings into core's options, the retry settings merged into `current` (the
    /// client's policy); also returns the policy in force afterwards.
    pub(crate) fn read(
        value: Option<Unknown<'_>>,
        current: &RetryPolicy,
    ) -> Result<(core::RequestOptions, RetryPolicy)> {
        let Some(value) = given(value) else {
            return Err(invalid(
                "options",
                "is required: client.withOptions({ timeoutMs, maxRetries, ... })",
            ));
        };
        let mut f = Fields::of(value, "options", "RequestOptions", "")?;
        let o = RequestOptions {
            timeout_ms: f.opt_number("timeoutMs", "timeout")?,
            max_retries: f.opt_u32("maxRetries", "max_retries")?,
            initial_backoff_ms: f.opt_number("initialBackoffMs", "initial_backoff")?,
            max_backoff_ms: f.opt_number("maxBackoffMs", "max_backoff")?,
        };
        f.finish()?;
        let timeout = o.timeout_ms.map(|v| timeout("timeout", v)).transpose()?;
        let policy = retry_policy(
            current,
            o.max_retries,
            o.initial_backoff_ms,
            o.max_backoff_ms,
        )?;
        let options = core::RequestOptions {
            timeout,
            retry: Some(policy.clone()),
        };
        Ok((options, policy))
    }
}

fn duration(field: &str, ms: f64) -> Result<Duration> {
    if !(ms.is_finite() && ms >= 0.0) {
        return Err(invalid(
            field,
            "must be a non-negative number of milliseconds",
        ));
    }
    Duration::try_from_secs_f64(ms / 1000.0).map_err(|_| invalid(field, "is too large"))
}

impl ClientOptions {
    /// Reads the settings; `from_env` leaves out the ones the environment gives.
    pub(crate) fn read(value: Option<Unknown<'_>>, from_env: bool) -> Result<Self> {
        let Some(value) = given(value) else {
            return if from_env {
                Ok(ClientOptions {
                    imp_key: None,
                    imp_secret: None,
                    base_url: None,
                    tier: None,
                    timeout_ms: None,
                    connect_timeout_ms: None,
                    user_agent: None,
                    max_retries: None,
                    initial_backoff_ms: None,
                    max_backoff_ms: None,
                })
            } else {
                Err(invalid(
                    "imp_key",
                    "is required: new Client({ impKey, impSecret })",
                ))
            };
        };
        let mut f = Fields::of(value, "options", "ClientOptions", "")?;
        let (imp_key, imp_secret, base_url) = if from_env {
            (None, None, None)
        } else {
            (
                f.opt_string("impKey", "imp_key")?,
                f.opt_string("impSecret", "imp_secret")?,
                f.opt_string("baseUrl", "base_url")?,
            )
        };
        let options = ClientOptions {
            imp_key,
            imp_secret,
            base_url,
            tier: f.opt_string("tier", "tier")?,
            timeout_ms: f.opt_number("timeoutMs", "timeout")?,
            connect_timeout_ms: f.opt_number("connectTimeoutMs", "connect_timeout")?,
            user_agent: f.opt_string("userAgent", "user_agent")?,
            max_retries: f.opt_u32("maxRetries", "max_retries")?,
            initial_backoff_ms: f.opt_number("initialBackoffMs", "initial_backoff")?,
            max_backoff_ms: f.opt_number("maxBackoffMs", "max_backoff")?,
        };
        f.finish()?;
        Ok(options)
    }

    /// Applies the settings to a core builder; also returns the retry policy given to it.
    pub(crate) fn apply(
        self,
        mut b: core::ClientBuilder,
    ) -> Result<(core::ClientBuilder, RetryPolicy)> {
        let ClientOptions {
            imp_key,
            imp_secret,
            base_url,
            tier,
            timeout_ms,
            connect_timeout_ms,
            user_agent,
            max_retries,
            initial_backoff_ms,
            max_backoff_ms,
        } = self;
        if let Some(v) = imp_key {
            b = b.imp_key(v);
        }
        if let Some(v) = imp_secret {
            b = b.imp_secret(v);
        }
        if let Some(v) = base_url {
            b = b.base_url(v);
        }
        if let Some(v) = tier {
            b = b.tier(v);
        }
        if let Some(v) = timeout_ms {
            b = b.timeout(duration("timeout", v)?);
        }
        if let Some(v) = connect_timeout_ms {
            b = b.connect_timeout(duration("connect_timeout", v)?);
        }
        b = b.user_agent(user_agent.unwrap_or_else(|| {
            concat!("iamport-subscribe-node/", env!("CARGO_PKG_VERSION")).to_owned()
        }));
        let policy = retry_policy(
            &RetryPolicy::default(),
            max_retries,
            initial_backoff_ms,
            max_backoff_ms,
        )?;
        Ok((b.retry_policy(policy.clone()), policy))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_from_js_numbers_are_exact() {
        let ok = |n: f64| amount("amount", n).map(|a| a.to_string()).ok();
        assert_eq!(ok(9900.0).as_deref(), Some("9900"));
        assert_eq!(ok(-0.0).as_deref(), Some("0"));
        assert_eq!(ok(0.1).as_deref(), Some("0.1"));
        assert_eq!(ok(12.34).as_deref(), Some("12.34"));
        assert_eq!(ok(99999999999.99).as_deref(), Some("99999999999.99"));
        assert_eq!(ok(9007199254740991.0).as_deref(), Some("9007199254740991"));
        for bad in [
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            9007199254740992.0,
            1e300,
        ] {
            let e = amount("amount", bad).err();
            assert_eq!(e.as_ref().and_then(Error::field), Some("amount"), "{bad}");
        }
    }

    #[test]
    fn durations_refuse_what_std_would_panic_on() {
        assert_eq!(
            duration("timeout", 1500.0).ok(),
            Some(Duration::from_millis(1500))
        );
        for bad in [-1.0, f64::NAN, f64::INFINITY, 1e300] {
            assert!(duration("timeout", bad).is_err(), "{bad}");
        }
    }
}
