//! Billing keys: `POST`/`GET`/`DELETE /subscribe/customers/{customer_uid}`,
//! `GET /subscribe/customers?customer_uid[]=…`, `GET /subscribe/customers/{customer_uid}/payments`.

use std::collections::HashSet;

use serde_json::Value;

use crate::domain::charges::NewKey;
use crate::domain::error::Refusal;
use crate::domain::world::World;
use crate::wire::envelope::{Reply, Res, paged};
use crate::wire::fields::Fields;
use crate::wire::messages;
use crate::wire::options::{NotFoundMode, Options};
use crate::wire::parse;
use crate::wire::render;
use crate::wire::request::Request;

/// Page size of `GET /subscribe/customers/{customer_uid}/payments`.
const KEY_PAYMENTS_PAGE: u64 = 20;

/// The card data, `pg`, `customer_*` and `customer_id` of a billing-key issue.
pub(crate) fn new_key(f: &Fields, customer_uid: String) -> Result<NewKey, Reply> {
    Ok(NewKey {
        customer_uid,
        card: parse::card(f)?,
        pg: f.opt_str("pg")?,
        customer: parse::contact(f, "customer")?,
        customer_id: f.opt_str("customer_id")?,
    })
}

/// An unknown key: HTTP 200 code 1 as observed, or 404 as the spec says.
fn not_found(opts: Options, uid: &str) -> Reply {
    let reply = Reply::from(Refusal::BillingKeyNotFound(uid.to_owned()));
    match opts.not_found {
        NotFoundMode::Observed => reply,
        NotFoundMode::Spec => reply.with_status(404),
    }
}

pub(crate) fn issue(world: &mut World, req: &Request<'_>, now: i64) -> Res {
    let customer_uid = req.param("customer_uid");
    let f = req.fields()?;
    let key = world.issue_billing_key(new_key(&f, customer_uid)?, now)?;
    Ok(render::billing_key(key))
}

pub(crate) fn get(opts: Options, world: &World, req: &Request<'_>) -> Res {
    let uid = req.param("customer_uid");
    world
        .keys
        .get(&uid)
        .map(render::billing_key)
        .ok_or_else(|| not_found(opts, &uid))
}

pub(crate) fn delete(opts: Options, world: &mut World, req: &Request<'_>) -> Res {
    let uid = req.param("customer_uid");
    world
        .keys
        .remove(&uid)
        .map(|k| render::billing_key(&k))
        .ok_or_else(|| not_found(opts, &uid))
}

/// 200 when every id was found, 207 when some were, 404 when none.
pub(crate) fn multi_reply(found: Vec<Value>, all: bool, not_found: String) -> Reply {
    if found.is_empty() {
        Reply::error(404, 1, not_found)
    } else {
        Reply::ok_with(if all { 200 } else { 207 }, Value::Array(found))
    }
}

/// Each key found once, in request order.
pub(crate) fn several(world: &World, req: &Request<'_>) -> Reply {
    let uids = match req.list("customer_uid") {
        Ok(uids) if !uids.is_empty() => uids,
        Ok(_) => return messages::missing("customer_uid").with_status(400),
        Err(reply) => return reply,
    };
    let mut seen = HashSet::new();
    let mut found = Vec::new();
    let mut all = true;
    for uid in &uids {
        match world.keys.get(uid) {
            Some(key) if seen.insert(uid.as_str()) => found.push(render::billing_key(key)),
            Some(_) => {}
            None => all = false,
        }
    }
    multi_reply(found, all, messages::key_not_found(&uids.join(", ")))
}

/// Every payment made with the key (also after it was deleted), newest first, 20 a page.
pub(crate) fn payments(opts: Options, world: &World, req: &Request<'_>) -> Res {
    let uid = req.param("customer_uid");
    let page = req.page()?;
    let found = world.ledger.of_key_newest_first(&uid);
    if found.is_empty() && !world.keys.contains(&uid) && opts.not_found == NotFoundMode::Spec {
        return Err(Reply::error(404, 1, messages::key_not_found(&uid)));
    }
    Ok(paged(&found, page, KEY_PAYMENTS_PAGE, |p| {
        render::payment(p)
    }))
}
