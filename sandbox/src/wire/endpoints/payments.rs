//! Payment lookups: `GET /payments/{imp_uid}`, `/payments/find/{merchant_uid}[/{status}]`,
//! `/payments/findAll/{merchant_uid}[/{status}]`, `GET /payments?imp_uid[]=…&merchant_uid[]=…`,
//! `GET /payments/status/{status}`.

use std::collections::HashSet;

use serde_json::Value;

use crate::domain::error::Refusal;
use crate::domain::ledger::{Payment, Sorting, Status};
use crate::domain::window;
use crate::domain::world::World;
use crate::wire::endpoints::keys::multi_reply;
use crate::wire::envelope::{Reply, Res, paged};
use crate::wire::messages::{self, NO_IDS, NO_PAYMENT, UNSUPPORTED_SORTING, UNSUPPORTED_STATUS};
use crate::wire::render;
use crate::wire::request::Request;

/// Most ids one `GET /payments` may ask for.
const MULTI_PAYMENTS_MAX: usize = 100;

/// Every sandbox payment is a test-channel payment; `include_sandbox` is accepted and ignored.
pub(crate) fn get(world: &World, req: &Request<'_>) -> Res {
    let imp_uid = req.param("imp_uid");
    world
        .ledger
        .by_imp_uid(&imp_uid)
        .map(render::payment)
        .ok_or_else(|| Refusal::PaymentNotFound.into())
}

/// `sorting` of the query (`-started` when absent).
pub(crate) fn sorting(req: &Request<'_>) -> Result<Sorting, Reply> {
    match req.query.opt_str("sorting")? {
        None => Ok(Sorting::default()),
        Some(s) => Sorting::parse(&s).ok_or_else(|| Reply::error(400, 1, UNSUPPORTED_SORTING)),
    }
}

/// The records of the path's `merchant_uid` in the path's status, in the requested order.
fn matching<'w>(world: &'w World, req: &Request<'_>) -> Result<Vec<&'w Payment>, Reply> {
    let merchant_uid = req.param("merchant_uid");
    let status = match req.opt_param("payment_status") {
        None => None,
        Some(s) => Some(Status::parse(s).ok_or_else(|| Reply::error(400, 1, UNSUPPORTED_STATUS))?),
    };
    let sorting = sorting(req)?;
    Ok(world.ledger.find(&merchant_uid, status, sorting))
}

/// The first record by `sorting`.
pub(crate) fn find(world: &World, req: &Request<'_>) -> Res {
    matching(world, req)?
        .first()
        .map(|p| render::payment(p))
        .ok_or_else(|| Refusal::PaymentNotFound.into())
}

/// Every record, paged.
pub(crate) fn find_all(world: &World, req: &Request<'_>) -> Res {
    let page = req.page()?;
    let limit = req.positive("limit", 20, 1000)?;
    let found = matching(world, req)?;
    if found.is_empty() {
        return Err(Refusal::PaymentNotFound.into());
    }
    Ok(paged(&found, page, limit, |p| render::payment(p)))
}

/// `imp_uid`s first, then `merchant_uid`s (each its most recent attempt), each payment once.
pub(crate) fn several(world: &World, req: &Request<'_>) -> Reply {
    let (imp_uids, merchant_uids) = match (req.list("imp_uid"), req.list("merchant_uid")) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(reply), _) | (_, Err(reply)) => return reply,
    };
    let asked = imp_uids.len() + merchant_uids.len();
    if asked == 0 {
        return Reply::error(400, 1, NO_IDS);
    }
    if asked > MULTI_PAYMENTS_MAX {
        return messages::too_many_ids(MULTI_PAYMENTS_MAX);
    }
    let mut positions: Vec<Option<usize>> = imp_uids
        .iter()
        .map(|id| world.ledger.position(id))
        .collect();
    positions.extend(
        merchant_uids
            .iter()
            .map(|m| world.ledger.latest_of_order(m)),
    );
    let all = positions.iter().all(Option::is_some);
    let mut seen = HashSet::new();
    let found: Vec<Value> = positions
        .into_iter()
        .flatten()
        .filter(|i| seen.insert(*i))
        .filter_map(|i| world.ledger.get(i).map(render::payment))
        .collect();
    multi_reply(found, all, NO_PAYMENT.to_owned())
}

/// `GET /payments/status/{all|ready|paid|cancelled|failed}` (facts §6.5): `page`, `limit`
/// (≤ 1000, default 20), `from` / `to` (inclusive; default the last 90 days, at most 90 days),
/// `sorting`. A page past the last one is refused (HTTP 400), as the spec says.
pub(crate) fn by_status(world: &World, req: &Request<'_>, now: i64) -> Res {
    let status = match req.param("payment_status").as_str() {
        "all" => None,
        s => Some(Status::parse(s).ok_or_else(|| Reply::error(400, 1, UNSUPPORTED_STATUS))?),
    };
    let page = req.page()?;
    let limit = req.positive("limit", 20, 1000)?;
    let (from, to) = (req.opt_int(&["from"])?, req.opt_int(&["to"])?);
    let range = window::payments_by_status(from, to, now)?;
    let sorting = sorting(req)?;
    let found = world.ledger.by_status(status, range, sorting);
    if page > 1 && (page - 1).saturating_mul(limit) >= found.len() as u64 {
        return Err(messages::bad_query("page"));
    }
    Ok(paged(&found, page, limit, |p| render::payment(p)))
}
