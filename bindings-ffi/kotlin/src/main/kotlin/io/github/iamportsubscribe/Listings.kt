// Hand-written additions to the generated Client: lazily paged listings as Flows, and webhook
// verification from text. uniffi exports one call per page (`list*Page`, or a cursor's
// `nextPage`); these functions read the pages one after another, only as far as the collector
// reads.
package io.github.iamportsubscribe

import io.github.iamportsubscribe.models.Payment
import io.github.iamportsubscribe.models.PaymentSorting
import io.github.iamportsubscribe.models.PaymentStatus
import io.github.iamportsubscribe.models.Schedule
import io.github.iamportsubscribe.models.ScheduleStatus
import io.github.iamportsubscribe.models.VerifiedWebhook
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.flow

/**
 * Every scheduled charge with `scheduleAt` in `[from, to)` (unix seconds), newest first, in pages
 * of [pageSize] (1 to 1000). A cold flow: nothing is requested until it is collected, and a page
 * is fetched only when the collector has read the previous one (`first()` costs one request).
 * A failed page throws its [IamportException] from `collect`.
 */
fun Client.listSchedules(
    from: Long,
    to: Long,
    status: ScheduleStatus? = null,
    pageSize: UInt = 1000u,
): Flow<Schedule> = pages { page ->
    listSchedulesPage(from, to, status, page, pageSize).let { it.list to it.next }
}

/** Every scheduled charge of [customerUid] in `[from, to)`, newest first, as [listSchedules]. */
fun Client.listSchedulesByCustomer(
    customerUid: String,
    from: Long,
    to: Long,
    status: ScheduleStatus? = null,
): Flow<Schedule> = pages { page ->
    listSchedulesByCustomerPage(customerUid, from, to, status, page).let { it.list to it.next }
}

/** Every payment made with the billing key [customerUid], newest first, as [listSchedules]. */
fun Client.listCustomerPayments(customerUid: String): Flow<Payment> = pages { page ->
    listCustomerPaymentsPage(customerUid, page).let { it.list to it.next }
}

/**
 * Every payment in [status] (null: every status) found in `[from, to]` (unix seconds, both
 * inclusive; [to] defaults to the API's now, [from] to 90 days before [to]), in the order of
 * [sorting] (default `-started`: most recently started first). Any range: core reads one longer
 * than the API's 90 days as consecutive windows (newest first for a descending sorting), each
 * sorted. A cold flow: nothing is requested until it is collected, and a page (up to 1000) is
 * fetched only when the collector has read the previous one. Bad arguments throw
 * [IamportException.InvalidRequest] from `collect`, before anything is sent.
 */
fun Client.listPayments(
    status: PaymentStatus? = null,
    from: Long? = null,
    to: Long? = null,
    sorting: PaymentSorting? = null,
): Flow<Payment> = flow {
    listPaymentsCursor(status, from, to, sorting).use { cursor ->
        while (true) {
            val page = cursor.nextPage() ?: break
            for (payment in page) emit(payment)
        }
    }
}

/** Verifies a webhook body given as text (see the `ByteArray` overload). */
suspend fun Client.verifyWebhook(body: String, contentType: String): VerifiedWebhook =
    verifyWebhook(body.toByteArray(Charsets.UTF_8), contentType)

/**
 * What to deduplicate webhook deliveries on: (`imp_uid`, reported status). Deliveries repeat
 * (retries, manual resends); a payment that is paid and later refunded sends two different keys.
 */
val VerifiedWebhook.dedupeKey: Pair<String, String>
    get() = payment.impUid to reportedStatus

/** Pages 1, 2, ... while the answer names a later page (a repeated page number ends it, as in core). */
private fun <T> pages(fetch: suspend (page: UInt) -> Pair<List<T>, UInt?>): Flow<T> = flow {
    var page: UInt = 1u
    while (true) {
        val (items, next) = fetch(page)
        for (item in items) emit(item)
        if (next == null || next <= page) break
        page = next
    }
}
