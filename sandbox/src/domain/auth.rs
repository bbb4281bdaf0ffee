//! Access tokens (`POST /users/getToken`): one token at a time, 30 minutes by default; the same
//! token while valid, extended by 5 minutes when less than a minute remains (the live API
//! extends a nearly expired token instead of racing a new one), a new one after expiry.

use crate::domain::error::Refusal;
use crate::domain::world::{Token, World};

impl World {
    /// The token for these credentials (`None` when one is missing).
    pub fn issue_token(
        &mut self,
        imp_key: Option<&str>,
        imp_secret: Option<&str>,
        now: i64,
    ) -> Result<Token, Refusal> {
        let (Some(key), Some(secret)) = (imp_key, imp_secret) else {
            return Err(Refusal::MissingCredentials);
        };
        if key != self.settings.imp_key || secret != self.settings.imp_secret {
            return Err(Refusal::BadCredentials);
        }
        let ttl = self.settings.token_ttl_secs;
        let token = match self.token.as_mut() {
            Some(t) if now < t.expired_at => {
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
                    expired_at: now.saturating_add(ttl),
                };
                self.token = Some(t.clone());
                t
            }
        };
        Ok(token)
    }

    /// Whether `presented` is the current, unexpired token.
    pub fn token_valid(&self, presented: &str, now: i64) -> bool {
        self.token
            .as_ref()
            .is_some_and(|t| t.value == presented && now < t.expired_at)
    }

    /// Every issued token stops working.
    pub fn revoke_tokens(&mut self) {
        self.token = None;
    }
}
