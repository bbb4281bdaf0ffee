//! Payments by status over any time range (`GET /payments/status/{payment_status}`).
//!
//! The API searches at most 90 days at once (both ends inclusive) and pages its answer;
//! [`Client::list_payments`] takes any range, cuts it into windows the API accepts, in the
//! direction of the sorting, and fetches the pages of each window only as the stream is read.
//! Which time a payment is found by depends on its status (facts §6.5): `paid_at` for `paid`,
//! `failed_at` for `failed`, `cancelled_at` for `cancelled`, `started_at` for `ready`; with every
//! status, each payment by the time of its own status.

use crate::client::{Client, NoBody};
use crate::error::{Error, Result};
use crate::models::{Payment, PaymentPage, PaymentStatus, Timestamp};
use crate::rules::{self, MAX_PAYMENTS_WINDOW_SECS};
use crate::schedule::{flatten_pages, page_batches};
use futures_util::stream::{self, Stream, StreamExt};
use http::Method;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Page size of [`Client::list_payments`]: the API's maximum, for the fewest requests.
const PAYMENTS_PAGE_SIZE: u32 = rules::MAX_PAGE_SIZE;

/// The order of a payments listing (the API's `sorting`). Default: most recently started first.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum PaymentSorting {
    /// `-started`: most recently started first (the API's default).
    #[default]
    #[serde(rename = "-started")]
    StartedDesc,
    /// `started`: oldest start first.
    #[serde(rename = "started")]
    StartedAsc,
    /// `-paid`: most recently paid first.
    #[serde(rename = "-paid")]
    PaidDesc,
    /// `paid`: earliest paid first.
    #[serde(rename = "paid")]
    PaidAsc,
    /// `-updated`: most recently updated first.
    #[serde(rename = "-updated")]
    UpdatedDesc,
    /// `updated`: least recently updated first.
    #[serde(rename = "updated")]
    UpdatedAsc,
}

impl PaymentSorting {
    /// Every value, in the order of the API's documentation.
    pub const ALL: [PaymentSorting; 6] = [
        PaymentSorting::StartedDesc,
        PaymentSorting::StartedAsc,
        PaymentSorting::PaidDesc,
        PaymentSorting::PaidAsc,
        PaymentSorting::UpdatedDesc,
        PaymentSorting::UpdatedAsc,
    ];

    /// The wire value (`-started`, `started`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentSorting::StartedDesc => "-started",
            PaymentSorting::StartedAsc => "started",
            PaymentSorting::PaidDesc => "-paid",
            PaymentSorting::PaidAsc => "paid",
            PaymentSorting::UpdatedDesc => "-updated",
            PaymentSorting::UpdatedAsc => "updated",
        }
    }

    /// Newest first.
    pub fn descending(self) -> bool {
        self.as_str().starts_with('-')
    }
}

impl fmt::Display for PaymentSorting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for PaymentSorting {
    type Err = Error;

    /// The wire value; anything else is `InvalidRequest` on `sorting`.
    fn from_str(text: &str) -> Result<Self> {
        PaymentSorting::ALL
            .into_iter()
            .find(|s| s.as_str() == text)
            .ok_or_else(|| {
                Error::invalid(
                    "sorting",
                    "must be one of -started, started, -paid, paid, -updated, updated",
                )
            })
    }
}

/// The windows `[a, b]` (inclusive, at most [`MAX_PAYMENTS_WINDOW_SECS`] wide, neither
/// overlapping nor leaving a gap) that cover `[from, to]`, oldest first or newest first.
pub(crate) fn windows(
    from: Timestamp,
    to: Timestamp,
    newest_first: bool,
) -> impl Iterator<Item = (Timestamp, Timestamp)> + Send + 'static {
    let mut done = from > to;
    let (mut low, mut high) = (from, to);
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        let window = if newest_first {
            let a = high.saturating_sub(MAX_PAYMENTS_WINDOW_SECS).max(low);
            (a, high)
        } else {
            let b = low.saturating_add(MAX_PAYMENTS_WINDOW_SECS).min(high);
            (low, b)
        };
        if newest_first {
            done = window.0 <= low;
            high = window.0 - 1;
        } else {
            done = window.1 >= high;
            low = window.1 + 1;
        }
        Some(window)
    })
}

