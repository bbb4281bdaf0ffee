// Runs every language-neutral scenario file (tests/scenarios, format in tests/README.md) through the
// Kotlin binding, each against its own fresh in-process sandbox, like core/tests/common/mod.rs.
package io.github.iamportsubscribe

import io.github.iamportsubscribe.models.Birth
import io.github.iamportsubscribe.models.Buyer
import io.github.iamportsubscribe.models.CancelPaymentRequest
import io.github.iamportsubscribe.models.CardDetails
import io.github.iamportsubscribe.models.CardNumber
import io.github.iamportsubscribe.models.Cvc
import io.github.iamportsubscribe.models.Expiry
import io.github.iamportsubscribe.models.IssueBillingKeyRequest
import io.github.iamportsubscribe.models.PayAgainRequest
import io.github.iamportsubscribe.models.PayOnetimeRequest
import io.github.iamportsubscribe.models.PaymentStatus
import io.github.iamportsubscribe.models.Pwd2Digit
import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.json.JsonNull
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.jsonArray
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Assumptions.assumeTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import org.junit.jupiter.api.fail
import java.io.File
import java.math.BigDecimal

class ScenarioTest {
    companion object {
        /** The operations of the binding, by their core names. */
        val OPS = setOf(
            "pay_onetime", "issue_billing_key", "get_billing_key", "delete_billing_key", "pay_again",
            "get_payment", "find_payment", "find_all_payments", "cancel_payment",
        )
        val SCENARIO_KEYS = setOf("name", "description", "sandbox", "steps")
        val STEP_KEYS = setOf("op", "args", "expect", "save", "sent", "ledger", "note")
    }

    private val dir = File(System.getProperty("scenarios.dir") ?: "../../tests/scenarios")

    private fun scenarioFiles(): List<File> =
        (dir.listFiles { f -> f.extension == "json" } ?: emptyArray()).sortedBy { it.name }

    @Test
    fun findsTheScenarioFiles() {
        // The seed flows for both PGs plus the error cases: guards against a runner that finds none.
        assertTrue(scenarioFiles().size >= 15, "found only ${scenarioFiles().size} scenario files in $dir")
    }

    @TestFactory
    fun scenarios(): List<DynamicTest> = scenarioFiles().map { file ->
        DynamicTest.dynamicTest(file.nameWithoutExtension) {
            val scenario = Json.parseToJsonElement(file.readText()).jsonObject
            assertEquals(file.nameWithoutExtension, scenario.str("name"), "file name and scenario name differ")
            // A scenario for operations this binding does not expose is reported as skipped,
            // naming them; it never passes silently.
            val ops = scenario["steps"]!!.jsonArray.map { it.jsonObject.str("op") ?: "?" }.toSet()
            val sandboxKeys = (scenario["sandbox"] as? JsonObject)?.keys ?: emptySet()
            val missing = (ops - OPS) + (scenario.keys - SCENARIO_KEYS).map { "\"$it\"" } +
                (sandboxKeys - "billing_key_not_found").map { "sandbox.$it" }
            assumeTrue(missing.isEmpty()) { "not in the uniffi binding: ${missing.sorted()}" }
            runBlocking { run(file.nameWithoutExtension, scenario) }
        }
    }

