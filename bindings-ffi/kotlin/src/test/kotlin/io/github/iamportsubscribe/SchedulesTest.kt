// Issue 6 through the Kotlin binding: scheduled charges, lazily paged listings (Flow), webhooks
// delivered by the sandbox's clock and verified, and the README's webhook dedupe.
package io.github.iamportsubscribe

import io.github.iamportsubscribe.models.CardDetails
import io.github.iamportsubscribe.models.CardNumber
import io.github.iamportsubscribe.models.Expiry
import io.github.iamportsubscribe.models.IssueBillingKeyRequest
import io.github.iamportsubscribe.models.PayAgainRequest
import io.github.iamportsubscribe.models.PayOnetimeRequest
import io.github.iamportsubscribe.models.PaymentStatus
import io.github.iamportsubscribe.models.Schedule
import io.github.iamportsubscribe.models.ScheduleEntry
import io.github.iamportsubscribe.models.ScheduleRequest
import io.github.iamportsubscribe.models.ScheduleStatus
import kotlinx.coroutines.flow.filter
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.math.BigDecimal
import java.time.Duration

class SchedulesTest {
    private lateinit var receiver: WebhookReceiver
    private lateinit var sandbox: Sandbox
    private lateinit var client: Client

    @BeforeEach
    fun start() = runBlocking {
        receiver = WebhookReceiver()
        sandbox = Sandbox.start(SandboxOptions(webhookUrl = receiver.url))
        client = Client(sandbox.clientOptions())
    }

    @AfterEach
    fun stop() = runBlocking {
        client.close()
        sandbox.stop()
        sandbox.close()
        receiver.close()
    }

    private fun card(number: String = "4111-1111-1111-1111") =
        CardDetails(cardNumber = CardNumber(number), expiry = Expiry("2030-12"))

    private fun requests(route: String): ULong = sandbox.requestCounts()[route] ?: 0UL

    private suspend fun scheduleCharges(customerUid: String, count: Int, firstAt: Long): List<String> {
        client.issueBillingKey(IssueBillingKeyRequest(customerUid = customerUid, card = card()))
        val entries = (0 until count).map { i ->
            ScheduleEntry(merchantUid = "$customerUid-$i", scheduleAt = firstAt + i * 60L, amount = BigDecimal(1000))
        }
        return client.schedule(ScheduleRequest(customerUid = customerUid, schedules = entries)).map { it.merchantUid }
    }

    @Test
    fun listingsFetchPagesOnlyAsTheyAreRead() = runBlocking {
        val now = sandbox.now()
        scheduleCharges("c1", 25, now + 3600)
        val (from, to) = now to now + 86_400

        val all = "GET /subscribe/payments/schedule"
        val schedules = client.listSchedules(from, to, pageSize = 10u)
        assertEquals(0UL, requests(all), "a Flow is cold: nothing is requested before it is collected")
        assertEquals("c1-24", schedules.first().merchantUid, "newest first")
        assertEquals(1UL, requests(all), "the first item costs one page")
        assertEquals(11, schedules.take(11).toList().size)
        assertEquals(3UL, requests(all), "11 items of pages of 10: two more pages")
        val every = schedules.toList()
        assertEquals((0 until 25).map { "c1-$it" }.toSet(), every.map { it.merchantUid }.toSet())
        assertEquals(25, every.size)
        assertEquals(6UL, requests(all), "25 items: three more pages")

        val byCustomer = "GET /subscribe/payments/schedule/customers/{customer_uid}"
        val mine = client.listSchedulesByCustomer("c1", from, to, ScheduleStatus.Scheduled)
        assertEquals(ScheduleStatus.Scheduled, mine.first().scheduleStatus)
        assertEquals(1UL, requests(byCustomer))
        assertEquals(25, mine.toList().size)
        assertEquals(3UL, requests(byCustomer), "pages of 20: two more")

        val paymentsRoute = "GET /subscribe/customers/{customer_uid}/payments"
        repeat(21) { i ->
            client.payAgain(PayAgainRequest(customerUid = "c1", merchantUid = "order-$i", amount = BigDecimal(100 + i)))
        }
        val payments = client.listCustomerPayments("c1")
        assertEquals("order-20", payments.first().merchantUid, "newest first")
        assertEquals(1UL, requests(paymentsRoute))
        val paid = payments.toList()
        assertEquals(21, paid.size)
        assertEquals(21, paid.map { it.impUid }.toSet().size)
        assertEquals(3UL, requests(paymentsRoute), "pages of 20: two more")

        // One call per page, as exported.
        val page = client.listSchedulesPage(from, to, page = 3u, limit = 10u)
        assertEquals(25UL, page.total)
        assertEquals(5, page.list.size)
        assertEquals(2u, page.previous)
        assertNull(page.next)

        // A page that fails throws from collect; a refused argument is not sent.
        val before = sandbox.totalRequests()
        val e = assertThrows<IamportException.InvalidRequest> {
            runBlocking { client.listSchedules(from, to, pageSize = 0u).first() }
        }
        assertEquals("limit", e.field)
        assertEquals(before, sandbox.totalRequests())
    }