impl Client {
    /// One page of the payments in `status` (`None`: every status) found in `[from, to]` (unix
    /// seconds, both inclusive, at most 90 days apart), `limit` (1 to 1000) a page.
    /// [`Client::list_payments`] takes any range and reads every page.
    pub async fn list_payments_page(
        &self,
        status: Option<&PaymentStatus>,
        from: Timestamp,
        to: Timestamp,
        sorting: Option<PaymentSorting>,
        page: u32,
        limit: u32,
    ) -> Result<PaymentPage> {
        let segment = rules::payments_status_segment(status)?;
        rules::check_payments_window(from, to)?;
        rules::check_page(page)?;
        rules::check_limit(limit)?;
        let (from, to) = (from.to_string(), to.to_string());
        let (page, limit) = (page.to_string(), limit.to_string());
        let query = [
            ("from", from.as_str()),
            ("to", to.as_str()),
            ("page", page.as_str()),
            ("limit", limit.as_str()),
            ("sorting", sorting.unwrap_or_default().as_str()),
        ];
        self.call(
            Method::GET,
            &["payments", "status", segment],
            &query,
            None::<&NoBody>,
        )
        .await
    }

    /// Every payment in `status` (`None`: every status) found in `[from, to]` (unix seconds, both
    /// inclusive), in the order of `sorting` (default: most recently started first).
    ///
    /// `to` defaults to now by the API's clock (read from a token grant) and `from` to 90 days
    /// before `to`, the API's own defaults. Any range is accepted: a range longer than the API's
    /// 90 days is read as consecutive windows, newest first for a descending sorting and oldest
    /// first otherwise; items are sorted within each window (and across windows when the
    /// sorting's time is the status's, e.g. `paid` payments by `-paid`). Pages of 1000 are
    /// fetched only as the stream is read. Bad arguments are the stream's first and only item
    /// (`InvalidRequest`), before anything is sent.
    pub fn list_payments(
        &self,
        status: Option<PaymentStatus>,
        from: Option<Timestamp>,
        to: Option<Timestamp>,
        sorting: Option<PaymentSorting>,
    ) -> impl Stream<Item = Result<Payment>> + Send + 'static {
        flatten_pages(self.list_payments_in_pages(status, from, to, sorting))
    }

    /// [`Client::list_payments`] a page at a time (the API's pages of up to 1000, empty ones
    /// left out), for callers that hand items on in batches, such as the language bindings.
    pub fn list_payments_in_pages(
        &self,
        status: Option<PaymentStatus>,
        from: Option<Timestamp>,
        to: Option<Timestamp>,
        sorting: Option<PaymentSorting>,
    ) -> impl Stream<Item = Result<Vec<Payment>>> + Send + 'static {
        let client = self.clone();
        let checked = rules::payments_status_segment(status.as_ref())
            .map(|_| ())
            .and_then(|()| {
                rules::check_range(from.unwrap_or(0), to.unwrap_or(rules::MAX_TIMESTAMP))
            });
        let sorting = sorting.unwrap_or_default();
        let range = async move {
            checked?;
            let to = match to {
                Some(to) => to,
                None => client.server_now().await?,
            };
            let from = from.unwrap_or_else(|| to.saturating_sub(MAX_PAYMENTS_WINDOW_SECS).max(0));
            rules::check_range(from, to)?;
            Ok((client, from, to))
        };
        let batches =
            stream::once(range).flat_map(move |range: Result<(Client, Timestamp, Timestamp)>| {
                let (client, from, to) = match range {
                    Ok(range) => range,
                    Err(e) => return stream::once(async move { Err(e) }).left_stream(),
                };
                let status = status.clone();
                stream::iter(windows(from, to, sorting.descending()))
                    .flat_map(move |(a, b)| {
                        let (client, status) = (client.clone(), status.clone());
                        page_batches(move |page| {
                            let (client, status) = (client.clone(), status.clone());
                            async move {
                                let p = client
                                    .list_payments_page(
                                        status.as_ref(),
                                        a,
                                        b,
                                        Some(sorting),
                                        page,
                                        PAYMENTS_PAGE_SIZE,
                                    )
                                    .await?;
                                Ok((p.list, p.next))
                            }
                        })
                    })
                    .right_stream()
            });
        batches.filter(|batch| std::future::ready(!matches!(batch, Ok(items) if items.is_empty())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: i64 = MAX_PAYMENTS_WINDOW_SECS;

    fn all(from: i64, to: i64, newest_first: bool) -> Vec<(i64, i64)> {
        windows(from, to, newest_first).collect()
    }

    #[test]
    fn windows_cover_the_range_exactly_and_stay_within_90_days() {
        for (from, to) in [
            (0, 0),
            (0, W),
            (0, W + 1),
            (100, 100 + 2 * W + 1),
            (5, 5 + 3 * W + 2),
            (1_700_000_000, 1_700_000_000 + 400 * 86_400 + 17),
        ] {
            for newest_first in [false, true] {
                let mut got = all(from, to, newest_first);
                assert!(got.iter().all(|(a, b)| a <= b && b - a <= W), "{got:?}");
                if newest_first {
                    assert!(got.windows(2).all(|w| w[0].0 > w[1].1), "{got:?}");
                    got.reverse();
                }
                assert_eq!(got.first().map(|w| w.0), Some(from));
                assert_eq!(got.last().map(|w| w.1), Some(to));
                // Consecutive: no second is searched twice, none is skipped.
                assert!(got.windows(2).all(|w| w[1].0 == w[0].1 + 1), "{got:?}");
                let expected = ((to - from) / (W + 1) + 1) as usize;
                assert_eq!(got.len(), expected, "{from}..{to}");
            }
        }
        assert_eq!(all(0, W, false), vec![(0, W)]);
        assert_eq!(all(0, W + 1, false), vec![(0, W), (W + 1, W + 1)]);
        assert_eq!(all(0, W + 1, true), vec![(1, W + 1), (0, 0)]);
        assert!(all(10, 9, false).is_empty());
    }

    #[test]
    fn arguments_are_checked_and_name_their_field() {
        let field = |r: Result<()>| match r {
            Err(Error::InvalidRequest { field, .. }) => field,
            other => format!("{other:?}"),
        };
        assert_eq!(field(rules::check_range(10, 9)), "to");
        assert_eq!(field(rules::check_range(-1, 9)), "from");
        assert_eq!(field(rules::check_range(0, 1_700_000_000_000)), "to");
        assert!(rules::check_range(9, 9).is_ok());
        let bogus = PaymentStatus::from("bogus");
        assert_eq!(
            field(rules::payments_status_segment(Some(&bogus)).map(|_| ())),
            "status"
        );
        assert_eq!(
            rules::payments_status_segment(Some(&PaymentStatus::from("all"))).ok(),
            Some("all")
        );
        assert_eq!(rules::payments_status_segment(None).ok(), Some("all"));
        assert_eq!(
            rules::payments_status_segment(Some(&PaymentStatus::Paid)).ok(),
            Some("paid")
        );
        assert_eq!(
            field("newest".parse::<PaymentSorting>().map(|_| ())),
            "sorting"
        );
        for s in PaymentSorting::ALL {
            assert_eq!(s.as_str().parse::<PaymentSorting>().ok(), Some(s));
            assert_eq!(
                serde_json::to_value(s).ok(),
                Some(serde_json::Value::from(s.as_str()))
            );
        }
    }
}
