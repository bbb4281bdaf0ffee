//! Scheduled charges (`/subscribe/payments/schedule*`, `/unschedule`, the customer schedule
//! lists) and their execution on the sandbox clock.
//!
//! A schedule is due when `schedule_at <= now`. Due schedules run, in `schedule_at` order,
//! before every API request is answered, whenever the clock is advanced, and once a second in
//! real time; each run is a billing-key charge like `again` (`customer_uid_usage:
//! "payment.scheduled"`) dated `schedule_at`, followed by a webhook.

use std::collections::HashSet;

use serde_json::Value;

use crate::api::{
    self, Charge, DUPLICATE, Order, Reply, Request, Res, UNKNOWN_CUSTOMER, positive_query,
};
use crate::input::Fields;
use crate::model::{Schedule, ScheduleStatus, Status};
use crate::state::{Inner, Shared};
use crate::webhook::{Event, Job};

const NO_CUSTOMER: &str = "등록된 고객정보가 없습니다.";
const NOTHING_TO_REVOKE: &str = "취소할 예약결제 기록이 존재하지 않습니다.";
const PAST: &str = "예약시각(schedule_at)은 현재시각 이후여야 합니다.";
const NOT_PENDING: &str = "이미 실행되었거나 취소된 결제예약입니다.";
const NOT_EXECUTED: &str = "아직 실행되지 않은 결제예약입니다.";
const ALREADY_PAID: &str = "이미 승인된 결제예약입니다.";
/// Longest search window of the schedule lists ("3 months").
const MAX_WINDOW_SECS: i64 = 92 * 86_400;
/// Default and largest page size of the schedule lists.
const DEFAULT_LIMIT: u64 = 20;
const MAX_LIMIT: u64 = 1000;

fn not_found(merchant_uid: &str) -> Reply {
    Reply::error(
        404,
        1,
        format!("요청하신 merchant_uid({merchant_uid})로 예약된 결제건이 존재하지 않습니다."),
    )
}

fn bad_request(message: impl Into<String>) -> Reply {
    Reply::error(400, 1, message)
}

fn schedule_json(st: &Inner, i: usize) -> Value {
    st.schedules
        .get(i)
        .map(|s| s.to_json(&st.payments))
        .unwrap_or_default()
}

/// `POST /subscribe/payments/schedule`: all schedules are stored, or none.
pub(crate) fn create(shared: &Shared, st: &mut Inner, req: &Request<'_>, now: i64) -> Res {
    let f = req.fields()?;
    let customer_uid = f.req_str("customer_uid")?;
    let entries = f
        .opt_objects("schedules")?
        .filter(|e| !e.is_empty())
        .ok_or_else(|| Reply::fail(1, "schedules 파라메터가 누락되었습니다."))?;
    // An existing key is used as it is (card fields are then ignored); otherwise the card
    // fields issue one, stored only if every schedule is valid.
    let new_key = match st.keys.get(&customer_uid) {
        Some(_) => None,
        None if f.opt_str("card_number")?.is_none() => return Err(Reply::fail(1, NO_CUSTOMER)),
        None => Some(api::key_from_card(shared, &f, customer_uid.clone(), now)?),
    };
    let checking_amount = f.opt_int("checking_amount")?.unwrap_or(0);
    if checking_amount < 0 {
        return Err(Reply::fail(
            1,
            "checking_amount 파라메터의 형식이 올바르지 않습니다.",
        ));
    }
    let key = match &new_key {
        Some(k) => k.clone(),
        None => st
            .keys
            .get(&customer_uid)
            .cloned()
            .ok_or_else(|| Reply::fail(1, NO_CUSTOMER))?,
    };
    let mut seen = HashSet::new();
    let mut schedules = Vec::with_capacity(entries.len());
    for entry in &entries {
        let order = api::read_order(entry)?;
        let schedule_at = entry
            .opt_int("schedule_at")?
            .ok_or_else(|| Reply::fail(1, "schedule_at 파라메터가 누락되었습니다."))?;
        if schedule_at < now {
            return Err(Reply::fail(
                1,
                format!("{PAST} (merchant_uid: {})", order.merchant_uid),
            ));
        }
        let m = order.merchant_uid.clone();
        if !seen.insert(m.clone())
            || st.by_schedule_uid.contains_key(&m)
            || api::merchant_uid_taken(st, &m)
        {
            return Err(Reply::fail(
                1,
                format!("merchant_uid({m})로 이미 등록된 결제예약 또는 결제 기록이 있습니다."),
            ));
        }
        schedules.push(Schedule {
            customer_uid: customer_uid.clone(),
            merchant_uid: m,
            pg: key.pg.clone(),
            customer_id: key.customer_id.clone(),
            schedule_at,
            executed_at: 0,
            revoked_at: 0,
            amount: order.amount,
            currency: order.currency,
            name: order.name,
            buyer: order.buyer.or(&key.customer),
            custom_data: order.custom_data,
            notice_url: order.notice_url,
            card_quota: order.card_quota,
            promotion_id: entry.opt_str("promotion_id")?,
            status: ScheduleStatus::Scheduled,
            payment: None,
            failure: None,
        });
    }
    // The card check charges `checking_amount` and cancels it at once: only its outcome shows.
    if checking_amount > 0 && key.declines {
        return Err(Reply::fail(
            -1,
            format!(
                "유효카드 체크 승인에 실패하였습니다. ({})",
                crate::card::DECLINE_REASON
            ),
        ));
    }
    if let Some(k) = new_key {
        api::store_key(st, k);
    }
    let mut out = Vec::with_capacity(schedules.len());
    for s in schedules {
        let i = st.schedules.len();
        st.by_schedule_uid.insert(s.merchant_uid.clone(), i);
        out.push(s.to_json(&st.payments));
        st.schedules.push(s);
    }
    Ok(Value::Array(out))
}