    // The README's two snippets, verbatim.
    private suspend fun scheduleYear(client: Client, customerUid: String, firstChargeAt: Long): List<Schedule> =
        client.schedule(
            ScheduleRequest(
                customerUid = customerUid,
                schedules = (1..12).map { month ->
                    ScheduleEntry(
                        merchantUid = "$customerUid-2027-$month",
                        scheduleAt = firstChargeAt + (month - 1) * 30L * 86_400, // unix seconds
                        amount = BigDecimal("9900"),
                        name = "Monthly plan",
                    )
                },
            ),
        )

    private suspend fun failedCharges(client: Client, from: Long, to: Long): List<Schedule> =
        client.listSchedules(from, to, ScheduleStatus.Executed)
            .filter { it.paymentStatus == PaymentStatus.Failed }
            .toList()

    @Test
    fun readmeScheduleFlow() = runBlocking {
        client.issueBillingKey(IssueBillingKeyRequest(customerUid = "cust", card = card()))
        val now = sandbox.now()
        val year = scheduleYear(client, "cust", now + 3600)
        assertEquals(12, year.size)
        assertTrue(year.all { it.scheduleStatus == ScheduleStatus.Scheduled && it.paymentStatus == null })

        sandbox.advanceClock(Duration.ofSeconds(3600))
        client.issueBillingKey(IssueBillingKeyRequest(customerUid = "cust", card = card("4000-0000-0000-0002")))
        sandbox.advanceClock(Duration.ofDays(30))
        assertEquals(listOf("cust-2027-2"), failedCharges(client, now, now + 90L * 86_400).map { it.merchantUid })
        assertEquals(listOf("paid", "failed"), sandbox.ledger().map { it.status.toString() })
        assertEquals(listOf("paid", "failed"), receiver.received().map { (ct, body) -> client.verifyWebhook(body, ct).reportedStatus })
    }

    @Test
    fun updateRescheduleAndRetry() = runBlocking {
        client.issueBillingKey(IssueBillingKeyRequest(customerUid = "c2", card = card("4000-0000-0000-0002")))
        val now = sandbox.now()
        val created = client.schedule(
            ScheduleRequest(
                customerUid = "c2",
                schedules = listOf(
                    ScheduleEntry(merchantUid = "m1", scheduleAt = now + 3600, amount = BigDecimal(9900), name = "Plan"),
                    ScheduleEntry(merchantUid = "m2", scheduleAt = now + 3600, amount = BigDecimal(9900)),
                ),
            ),
        )
        assertEquals(listOf(ScheduleStatus.Scheduled, ScheduleStatus.Scheduled), created.map { it.scheduleStatus })
        assertEquals(0, BigDecimal(9900).compareTo(created[0].amount))

        assertEquals(now + 7200, client.updateSchedule("m1", now + 7200).scheduleAt)
        val revoked = client.unschedule(listOf("m2"), customerUid = "c2").single()
        assertEquals(ScheduleStatus.Revoked, revoked.scheduleStatus)
        assertNotNull(revoked.revokedAt)
        val again = client.reschedule("m2", now + 7200)
        assertEquals(ScheduleStatus.Scheduled, again.scheduleStatus)
        assertNull(again.revokedAt)

        sandbox.advanceClock(Duration.ofSeconds(7200))
        val failed = client.getSchedule("m1")
        assertEquals(ScheduleStatus.Executed, failed.scheduleStatus)
        assertEquals(PaymentStatus.Failed, failed.paymentStatus)
        assertNotNull(failed.failReason)

        // Still the declining card: the retry is declined, as an exception with the payment.
        val declined = assertThrows<IamportException.CardDeclined> { runBlocking { client.retrySchedule("m1") } }
        assertEquals("m1", declined.payment.merchantUid)
        client.issueBillingKey(IssueBillingKeyRequest(customerUid = "c2", card = card()))
        val paid = client.retrySchedule("m1")
        assertEquals(PaymentStatus.Paid, paid.status)
        assertEquals("Plan", paid.name)
        assertEquals(PaymentStatus.Paid, client.getSchedule("m1").paymentStatus)
        // Nothing left to revoke: the API's error, not an empty list.
        assertThrows<IamportException.Api> { runBlocking { client.unscheduleAll("c2") } }
        Unit
    }

