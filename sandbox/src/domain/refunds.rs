//! Refunds (`POST /payments/cancel`): full or partial, guarded by `checksum` (the merchant's
//! view of the refundable balance). A partially refunded payment stays `paid` until the whole
//! amount is refunded, then becomes `cancelled`.

use rust_decimal::Decimal;

use crate::domain::error::{AmountOf, Refusal};
use crate::domain::ids;
use crate::domain::ledger::{Cancel, Status};
use crate::domain::notifications::Occasion;
use crate::domain::order::{check_amount, check_parts};
use crate::domain::world::World;

/// A refund request.
#[derive(Debug, Default)]
pub(crate) struct Refund {
    pub imp_uid: Option<String>,
    pub merchant_uid: Option<String>,
    /// `None` or zero: the whole remaining balance.
    pub amount: Option<Decimal>,
    pub checksum: Option<Decimal>,
    /// `tax_free`, `vat_amount` as sent.
    pub parts: Vec<(&'static str, Decimal)>,
    pub reason: Option<String>,
    pub enable_webhook: bool,
}

impl World {
    /// Refunds the payment named by `imp_uid` (wins) or `merchant_uid` (its paid record, else
    /// its cancelled one) and returns its position.
    pub fn cancel(&mut self, req: Refund, now: i64) -> Result<usize, Refusal> {
        let position = match (&req.imp_uid, &req.merchant_uid) {
            (Some(imp_uid), _) => self.ledger.position(imp_uid),
            (None, Some(merchant_uid)) => {
                let first = |status: Status| {
                    self.ledger
                        .of_order(merchant_uid)
                        .find(|(_, p)| p.status == status)
                        .map(|(i, _)| i)
                };
                first(Status::Paid).or_else(|| first(Status::Cancelled))
            }
            (None, None) => return Err(Refusal::CancelWithoutIds),
        };
        let i = position.ok_or(Refusal::NothingToCancel)?;
        let payment = self.ledger.get_mut(i).ok_or(Refusal::NothingToCancel)?;
        match payment.status {
            Status::Paid => {}
            Status::Cancelled => return Err(Refusal::AlreadyCancelled),
            Status::Ready | Status::Failed => return Err(Refusal::NothingToCancel),
        }
        let remaining = payment.remaining();
        if let Some(checksum) = req.checksum {
            if checksum != remaining {
                return Err(Refusal::ChecksumMismatch {
                    checksum,
                    remaining,
                });
            }
        }
        let amount = match req.amount {
            Some(a) if !a.is_zero() => a,
            _ => remaining,
        };
        check_amount(amount, &payment.currency, AmountOf::Cancel)?;
        if amount > remaining {
            return Err(Refusal::CancelAboveBalance { amount, remaining });
        }
        check_parts(&req.parts, amount)?;
        let reason = req.reason.unwrap_or_default();
        let cancellation_id = ids::cancellation_id();
        payment.cancel_amount += amount;
        payment.cancels.push(Cancel {
            pg_tid: ids::pg_tid(&payment.pg, now),
            amount,
            cancelled_at: now,
            reason: reason.clone(),
            receipt_url: ids::cancel_receipt_url(&payment.imp_uid, &cancellation_id),
            cancellation_id: cancellation_id.clone(),
        });
        payment.cancel_reason = Some(reason);
        payment.updated_at = now;
        if payment.remaining().is_zero() {
            payment.status = Status::Cancelled;
            payment.cancelled_at = now;
        }
        let occasion = Occasion::Cancel {
            enable_webhook: req.enable_webhook,
        };
        self.notify(occasion, i, None, Some(&cancellation_id));
        Ok(i)
    }
}