/// `POST /subscribe/payments/unschedule`.
pub(crate) fn unschedule(st: &mut Inner, req: &Request<'_>, now: i64) -> Res {
    let f = req.fields()?;
    let customer_uid = f.opt_str("customer_uid")?;
    let merchant_uids = f.opt_list("merchant_uid")?;
    let candidates: Vec<usize> = match (&customer_uid, merchant_uids) {
        (_, Some(list)) => {
            let mut seen = HashSet::new();
            list.iter()
                .filter_map(|m| st.by_schedule_uid.get(m).copied())
                .filter(|i| seen.insert(*i))
                .filter(|i| {
                    customer_uid
                        .as_ref()
                        .is_none_or(|c| st.schedules.get(*i).is_some_and(|s| &s.customer_uid == c))
                })
                .collect()
        }
        (Some(c), None) => st
            .schedules
            .iter()
            .enumerate()
            .filter(|(_, s)| &s.customer_uid == c)
            .map(|(i, _)| i)
            .collect(),
        (None, None) => {
            return Err(Reply::fail(
                1,
                "customer_uid 또는 merchant_uid 중 하나는 지정해주셔야합니다.",
            ));
        }
    };
    let mut revoked = Vec::new();
    for i in candidates {
        if let Some(s) = st.schedules.get_mut(i) {
            if s.status == ScheduleStatus::Scheduled {
                s.status = ScheduleStatus::Revoked;
                s.revoked_at = now;
                revoked.push(i);
            }
        }
    }
    if revoked.is_empty() {
        return Err(Reply::fail(1, NOTHING_TO_REVOKE));
    }
    Ok(Value::Array(
        revoked.into_iter().map(|i| schedule_json(st, i)).collect(),
    ))
}

/// `GET /subscribe/payments/schedule/{merchant_uid}`.
pub(crate) fn get(st: &Inner, req: &Request<'_>) -> Res {
    let m = req.param("merchant_uid");
    let i = *st.by_schedule_uid.get(&m).ok_or_else(|| not_found(&m))?;
    Ok(schedule_json(st, i))
}

/// `schedule_at` of a PUT/reschedule body: required, an integer, not in the past (else 400).
fn new_schedule_at(f: &Fields, now: i64) -> Result<i64, Reply> {
    let at = f
        .opt_int("schedule_at")
        .map_err(|_| bad_request("schedule_at 파라메터의 형식이 올바르지 않습니다."))?
        .ok_or_else(|| bad_request("schedule_at 파라메터가 누락되었습니다."))?;
    if at < now {
        return Err(bad_request(PAST));
    }
    Ok(at)
}

/// The position of the schedule named in the path (404 when unknown).
fn lookup(st: &Inner, req: &Request<'_>) -> Result<usize, Reply> {
    let m = req.param("merchant_uid");
    st.by_schedule_uid
        .get(&m)
        .copied()
        .ok_or_else(|| not_found(&m))
}

/// `PUT /subscribe/payments/schedule/{merchant_uid}`: only while still `scheduled`.
pub(crate) fn update(st: &mut Inner, req: &Request<'_>, now: i64) -> Res {
    let f = req.fields()?;
    let i = lookup(st, req)?;
    let at = new_schedule_at(&f, now)?;
    let s = st.schedules.get_mut(i).ok_or_else(|| not_found(""))?;
    if s.status != ScheduleStatus::Scheduled {
        return Err(bad_request(NOT_PENDING));
    }
    s.schedule_at = at;
    Ok(schedule_json(st, i))
}

