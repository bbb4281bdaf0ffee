//! Control: what runs the emulated API and lets tests steer and watch it. The shared state
//! and its lock, the HTTP server and its request pipeline, fault injection, the request log,
//! webhook delivery and the `/__sandbox/*` inspection API.
//!
//! | Part | Module |
//! |---|---|
//! | settings a sandbox starts with | [`config`] |
//! | the state, its lock, due schedules, queuing webhooks | [`state`] |
//! | router, request pipeline, background ticker | [`server`] |
//! | fault plans and faulted answers | [`faults`] |
//! | request counts and exchange log | [`log`] |
//! | webhook format, queue, delivery, retries, records | [`webhooks`] |
//! | `/__sandbox/*` | [`inspect`] |

pub(crate) mod config;
pub(crate) mod faults;
pub(crate) mod inspect;
pub(crate) mod log;
pub(crate) mod server;
pub(crate) mod state;
pub(crate) mod webhooks;
