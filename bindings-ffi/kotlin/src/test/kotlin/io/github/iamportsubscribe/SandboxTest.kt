// The Sandbox's controls beyond the client tests' needs: webhook retries, schedules, recorded
// exchanges, the fault plan read back; and that the Kotlin Sandbox has every control of the Rust
// sandbox (`impl Sandbox` in sandbox/src/lib.rs), each listed in bindings-ffi/README.md.
package io.github.iamportsubscribe

import io.github.iamportsubscribe.models.CardDetails
import io.github.iamportsubscribe.models.CardNumber
import io.github.iamportsubscribe.models.Expiry
import io.github.iamportsubscribe.models.IssueBillingKeyRequest
import io.github.iamportsubscribe.models.PaymentStatus
import io.github.iamportsubscribe.models.ScheduleEntry
import io.github.iamportsubscribe.models.ScheduleRequest
import io.github.iamportsubscribe.models.ScheduleStatus
import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.io.File
import java.math.BigDecimal
import java.time.Duration

class SandboxTest {
    private lateinit var sandbox: Sandbox

    @BeforeEach
    fun start() = runBlocking { sandbox = Sandbox.start() }

    @AfterEach
    fun stop() = runBlocking {
        sandbox.stop()
        sandbox.close()
    }

    @Test
    fun webhookRetriesAndSchedules() = runBlocking {
        WebhookReceiver(status = 500).use { failing ->
            sandbox.setWebhookUrl(failing.url)
            sandbox.setWebhookRetries(2u)
            Client(sandbox.clientOptions()).use { client ->
                client.issueBillingKey(
                    IssueBillingKeyRequest(
                        customerUid = "sb-1",
                        card = CardDetails(cardNumber = CardNumber("4111-1111-1111-1111"), expiry = Expiry("2030-12")),
                    ),
                )
                val at = sandbox.now() + 60
                client.schedule(
                    ScheduleRequest(
                        customerUid = "sb-1",
                        schedules = listOf(ScheduleEntry(merchantUid = "sb-order-1", scheduleAt = at, amount = BigDecimal(1000))),
                    ),
                )
            }
            val before = sandbox.schedules()
            assertEquals(listOf("sb-order-1"), before.map { it.merchantUid })
            assertEquals(ScheduleStatus.Scheduled, before[0].scheduleStatus)
            assertNull(before[0].paymentStatus)

            sandbox.advanceClock(Duration.ofMinutes(2))
            // The first attempt and two retries, each answered 500.
            assertEquals(listOf(1u, 2u, 3u), sandbox.webhookDeliveries().map { it.attempt })
            assertTrue(sandbox.webhookDeliveries().all { it.status == 500.toUShort() })
            assertEquals(3, failing.received().size)
            val ran = sandbox.schedules().single()
            assertEquals(ScheduleStatus.Executed, ran.scheduleStatus)
            assertEquals(PaymentStatus.Paid, ran.paymentStatus)
            assertNotNull(ran.executedAt)
        }
    }

    @Test
    fun exchangesRecordEachAnswerAndTheFaultPlanReadsBack() = runBlocking {
        Client(sandbox.clientOptions().copy(maxRetries = 0u)).use { client ->
            assertThrows<IamportException.NotFound> { runBlocking { client.getPayment("imps_000000000001") } }
            val lookup = sandbox.exchanges().single { it.route == "/payments/{imp_uid}" }
            assertEquals("GET", lookup.method)
            assertEquals("/payments/imps_000000000001", lookup.path)
            assertNull(lookup.fault)
            val body = Json.parseToJsonElement(lookup.bodyJson).jsonObject
            assertTrue(body["code"]!!.jsonPrimitive.content != "0", lookup.bodyJson)

            assertNull(sandbox.faultPlan())
            val plan = """{"seed":7,"rules":[{"route":"GET /payments/{imp_uid}","probability":1.0,""" +
                """"fault":{"type":"too_many_requests","retry_after_secs":1}}]}"""
            sandbox.setFaults(plan)
            assertEquals(Json.parseToJsonElement(plan), Json.parseToJsonElement(sandbox.faultPlan()!!))
            assertThrows<IamportException.RateLimited> { runBlocking { client.getPayment("imps_000000000001") } }
            assertEquals("too_many_requests", sandbox.exchanges().last().fault)
            sandbox.clearFaults()
            assertNull(sandbox.faultPlan())
        }
        sandbox.reset()
        assertEquals(emptyList<Exchange>(), sandbox.exchanges())
        assertEquals(0, sandbox.schedules().size)
    }

    @Test
    fun everyControlOfTheRustSandboxIsHereAndInTheReadme() {
        val rust = File("../../sandbox/src/lib.rs").readText()
        val impl = rust.substring(rust.indexOf("impl Sandbox {"))
        val methods = Regex("""^ {4}pub (?:async )?fn (\w+)""", RegexOption.MULTILINE)
            .findAll(impl).map { it.groupValues[1] }.toList()
        assertTrue(methods.size > 10, "impl Sandbox not found")
        // Rust-only: how the server starts (`Sandbox.start(options)` here), its address (`url`
        // here) and its stop (`stop` here).
        val rustOnly = setOf("start", "start_with", "bind", "local_addr", "shutdown")
        // Kotlin mangles the JVM name of a function with unsigned (inline class) parameters or
        // result: `totalRequests-s-VKNKU`.
        val kotlin = Sandbox::class.java.methods.map { it.name.substringBefore('-') }.toSet()
        val readme = File("../README.md").readText()
        for (name in methods.filter { it !in rustOnly }) {
            val camel = Regex("_([a-z])").replace(name) { it.groupValues[1].uppercase() }
            assertTrue(camel in kotlin, "Sandbox has no $camel (Rust: $name)")
            assertTrue(readme.contains(".$camel("), "bindings-ffi/README.md does not list .$camel(")
        }
    }
}