/// Reschedule and retry need an execution that failed, or a revoked schedule.
fn check_retryable(st: &Inner, i: usize) -> Result<(), Reply> {
    let s = st.schedules.get(i).ok_or_else(|| not_found(""))?;
    match s.status {
        ScheduleStatus::Scheduled => Err(bad_request(NOT_EXECUTED)),
        ScheduleStatus::Revoked => Ok(()),
        ScheduleStatus::Executed => match s.payment_status(&st.payments) {
            Some(Status::Failed) => Ok(()),
            _ => Err(bad_request(ALREADY_PAID)),
        },
    }
}

/// `POST /subscribe/payments/schedule/{merchant_uid}/reschedule`: back to `scheduled`, with
/// the result of the failed execution (or the revocation) cleared.
pub(crate) fn reschedule(st: &mut Inner, req: &Request<'_>, now: i64) -> Res {
    let f = req.fields()?;
    let i = lookup(st, req)?;
    let at = new_schedule_at(&f, now)?;
    check_retryable(st, i)?;
    let s = st.schedules.get_mut(i).ok_or_else(|| not_found(""))?;
    s.status = ScheduleStatus::Scheduled;
    s.schedule_at = at;
    s.executed_at = 0;
    s.revoked_at = 0;
    s.payment = None;
    s.failure = None;
    Ok(schedule_json(st, i))
}

/// `POST /subscribe/payments/schedule/{merchant_uid}/retry`: charges now, answers the Payment.
pub(crate) fn retry(shared: &Shared, st: &mut Inner, req: &Request<'_>, now: i64) -> Res {
    let i = lookup(st, req)?;
    check_retryable(st, i)?;
    let (customer_uid, merchant_uid) = st
        .schedules
        .get(i)
        .map(|s| (s.customer_uid.clone(), s.merchant_uid.clone()))
        .unwrap_or_default();
    if !st.keys.contains_key(&customer_uid) {
        return Err(Reply::error(
            404,
            1,
            api::key_not_found_message(&customer_uid),
        ));
    }
    if api::merchant_uid_taken(st, &merchant_uid) {
        return Err(bad_request(DUPLICATE));
    }
    let p = execute(shared, st, i, now).ok_or_else(|| bad_request(UNKNOWN_CUSTOMER))?;
    Ok(st
        .payments
        .get(p)
        .map(crate::model::Payment::to_json)
        .unwrap_or_default())
}

/// `from`/`to` (inclusive/exclusive) of a schedule list, by the first given spelling.
fn window(req: &Request<'_>, from_names: &[&str], to_names: &[&str]) -> Result<(i64, i64), Reply> {
    let read = |names: &[&str]| -> Result<i64, Reply> {
        let name = names.first().copied().unwrap_or_default();
        for n in names {
            match req.query.opt_int(n) {
                Ok(Some(v)) => return Ok(v),
                Ok(None) => {}
                Err(_) => return Err(bad_request(format!("{n} 파라메터가 올바르지 않습니다."))),
            }
        }
        Err(bad_request(format!("{name} 파라메터가 누락되었습니다.")))
    };
    let (from, to) = (read(from_names)?, read(to_names)?);
    if to < from {
        return Err(bad_request(
            "조회 종료시각은 조회 시작시각 이후여야 합니다.",
        ));
    }
    if to.saturating_sub(from) > MAX_WINDOW_SECS {
        return Err(bad_request("조회 기간은 최대 3개월(92일)입니다."));
    }
    Ok((from, to))
}

fn status_filter(req: &Request<'_>, names: &[&str]) -> Result<Option<ScheduleStatus>, Reply> {
    for n in names {
        let value = req
            .query
            .opt_str(n)
            .map_err(|_| bad_request("지원되지 않는 예약상태입니다."))?;
        if let Some(v) = value {
            return ScheduleStatus::parse(&v)
                .map(Some)
                .ok_or_else(|| bad_request("지원되지 않는 예약상태입니다."));
        }
    }
    Ok(None)
}

/// Positions of the schedules in `[from, to)` with the status, sorted by `schedule_at` (then
/// creation), newest first unless `oldest_first`.
fn select(
    st: &Inner,
    customer_uid: Option<&str>,
    (from, to): (i64, i64),
    status: Option<ScheduleStatus>,
    oldest_first: bool,
) -> Vec<usize> {
    let mut found: Vec<(i64, usize)> = st
        .schedules
        .iter()
        .enumerate()
        .filter(|(_, s)| {
            customer_uid.is_none_or(|c| s.customer_uid == c)
                && from <= s.schedule_at
                && s.schedule_at < to
                && status.is_none_or(|x| s.status == x)
        })
        .map(|(i, s)| (s.schedule_at, i))
        .collect();
    found.sort_unstable();
    if !oldest_first {
        found.reverse();
    }
    found.into_iter().map(|(_, i)| i).collect()
}

