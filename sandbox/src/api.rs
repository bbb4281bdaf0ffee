//! The emulated endpoints. Each call runs synchronously under the state lock, so every check
//! and the write that follows it happen as one step.

use std::cmp::Ordering;

use axum::http::{HeaderMap, StatusCode, header};
use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::NotFoundMode;
use crate::card::{self, Behaviour, Card, Pg};
use crate::input::Fields;
use crate::model::{BillingKey, Cancel, Contact, Payment, Status};
use crate::schedule;
use crate::state::{Inner, Shared, Token};
use crate::webhook::{Event, Job};

pub(crate) const DUPLICATE: &str =
    "이미 주문이 이루어진 건입니다. (동일한 merchant_uid로 결제 또는 취소된 기록이 있습니다)";
pub(crate) const UNKNOWN_CUSTOMER: &str = "등록되지 않은 구매자입니다.";
const NO_PAYMENT: &str = "존재하지 않는 결제정보입니다.";
/// Most ids one `GET /payments` may ask for.
const MULTI_PAYMENTS_MAX: usize = 100;
/// Page size of `GET /subscribe/customers/{customer_uid}/payments`.
const CUSTOMER_PAYMENTS_PAGE: u64 = 20;
const NOTHING_TO_CANCEL: &str = "취소할 결제건이 존재하지 않습니다.";
const RECEIPT_BASE: &str = "https://sandbox.iamport.invalid/receipts";

/// An answer: HTTP status plus envelope.
#[derive(Debug)]
pub(crate) struct Reply {
    pub status: StatusCode,
    pub body: Value,
}

impl Reply {
    pub fn ok(response: Value) -> Reply {
        Reply::ok_with(200, response)
    }

    /// Success with another 2xx status (207 for partly resolved multi-lookups).
    pub fn ok_with(status: u16, response: Value) -> Reply {
        Reply {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
            body: json!({"code": 0, "message": null, "response": response}),
        }
    }

    pub fn error(status: u16, code: i64, message: impl Into<String>) -> Reply {
        Reply {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            body: json!({"code": code, "message": message.into(), "response": null}),
        }
    }

    /// Business failure: HTTP 200 with a non-zero code, as the live API reports most errors.
    pub fn fail(code: i64, message: impl Into<String>) -> Reply {
        Reply::error(200, code, message)
    }

    pub fn unauthorized() -> Reply {
        Reply::error(401, -1, "Unauthorized")
    }

    pub fn no_route() -> Reply {
        Reply::error(404, 1, "존재하지 않는 API입니다.")
    }
}

pub(crate) type Res = Result<Value, Reply>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Route {
    GetToken,
    Onetime,
    Again,
    IssueKey,
    GetKey,
    DeleteKey,
    GetPayment,
    Find,
    FindStatus,
    FindAll,
    FindAllStatus,
    Cancel,
    MultiPayments,
    MultiKeys,
    KeyPayments,
    KeySchedules,
    Schedule,
    ListSchedules,
    Unschedule,
    GetSchedule,
    UpdateSchedule,
    Reschedule,
    Retry,
    CustomerSchedules,
}

impl Route {
    pub const ALL: [Route; 24] = [
        Route::GetToken,
        Route::Onetime,
        Route::Again,
        Route::IssueKey,
        Route::GetKey,
        Route::DeleteKey,
        Route::GetPayment,
        Route::Find,
        Route::FindStatus,
        Route::FindAll,
        Route::FindAllStatus,
        Route::Cancel,
        Route::MultiPayments,
        Route::MultiKeys,
        Route::KeyPayments,
        Route::KeySchedules,
        Route::Schedule,
        Route::ListSchedules,
        Route::Unschedule,
        Route::GetSchedule,
        Route::UpdateSchedule,
        Route::Reschedule,
        Route::Retry,
        Route::CustomerSchedules,
    ];

