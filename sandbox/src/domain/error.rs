//! Every way the emulated account refuses a request, as data. The wire layer turns each into
//! the live API's status, code and message (`wire::messages`); nothing here knows about HTTP.

use rust_decimal::Decimal;

use crate::domain::card::{CardProblem, Decline};

/// Which amount a rule is about (the messages name it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AmountOf {
    Payment,
    Cancel,
}

/// What was being done with card data when the card was refused (the live message's prefix
/// depends on it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CardUse {
    /// A key-in payment (`onetime`, with or without `customer_uid`).
    KeyIn,
    /// Issuing a billing key (`POST /subscribe/customers/{uid}`, a schedule with card data).
    IssueKey,
}

/// Which list a search window belongs to (their limits differ).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WindowOf {
    Schedules,
    PaymentsByStatus,
}

/// A refused request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// `getToken` without `imp_key` or `imp_secret`.
    MissingCredentials,
    /// `getToken` with the wrong ones.
    BadCredentials,
    AmountNotPositive(AmountOf),
    AmountNotWhole(AmountOf),
    /// `tax_free`, `vat_amount` or `vat` outside `0..=amount`.
    PartOutOfRange(&'static str),
    CardQuotaOutOfRange,
    /// No key-in channel of that name.
    UnknownChannel,
    Card(CardUse, CardProblem),
    /// The `merchant_uid` already has a paid or cancelled payment.
    DuplicateOrder,
    /// `again` with an unknown `customer_uid`.
    UnknownCustomer,
    BillingKeyNotFound(String),
    PaymentNotFound,
    CancelWithoutIds,
    NothingToCancel,
    AlreadyCancelled,
    ChecksumMismatch {
        checksum: Decimal,
        remaining: Decimal,
    },
    CancelAboveBalance {
        amount: Decimal,
        remaining: Decimal,
    },
    /// A schedule for an unknown customer without card data.
    NoCustomerData,
    /// `schedule_at` before now; the `merchant_uid` when creating.
    ScheduleInPast(Option<String>),
    /// The `merchant_uid` is scheduled already, repeated in the request, or paid.
    ScheduleTaken(String),
    /// The card check of a new schedule (`checking_amount`) was declined.
    CardCheckDeclined(Decline),
    UnscheduleWithoutIds,
    NothingToRevoke,
    ScheduleNotFound(String),
    /// PUT of a schedule that is no longer `scheduled`.
    ScheduleNotPending,
    /// Reschedule or retry of one still `scheduled`.
    ScheduleNotExecuted,
    /// Reschedule or retry of one whose payment went through.
    ScheduleAlreadyPaid,
    WindowReversed,
    WindowTooLong(WindowOf),
}
