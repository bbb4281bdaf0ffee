//! Which events the account notifies by webhook (facts §7), decided in one place. Where and
//! how a notification is delivered (URL, format, retries) is the control layer's business.

use crate::domain::ledger::{Payment, Status};

/// A webhook to send: `{imp_uid, merchant_uid, status}` (+ `cancellation_id`), to `notice_url`
/// or, without one, to the configured URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Notification {
    pub notice_url: Option<String>,
    pub imp_uid: String,
    pub merchant_uid: String,
    pub status: Status,
    pub cancellation_id: Option<String>,
}

/// What just happened to a payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Occasion {
    /// A `onetime` or `again` charge.
    Charge,
    /// A schedule's execution or retry.
    ScheduledCharge,
    /// A refund through the API.
    Cancel { enable_webhook: bool },
}

/// The webhook rule: an approved `onetime` / `again` charge notifies `paid` (a declined one
/// sends nothing: ordinary payment failures are not notified); a schedule's attempt notifies
/// `paid` or `failed`; an API refund notifies `cancelled` only with `enable_webhook`.
pub(crate) fn notification(
    occasion: Occasion,
    payment: &Payment,
    notice_url: Option<&str>,
    cancellation_id: Option<&str>,
) -> Option<Notification> {
    let notifies = match occasion {
        Occasion::Charge => payment.status == Status::Paid,
        Occasion::ScheduledCharge => true,
        Occasion::Cancel { enable_webhook } => enable_webhook,
    };
    // A refund reports `cancelled`, partial ones included.
    let status = match occasion {
        Occasion::Cancel { .. } => Status::Cancelled,
        _ => payment.status,
    };
    notifies.then(|| Notification {
        notice_url: notice_url.map(str::to_owned),
        imp_uid: payment.imp_uid.clone(),
        merchant_uid: payment.merchant_uid.clone(),
        status,
        cancellation_id: cancellation_id.map(str::to_owned),
    })
}