    pub fn method(self) -> &'static str {
        match self {
            Route::GetToken
            | Route::Onetime
            | Route::Again
            | Route::IssueKey
            | Route::Cancel
            | Route::Schedule
            | Route::Unschedule
            | Route::Reschedule
            | Route::Retry => "POST",
            Route::DeleteKey => "DELETE",
            Route::UpdateSchedule => "PUT",
            _ => "GET",
        }
    }

    pub fn template(self) -> &'static str {
        match self {
            Route::GetToken => "/users/getToken",
            Route::Onetime => "/subscribe/payments/onetime",
            Route::Again => "/subscribe/payments/again",
            Route::IssueKey | Route::GetKey | Route::DeleteKey => {
                "/subscribe/customers/{customer_uid}"
            }
            Route::GetPayment => "/payments/{imp_uid}",
            Route::Find => "/payments/find/{merchant_uid}",
            Route::FindStatus => "/payments/find/{merchant_uid}/{payment_status}",
            Route::FindAll => "/payments/findAll/{merchant_uid}",
            Route::FindAllStatus => "/payments/findAll/{merchant_uid}/{payment_status}",
            Route::Cancel => "/payments/cancel",
            Route::MultiPayments => "/payments",
            Route::MultiKeys => "/subscribe/customers",
            Route::KeyPayments => "/subscribe/customers/{customer_uid}/payments",
            Route::KeySchedules => "/subscribe/customers/{customer_uid}/schedules",
            Route::Schedule | Route::ListSchedules => "/subscribe/payments/schedule",
            Route::Unschedule => "/subscribe/payments/unschedule",
            Route::GetSchedule | Route::UpdateSchedule => {
                "/subscribe/payments/schedule/{merchant_uid}"
            }
            Route::Reschedule => "/subscribe/payments/schedule/{merchant_uid}/reschedule",
            Route::Retry => "/subscribe/payments/schedule/{merchant_uid}/retry",
            Route::CustomerSchedules => "/subscribe/payments/schedule/customers/{customer_uid}",
        }
    }
}

/// Everything a handler may read from the HTTP request.
#[derive(Debug)]
pub(crate) struct Request<'a> {
    pub headers: &'a HeaderMap,
    pub query: Fields,
    pub params: Vec<(String, String)>,
    /// `None` when the body could not be read.
    pub body: Option<&'a [u8]>,
}

impl Request<'_> {
    pub fn param(&self, name: &str) -> String {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    pub fn fields(&self) -> Result<Fields, Reply> {
        let body = self
            .body
            .ok_or_else(|| Reply::error(400, 1, "요청 본문을 읽을 수 없습니다."))?;
        let ct = self
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok());
        Fields::from_body(ct, body)
    }

    /// `Authorization` (with or without `Bearer `) wins over `X-ImpTokenHeader`, then `?_token=`.
    fn token(&self) -> Option<String> {
        let header_value = |name: &str| -> Option<Option<String>> {
            let v = self.headers.get(name)?;
            Some(v.to_str().ok().map(|s| s.trim().to_owned()))
        };
        let raw = match header_value("authorization") {
            Some(v) => v,
            None => match header_value("x-imptokenheader") {
                Some(v) => v,
                None => self.query.opt_str("_token").ok().flatten(),
            },
        }?;
        let token = match raw.get(..7) {
            Some(p) if p.eq_ignore_ascii_case("bearer ") => raw.get(7..).unwrap_or("").trim(),
            _ => raw.as_str(),
        };
        Some(token.to_owned())
    }
}

pub(crate) fn process(shared: &Shared, st: &mut Inner, route: Route, req: &Request<'_>) -> Reply {
    let now = st.now();
    if route != Route::GetToken {
        let presented = req.token();
        if !presented.is_some_and(|t| st.token_valid(&t, now)) {
            return Reply::unauthorized();
        }
    }
    let result = match route {
        Route::GetToken => return get_token(shared, st, req, now),
        Route::Onetime => onetime(shared, st, req, now),
        Route::Again => again(st, req, now),
        Route::IssueKey => issue_key(shared, st, req, now),
        Route::GetKey => get_key(shared, st, req),
        Route::DeleteKey => delete_key(shared, st, req),
        Route::GetPayment => get_payment(st, req),
        Route::Find | Route::FindStatus => find(st, req),
        Route::FindAll | Route::FindAllStatus => find_all(st, req),
        Route::Cancel => cancel(shared, st, req, now),
        Route::MultiPayments => return multi_payments(st, req),
        Route::MultiKeys => return multi_keys(st, req),
        Route::KeyPayments => key_payments(shared, st, req),
        Route::Schedule => schedule::create(shared, st, req, now),
        Route::ListSchedules => schedule::list(st, req),
        Route::Unschedule => schedule::unschedule(st, req, now),
        Route::GetSchedule => schedule::get(st, req),
        Route::UpdateSchedule => schedule::update(st, req, now),
        Route::Reschedule => schedule::reschedule(st, req, now),
        Route::Retry => schedule::retry(shared, st, req, now),
        Route::KeySchedules | Route::CustomerSchedules => schedule::of_customer(st, req),
    };
    match result {
        Ok(response) => Reply::ok(response),
        Err(reply) => reply,
    }
}