    private suspend fun run(name: String, scenario: JsonObject) {
        val spec = (scenario["sandbox"] as? JsonObject)?.str("billing_key_not_found") == "spec"
        val sandbox = Sandbox.start(
            SandboxOptions(billingKeyNotFound = if (spec) BillingKeyNotFound.SPEC else BillingKeyNotFound.OBSERVED),
        )
        try {
            Client(sandbox.clientOptions()).use { client ->
                val vars = mutableMapOf<String, JsonElement>()
                val steps = scenario["steps"]!!.jsonArray
                assertTrue(steps.isNotEmpty(), "$name: no steps")
                steps.forEachIndexed { i, stepElement ->
                    val step = stepElement.jsonObject
                    val op = step.str("op")!!
                    val at = "$name step $i ($op)"
                    assertTrue(STEP_KEYS.containsAll(step.keys), "$at: unknown keys ${step.keys - STEP_KEYS}")
                    val args = substitute(step["args"] ?: JsonObject(emptyMap()), vars).jsonObject
                    val before = sandbox.totalRequests()
                    val outcome: Result<JsonElement> = try {
                        Result.success(dispatch(client, op, args))
                    } catch (e: IamportException) {
                        Result.failure(e)
                    }
                    val sent = sandbox.totalRequests() - before
                    val expect = step["expect"]!!.jsonObject
                    assertTrue(setOf("result", "error").containsAll(expect.keys), "$at: unknown expectation ${expect.keys}")
                    val expectedResult = expect["result"]
                    val expectedError = expect["error"]
                    when {
                        expectedResult != null && outcome.isSuccess ->
                            assertSubset(substitute(expectedResult, vars), outcome.getOrThrow(), "$at: result")
                        expectedError != null && outcome.isFailure ->
                            assertSubset(expectedError, errorView(outcome.exceptionOrNull() as IamportException), "$at: error")
                        else -> fail("$at: expected $expect, got ${outcome.exceptionOrNull() ?: outcome.getOrNull()}")
                    }
                    if (step["sent"] == JsonPrimitive(false)) {
                        assertEquals(0UL, sent, "$at: the request should not have been sent")
                    }
                    (step["save"] as? JsonObject)?.forEach { (variable, field) ->
                        val result = outcome.getOrNull()?.jsonObject ?: fail("$at: save needs a result")
                        vars[variable] = result[field.jsonPrimitive.content] ?: JsonNull
                    }
                    (step["ledger"] as? JsonObject)?.let { checkLedger(it, sandbox, at) }
                }
            }
        } finally {
            sandbox.stop()
            sandbox.close()
        }
    }

    private fun checkLedger(expected: JsonObject, sandbox: Sandbox, at: String) {
        val merchantUid = expected.str("merchant_uid")
        val rows = sandbox.ledger().filter { merchantUid == null || it.merchantUid == merchantUid }
        expected["count"]?.let { assertEquals(it.jsonPrimitive.content.toInt(), rows.size, "$at: ledger count") }
        (expected["statuses"] as? JsonArray)?.let { statuses ->
            assertEquals(
                statuses.map { it.jsonPrimitive.content },
                rows.map { it.status.toString() },
                "$at: ledger statuses (in creation order)",
            )
        }
    }

    private fun substitute(value: JsonElement, vars: Map<String, JsonElement>): JsonElement = when {
        value is JsonPrimitive && value.isString && value.content.startsWith("\${") && value.content.endsWith("}") -> {
            val key = value.content.substring(2, value.content.length - 1)
            vars[key] ?: fail("unknown variable $key")
        }
        value is JsonArray -> JsonArray(value.map { substitute(it, vars) })
        value is JsonObject -> JsonObject(value.mapValues { substitute(it.value, vars) })
        else -> value
    }

