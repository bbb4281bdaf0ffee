//! The wire: what travels over HTTP. The route table, request parsing (JSON and PHP-style
//! forms), the envelope, the live API's messages and statuses, and the JSON form of records.
//! Endpoints parse a request into domain values, call the domain and render its answer.
//!
//! | Part | Module |
//! |---|---|
//! | routes (method, path template) and dispatch behind the token check | [`routes`] |
//! | one function per endpoint | [`endpoints`] |
//! | body and query parameters (JSON, forms, brackets) | [`fields`], [`request`] |
//! | request fields into domain values | [`parse`] |
//! | `{code, message, response}`, paging | [`envelope`] |
//! | every message, and the status and code of each refusal | [`messages`] |
//! | records as JSON | [`render`] |

pub(crate) mod endpoints;
pub(crate) mod envelope;
pub(crate) mod fields;
pub(crate) mod messages;
pub(crate) mod options;
pub(crate) mod parse;
pub(crate) mod render;
pub(crate) mod request;
pub(crate) mod routes;
