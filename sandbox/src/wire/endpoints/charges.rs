//! `POST /subscribe/payments/onetime` and `POST /subscribe/payments/again`.

use crate::domain::charges::Onetime;
use crate::domain::world::World;
use crate::wire::envelope::Res;
use crate::wire::parse;
use crate::wire::render;
use crate::wire::request::Request;

pub(crate) fn onetime(world: &mut World, req: &Request<'_>, now: i64) -> Res {
    let f = req.fields()?;
    let order = parse::order(&f)?;
    let card = parse::card(&f)?;
    let request = Onetime {
        order,
        card,
        pg: f.opt_str("pg")?,
        customer_uid: f.opt_str("customer_uid")?,
    };
    let i = world.pay_onetime(request, now)?;
    Ok(render::payment_at(&world.ledger, i))
}

pub(crate) fn again(world: &mut World, req: &Request<'_>, now: i64) -> Res {
    let f = req.fields()?;
    let customer_uid = f.req_str("customer_uid")?;
    let order = parse::order(&f)?;
    let i = world.pay_again(&customer_uid, order, now)?;
    Ok(render::payment_at(&world.ledger, i))
}