fn get_token(shared: &Shared, st: &mut Inner, req: &Request<'_>, now: i64) -> Reply {
    let fields = match req.fields() {
        Ok(f) => f,
        Err(reply) => return reply,
    };
    let key = fields.opt_str("imp_key").ok().flatten();
    let secret = fields.opt_str("imp_secret").ok().flatten();
    let (Some(key), Some(secret)) = (key, secret) else {
        return Reply::error(400, -1, "imp_key, imp_secret 파라메터가 누락되었습니다.");
    };
    if key != shared.cfg.imp_key || secret != shared.cfg.imp_secret {
        return Reply::error(401, -1, "imp_key, imp_secret 인증에 실패하였습니다.");
    }
    let token = match st.token.as_mut() {
        Some(t) if now < t.expired_at => {
            // The live API extends a nearly expired token instead of racing a new one.
            if t.expired_at - now < 60 {
                t.expired_at = t.expired_at.saturating_add(300);
            }
            t.clone()
        }
        _ => {
            let bytes: [u8; 20] = rand::random();
            let value: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            let t = Token {
                value,
                expired_at: now.saturating_add(shared.cfg.token_ttl_secs),
            };
            st.token = Some(t.clone());
            t
        }
    };
    Reply::ok(json!({"access_token": token.value, "now": now, "expired_at": token.expired_at}))
}

/// Request fields shared by `onetime`, `again` and each schedule.
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
}

pub(crate) fn read_order(f: &Fields) -> Result<Order, Reply> {
    let merchant_uid = f.req_str("merchant_uid")?;
    let amount = f.req_decimal("amount")?;
    let currency = f.opt_str("currency")?.unwrap_or_else(|| "KRW".to_owned());
    check_amount(amount, &currency, "결제금액(amount)")?;
    for optional in ["tax_free", "vat_amount", "vat"] {
        if let Some(v) = f.opt_decimal(optional)? {
            if v < Decimal::ZERO || v > amount {
                return Err(Reply::fail(
                    1,
                    format!("{optional} 금액이 올바르지 않습니다."),
                ));
            }
        }
    }
    let card_quota = f.opt_int("card_quota")?.unwrap_or(0);
    if !(0..=36).contains(&card_quota) {
        return Err(Reply::fail(
            1,
            "할부개월수(card_quota)가 올바르지 않습니다.",
        ));
    }
    Ok(Order {
        merchant_uid,
        amount,
        currency,
        name: f.opt_str("name")?,
        buyer: Contact {
            name: f.opt_str("buyer_name")?,
            email: f.opt_str("buyer_email")?,
            tel: f.opt_str("buyer_tel")?,
            addr: f.opt_str("buyer_addr")?,
            postcode: f.opt_str("buyer_postcode")?,
        },
        custom_data: f.json_text("custom_data")?,
        card_quota,
        notice_url: f.opt_str("notice_url")?,
    })
}

pub(crate) fn check_amount(amount: Decimal, currency: &str, what: &str) -> Result<(), Reply> {
    if amount <= Decimal::ZERO {
        return Err(Reply::fail(1, format!("{what}은 0보다 커야 합니다.")));
    }
    if currency.eq_ignore_ascii_case("KRW") && !amount.fract().is_zero() {
        return Err(Reply::fail(
            1,
            format!("{what}은 원 단위 정수여야 합니다. (KRW)"),
        ));
    }
    Ok(())
}

/// A paid or cancelled record of `merchant_uid` exists (a failed one does not block a retry).
pub(crate) fn merchant_uid_taken(st: &Inner, merchant_uid: &str) -> bool {
    st.payments_of_order(merchant_uid)
        .any(|(_, p)| matches!(p.status, Status::Paid | Status::Cancelled))
}