    /** Calls the operation named in the scenario with the binding's own types; a result as its JSON view. */
    private suspend fun dispatch(client: Client, op: String, a: JsonObject): JsonElement {
        val args = Args(a)
        val result: Any = when (op) {
            "pay_onetime" -> client.payOnetime(
                PayOnetimeRequest(
                    merchantUid = args.req("merchant_uid"),
                    amount = args.amount("amount")!!,
                    card = args.card(),
                    customerUid = args.opt("customer_uid"),
                    pg = args.opt("pg")?.let(::pgFromString),
                    currency = args.opt("currency"),
                    taxFree = args.amount("tax_free"),
                    vatAmount = args.amount("vat_amount"),
                    name = args.opt("name"),
                    buyer = args.buyer(),
                    cardQuota = args.opt("card_quota")?.toUInt(),
                    customData = args.opt("custom_data"),
                    noticeUrl = args.opt("notice_url"),
                ),
            )
            "pay_again" -> client.payAgain(
                PayAgainRequest(
                    customerUid = args.req("customer_uid"),
                    merchantUid = args.req("merchant_uid"),
                    amount = args.amount("amount")!!,
                    name = args.opt("name"),
                    currency = args.opt("currency"),
                    taxFree = args.amount("tax_free"),
                    vatAmount = args.amount("vat_amount"),
                    buyer = args.buyer(),
                    cardQuota = args.opt("card_quota")?.toUInt(),
                    customData = args.opt("custom_data"),
                    noticeUrl = args.opt("notice_url"),
                ),
            )
            "issue_billing_key" -> client.issueBillingKey(
                IssueBillingKeyRequest(
                    customerUid = args.req("customer_uid"),
                    card = args.card(),
                    pg = args.opt("pg")?.let(::pgFromString),
                    channelKey = args.opt("channel_key"),
                    customerId = args.opt("customer_id"),
                    customerName = args.opt("customer_name"),
                    customerTel = args.opt("customer_tel"),
                    customerEmail = args.opt("customer_email"),
                    customerAddr = args.opt("customer_addr"),
                    customerPostcode = args.opt("customer_postcode"),
                ),
            )
            "get_billing_key" -> client.getBillingKey(args.req("customer_uid"))
            "delete_billing_key" -> client.deleteBillingKey(args.req("customer_uid"), args.opt("reason"))
            "get_payment" -> client.getPayment(args.req("imp_uid"))
            "find_payment" -> client.findPayment(args.req("merchant_uid"), args.status())
            "find_all_payments" -> client.findAllPayments(args.req("merchant_uid"), args.status())
            "cancel_payment" -> client.cancelPayment(
                CancelPaymentRequest(
                    impUid = args.opt("imp_uid"),
                    merchantUid = args.opt("merchant_uid"),
                    amount = args.amount("amount"),
                    taxFree = args.amount("tax_free"),
                    vatAmount = args.amount("vat_amount"),
                    checksum = args.amount("checksum"),
                    reason = args.opt("reason"),
                ),
            )
            else -> fail("unknown op $op")
        }
        args.assertAllUsed(op)
        return jsonView(result)
    }

    /** Scenario arguments (wire names); every argument must be consumed, so none is silently ignored. */
    private class Args(private val a: JsonObject) {
        private val used = mutableSetOf<String>()

        fun opt(key: String): String? {
            used += key
            val v = a[key] ?: return null
            return if (v is JsonNull) null else v.jsonPrimitive.content
        }

        fun req(key: String): String = opt(key) ?: fail("argument $key missing")

        // The JSON number's own text: exact, never through a double.
        fun amount(key: String): BigDecimal? = opt(key)?.let(::BigDecimal)

        fun status(): PaymentStatus? = when (val s = opt("status")) {
            null -> null
            "ready" -> PaymentStatus.Ready
            "paid" -> PaymentStatus.Paid
            "failed" -> PaymentStatus.Failed
            "cancelled" -> PaymentStatus.Cancelled
            else -> PaymentStatus.Other(s)
        }

        fun card() = CardDetails(
            cardNumber = CardNumber(req("card_number")),
            expiry = Expiry(req("expiry")),
            birth = opt("birth")?.let(::Birth),
            pwd2digit = opt("pwd_2digit")?.let(::Pwd2Digit),
            cvc = opt("cvc")?.let(::Cvc),
        )

        fun buyer() = Buyer(
            name = opt("buyer_name"),
            email = opt("buyer_email"),
            tel = opt("buyer_tel"),
            addr = opt("buyer_addr"),
            postcode = opt("buyer_postcode"),
        )

        fun assertAllUsed(op: String) {
            val unused = a.keys - used
            assertTrue(unused.isEmpty(), "$op: arguments not mapped by the Kotlin runner: $unused")
        }
    }
}

private fun JsonObject.str(key: String): String? = (this[key] as? JsonPrimitive)?.takeIf { it.isString }?.content
