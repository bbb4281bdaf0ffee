//! One function per emulated endpoint: read the request, call the domain, render the answer.
//! Every call runs under the state lock, so a check and the write that follows it are one step.

pub(crate) mod charges;
pub(crate) mod keys;
pub(crate) mod payments;
pub(crate) mod refunds;
pub(crate) mod schedules;
pub(crate) mod tokens;