fn check_duplicate(st: &Inner, merchant_uid: &str) -> Result<(), Reply> {
    if merchant_uid_taken(st, merchant_uid) {
        Err(Reply::fail(1, DUPLICATE))
    } else {
        Ok(())
    }
}

fn read_card(f: &Fields, now: i64) -> Result<Card, Reply> {
    let number = f.req_str("card_number")?;
    let expiry = f.req_str("expiry")?;
    let birth = f.opt_str("birth")?;
    let pwd = f.opt_str("pwd_2digit")?;
    card::check_card(&number, &expiry, birth.as_deref(), pwd.as_deref(), now)
}

pub(crate) fn random_digits(n: usize) -> String {
    (0..n)
        .map(|_| char::from(b'0' + rand::random_range(0..10u8)))
        .collect()
}

fn pg_tid(pg: &Pg, now: i64) -> String {
    match pg.provider {
        "nice" => format!("{}0116{}{}", pg.id, card::kst_stamp(now), random_digits(4)),
        _ => format!("{}{}", card::kst_stamp(now), random_digits(8)),
    }
}

/// What a charge is made with.
pub(crate) struct Charge {
    pub pg: Pg,
    pub card_code: &'static str,
    pub card_name: &'static str,
    pub card_number: String,
    pub declines: bool,
    pub customer_uid: Option<String>,
    pub usage: Option<&'static str>,
    pub order: Order,
}

impl Charge {
    /// A charge of billing key `key` (`again`, scheduled executions).
    pub fn with_key(key: &BillingKey, usage: &'static str, order: Order) -> Charge {
        Charge {
            pg: key.pg.clone(),
            card_code: key.card_code,
            card_name: key.card_name,
            card_number: key.card_number.clone(),
            declines: key.declines,
            customer_uid: Some(key.customer_uid.clone()),
            usage: Some(usage),
            order,
        }
    }
}

fn record_charge(st: &mut Inner, c: Charge, now: i64) -> Value {
    let i = charge(st, c, now);
    st.payments.get(i).map(Payment::to_json).unwrap_or_default()
}

/// Records the payment a charge makes and returns its position in the payment list.
pub(crate) fn charge(st: &mut Inner, c: Charge, now: i64) -> usize {
    let imp_uid = loop {
        let candidate = format!("imps_{}", random_digits(12));
        if !st.by_imp_uid.contains_key(&candidate) {
            break candidate;
        }
    };
    let tid = pg_tid(&c.pg, now);
    let (status, paid_at, failed_at) = if c.declines {
        (Status::Failed, 0, now)
    } else {
        (Status::Paid, now, 0)
    };
    let paid = status == Status::Paid;
    let payment = Payment {
        receipt_url: paid.then(|| format!("{RECEIPT_BASE}/{imp_uid}")),
        imp_uid: imp_uid.clone(),
        merchant_uid: c.order.merchant_uid,
        pg: c.pg,
        pg_tid: tid,
        apply_num: paid.then(|| random_digits(8)),
        card_code: c.card_code,
        card_name: c.card_name,
        card_number: c.card_number,
        card_quota: c.order.card_quota,
        name: c.order.name,
        amount: c.order.amount,
        cancel_amount: Decimal::ZERO,
        currency: c.order.currency,
        buyer: c.order.buyer,
        custom_data: c.order.custom_data,
        status,
        started_at: now,
        paid_at,
        failed_at,
        cancelled_at: 0,
        updated_at: now,
        fail_reason: (!paid).then(|| card::DECLINE_REASON.to_owned()),
        cancel_reason: None,
        cancels: Vec::new(),
        customer_uid: c.customer_uid,
        customer_uid_usage: c.usage,
        notice_url: c.order.notice_url,
    };
    let i = st.payments.len();
    st.by_imp_uid.insert(imp_uid, i);
    st.by_merchant_uid
        .entry(payment.merchant_uid.clone())
        .or_default()
        .push(i);
    if let Some(c) = &payment.customer_uid {
        st.by_customer_uid.entry(c.clone()).or_default().push(i);
    }
    st.payments.push(payment);
    i
}

