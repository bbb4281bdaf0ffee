//! The domain: what an emulated Iamport account holds and the rules it applies, with no HTTP in
//! it (no axum, no envelope, no API message text). The wire layer parses requests into these
//! types and renders what comes back; the control layer runs it under one lock.
//!
//! Where each rule lives:
//!
//! | Rule | Module |
//! |---|---|
//! | the clock, Korean calendar dates | [`clock`] |
//! | access tokens (30 min, extended when < 60 s remain) | [`auth`] |
//! | test cards, card-number and card-data checks, masking, issuers | [`card`] |
//! | PG channels (`nice`, `daou.{CPID}`, ...) | [`pg`] |
//! | amounts, tax-free / VAT parts, instalments | [`order`] |
//! | the payment ledger, the duplicate-order rule, sorting, listing by status | [`ledger`] |
//! | billing keys | [`keys`] |
//! | charges: key-in, billing-key, the decline | [`charges`] |
//! | refunds (full, partial, checksum) | [`refunds`] |
//! | schedules: states, creation, revocation, execution on the clock | [`schedules`], [`scheduling`] |
//! | search windows (90 days for payments, 92 for schedules) | [`window`] |
//! | which events send a webhook | [`notifications`] |
//! | generated identifiers (`imp_uid`, `pg_tid`, ...) | [`ids`] |
//! | every way a request can be refused | [`error`] |

pub(crate) mod auth;
pub(crate) mod card;
pub(crate) mod charges;
pub(crate) mod clock;
pub(crate) mod error;
pub(crate) mod ids;
pub(crate) mod keys;
pub(crate) mod ledger;
pub(crate) mod notifications;
pub(crate) mod order;
pub(crate) mod pg;
pub(crate) mod refunds;
pub(crate) mod schedules;
pub(crate) mod scheduling;
pub(crate) mod window;
pub(crate) mod world;
