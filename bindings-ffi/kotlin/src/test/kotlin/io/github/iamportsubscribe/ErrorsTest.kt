// Each error case arrives as its own IamportException subclass with its fields, against a real
// sandbox over HTTP (OutcomeUnknown needs injected faults: see RetriesTest and ChaosTest).
package io.github.iamportsubscribe

import io.github.iamportsubscribe.models.Birth
import io.github.iamportsubscribe.models.CancelPaymentRequest
import io.github.iamportsubscribe.models.CardDetails
import io.github.iamportsubscribe.models.CardNumber
import io.github.iamportsubscribe.models.Expiry
import io.github.iamportsubscribe.models.ImpSecret
import io.github.iamportsubscribe.models.IssueBillingKeyRequest
import io.github.iamportsubscribe.models.PayAgainRequest
import io.github.iamportsubscribe.models.PayOnetimeRequest
import io.github.iamportsubscribe.models.PaymentStatus
import io.github.iamportsubscribe.models.Pg
import io.github.iamportsubscribe.models.Pwd2Digit
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.math.BigDecimal
import java.time.Duration

class ErrorsTest {
    private lateinit var sandbox: Sandbox
    private lateinit var client: Client

    @BeforeEach
    fun start() = runBlocking {
        sandbox = Sandbox.start()
        client = Client(sandbox.clientOptions())
    }

    @AfterEach
    fun stop() = runBlocking {
        client.close()
        sandbox.stop()
        sandbox.close()
    }

    private fun card(number: String = "4111-1111-1111-1111") =
        CardDetails(cardNumber = CardNumber(number), expiry = Expiry("2030-12"))

    @Test
    fun invalidRequestNamesTheFieldAndSendsNothing() = runBlocking {
        val e = assertThrows<IamportException.InvalidRequest> {
            runBlocking {
                client.payOnetime(PayOnetimeRequest(merchantUid = "o1", amount = BigDecimal("10.5"), card = card()))
            }
        }
        assertEquals("amount", e.field)
        assertEquals(0UL, sandbox.totalRequests())

        val bad = assertThrows<IamportException.InvalidRequest> {
            Client(ClientOptions(impKey = "k", impSecret = ImpSecret("s"), baseUrl = "http://example.com"))
        }
        assertEquals("baseUrl", bad.field)
        val noKey = assertThrows<IamportException.InvalidRequest> { Client(ClientOptions(impKey = " ", impSecret = ImpSecret("s"))) }
        assertEquals("impKey", noKey.field)
    }

    @Test
    fun anAmountRustCannotHoldExactlyIsRefusedBeforeTheCall() = runBlocking {
        for (amount in listOf(BigDecimal("1e40"), BigDecimal("0.00000000000000000000000000000000001"))) {
            val e = assertThrows<IamportException.InvalidRequest> {
                runBlocking { client.payAgain(PayAgainRequest(customerUid = "c", merchantUid = "o", amount = amount)) }
            }
            assertEquals("amount", e.field)
        }
        assertEquals(0UL, sandbox.totalRequests())
    }

    @Test
    fun authentication() = runBlocking {
        val wrong = Client(sandbox.clientOptions().copy(impSecret = ImpSecret("not the secret")))
        val e = assertThrows<IamportException.Authentication> { runBlocking { wrong.getBillingKey("c1") } }
        assertTrue(e.detail.isNotEmpty())
        wrong.close()
    }

    @Test
    fun notFound() = runBlocking {
        val e = assertThrows<IamportException.NotFound> { runBlocking { client.getPayment("imps_000000000000") } }
        assertEquals("존재하지 않는 결제정보입니다.", e.detail)
    }

    @Test
    fun cardDeclinedCarriesTheFailedPayment() = runBlocking {
        client.issueBillingKey(IssueBillingKeyRequest(customerUid = "c1", card = card("4000-0000-0000-0002"), pg = Pg.Nice()))
        val e = assertThrows<IamportException.CardDeclined> {
            runBlocking { client.payAgain(PayAgainRequest(customerUid = "c1", merchantUid = "o1", amount = BigDecimal(9900))) }
        }
        assertEquals(PaymentStatus.Failed, e.payment.status)
        assertEquals("o1", e.payment.merchantUid)
        assertNotNull(e.failReason)
        assertEquals(e.failReason, e.payment.failReason)
        assertNotNull(e.payment.failedAt)
        // The Rust Display text, not the field dump.
        assertTrue(e.toString().startsWith("card declined: "), e.toString())
    }