    @Test
    fun advanceClockReturnsOnceTheWebhooksAreDelivered() = runBlocking {
        sandbox.setWebhookFormat(WebhookFormat.FORM)
        val now = sandbox.now()
        scheduleCharges("c3", 3, now + 3600)
        assertEquals(emptyList<Any>(), receiver.received())

        // No waiting: when advanceClock returns, the receiver has answered every delivery.
        sandbox.advanceClock(Duration.ofSeconds(3600 + 3 * 60))
        val received = receiver.received()
        assertEquals(3, received.size)
        assertTrue(received.all { it.first == "application/x-www-form-urlencoded" }, received.map { it.first }.toString())
        val deliveries = sandbox.webhookDeliveries()
        assertEquals(3, deliveries.size)
        assertTrue(deliveries.all { it.status?.toInt() == 200 && it.url == receiver.url && it.attempt == 1u })

        val verified = received.map { (contentType, body) -> client.verifyWebhook(body, contentType) }
        assertEquals(listOf("c3-0", "c3-1", "c3-2"), verified.map { it.payment.merchantUid }, "oldest schedule first")
        assertTrue(verified.all { it.reportedStatus == "paid" && it.payment.status == PaymentStatus.Paid })
        assertEquals(verified[0].payment.impUid to "paid", verified[0].dedupeKey)

        // Nothing was due in between: a second advance delivers nothing new.
        sandbox.advanceClock(Duration.ofSeconds(60))
        assertEquals(3, receiver.received().size)

        // The README's handler: a repeated delivery is acted on once.
        val seen = mutableSetOf<Pair<String, String>>()
        val actedOn = (received + received.first()).count { (ct, body) -> handleWebhook(client, body, ct, seen) }
        assertEquals(3, actedOn)
    }

    @Test
    fun approvedChargesAreNotifiedAndDeclinedOnesAreNot() = runBlocking {
        val paid = client.payOnetime(PayOnetimeRequest(merchantUid = "ap-1", amount = BigDecimal(3000), card = card()))
        client.issueBillingKey(IssueBillingKeyRequest(customerUid = "ap-c", card = card()))
        val again = client.payAgain(PayAgainRequest(customerUid = "ap-c", merchantUid = "ap-2", amount = BigDecimal(9900)))
        // A decline is an ordinary payment failure: no webhook.
        client.issueBillingKey(IssueBillingKeyRequest(customerUid = "ap-d", card = card("4000-0000-0000-0002")))
        assertThrows<IamportException.CardDeclined> {
            runBlocking { client.payAgain(PayAgainRequest(customerUid = "ap-d", merchantUid = "ap-3", amount = BigDecimal(1000))) }
        }
        // The approvals' webhooks go out in the background, as the live API sends them.
        sandbox.settle()

        val deliveries = sandbox.webhookDeliveries()
        assertEquals(
            listOf(
                """{"imp_uid":"${paid.impUid}","merchant_uid":"ap-1","status":"paid"}""",
                """{"imp_uid":"${again.impUid}","merchant_uid":"ap-2","status":"paid"}""",
            ),
            deliveries.map { it.body },
        )
        assertTrue(deliveries.all { it.status?.toInt() == 200 && it.url == receiver.url && it.attempt == 1u && it.error == null })
        val received = receiver.received()
        assertEquals(deliveries.map { it.body }, received.map { String(it.second, Charsets.UTF_8) })
        val verified = received.map { (contentType, body) -> client.verifyWebhook(body, contentType) }
        assertEquals(listOf(paid.impUid to "paid", again.impUid to "paid"), verified.map { it.dedupeKey })
    }

