//! Scheduled charges: `/subscribe/payments/schedule*`, `/subscribe/payments/unschedule` and the
//! customer schedule lists.

use serde_json::Value;

use crate::domain::error::{Refusal, WindowOf};
use crate::domain::schedules::ScheduleStatus;
use crate::domain::scheduling::{Entry, NewSchedules, Unschedule};
use crate::domain::window;
use crate::domain::world::World;
use crate::wire::endpoints::keys::new_key;
use crate::wire::envelope::{Reply, Res, paged};
use crate::wire::fields::Fields;
use crate::wire::messages::{self, UNSUPPORTED_SCHEDULE_STATUS, UNSUPPORTED_SORTING};
use crate::wire::parse;
use crate::wire::render;
use crate::wire::request::Request;

/// Default and largest page size of the schedule lists.
const DEFAULT_LIMIT: u64 = 20;
const MAX_LIMIT: u64 = 1000;

fn schedule_at(world: &World, i: usize) -> Value {
    world
        .schedules
        .get(i)
        .map(|s| render::schedule(s, &world.ledger))
        .unwrap_or_default()
}

fn schedules_at(world: &World, positions: &[usize]) -> Value {
    Value::Array(positions.iter().map(|i| schedule_at(world, *i)).collect())
}

/// `POST /subscribe/payments/schedule`: all schedules are stored, or none.
pub(crate) fn create(world: &mut World, req: &Request<'_>, now: i64) -> Res {
    let f = req.fields()?;
    let customer_uid = f.req_str("customer_uid")?;
    let entries = f
        .opt_objects("schedules")?
        .filter(|e| !e.is_empty())
        .ok_or_else(|| messages::missing("schedules"))?;
    // An existing key is used as it is: the card fields are then not even read.
    let new_key = if world.keys.contains(&customer_uid) || f.opt_str("card_number")?.is_none() {
        None
    } else {
        Some(new_key(&f, customer_uid.clone())?)
    };
    let checking_amount = f.opt_int("checking_amount")?.unwrap_or(0);
    if checking_amount < 0 {
        return Err(messages::malformed("checking_amount"));
    }
    let entries = entries
        .iter()
        .map(|e| {
            Ok(Entry {
                order: parse::order(e)?,
                schedule_at: e
                    .opt_int("schedule_at")?
                    .ok_or_else(|| messages::missing("schedule_at"))?,
                promotion_id: e.opt_str("promotion_id")?,
            })
        })
        .collect::<Result<Vec<_>, Reply>>()?;
    let request = NewSchedules {
        customer_uid,
        new_key,
        checking_amount,
        entries,
    };
    let made = world.create_schedules(request, now)?;
    Ok(schedules_at(world, &made))
}

/// `POST /subscribe/payments/unschedule`.
pub(crate) fn unschedule(world: &mut World, req: &Request<'_>, now: i64) -> Res {
    let f = req.fields()?;
    let request = Unschedule {
        customer_uid: f.opt_str("customer_uid")?,
        merchant_uids: f.opt_list("merchant_uid")?,
    };
    let revoked = world.unschedule(request, now)?;
    Ok(schedules_at(world, &revoked))
}

/// `GET /subscribe/payments/schedule/{merchant_uid}`.
pub(crate) fn get(world: &World, req: &Request<'_>) -> Res {
    let i = world.schedules.find(&req.param("merchant_uid"))?;
    Ok(schedule_at(world, i))
}

/// `schedule_at` of a PUT/reschedule body: required and an integer (else 400).
fn new_schedule_at(f: &Fields) -> Result<i64, Reply> {
    f.opt_int("schedule_at")
        .map_err(|_| messages::malformed("schedule_at").with_status(400))?
        .ok_or_else(|| messages::missing("schedule_at").with_status(400))
}

/// `PUT /subscribe/payments/schedule/{merchant_uid}`.
pub(crate) fn update(world: &mut World, req: &Request<'_>, now: i64) -> Res {
    let f = req.fields()?;
    let m = req.param("merchant_uid");
    // An unknown schedule is a 404 whatever the body holds.
    world.schedules.find(&m)?;
    let at = new_schedule_at(&f)?;
    let i = world.move_schedule(&m, at, now)?;
    Ok(schedule_at(world, i))
}