pub(crate) fn store_key(st: &mut Inner, mut key: BillingKey) -> Value {
    if let Some(old) = st.keys.get(&key.customer_uid) {
        key.inserted = old.inserted;
    }
    let json = key.to_json();
    st.keys.insert(key.customer_uid.clone(), key);
    json
}

fn onetime(shared: &Shared, st: &mut Inner, req: &Request<'_>, now: i64) -> Res {
    let f = req.fields()?;
    let order = read_order(&f)?;
    f.req_str("card_number")?;
    f.req_str("expiry")?;
    let pg = card::parse_pg(f.opt_str("pg")?.as_deref(), &shared.cfg.default_pg)?;
    let customer_uid = f.opt_str("customer_uid")?;
    check_duplicate(st, &order.merchant_uid)?;
    let card = read_card(&f, now)?;
    if card.behaviour == Behaviour::AuthFail {
        return Err(Reply::fail(-1, "카드정보 인증에 실패하였습니다."));
    }
    let declines = card.behaviour == Behaviour::Decline;
    if let Some(uid) = &customer_uid {
        // The key is issued before the first charge, so it survives a declined charge.
        store_key(
            st,
            BillingKey {
                customer_uid: uid.clone(),
                pg: pg.clone(),
                card_code: card.code,
                card_name: card.name,
                card_number: card.masked.clone(),
                declines,
                customer_id: None,
                customer: order.buyer.clone(),
                inserted: now,
                updated: now,
            },
        );
    }
    let usage = customer_uid.as_ref().map(|_| "issue");
    Ok(record_charge(
        st,
        Charge {
            pg,
            card_code: card.code,
            card_name: card.name,
            card_number: card.masked,
            declines,
            customer_uid,
            usage,
            order,
        },
        now,
    ))
}

fn again(st: &mut Inner, req: &Request<'_>, now: i64) -> Res {
    let f = req.fields()?;
    let customer_uid = f.req_str("customer_uid")?;
    let mut order = read_order(&f)?;
    let key = st
        .keys
        .get(&customer_uid)
        .cloned()
        .ok_or_else(|| Reply::fail(1, "등록되지 않은 구매자입니다."))?;
    check_duplicate(st, &order.merchant_uid)?;
    order.buyer = order.buyer.or(&key.customer);
    Ok(record_charge(
        st,
        Charge::with_key(&key, "payment", order),
        now,
    ))
}

fn issue_key(shared: &Shared, st: &mut Inner, req: &Request<'_>, now: i64) -> Res {
    let customer_uid = req.param("customer_uid");
    let f = req.fields()?;
    let key = key_from_card(shared, &f, customer_uid, now)?;
    Ok(store_key(st, key))
}

/// Validates the card fields of `f` (and `pg`, `customer_*`) into a billing key, not yet stored.
pub(crate) fn key_from_card(
    shared: &Shared,
    f: &Fields,
    customer_uid: String,
    now: i64,
) -> Result<BillingKey, Reply> {
    f.req_str("card_number")?;
    f.req_str("expiry")?;
    let pg = card::parse_pg(f.opt_str("pg")?.as_deref(), &shared.cfg.default_pg)?;
    let customer = Contact {
        name: f.opt_str("customer_name")?,
        email: f.opt_str("customer_email")?,
        tel: f.opt_str("customer_tel")?,
        addr: f.opt_str("customer_addr")?,
        postcode: f.opt_str("customer_postcode")?,
    };
    let customer_id = f.opt_str("customer_id")?;
    let card = read_card(f, now)?;
    if card.behaviour == Behaviour::AuthFail {
        return Err(Reply::fail(
            -1,
            "카드정보 인증 및 빌키 발급에 실패하였습니다.",
        ));
    }
    Ok(BillingKey {
        customer_uid,
        pg,
        card_code: card.code,
        card_name: card.name,
        card_number: card.masked,
        declines: card.behaviour == Behaviour::Decline,
        customer_id,
        customer,
        inserted: now,
        updated: now,
    })
}

pub(crate) fn key_not_found_message(uid: &str) -> String {
    format!("요청하신 customer_uid({uid})로 등록된 정보를 찾을 수 없습니다.")
}

