//! Payments by status as a cursor: core's lazy listing (`list_payments_in_pages`: the 90-day
//! windows and the pages are core's) behind a lock, handed to JS a page at a time — one native
//! call per page, not per payment. `index.js` wraps it in an async generator
//! (`client.listPayments`).

use crate::dispatch::{Dispatcher, pair};
use futures_util::lock::Mutex;
use futures_util::stream::{BoxStream, StreamExt};
use iamport_subscribe as core;
use iamport_subscribe::shape::Shape;
use napi::bindgen_prelude::Null;
use napi_derive::napi;
use std::sync::Arc;

type Pages = BoxStream<'static, core::Result<Vec<core::Payment>>>;

/// The native half of `client.listPayments`; iterate the listing instead.
#[napi]
pub struct NativePaymentListing {
    /// `None` once the listing ended (every page read, or an error).
    pages: Arc<Mutex<Option<Pages>>>,
    dispatcher: Dispatcher,
}

impl std::fmt::Debug for NativePaymentListing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NativePaymentListing")
    }
}

impl NativePaymentListing {
    pub(crate) fn new(pages: Pages, dispatcher: Dispatcher) -> Self {
        NativePaymentListing {
            pages: Arc::new(Mutex::new(Some(pages))),
            dispatcher,
        }
    }
}

#[napi]
impl NativePaymentListing {
    /// Starts call `id`: the next page's payments (never empty), or an empty array once every
    /// payment was read. After an error the listing has ended (later pages are empty).
    #[napi(catch_unwind, ts_args_type = "id: number", ts_return_type = "null")]
    pub fn next_page(&self, id: u32) -> Null {
        let pages = Arc::clone(&self.pages);
        let future = async move {
            let mut pages = pages.lock().await;
            let Some(stream) = pages.as_mut() else {
                return Ok(Vec::new());
            };
            match stream.next().await {
                Some(Ok(page)) => Ok(page),
                Some(Err(e)) => {
                    *pages = None;
                    Err(e)
                }
                None => {
                    *pages = None;
                    Ok(Vec::new())
                }
            }
        };
        self.dispatcher.spawn(id, future, |env, result| {
            pair(env, result, <Vec<core::Payment>>::SHAPE)
        });
        Null
    }
}
