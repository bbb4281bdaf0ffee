// Issue 15 through the Kotlin binding: payments by status as a Flow over a range longer than the
// API's 90 days, read a page at a time and only as far as the collector reads.
package io.github.iamportsubscribe

import io.github.iamportsubscribe.models.CardDetails
import io.github.iamportsubscribe.models.CardNumber
import io.github.iamportsubscribe.models.Expiry
import io.github.iamportsubscribe.models.IssueBillingKeyRequest
import io.github.iamportsubscribe.models.PayAgainRequest
import io.github.iamportsubscribe.models.PaymentSorting
import io.github.iamportsubscribe.models.PaymentStatus
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.flow.map
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.math.BigDecimal
import java.time.Duration

class ListPaymentsTest {
    private lateinit var sandbox: Sandbox
    private lateinit var client: Client
    private val byStatus = "GET /payments/status/{payment_status}"
    private val day = 86_400L

    @BeforeEach
    fun start(): Unit = runBlocking {
        sandbox = Sandbox.start()
        client = Client(sandbox.clientOptions())
        client.issueBillingKey(
            IssueBillingKeyRequest(
                customerUid = "c1",
                card = CardDetails(cardNumber = CardNumber("4111-1111-1111-1111"), expiry = Expiry("2099-12")),
            ),
        )
    }

    @AfterEach
    fun stop() = runBlocking {
        client.close()
        sandbox.stop()
        sandbox.close()
    }

    private fun listings(): ULong = sandbox.requestCounts()[byStatus] ?: 0UL

    private suspend fun charge(orders: List<String>) = coroutineScope {
        orders.chunked(orders.size / 8 + 1).map { chunk ->
            async {
                for (order in chunk) {
                    client.payAgain(PayAgainRequest(customerUid = "c1", merchantUid = order, amount = BigDecimal(1000)))
                }
            }
        }.awaitAll()
    }

    @Test
    fun aLongRangeIsReadLazilyWindowByWindow() = runBlocking {
        val start = sandbox.now()
        charge(listOf("old-1", "old-2"))
        sandbox.advanceClock(Duration.ofDays(150))
        charge((0 until 1200).map { "new-$it" })
        val end = sandbox.now()

        // Nothing is requested until the flow is collected.
        val flow = client.listPayments(from = start, to = end)
        assertEquals(0UL, listings())
        // The first item costs one page of the newest window.
        assertEquals("new-", flow.first().merchantUid.take(4))
        assertEquals(1UL, listings())
        assertEquals(1000, flow.take(1000).toList().size)
        assertEquals(2UL, listings())

        val before = listings()
        val all = flow.map { it.merchantUid }.toList()
        assertEquals(1202, all.size)
        assertEquals(1202, all.toSet().size, "each payment once")
        // Newest first: the 150-day-old window comes last.
        assertEquals(setOf("old-1", "old-2"), all.takeLast(2).toSet())
        // Two pages of the newest window, one of the older (150 days: two windows).
        assertEquals(3UL, listings() - before)

        val paidOldestFirst = client.listPayments(
            status = PaymentStatus.Paid,
            from = start,
            to = end,
            sorting = paymentSortingFromString("paid"),
        ).map { it.merchantUid }.take(2).toList()
        assertEquals(setOf("old-1", "old-2"), paidOldestFirst.toSet())
        assertEquals(PaymentSorting.PAID_ASC, paymentSortingFromString("paid"))
    }

    @Test
    fun badArgumentsThrowFromCollectBeforeAnythingIsSent() = runBlocking {
        val now = sandbox.now()
        val before = sandbox.totalRequests()
        val reversed = assertThrows<IamportException.InvalidRequest> {
            runBlocking { client.listPayments(from = now, to = now - 1).toList() }
        }
        assertEquals("to", reversed.field)
        val status = assertThrows<IamportException.InvalidRequest> {
            runBlocking { client.listPayments(status = PaymentStatus.Other("refunded")).toList() }
        }
        assertEquals("status", status.field)
        val sorting = assertThrows<IamportException.InvalidRequest> { paymentSortingFromString("newest") }
        assertEquals("sorting", sorting.field)
        val page = assertThrows<IamportException.InvalidRequest> {
            runBlocking { client.listPaymentsPage(from = now - 91 * day, to = now) }
        }
        assertEquals("to", page.field)
        assertEquals(before, sandbox.totalRequests())
        // The default range: the last 90 days by the API's clock.
        charge(listOf("today"))
        assertEquals(listOf("today"), client.listPayments().map { it.merchantUid }.toList())
    }
}