fn key_not_found(shared: &Shared, uid: &str) -> Reply {
    let message = key_not_found_message(uid);
    match shared.cfg.not_found {
        NotFoundMode::Observed => Reply::fail(1, message),
        NotFoundMode::Spec => Reply::error(404, 1, message),
    }
}

fn get_key(shared: &Shared, st: &Inner, req: &Request<'_>) -> Res {
    let uid = req.param("customer_uid");
    st.keys
        .get(&uid)
        .map(BillingKey::to_json)
        .ok_or_else(|| key_not_found(shared, &uid))
}

fn delete_key(shared: &Shared, st: &mut Inner, req: &Request<'_>) -> Res {
    let uid = req.param("customer_uid");
    st.keys
        .remove(&uid)
        .map(|k| k.to_json())
        .ok_or_else(|| key_not_found(shared, &uid))
}

fn get_payment(st: &Inner, req: &Request<'_>) -> Res {
    // Every sandbox payment is a test-channel payment; `include_sandbox` is accepted and ignored.
    let imp_uid = req.param("imp_uid");
    st.by_imp_uid
        .get(&imp_uid)
        .and_then(|i| st.payments.get(*i))
        .map(Payment::to_json)
        .ok_or_else(|| Reply::error(404, 1, NO_PAYMENT))
}

/// The records of `merchant_uid` in the requested status and order.
fn matching<'s>(st: &'s Inner, req: &Request<'_>) -> Result<Vec<&'s Payment>, Reply> {
    let merchant_uid = req.param("merchant_uid");
    let status = match req.params.iter().find(|(k, _)| k == "payment_status") {
        None => None,
        Some((_, s)) => Some(
            Status::parse(s).ok_or_else(|| Reply::error(400, 1, "지원되지 않는 상태값입니다."))?,
        ),
    };
    let sorting = req
        .query
        .opt_str("sorting")?
        .unwrap_or_else(|| "-started".to_owned());
    let (descending, field) = match sorting.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, sorting.as_str()),
    };
    let key: fn(&Payment) -> i64 = match field {
        "started" => |p| p.started_at,
        "paid" => |p| p.paid_at,
        "updated" => |p| p.updated_at,
        _ => return Err(Reply::error(400, 1, "지원되지 않는 정렬기준입니다.")),
    };
    // Positions in `payments` are creation order, used to break ties.
    let mut found: Vec<(usize, &Payment)> = st
        .payments_of_order(&merchant_uid)
        .filter(|(_, p)| status.is_none_or(|s| p.status == s))
        .collect();
    found.sort_by(|(ia, a), (ib, b)| {
        let ord: Ordering = key(a).cmp(&key(b)).then(ia.cmp(ib));
        if descending { ord.reverse() } else { ord }
    });
    Ok(found.into_iter().map(|(_, p)| p).collect())
}

fn find(st: &Inner, req: &Request<'_>) -> Res {
    matching(st, req)?
        .first()
        .map(|p| p.to_json())
        .ok_or_else(|| Reply::error(404, 1, NO_PAYMENT))
}

pub(crate) fn positive_query(
    req: &Request<'_>,
    name: &str,
    default: u64,
    max: u64,
) -> Result<u64, Reply> {
    let bad = || Reply::error(400, 1, format!("{name} 파라메터가 올바르지 않습니다."));
    match req.query.opt_str(name).map_err(|_| bad())? {
        None => Ok(default),
        Some(s) => match s.trim().parse::<u64>() {
            Ok(n) if (1..=max).contains(&n) => Ok(n),
            _ => Err(bad()),
        },
    }
}

fn find_all(st: &Inner, req: &Request<'_>) -> Res {
    let page = positive_query(req, "page", 1, u64::from(u32::MAX))?;
    let limit = positive_query(req, "limit", 20, 1000)?;
    let found = matching(st, req)?;
    if found.is_empty() {
        return Err(Reply::error(404, 1, NO_PAYMENT));
    }
    Ok(paged(&found, page, limit, |p| p.to_json()))
}

