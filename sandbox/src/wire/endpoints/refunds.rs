//! `POST /payments/cancel`.

use crate::domain::refunds::Refund;
use crate::domain::world::World;
use crate::wire::envelope::Res;
use crate::wire::render;
use crate::wire::request::Request;

pub(crate) fn cancel(world: &mut World, req: &Request<'_>, now: i64) -> Res {
    let f = req.fields()?;
    let mut parts = Vec::new();
    for name in ["tax_free", "vat_amount"] {
        if let Some(v) = f.opt_decimal(name)? {
            parts.push((name, v));
        }
    }
    let refund = Refund {
        imp_uid: f.opt_str("imp_uid")?,
        merchant_uid: f.opt_str("merchant_uid")?,
        checksum: f.opt_decimal("checksum")?,
        amount: f.opt_decimal("amount")?,
        parts,
        reason: f.opt_str("reason")?,
        enable_webhook: f.opt_bool("enable_webhook")?.unwrap_or(false),
    };
    let i = world.cancel(refund, now)?;
    Ok(render::payment_at(&world.ledger, i))
}