    @Test
    fun duplicateOrder() = runBlocking {
        val req = PayOnetimeRequest(merchantUid = "o1", amount = BigDecimal(1000), card = card())
        client.payOnetime(req)
        val e = assertThrows<IamportException.DuplicateOrder> { runBlocking { client.payOnetime(req) } }
        assertEquals("o1", e.merchantUid)
        assertEquals(1, sandbox.ledger().size)
    }

    @Test
    fun alreadyCancelledAndRateLimitedAreRecognisedWithoutReadingTheMessage() = runBlocking {
        client.issueBillingKey(IssueBillingKeyRequest(customerUid = "c1", card = card()))
        val paid = client.payAgain(PayAgainRequest(customerUid = "c1", merchantUid = "o1", amount = BigDecimal(1000)))
        client.cancelPayment(CancelPaymentRequest(impUid = paid.impUid))
        val cancelled = assertThrows<IamportException.AlreadyCancelled> {
            runBlocking { client.cancelPayment(CancelPaymentRequest(impUid = paid.impUid)) }
        }
        assertEquals(200, cancelled.httpStatus.toInt())
        assertEquals(1L, cancelled.code)
        sandbox.setFaults(
            """{"rules": [{"route": "POST /subscribe/payments/again", "probability": 1,
                "fault": {"type": "too_many_requests", "retry_after_secs": 2}}]}""",
        )
        val once = client.withOptions(RequestOptions(maxRetries = 0u))
        val limited = assertThrows<IamportException.RateLimited> {
            runBlocking { once.payAgain(PayAgainRequest(customerUid = "c1", merchantUid = "o2", amount = BigDecimal(1000))) }
        }
        assertEquals(429, limited.httpStatus.toInt())
        assertEquals(Duration.ofSeconds(2), limited.retryAfter)
        assertTrue(sandbox.ledger().none { it.merchantUid == "o2" })
        once.close()
    }

    @Test
    fun badOptionsAreInvalidRequestsNamingTheSettingInCamelCase() {
        for ((options, field) in listOf(
            sandbox.clientOptions().copy(userAgent = "shop\r\nX-Injected: 1") to "userAgent",
            sandbox.clientOptions().copy(timeout = Duration.ZERO) to "timeout",
            sandbox.clientOptions().copy(connectTimeout = Duration.ofMinutes(11)) to "connectTimeout",
            sandbox.clientOptions().copy(maxRetries = 11u) to "maxRetries",
            sandbox.clientOptions().copy(initialBackoff = Duration.ofMinutes(6)) to "initialBackoff",
        )) {
            val e = assertThrows<IamportException.InvalidRequest> { Client(options) }
            assertEquals(field, e.field)
        }
        val e = assertThrows<IamportException.InvalidRequest> { client.withOptions(RequestOptions(maxBackoff = Duration.ofMinutes(6))) }
        assertEquals("maxBackoff", e.field)
        val invalid = assertThrows<IamportException.InvalidRequest> {
            runBlocking { client.cancelPayment(CancelPaymentRequest()) }
        }
        assertEquals("impUid", invalid.field)
        // Names inside the reason and the message are Kotlin's too.
        assertEquals("either impUid or merchantUid is required", invalid.reason)
        assertTrue(invalid.toString().contains("invalid request: impUid either impUid or merchantUid"), invalid.toString())
        assertEquals(0UL, sandbox.totalRequests())
    }

    @Test
    fun api() = runBlocking {
        val e = assertThrows<IamportException.Api> {
            runBlocking {
                client.payOnetime(
                    PayOnetimeRequest(merchantUid = "o1", amount = BigDecimal(3000), card = card("4000-0000-0000-0069").copy(birth = Birth("820213"))),
                )
            }
        }
        assertEquals(200, e.httpStatus.toInt())
        assertEquals(-1L, e.code)
        assertEquals("카드정보 인증에 실패하였습니다. [F113]본인의 신용카드 확인중 오류가 발생하였습니다.", e.detail)
    }

    @Test
    fun networkWhenNothingListens() = runBlocking {
        val gone = Sandbox.start()
        val options = gone.clientOptions()
        gone.stop()
        gone.close()
        Client(options).use { c ->
            val e = assertThrows<IamportException.Network> { runBlocking { c.getPayment("imps_1") } }
            assertFalse(e.mayHaveReachedServer)
        }
    }

    @Test
    fun timeout() = runBlocking {
        sandbox.setResponseDelay(Duration.ofSeconds(2))
        Client(sandbox.clientOptions().copy(timeout = Duration.ofMillis(300))).use { c ->
            val e = assertThrows<IamportException.Timeout> { runBlocking { c.getPayment("imps_1") } }
            assertTrue(e.mayHaveReachedServer)
        }
    }