fn page_of(st: &Inner, req: &Request<'_>, selected: &[usize]) -> Res {
    let page = positive_query(req, "page", 1, u64::from(u32::MAX))?;
    let limit = positive_query(req, "limit", DEFAULT_LIMIT, MAX_LIMIT)?;
    Ok(api::paged(selected, page, limit, |i| schedule_json(st, *i)))
}

/// `GET /subscribe/payments/schedule?schedule_from=&schedule_to=&schedule_status=&page=&limit=&sorting=`.
pub(crate) fn list(st: &Inner, req: &Request<'_>) -> Res {
    let range = window(req, &["schedule_from"], &["schedule_to"])?;
    let status = status_filter(req, &["schedule_status"])?;
    let oldest_first = match req
        .query
        .opt_str("sorting")
        .map_err(|_| bad_request("지원되지 않는 정렬기준입니다."))?
        .as_deref()
    {
        None | Some("-scheduled") => false,
        Some("scheduled") => true,
        Some(_) => return Err(bad_request("지원되지 않는 정렬기준입니다.")),
    };
    let selected = select(st, None, range, status, oldest_first);
    page_of(st, req, &selected)
}

/// `GET /subscribe/customers/{customer_uid}/schedules` and
/// `GET /subscribe/payments/schedule/customers/{customer_uid}`: newest first; both spellings of
/// the query (`from`/`to`/`schedule-status`, `schedule_from`/`schedule_to`/`schedule_status`).
pub(crate) fn of_customer(st: &Inner, req: &Request<'_>) -> Res {
    let uid = req.param("customer_uid");
    let range = window(req, &["from", "schedule_from"], &["to", "schedule_to"])?;
    let status = status_filter(req, &["schedule-status", "schedule_status"])?;
    let selected = select(st, Some(&uid), range, status, false);
    page_of(st, req, &selected)
}

/// Runs every due schedule, oldest `schedule_at` first.
pub(crate) fn execute_due(shared: &Shared, st: &mut Inner) {
    let now = st.now();
    let mut due: Vec<(i64, usize)> = st
        .schedules
        .iter()
        .enumerate()
        .filter(|(_, s)| s.status == ScheduleStatus::Scheduled && s.schedule_at <= now)
        .map(|(i, s)| (s.schedule_at, i))
        .collect();
    due.sort_unstable();
    for (at, i) in due {
        execute(shared, st, i, at);
    }
}

/// Charges schedule `i` at time `at` like `again`, marks it executed and queues the webhook.
/// Without its billing key (deleted meanwhile), or when its `merchant_uid` has been paid in
/// the meantime, the execution fails without a payment. Returns the payment's position.
fn execute(shared: &Shared, st: &mut Inner, i: usize, at: i64) -> Option<usize> {
    let s = st.schedules.get(i)?.clone();
    let key = st.keys.get(&s.customer_uid).cloned();
    let outcome = match &key {
        None => Err(UNKNOWN_CUSTOMER),
        Some(_) if api::merchant_uid_taken(st, &s.merchant_uid) => Err(DUPLICATE),
        Some(key) => {
            let order = Order {
                merchant_uid: s.merchant_uid.clone(),
                amount: s.amount,
                currency: s.currency.clone(),
                name: s.name.clone(),
                buyer: s.buyer.clone(),
                custom_data: s.custom_data.clone(),
                card_quota: s.card_quota,
                notice_url: s.notice_url.clone(),
            };
            Ok(api::charge(
                st,
                Charge::with_key(key, "payment.scheduled", order),
                at,
            ))
        }
    };
    let sched = st.schedules.get_mut(i)?;
    sched.status = ScheduleStatus::Executed;
    sched.executed_at = at;
    sched.revoked_at = 0;
    match outcome {
        Ok(p) => {
            sched.payment = Some(p);
            sched.failure = None;
            if let Some(key) = key {
                sched.pg = key.pg;
            }
        }
        Err(reason) => {
            sched.payment = None;
            sched.failure = Some(reason.to_owned());
        }
    }
    let p = outcome.ok()?;
    let payment = st.payments.get(p)?;
    let event = Event {
        notice_url: s.notice_url.as_deref(),
        imp_uid: &payment.imp_uid,
        merchant_uid: &payment.merchant_uid,
        status: payment.status.as_str(),
        cancellation_id: None,
    };
    if let Some(job) = Job::new(st, &event) {
        shared.hooks.queue(job);
    }
    Some(p)
}
