//! `POST /users/getToken`.

use serde_json::json;

use crate::domain::world::World;
use crate::wire::envelope::Reply;
use crate::wire::request::Request;

pub(crate) fn get_token(world: &mut World, req: &Request<'_>, now: i64) -> Reply {
    let fields = match req.fields() {
        Ok(f) => f,
        Err(reply) => return reply,
    };
    let key = fields.opt_str("imp_key").ok().flatten();
    let secret = fields.opt_str("imp_secret").ok().flatten();
    match world.issue_token(key.as_deref(), secret.as_deref(), now) {
        Ok(token) => Reply::ok(
            json!({"access_token": token.value, "now": now, "expired_at": token.expired_at}),
        ),
        Err(refusal) => refusal.into(),
    }
}