    @Test
    fun outcomeUnknownHasItsShape() {
        val e: IamportException = IamportException.OutcomeUnknown("order-1")
        assertEquals("order-1", (e as IamportException.OutcomeUnknown).merchantUid)
        // toString goes through Rust's Display, with Kotlin's names.
        assertTrue(e.toString().contains("findPayment"), e.toString())
        assertTrue(e.toString().contains("merchantUid order-1"), e.toString())
    }

    /** Compiles only while the hierarchy is sealed with exactly these cases (no `else`). */
    @Test
    fun theHierarchyIsSealedWithCoresCases() {
        fun kind(e: IamportException): String = when (e) {
            is IamportException.InvalidRequest -> "InvalidRequest"
            is IamportException.Authentication -> "Authentication"
            is IamportException.NotFound -> "NotFound"
            is IamportException.CardDeclined -> "CardDeclined"
            is IamportException.DuplicateOrder -> "DuplicateOrder"
            is IamportException.AlreadyCancelled -> "AlreadyCancelled"
            is IamportException.RateLimited -> "RateLimited"
            is IamportException.Api -> "Api"
            is IamportException.Network -> "Network"
            is IamportException.Timeout -> "Timeout"
            is IamportException.OutcomeUnknown -> "OutcomeUnknown"
        }
        assertEquals("Timeout", kind(IamportException.Timeout(false)))
        val cases = IamportException::class.java.declaredClasses.filter { it.superclass == IamportException::class.java }
        assertEquals(11, cases.size, cases.toString())
    }

    @Test
    fun oddInputCrossesWithoutPanics() = runBlocking {
        // A NUL and 10 000 characters reach Rust and come back as typed errors.
        for (uid in listOf("a\u0000b", "x".repeat(10_000))) {
            val e = assertThrows<IamportException.InvalidRequest> { runBlocking { client.getBillingKey(uid) } }
            assertEquals("customerUid", e.field)
        }
        // A lone surrogate is not valid Unicode (no UTF-8 form): the generated code (patched by
        // `run`) refuses it before calling Rust, naming the innermost argument or field and never
        // quoting the value.
        val bad = "4111-1111-1111-\uD83D"
        fun refused(field: String, call: suspend () -> Unit) {
            val e = assertThrows<IamportException.InvalidRequest>(field) { runBlocking { call() } }
            assertEquals(field, e.field)
            assertTrue("lone UTF-16 surrogate" in e.reason, e.reason)
            for (text in listOf(e.reason, e.message.orEmpty(), e.toString())) {
                assertFalse(bad in text || "\uD83D" in text || "4111" in text, text)
            }
        }
        val sent = sandbox.totalRequests()
        // An argument, an optional argument and a list argument.
        refused("customerUid") { client.getBillingKey(bad) }
        refused("reason") { client.deleteBillingKey("c1", bad) }
        refused("merchantUids") { client.unschedule(listOf("ok", bad)) }
        // A record's field, an optional field, and fields of a nested record (the masked card types).
        // Field names are Kotlin's, camelCase (`pwd2digit` is core's `pwd_2digit`).
        refused("merchantUid") { client.payAgain(PayAgainRequest(customerUid = "c1", merchantUid = bad, amount = BigDecimal(9900))) }
        refused("name") { client.payAgain(PayAgainRequest(customerUid = "c1", merchantUid = "o1", amount = BigDecimal(9900), name = bad)) }
        refused("cardNumber") { client.issueBillingKey(IssueBillingKeyRequest(customerUid = "c1", card = card(bad))) }
        refused("pwd2digit") {
            client.issueBillingKey(IssueBillingKeyRequest(customerUid = "c1", card = card().copy(pwd2digit = Pwd2Digit(bad))))
        }
        // A field of an enum case inside a record (`Pg.Nice(mid)`).
        refused("mid") { client.issueBillingKey(IssueBillingKeyRequest(customerUid = "c1", card = card(), pg = Pg.Nice(bad))) }
        // A constructor's record (the binding's own ClientOptions).
        refused("impKey") { Client(ClientOptions(impKey = bad, impSecret = ImpSecret("s"))).close() }
        // Nothing was sent, now or before (the NUL and the long uid are refused by core).
        assertEquals(sent, sandbox.totalRequests())
        assertEquals(0UL, sent)
        // The client still works afterwards.
        assertThrows<IamportException.NotFound> { runBlocking { client.getBillingKey("nobody") } }
        Unit
    }
}
