//! End-to-end tests of the sandbox over real HTTP (one test binary, several modules).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod auth;
mod billing_keys;
mod binary;
mod by_status;
mod cancel;
mod common;
mod execution;
mod faults;
mod inspection;
mod lookup;
mod multi;
mod payments;
mod schedules;
mod webhooks;