/// `POST /subscribe/payments/schedule/{merchant_uid}/reschedule`.
pub(crate) fn reschedule(world: &mut World, req: &Request<'_>, now: i64) -> Res {
    let f = req.fields()?;
    let m = req.param("merchant_uid");
    world.schedules.find(&m)?;
    let at = new_schedule_at(&f)?;
    let i = world.reschedule(&m, at, now)?;
    Ok(schedule_at(world, i))
}

/// `POST /subscribe/payments/schedule/{merchant_uid}/retry`: charges now, answers the Payment.
pub(crate) fn retry(world: &mut World, req: &Request<'_>, now: i64) -> Res {
    let m = req.param("merchant_uid");
    match world.retry_schedule(&m, now) {
        Ok(p) => Ok(render::payment_at(&world.ledger, p)),
        Err(r @ Refusal::BillingKeyNotFound(_)) => Err(Reply::from(r).with_status(404)),
        Err(r @ (Refusal::DuplicateOrder | Refusal::UnknownCustomer)) => {
            Err(Reply::from(r).with_status(400))
        }
        Err(r) => Err(r.into()),
    }
}

/// `from`/`to` (inclusive/exclusive, both required) of a schedule list, by the first given
/// spelling.
fn range(req: &Request<'_>, from_names: &[&str], to_names: &[&str]) -> Result<(i64, i64), Reply> {
    let read = |names: &[&str]| -> Result<i64, Reply> {
        let name = names.first().copied().unwrap_or_default();
        req.opt_int(names)?
            .ok_or_else(|| messages::missing(name).with_status(400))
    };
    let (from, to) = (read(from_names)?, read(to_names)?);
    window::check(WindowOf::Schedules, from, to)?;
    Ok((from, to))
}

fn status_filter(req: &Request<'_>, names: &[&str]) -> Result<Option<ScheduleStatus>, Reply> {
    let bad = || Reply::error(400, 1, UNSUPPORTED_SCHEDULE_STATUS);
    for n in names {
        if let Some(v) = req.query.opt_str(n).map_err(|_| bad())? {
            return ScheduleStatus::parse(&v).map(Some).ok_or_else(bad);
        }
    }
    Ok(None)
}

fn page_of(world: &World, req: &Request<'_>, selected: &[usize]) -> Res {
    let page = req.page()?;
    let limit = req.positive("limit", DEFAULT_LIMIT, MAX_LIMIT)?;
    Ok(paged(selected, page, limit, |i| schedule_at(world, *i)))
}

/// `GET /subscribe/payments/schedule?schedule_from=&schedule_to=&schedule_status=&page=&limit=&sorting=`:
/// `scheduled` oldest first, `-scheduled` or none newest first.
pub(crate) fn list(world: &World, req: &Request<'_>) -> Res {
    let range = range(req, &["schedule_from"], &["schedule_to"])?;
    let status = status_filter(req, &["schedule_status"])?;
    let bad = || Reply::error(400, 1, UNSUPPORTED_SORTING);
    let oldest_first = match req.query.opt_str("sorting").map_err(|_| bad())?.as_deref() {
        None | Some("-scheduled") => false,
        Some("scheduled") => true,
        Some(_) => return Err(bad()),
    };
    let selected = world.schedules.select(None, range, status, oldest_first);
    page_of(world, req, &selected)
}

/// `GET /subscribe/customers/{customer_uid}/schedules` and
/// `GET /subscribe/payments/schedule/customers/{customer_uid}`: newest first; both spellings of
/// the query (`from`/`to`/`schedule-status`, `schedule_from`/`schedule_to`/`schedule_status`).
pub(crate) fn of_customer(world: &World, req: &Request<'_>) -> Res {
    let uid = req.param("customer_uid");
    let range = range(req, &["from", "schedule_from"], &["to", "schedule_to"])?;
    let status = status_filter(req, &["schedule-status", "schedule_status"])?;
    let selected = world.schedules.select(Some(&uid), range, status, false);
    page_of(world, req, &selected)
}
