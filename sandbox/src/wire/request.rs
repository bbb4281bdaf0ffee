//! Everything an endpoint may read from an HTTP request: path parameters, the query, the body
//! as [`Fields`], and the access token.

use axum::http::{HeaderMap, header};

use crate::wire::envelope::Reply;
use crate::wire::fields::Fields;
use crate::wire::messages;

#[derive(Debug)]
pub(crate) struct Request<'a> {
    pub headers: &'a HeaderMap,
    pub query: Fields,
    pub params: Vec<(String, String)>,
    /// `None` when the body could not be read.
    pub body: Option<&'a [u8]>,
}

impl Request<'_> {
    /// A path parameter (empty when absent).
    pub fn param(&self, name: &str) -> String {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// A path parameter that may be absent (`/payments/find/{merchant_uid}[/{payment_status}]`).
    pub fn opt_param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body's parameters (JSON or form).
    pub fn fields(&self) -> Result<Fields, Reply> {
        let body = self.body.ok_or_else(messages::unreadable_body)?;
        let ct = self
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok());
        Fields::from_body(ct, body)
    }

    /// `Authorization` (with or without `Bearer `) wins over `X-ImpTokenHeader`, then `?_token=`.
    pub fn token(&self) -> Option<String> {
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

    /// A positive integer query parameter within `1..=max` (HTTP 400 otherwise).
    pub fn positive(&self, name: &str, default: u64, max: u64) -> Result<u64, Reply> {
        let bad = || messages::bad_query(name);
        match self.query.opt_str(name).map_err(|_| bad())? {
            None => Ok(default),
            Some(s) => match s.trim().parse::<u64>() {
                Ok(n) if (1..=max).contains(&n) => Ok(n),
                _ => Err(bad()),
            },
        }
    }

    /// `page` (default 1).
    pub fn page(&self) -> Result<u64, Reply> {
        self.positive("page", 1, u64::from(u32::MAX))
    }

    /// A list query parameter (`name[]=a&name[]=b`, `name[0]=a`, `name=a`); bad shapes are
    /// HTTP 400.
    pub fn list(&self, name: &str) -> Result<Vec<String>, Reply> {
        self.query
            .opt_list(name)
            .map(Option::unwrap_or_default)
            .map_err(|_| messages::bad_query(name))
    }

    /// An integer query parameter, by the first of `names` given (HTTP 400 when malformed).
    pub fn opt_int(&self, names: &[&str]) -> Result<Option<i64>, Reply> {
        for n in names {
            match self.query.opt_int(n) {
                Ok(Some(v)) => return Ok(Some(v)),
                Ok(None) => {}
                Err(_) => return Err(messages::bad_query(n)),
            }
        }
        Ok(None)
    }
}