/// `{total, previous, next, list}` of page `page` (1-based); `previous`/`next` are 0 when none.
pub(crate) fn paged<T>(items: &[T], page: u64, limit: u64, to_json: impl Fn(&T) -> Value) -> Value {
    let total = items.len() as u64;
    let start = (page - 1).saturating_mul(limit);
    let list: Vec<Value> = items
        .iter()
        .skip(usize::try_from(start).unwrap_or(usize::MAX))
        .take(usize::try_from(limit).unwrap_or(usize::MAX))
        .map(to_json)
        .collect();
    let next = if page.saturating_mul(limit) < total {
        page + 1
    } else {
        0
    };
    json!({"total": total, "previous": page - 1, "next": next, "list": list})
}

/// A list query parameter (`name[]=a&name[]=b`, `name[0]=a`, `name=a`); bad shapes are HTTP 400.
fn query_list(req: &Request<'_>, name: &str) -> Result<Vec<String>, Reply> {
    req.query
        .opt_list(name)
        .map(Option::unwrap_or_default)
        .map_err(|_| Reply::error(400, 1, format!("{name} 파라메터가 올바르지 않습니다.")))
}

/// 200 when every id was found, 207 when some were, 404 when none.
fn multi_reply(found: Vec<Value>, all: bool, not_found: String) -> Reply {
    if found.is_empty() {
        Reply::error(404, 1, not_found)
    } else {
        Reply::ok_with(if all { 200 } else { 207 }, Value::Array(found))
    }
}

fn multi_keys(st: &Inner, req: &Request<'_>) -> Reply {
    let uids = match query_list(req, "customer_uid") {
        Ok(uids) if !uids.is_empty() => uids,
        Ok(_) => return Reply::error(400, 1, "customer_uid 파라메터가 누락되었습니다."),
        Err(reply) => return reply,
    };
    let mut seen = std::collections::HashSet::new();
    let mut found = Vec::new();
    let mut all = true;
    for uid in &uids {
        match st.keys.get(uid) {
            Some(key) if seen.insert(uid.as_str()) => found.push(key.to_json()),
            Some(_) => {}
            None => all = false,
        }
    }
    multi_reply(found, all, key_not_found_message(&uids.join(", ")))
}

fn multi_payments(st: &Inner, req: &Request<'_>) -> Reply {
    let (imp_uids, merchant_uids) =
        match (query_list(req, "imp_uid"), query_list(req, "merchant_uid")) {
            (Ok(a), Ok(b)) => (a, b),
            (Err(reply), _) | (_, Err(reply)) => return reply,
        };
    let asked = imp_uids.len() + merchant_uids.len();
    if asked == 0 {
        return Reply::error(
            400,
            1,
            "imp_uid 또는 merchant_uid 중 하나는 지정해주셔야합니다.",
        );
    }
    if asked > MULTI_PAYMENTS_MAX {
        return Reply::error(
            400,
            1,
            format!("한 번에 최대 {MULTI_PAYMENTS_MAX}건까지 조회할 수 있습니다."),
        );
    }
    let mut indices: Vec<Option<usize>> = imp_uids
        .iter()
        .map(|id| st.by_imp_uid.get(id).copied())
        .collect();
    // By merchant_uid: the most recent attempt (latest start, then latest created).
    indices.extend(merchant_uids.iter().map(|m| {
        st.payments_of_order(m)
            .max_by_key(|(i, p)| (p.started_at, *i))
            .map(|(i, _)| i)
    }));
    let all = indices.iter().all(Option::is_some);
    let mut seen = std::collections::HashSet::new();
    let found: Vec<Value> = indices
        .into_iter()
        .flatten()
        .filter(|i| seen.insert(*i))
        .filter_map(|i| st.payments.get(i).map(Payment::to_json))
        .collect();
    multi_reply(found, all, NO_PAYMENT.to_owned())
}

fn key_payments(shared: &Shared, st: &Inner, req: &Request<'_>) -> Res {
    let uid = req.param("customer_uid");
    let page = positive_query(req, "page", 1, u64::from(u32::MAX))?;
    let mut found: Vec<(usize, &Payment)> = st.payments_of_key(&uid).collect();
    if found.is_empty() && !st.keys.contains_key(&uid) && shared.cfg.not_found == NotFoundMode::Spec
    {
        return Err(Reply::error(404, 1, key_not_found_message(&uid)));
    }
    // Newest first.
    found.sort_by(|(ia, a), (ib, b)| (b.started_at, ib).cmp(&(a.started_at, ia)));
    Ok(paged(&found, page, CUSTOMER_PAYMENTS_PAGE, |(_, p)| {
        p.to_json()
    }))
}

