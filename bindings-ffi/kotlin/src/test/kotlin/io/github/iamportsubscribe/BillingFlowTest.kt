// The seed's billing-key flow as the README shows it, and many coroutines sharing one client.
package io.github.iamportsubscribe

import io.github.iamportsubscribe.models.Birth
import io.github.iamportsubscribe.models.CardDetails
import io.github.iamportsubscribe.models.CardNumber
import io.github.iamportsubscribe.models.CancelPaymentRequest
import io.github.iamportsubscribe.models.Expiry
import io.github.iamportsubscribe.models.IssueBillingKeyRequest
import io.github.iamportsubscribe.models.PayAgainRequest
import io.github.iamportsubscribe.models.PaymentStatus
import io.github.iamportsubscribe.models.Pg
import io.github.iamportsubscribe.models.Pwd2Digit
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.math.BigDecimal

class BillingFlowTest {
    /** The README's snippet: issue a billing key, charge it, handle a decline. */
    private suspend fun chargeMonthly(client: Client, customerUid: String, cardNumber: String, order: String): String {
        client.issueBillingKey(
            IssueBillingKeyRequest(
                customerUid = customerUid,
                card = CardDetails(
                    cardNumber = CardNumber(cardNumber),
                    expiry = Expiry("2030-12"),
                    birth = Birth("820213"),
                    pwd2digit = Pwd2Digit("00"),
                ),
                pg = Pg.Nice(),
            ),
        )
        return try {
            val payment = client.payAgain(
                PayAgainRequest(
                    customerUid = customerUid,
                    merchantUid = order,
                    amount = BigDecimal("9900"),
                    name = "Monthly plan",
                ),
            )
            "paid ${payment.impUid} ${payment.amount}"
        } catch (e: IamportException.CardDeclined) {
            "declined: ${e.failReason}"
        }
    }

    @Test
    fun seedBillingKeyFlow() = runBlocking {
        val sandbox = Sandbox.start()
        try {
            Client(sandbox.clientOptions()).use { client ->
                val ok = chargeMonthly(client, "customer-42", "4111-1111-1111-1111", "order-2026-11-42")
                assertTrue(ok.startsWith("paid imps_") && ok.endsWith(" 9900"), ok)
                val declined = chargeMonthly(client, "customer-43", "4000-0000-0000-0002", "order-2026-11-43")
                assertEquals("declined: [테스트] 카드 한도초과", declined)

                val refunded = client.cancelPayment(CancelPaymentRequest(merchantUid = "order-2026-11-42", reason = "test"))
                assertEquals(PaymentStatus.Cancelled, refunded.status)
                assertEquals(0, BigDecimal(9900).compareTo(refunded.cancelAmount))
                assertEquals(listOf("cancelled", "failed"), sandbox.ledger().map { it.status.toString() })
            }
        } finally {
            sandbox.stop()
            sandbox.close()
        }
    }

    @Test
    fun concurrentChargesShareOneToken() = runBlocking {
        val sandbox = Sandbox.start()
        try {
            Client(sandbox.clientOptions()).use { client ->
                client.issueBillingKey(
                    IssueBillingKeyRequest(customerUid = "c1", card = CardDetails(CardNumber("4111111111111111"), Expiry("2030-12"))),
                )
                val payments = (1..20).map { i ->
                    async(Dispatchers.Default) {
                        client.payAgain(PayAgainRequest(customerUid = "c1", merchantUid = "order-$i", amount = BigDecimal(1000 + i)))
                    }
                }.awaitAll()
                assertEquals((1..20).map { "order-$it" }.toSet(), payments.map { it.merchantUid }.toSet())
                assertTrue(payments.all { it.status == PaymentStatus.Paid })
                assertEquals(1UL, sandbox.requestCounts()["POST /users/getToken"])
                assertEquals(20UL, sandbox.requestCounts()["POST /subscribe/payments/again"])
            }
        } finally {
            sandbox.stop()
            sandbox.close()
        }
    }
}
