//! The route table (method and path template of every emulated endpoint) and the dispatch of
//! a request to its endpoint, behind the token check.

use crate::domain::world::World;
use crate::wire::endpoints::{charges, keys, payments, refunds, schedules, tokens};
use crate::wire::envelope::Reply;
use crate::wire::messages;
use crate::wire::options::Options;
use crate::wire::request::Request;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Route {
    GetToken,
    Onetime,
    Again,
    IssueKey,
    GetKey,
    DeleteKey,
    GetPayment,
    Find,
    FindStatus,
    FindAll,
    FindAllStatus,
    PaymentsByStatus,
    Cancel,
    MultiPayments,
    MultiKeys,
    KeyPayments,
    KeySchedules,
    Schedule,
    ListSchedules,
    Unschedule,
    GetSchedule,
    UpdateSchedule,
    Reschedule,
    Retry,
    CustomerSchedules,
}

impl Route {
    pub const ALL: [Route; 25] = [
        Route::GetToken,
        Route::Onetime,
        Route::Again,
        Route::IssueKey,
        Route::GetKey,
        Route::DeleteKey,
        Route::GetPayment,
        Route::Find,
        Route::FindStatus,
        Route::FindAll,
        Route::FindAllStatus,
        Route::PaymentsByStatus,
        Route::Cancel,
        Route::MultiPayments,
        Route::MultiKeys,
        Route::KeyPayments,
        Route::KeySchedules,
        Route::Schedule,
        Route::ListSchedules,
        Route::Unschedule,
        Route::GetSchedule,
        Route::UpdateSchedule,
        Route::Reschedule,
        Route::Retry,
        Route::CustomerSchedules,
    ];

    pub fn method(self) -> &'static str {
        match self {
            Route::GetToken
            | Route::Onetime
            | Route::Again
            | Route::IssueKey
            | Route::Cancel
            | Route::Schedule
            | Route::Unschedule
            | Route::Reschedule
            | Route::Retry => "POST",
            Route::DeleteKey => "DELETE",
            Route::UpdateSchedule => "PUT",
            _ => "GET",
        }
    }

    pub fn template(self) -> &'static str {
        match self {
            Route::GetToken => "/users/getToken",
            Route::Onetime => "/subscribe/payments/onetime",
            Route::Again => "/subscribe/payments/again",
            Route::IssueKey | Route::GetKey | Route::DeleteKey => {
                "/subscribe/customers/{customer_uid}"
            }
            Route::GetPayment => "/payments/{imp_uid}",
            Route::Find => "/payments/find/{merchant_uid}",
            Route::FindStatus => "/payments/find/{merchant_uid}/{payment_status}",
            Route::FindAll => "/payments/findAll/{merchant_uid}",
            Route::FindAllStatus => "/payments/findAll/{merchant_uid}/{payment_status}",
            Route::PaymentsByStatus => "/payments/status/{payment_status}",
            Route::Cancel => "/payments/cancel",
            Route::MultiPayments => "/payments",
            Route::MultiKeys => "/subscribe/customers",
            Route::KeyPayments => "/subscribe/customers/{customer_uid}/payments",
            Route::KeySchedules => "/subscribe/customers/{customer_uid}/schedules",
            Route::Schedule | Route::ListSchedules => "/subscribe/payments/schedule",
            Route::Unschedule => "/subscribe/payments/unschedule",
            Route::GetSchedule | Route::UpdateSchedule => {
                "/subscribe/payments/schedule/{merchant_uid}"
            }
            Route::Reschedule => "/subscribe/payments/schedule/{merchant_uid}/reschedule",
            Route::Retry => "/subscribe/payments/schedule/{merchant_uid}/retry",
            Route::CustomerSchedules => "/subscribe/payments/schedule/customers/{customer_uid}",
        }
    }

    /// `"METHOD /template"`, the key requests are counted (and faults matched) under.
    pub fn key(self) -> String {
        format!("{} {}", self.method(), self.template())
    }
}

/// Answers one API request (the token is checked for every route but `getToken`).
pub(crate) fn dispatch(opts: Options, world: &mut World, route: Route, req: &Request<'_>) -> Reply {
    if route.template().contains('{') && req.params.is_empty() {
        return messages::bad_path();
    }
    let now = world.now();
    if route != Route::GetToken && !req.token().is_some_and(|t| world.token_valid(&t, now)) {
        return messages::unauthorized();
    }
    let result = match route {
        Route::GetToken => return tokens::get_token(world, req, now),
        Route::Onetime => charges::onetime(world, req, now),
        Route::Again => charges::again(world, req, now),
        Route::IssueKey => keys::issue(world, req, now),
        Route::GetKey => keys::get(opts, world, req),
        Route::DeleteKey => keys::delete(opts, world, req),
        Route::MultiKeys => return keys::several(world, req),
        Route::KeyPayments => keys::payments(opts, world, req),
        Route::GetPayment => payments::get(world, req),
        Route::Find | Route::FindStatus => payments::find(world, req),
        Route::FindAll | Route::FindAllStatus => payments::find_all(world, req),
        Route::MultiPayments => return payments::several(world, req),
        Route::PaymentsByStatus => payments::by_status(world, req, now),
        Route::Cancel => refunds::cancel(world, req, now),
        Route::Schedule => schedules::create(world, req, now),
        Route::ListSchedules => schedules::list(world, req),
        Route::Unschedule => schedules::unschedule(world, req, now),
        Route::GetSchedule => schedules::get(world, req),
        Route::UpdateSchedule => schedules::update(world, req, now),
        Route::Reschedule => schedules::reschedule(world, req, now),
        Route::Retry => schedules::retry(world, req, now),
        Route::KeySchedules | Route::CustomerSchedules => schedules::of_customer(world, req),
    };
    match result {
        Ok(response) => Reply::ok(response),
        Err(reply) => reply,
    }
}