fn cancel(shared: &Shared, st: &mut Inner, req: &Request<'_>, now: i64) -> Res {
    let f = req.fields()?;
    let imp_uid = f.opt_str("imp_uid")?;
    let merchant_uid = f.opt_str("merchant_uid")?;
    let index = match (imp_uid, merchant_uid) {
        (Some(imp_uid), _) => st.by_imp_uid.get(&imp_uid).copied(),
        (None, Some(merchant_uid)) => {
            let first = |status: Status| {
                st.payments_of_order(&merchant_uid)
                    .find(|(_, p)| p.status == status)
                    .map(|(i, _)| i)
            };
            first(Status::Paid).or_else(|| first(Status::Cancelled))
        }
        (None, None) => {
            return Err(Reply::fail(
                1,
                "imp_uid 또는 merchant_uid 중 하나는 지정해주셔야합니다.",
            ));
        }
    };
    let payment = index
        .and_then(|i| st.payments.get_mut(i))
        .ok_or_else(|| Reply::fail(1, NOTHING_TO_CANCEL))?;
    match payment.status {
        Status::Paid => {}
        Status::Cancelled => return Err(Reply::fail(1, "이미 전액취소된 주문입니다.")),
        Status::Ready | Status::Failed => return Err(Reply::fail(1, NOTHING_TO_CANCEL)),
    }
    let remaining = payment.remaining();
    if let Some(checksum) = f.opt_decimal("checksum")? {
        if checksum != remaining {
            return Err(Reply::fail(
                1,
                format!(
                    "요청하신 checksum({})과 취소가능잔액({})이 일치하지 않습니다.",
                    checksum.normalize(),
                    remaining.normalize()
                ),
            ));
        }
    }
    let requested = f.opt_decimal("amount")?.unwrap_or(Decimal::ZERO);
    let amount = if requested.is_zero() {
        remaining
    } else {
        requested
    };
    check_amount(amount, &payment.currency, "취소금액(amount)")?;
    if amount > remaining {
        return Err(Reply::fail(
            1,
            format!(
                "취소요청금액({})이 취소가능잔액({})보다 큽니다.",
                amount.normalize(),
                remaining.normalize()
            ),
        ));
    }
    for optional in ["tax_free", "vat_amount"] {
        if let Some(v) = f.opt_decimal(optional)? {
            if v < Decimal::ZERO || v > amount {
                return Err(Reply::fail(
                    1,
                    format!("{optional} 금액이 올바르지 않습니다."),
                ));
            }
        }
    }
    let reason = f.opt_str("reason")?.unwrap_or_default();
    let enable_webhook = f.opt_bool("enable_webhook")?.unwrap_or(false);
    let cancellation_id = random_digits(20);
    let receipt_url = format!(
        "{RECEIPT_BASE}/{}/cancel/{cancellation_id}",
        payment.imp_uid
    );
    let cancel_tid = pg_tid(&payment.pg, now);
    payment.cancel_amount += amount;
    payment.cancels.push(Cancel {
        pg_tid: cancel_tid,
        amount,
        cancelled_at: now,
        reason: reason.clone(),
        cancellation_id: cancellation_id.clone(),
        receipt_url,
    });
    payment.cancel_reason = Some(reason);
    payment.updated_at = now;
    if payment.remaining().is_zero() {
        payment.status = Status::Cancelled;
        payment.cancelled_at = now;
    }
    let json = payment.to_json();
    if enable_webhook {
        let (notice_url, imp_uid, merchant_uid) = (
            payment.notice_url.clone(),
            payment.imp_uid.clone(),
            payment.merchant_uid.clone(),
        );
        let event = Event {
            notice_url: notice_url.as_deref(),
            imp_uid: &imp_uid,
            merchant_uid: &merchant_uid,
            status: Status::Cancelled.as_str(),
            cancellation_id: Some(&cancellation_id),
        };
        if let Some(job) = Job::new(st, &event) {
            shared.hooks.queue(job);
        }
    }
    Ok(json)
}
