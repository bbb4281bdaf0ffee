//! Payments by status as a cursor object: core's lazy listing behind a lock, handed over a page
//! at a time (one FFI call per page, not per payment). The window splitting and paging are
//! core's; Kotlin wraps the cursor in a `Flow` (`Client.listPayments`), Swift in an
//! `AsyncThrowingStream` (`Client.listPayments`).

use crate::IamportError;
use futures_util::stream::{BoxStream, StreamExt};
use iamport_subscribe::Payment;
use tokio::sync::Mutex;

/// The payments of one `Client::list_payments_cursor` call, read with [`PaymentListing::next_page`].
/// Nothing is requested until the first `next_page`; each call fetches at most one page.
#[derive(uniffi::Object)]
pub struct PaymentListing {
    pages: Mutex<Option<BoxStream<'static, iamport_subscribe::Result<Vec<Payment>>>>>,
}

impl std::fmt::Debug for PaymentListing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PaymentListing")
    }
}

impl PaymentListing {
    pub(crate) fn new(
        pages: impl futures_util::Stream<Item = iamport_subscribe::Result<Vec<Payment>>>
        + Send
        + 'static,
    ) -> Self {
        PaymentListing {
            pages: Mutex::new(Some(pages.boxed())),
        }
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl PaymentListing {
    /// The next page's payments (never empty), or null once every payment was read. A failed
    /// request throws; the listing has then ended (later calls return null).
    pub async fn next_page(&self) -> Result<Option<Vec<Payment>>, IamportError> {
        let mut pages = self.pages.lock().await;
        let Some(stream) = pages.as_mut() else {
            return Ok(None);
        };
        match stream.next().await {
            Some(Ok(page)) => Ok(Some(page)),
            Some(Err(e)) => {
                *pages = None;
                Err(e.into())
            }
            None => {
                *pages = None;
                Ok(None)
            }
        }
    }
}
