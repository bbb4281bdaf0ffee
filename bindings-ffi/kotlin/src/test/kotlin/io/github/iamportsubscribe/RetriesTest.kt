// Retries and reconciliation over real HTTP, one fault at a time (probability 1 on one route), as
// core/tests/retries.rs does in Rust: the retry options of ClientOptions, `withOptions`, and the
// sandbox's fault injection (`setFaults`, `clearFaults`, `faultCounts`).
package io.github.iamportsubscribe

import io.github.iamportsubscribe.models.CardDetails
import io.github.iamportsubscribe.models.CardNumber
import io.github.iamportsubscribe.models.Expiry
import io.github.iamportsubscribe.models.IssueBillingKeyRequest
import io.github.iamportsubscribe.models.PayAgainRequest
import io.github.iamportsubscribe.models.PaymentStatus
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.math.BigDecimal
import java.time.Duration

const val AGAIN = "POST /subscribe/payments/again"
const val FIND_ALL = "GET /payments/findAll/{merchant_uid}"

/** A plan with one rule that always applies `faultJson` to `route`. */
fun always(route: String, faultJson: String) =
    """{"seed": 1, "rules": [{"route": "$route", "probability": 1.0, "fault": $faultJson}]}"""

class RetriesTest {
    private lateinit var sandbox: Sandbox
    private lateinit var client: Client

    @BeforeEach
    fun start() = runBlocking {
        sandbox = Sandbox.start()
        client = Client(
            sandbox.clientOptions().copy(
                maxRetries = 2u,
                initialBackoff = Duration.ofMillis(1),
                maxBackoff = Duration.ofMillis(5),
            ),
        )
        client.issueBillingKey(
            IssueBillingKeyRequest(
                customerUid = "c1",
                card = CardDetails(cardNumber = CardNumber("4111-1111-1111-1111"), expiry = Expiry("2030-12")),
            ),
        )
        Unit
    }

    @AfterEach
    fun stop() = runBlocking {
        client.close()
        sandbox.stop()
        sandbox.close()
    }

    private fun again(merchantUid: String) =
        PayAgainRequest(customerUid = "c1", merchantUid = merchantUid, amount = BigDecimal(9900))

    private fun count(route: String): ULong = sandbox.requestCounts()[route] ?: 0UL

    private fun ledgerStatuses(merchantUid: String): List<PaymentStatus> =
        sandbox.ledger().filter { it.merchantUid == merchantUid }.map { it.status }

    @Test
    fun aChargeLostAfterCommitIsFoundByLookupNotSentAgain() = runBlocking {
        sandbox.setFaults(always(AGAIN, """{"type": "drop_after_commit"}"""))
        val payment = client.payAgain(again("o1"))
        assertEquals(PaymentStatus.Paid, payment.status)
        assertEquals(listOf(PaymentStatus.Paid), ledgerStatuses("o1"))
        // One charge request, then the lookup: never a second charge.
        assertEquals(1UL, count(AGAIN))
        assertEquals(1UL, count(FIND_ALL))
        assertEquals(mapOf("drop_after_commit" to 1UL), sandbox.faultCounts())
    }

    @Test
    fun aChargeLostBeforeCommitIsOutcomeUnknownThenGoesThroughOnce() = runBlocking {
        sandbox.setFaults(always(AGAIN, """{"type": "drop_before_commit"}"""))
        val e = assertThrows<IamportException.OutcomeUnknown> { runBlocking { client.payAgain(again("o2")) } }
        assertEquals("o2", e.merchantUid)
        assertTrue(e.toString().contains("findPayment"), e.toString()) // Kotlin's name of the method
        // The first attempt and two re-sends with the same merchant_uid; nothing was charged.
        assertEquals(3UL, count(AGAIN))
        assertEquals(3UL, sandbox.faultCounts()["drop_before_commit"])
        assertTrue(ledgerStatuses("o2").isEmpty())
        assertTrue(client.findAllPayments("o2").isEmpty())
        // Once the network is healthy the same order goes through exactly once.
        sandbox.clearFaults()
        assertEquals(PaymentStatus.Paid, client.payAgain(again("o2")).status)
        assertEquals(listOf(PaymentStatus.Paid), ledgerStatuses("o2"))
        // The counts stay readable after clearFaults.
        assertEquals(3UL, sandbox.faultCounts()["drop_before_commit"])
    }

    @Test
    fun withOptionsMaxRetriesZeroSendsOnceAndSharesTheClient() = runBlocking {
        val paid = client.payAgain(again("o3"))
        val tokens = count("POST /users/getToken")
        val route = "GET /payments/{imp_uid}"
        sandbox.setFaults(always(route, """{"type": "server_error", "status": 502}"""))
        val e = assertThrows<IamportException.Api> { runBlocking { client.getPayment(paid.impUid) } }
        assertEquals(502.toUShort(), e.httpStatus)
        assertEquals(3UL, count(route))

        client.withOptions(RequestOptions(maxRetries = 0u)).use { once ->
            assertThrows<IamportException.Api> { runBlocking { once.getPayment(paid.impUid) } }
            assertEquals(4UL, count(route))
            sandbox.clearFaults()
            assertEquals(paid.impUid, once.getPayment(paid.impUid).impUid)
        }
        // The derived client used the same access token; the original keeps its own retries.
        assertEquals(tokens, count("POST /users/getToken"))
        assertEquals(paid.impUid, client.getPayment(paid.impUid).impUid)
    }

    @Test
    fun aPerCallTimeoutApplies() = runBlocking {
        sandbox.setFaults(always("GET /subscribe/customers/{customer_uid}", """{"type": "latency", "ms": 2000}"""))
        val quick = client.withOptions(RequestOptions(timeout = Duration.ofMillis(100), maxRetries = 0u))
        val e = assertThrows<IamportException.Timeout> { runBlocking { quick.getBillingKey("c1") } }
        assertTrue(e.mayHaveReachedServer)
        quick.close()
    }

    @Test
    fun anInvalidPlanIsRefusedAndTheCurrentOneKept() {
        sandbox.setFaults(always(AGAIN, """{"type": "drop_after_commit"}"""))
        for ((plan, says) in listOf(
            "not json" to "is not a fault plan",
            always(AGAIN, """{"type": "explode"}""") to "explode",
            always("POST /nowhere", """{"type": "malformed_body"}""") to "rules[0].route",
            """{"rules": [{"route": "*", "probability": 1.5, "fault": {"type": "malformed_body"}}]}""" to "rules[0].probability",
            always("*", """{"type": "server_error", "status": 404}""") to "rules[0].fault.status",
        )) {
            val e = assertThrows<IamportException.InvalidRequest> { sandbox.setFaults(plan) }
            assertEquals("planJson", e.field)
            assertTrue(e.reason.contains(says), "$plan: ${e.reason}")
        }
        // The plan set before is still in force.
        runBlocking { assertEquals(PaymentStatus.Paid, client.payAgain(again("o4")).status) }
        assertEquals(mapOf("drop_after_commit" to 1UL), sandbox.faultCounts())
    }
}