    /** The core of the README's Ktor handler: verify, then act once per (imp_uid, reported status). */
    private suspend fun handleWebhook(client: Client, body: ByteArray, contentType: String, seen: MutableSet<Pair<String, String>>): Boolean {
        val verified = client.verifyWebhook(body, contentType)
        return seen.add(verified.dedupeKey)
    }

    @Test
    fun verifyWebhookRefusesForgedMismatchedAndUnparseableBodies() = runBlocking {
        val paid = client.payOnetime(PayOnetimeRequest(merchantUid = "order-hook", amount = BigDecimal(3000), card = card()))
        val imp = paid.impUid

        val ok = client.verifyWebhook("""{"imp_uid":"$imp","merchant_uid":"order-hook","status":"paid"}""", "application/json; charset=utf-8")
        assertEquals("paid", ok.reportedStatus)
        assertEquals(paid.impUid, ok.payment.impUid)
        val form = client.verifyWebhook("imp_uid=$imp&merchant_uid=order-hook&status=paid".toByteArray(), "application/x-www-form-urlencoded")
        assertEquals(ok.payment, form.payment)

        // Forged: no such payment.
        assertThrows<IamportException.NotFound> {
            runBlocking { client.verifyWebhook("""{"imp_uid":"imps_000000000001","merchant_uid":"order-hook","status":"paid"}""", "application/json") }
        }
        // Mismatched: a real imp_uid with someone else's merchant_uid.
        val mismatched = assertThrows<IamportException.InvalidRequest> {
            runBlocking { client.verifyWebhook("""{"imp_uid":"$imp","merchant_uid":"order-other","status":"paid"}""", "application/json") }
        }
        assertEquals("merchantUid", mismatched.field)

        // Unparseable bodies are refused before anything is sent.
        val before = sandbox.totalRequests()
        val cases = listOf(
            Triple("""{"imp_uid": 12""".toByteArray(), "application/json", "body"),
            Triple(byteArrayOf(0xff.toByte(), 0xfe.toByte()), "application/json", "body"),
            Triple("""{"merchant_uid":"order-hook","status":"paid"}""".toByteArray(), "application/json", "impUid"),
            Triple("imp_uid=$imp&merchant_uid=order-hook".toByteArray(), "application/x-www-form-urlencoded", "status"),
            Triple("imp_uid=$imp".toByteArray(), "text/plain", "contentType"),
        )
        for ((body, contentType, field) in cases) {
            val e = assertThrows<IamportException.InvalidRequest> { runBlocking { client.verifyWebhook(body, contentType) } }
            assertEquals(field, e.field, String(body, Charsets.UTF_8))
        }
        assertEquals(before, sandbox.totalRequests())
    }

    @Test
    fun multiLookupsReportWhatIsMissing() = runBlocking {
        client.issueBillingKey(IssueBillingKeyRequest(customerUid = "k1", card = card()))
        val keys = client.getBillingKeys(listOf("k1", "k-gone"))
        assertEquals(listOf("k1"), keys.found.map { it.customerUid })
        assertEquals(listOf("k-gone"), keys.missing)
        assertEquals(FoundBillingKeys(emptyList(), emptyList()), client.getBillingKeys(emptyList()))

        val p = client.payAgain(PayAgainRequest(customerUid = "k1", merchantUid = "o-k1", amount = BigDecimal(1000)))
        val payments = client.getPayments(listOf(p.impUid, "imps_000000000009"))
        assertEquals(listOf(p.impUid), payments.found.map { it.impUid })
        assertEquals(listOf("imps_000000000009"), payments.missing)
        val tooMany = assertThrows<IamportException.InvalidRequest> {
            runBlocking { client.getPayments((1..101).map { "imps_%012d".format(it) }) }
        }
        assertEquals("impUids", tooMany.field)
    }
}
