// Card data and the API secret never show in toString: not in the wrappers, not in the records that
// hold them (Kotlin data classes print every field), not in the client, not in error messages.
package io.github.iamportsubscribe

import io.github.iamportsubscribe.models.Birth
import io.github.iamportsubscribe.models.CardDetails
import io.github.iamportsubscribe.models.CardNumber
import io.github.iamportsubscribe.models.Cvc
import io.github.iamportsubscribe.models.Expiry
import io.github.iamportsubscribe.models.ImpSecret
import io.github.iamportsubscribe.models.IssueBillingKeyRequest
import io.github.iamportsubscribe.models.PayOnetimeRequest
import io.github.iamportsubscribe.models.Pwd2Digit
import io.github.iamportsubscribe.models.ScheduleEntry
import io.github.iamportsubscribe.models.ScheduleRequest
import io.github.iamportsubscribe.models.amountToWire
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.math.BigDecimal

class MaskingTest {
    private val pan = "4111-2222-3333-4448"
    private val secrets = listOf("4111", "2222", "3333", "411122223333", "2031-07", "203107", "820213", "37", "987", "s3cr3t-imp")

    private fun assertMasked(text: String, values: List<String> = secrets) {
        for (s in values) assertFalse(text.contains(s), "\"$s\" leaked into: $text")
    }

    private val card = CardDetails(
        cardNumber = CardNumber(pan),
        expiry = Expiry("2031-07"),
        birth = Birth("820213"),
        pwd2digit = Pwd2Digit("37"),
        cvc = Cvc("987"),
    )

    @Test
    fun wrappersPrintMasks() {
        assertEquals("****-****-****-4448", CardNumber(pan).toString())
        assertEquals("****", CardNumber("4111").toString())
        assertEquals("****-**", Expiry("2031-07").toString())
        assertEquals("******", Birth("820213").toString())
        assertEquals("**", Pwd2Digit("37").toString())
        assertEquals("***", Cvc("987").toString())
        assertEquals("[redacted]", ImpSecret("s3cr3t-imp").toString())
        assertEquals("4448", CardNumber(pan).last4())
        assertEquals(CardNumber(pan), CardNumber(pan))
        assertNotEquals(Birth("37") as Any, Pwd2Digit("37") as Any)
    }

    @Test
    fun recordsHoldingCardDataPrintMasks() {
        assertMasked(card.toString())
        assertMasked(PayOnetimeRequest(merchantUid = "o1", amount = BigDecimal(3000), card = card).toString())
        assertMasked(IssueBillingKeyRequest(customerUid = "c1", card = card).toString())
        assertMasked(ClientOptions(impKey = "key", impSecret = ImpSecret("s3cr3t-imp")).toString())
        assertMasked(listOf(card, mapOf("card" to card)).toString())
        // Issue 6: a schedule request that issues the key first carries the card.
        val schedule = ScheduleRequest(
            customerUid = "c1",
            schedules = listOf(ScheduleEntry(merchantUid = "o1", scheduleAt = 1_900_000_000L, amount = BigDecimal(9900))),
            card = card,
        )
        assertMasked(schedule.toString())
        assertMasked(schedule.copy(schedules = schedule.schedules + schedule.schedules).toString())
        assertEquals(true, schedule.toString().contains("****-****-****-4448"), schedule.toString())
    }

    @Test
    fun clientAndSandboxPrintNoSecret() = runBlocking {
        Client(ClientOptions(impKey = "key", impSecret = ImpSecret("s3cr3t-imp"))).use { assertMasked(it.toString()) }
        val sandbox = Sandbox.start(SandboxOptions(impSecret = ImpSecret("s3cr3t-imp")))
        try {
            // Only the secret: the sandbox's port may contain any digits.
            assertMasked(sandbox.clientOptions().toString(), listOf("s3cr3t-imp"))
            Client(sandbox.clientOptions()).use { assertMasked(it.toString(), listOf("s3cr3t-imp")) }
            assertEquals("s3cr3t-imp", sandbox.impSecret().exposeSecret())
        } finally {
            sandbox.stop()
            sandbox.close()
        }
    }

    @Test
    fun errorsAboutCardDataDoNotEchoIt() = runBlocking {
        val sandbox = Sandbox.start()
        try {
            Client(sandbox.clientOptions()).use { client ->
                for (bad in listOf(card.copy(cardNumber = CardNumber("4111-2222-3333-444x")), card.copy(birth = Birth("4111222")), card.copy(expiry = Expiry("2031/07")))) {
                    val e = assertThrows<IamportException.InvalidRequest> {
                        runBlocking { client.payOnetime(PayOnetimeRequest(merchantUid = "o1", amount = BigDecimal(3000), card = bad)) }
                    }
                    assertMasked(e.message ?: "")
                    assertMasked(e.toString())
                    val s = assertThrows<IamportException.InvalidRequest> {
                        runBlocking {
                            client.schedule(
                                ScheduleRequest(
                                    customerUid = "c1",
                                    schedules = listOf(ScheduleEntry(merchantUid = "o1", scheduleAt = sandbox.now() + 3600, amount = BigDecimal(3000))),
                                    card = bad,
                                ),
                            )
                        }
                    }
                    assertMasked(s.message ?: "")
                    assertMasked(s.toString())
                }
                // A charge that reached the API: its payment carries only the API's masked number.
                val paid = client.payOnetime(PayOnetimeRequest(merchantUid = "o2", amount = BigDecimal(3000), card = card))
                assertEquals("411122******4448", paid.cardNumber)
            }
        } finally {
            sandbox.stop()
            sandbox.close()
        }
    }

    @Test
    fun amountsCrossAsExactDecimalText() {
        assertEquals("9900", amountToWire(BigDecimal("9900.00")))
        assertEquals("0.1", amountToWire(BigDecimal("0.10")))
        assertEquals("99999999999.99", amountToWire(BigDecimal("99999999999.99")))
        assertEquals("79228162514264337593543950335", amountToWire(BigDecimal("79228162514264337593543950335")))
    }
}
