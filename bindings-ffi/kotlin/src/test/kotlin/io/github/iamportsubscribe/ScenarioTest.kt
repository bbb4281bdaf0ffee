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
import io.github.iamportsubscribe.models.ImpSecret
import io.github.iamportsubscribe.models.IssueBillingKeyRequest
import io.github.iamportsubscribe.models.PayAgainRequest
import io.github.iamportsubscribe.models.PayOnetimeRequest
import io.github.iamportsubscribe.models.PaymentStatus
import io.github.iamportsubscribe.models.Pwd2Digit
import io.github.iamportsubscribe.models.ScheduleEntry
import io.github.iamportsubscribe.models.ScheduleRequest
import io.github.iamportsubscribe.models.ScheduleStatus
import kotlinx.coroutines.flow.toList
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
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import org.junit.jupiter.api.fail
import java.io.File
import java.math.BigDecimal
import java.time.Duration

class ScenarioTest {
    companion object {
        val SCENARIO_KEYS = setOf("name", "description", "sandbox", "webhook_receiver", "steps")
        val SANDBOX_KEYS = setOf("billing_key_not_found")
        val STEP_KEYS = setOf("op", "args", "expect", "save", "sent", "ledger", "note")
        val EXPECT_KEYS = setOf("result", "error", "count", "unique_by", "each", "reported_statuses")
    }

    private val dir = File(System.getProperty("scenarios.dir") ?: "../../tests/scenarios")

    private fun scenarioFiles(): List<File> =
        (dir.listFiles { f -> f.extension == "json" } ?: emptyArray()).sortedBy { it.name }

    @Test
    fun findsTheScenarioFiles() {
        // The seed flows, the error cases and issue 6's flows: guards against a runner that finds none.
        assertTrue(scenarioFiles().size >= 20, "found only ${scenarioFiles().size} scenario files in $dir")
    }

    @TestFactory
    fun scenarios(): List<DynamicTest> = scenarioFiles().map { file ->
        DynamicTest.dynamicTest(file.nameWithoutExtension) {
            val scenario = Json.parseToJsonElement(file.readText()).jsonObject
            assertEquals(file.nameWithoutExtension, scenario.str("name"), "file name and scenario name differ")
            // Every key is understood: a setting this runner ignored would make the run meaningless.
            assertTrue(SCENARIO_KEYS.containsAll(scenario.keys), "unknown scenario keys ${scenario.keys - SCENARIO_KEYS}")
            val sandboxKeys = (scenario["sandbox"] as? JsonObject)?.keys ?: emptySet()
            assertTrue(SANDBOX_KEYS.containsAll(sandboxKeys), "unknown sandbox keys ${sandboxKeys - SANDBOX_KEYS}")
            runBlocking { run(file.nameWithoutExtension, scenario) }
        }
    }

    private suspend fun run(name: String, scenario: JsonObject) {
        val spec = (scenario["sandbox"] as? JsonObject)?.str("billing_key_not_found") == "spec"
        val sandbox = Sandbox.start(
            SandboxOptions(billingKeyNotFound = if (spec) BillingKeyNotFound.SPEC else BillingKeyNotFound.OBSERVED),
        )
        val receiver = if (scenario["webhook_receiver"] == JsonPrimitive(true)) WebhookReceiver() else null
        try {
            receiver?.let { sandbox.setWebhookUrl(it.url) }
            Client(sandbox.clientOptions()).use { client ->
                val vars = mutableMapOf<String, JsonElement>()
                val steps = scenario["steps"]!!.jsonArray
                assertTrue(steps.isNotEmpty(), "$name: no steps")
                steps.forEachIndexed { i, stepElement ->
                    val step = stepElement.jsonObject
                    val op = step.str("op")!!
                    val at = "$name step $i ($op)"
                    assertTrue(STEP_KEYS.containsAll(step.keys), "$at: unknown keys ${step.keys - STEP_KEYS}")
                    val raw = substitute(step["args"] ?: JsonObject(emptyMap()), vars)
                    val args = expand(raw, sandbox.now(), null).jsonObject
                    val before = sandbox.totalRequests()
                    val outcome: Result<JsonElement> = try {
                        Result.success(
                            when (op) {
                                "advance_clock" -> advanceClock(sandbox, args)
                                "verify_received_webhooks" -> verifyReceived(client, receiver, at)
                                "set_faults" -> JsonNull.also { sandbox.setFaults(args.toString()) }
                                "clear_faults" -> JsonNull.also { sandbox.clearFaults() }
                                "new_client" -> JsonNull.also { Client(clientOptions(sandbox, args)).close() }
                                "with_options" -> JsonNull.also { client.withOptions(requestOptions(args)).close() }
                                else -> dispatch(client, op, args)
                            },
                        )
                    } catch (e: IamportException) {
                        Result.failure(e)
                    }
                    val sent = sandbox.totalRequests() - before
                    val expect = step["expect"]!!.jsonObject
                    assertTrue(EXPECT_KEYS.containsAll(expect.keys), "$at: unknown expectation ${expect.keys - EXPECT_KEYS}")
                    val expectedResult = expect["result"]
                    val expectedError = expect["error"]
                    when {
                        expectedResult != null && outcome.isSuccess ->
                            assertSubset(substitute(expectedResult, vars), outcome.getOrThrow(), "$at: result")
                        expectedError != null && outcome.isFailure ->
                            assertSubset(camelField(expectedError), errorView(outcome.exceptionOrNull() as IamportException), "$at: error")
                        // Only list expectations (or none): a result is expected, checked below.
                        expectedResult == null && expectedError == null && outcome.isSuccess -> {}
                        else -> fail("$at: expected $expect, got ${outcome.exceptionOrNull() ?: outcome.getOrNull()}")
                    }
                    outcome.getOrNull()?.let { checkList(expect, it, at) }
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
            receiver?.close()
            sandbox.stop()
            sandbox.close()
        }
    }

    /** The files name fields in core's snake_case; Kotlin's errors name them in camelCase. */
    private fun camelField(expected: JsonElement): JsonElement {
        val field = (expected as? JsonObject)?.str("field") ?: return expected
        return JsonObject(expected + ("field" to JsonPrimitive(camelCase(field))))
    }

    /** `new_client`: the sandbox's credentials and URL, with the given settings (seconds) replaced. */
    private fun clientOptions(sandbox: Sandbox, a: JsonObject): ClientOptions {
        val args = Args(a)
        val base = sandbox.clientOptions()
        return base.copy(
            impKey = args.opt("imp_key") ?: base.impKey,
            impSecret = args.opt("imp_secret")?.let(::ImpSecret) ?: base.impSecret,
            baseUrl = args.opt("base_url") ?: base.baseUrl,
            tier = args.opt("tier"),
            timeout = args.seconds("timeout"),
            connectTimeout = args.seconds("connect_timeout"),
            userAgent = args.opt("user_agent"),
            maxRetries = args.opt("max_retries")?.toUInt(),
            initialBackoff = args.seconds("initial_backoff"),
            maxBackoff = args.seconds("max_backoff"),
        ).also { args.assertAllUsed("new_client") }
    }

    /** `with_options`: per-call settings (seconds). */
    private fun requestOptions(a: JsonObject): RequestOptions {
        val args = Args(a)
        return RequestOptions(
            timeout = args.seconds("timeout"),
            maxRetries = args.opt("max_retries")?.toUInt(),
            initialBackoff = args.seconds("initial_backoff"),
            maxBackoff = args.seconds("max_backoff"),
        ).also { args.assertAllUsed("with_options") }
    }

    /** Runner step: the clock moves; due schedules run and their webhooks arrive before it returns. */
    private suspend fun advanceClock(sandbox: Sandbox, a: JsonObject): JsonElement {
        val args = Args(a)
        val seconds = args.long("seconds") ?: fail("argument seconds missing")
        args.assertAllUsed("advance_clock")
        sandbox.advanceClock(Duration.ofSeconds(seconds))
        return JsonNull
    }

    /** Runner step: every body the receiver got, in order, verified; the result is the list. */
    private suspend fun verifyReceived(client: Client, receiver: WebhookReceiver?, at: String): JsonElement {
        val received = receiver?.received() ?: fail("$at: the scenario has no webhook_receiver")
        return JsonArray(
            received.map { (contentType, body) ->
                try {
                    jsonView(client.verifyWebhook(body, contentType))
                } catch (e: IamportException) {
                    fail("$at: a received webhook did not verify: $e")
                }
            },
        )
    }

    /** `count`, `unique_by`, `each` and `reported_statuses` on a list result. */
    private fun checkList(expect: JsonObject, actual: JsonElement, at: String) {
        val listKeys = setOf("count", "unique_by", "each", "reported_statuses")
        if (expect.keys.none { it in listKeys }) return
        val items = actual as? JsonArray ?: fail("$at: list expectations on a result that is not a list: $actual")
        expect["count"]?.let { assertEquals(it.jsonPrimitive.content.toInt(), items.size, "$at: count") }
        expect.str("unique_by")?.let { key ->
            val values = items.map { it.jsonObject[key] ?: JsonNull }
            assertEquals(values.size, values.toSet().size, "$at: $key repeats")
        }
        expect["each"]?.let { each ->
            items.forEachIndexed { i, item -> assertSubset(each, item, "$at[$i]") }
        }
        (expect["reported_statuses"] as? JsonArray)?.let { statuses ->
            assertEquals(
                statuses.map { it.jsonPrimitive.content },
                items.map { it.jsonObject["reported_status"]?.jsonPrimitive?.content },
                "$at: reported statuses",
            )
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

    /** `"${name}"` is the saved value; `${name}` inside a longer string is replaced by its text. */
    private fun substitute(value: JsonElement, vars: Map<String, JsonElement>): JsonElement = when {
        value is JsonPrimitive && value.isString && value.content.startsWith("\${") &&
            value.content.endsWith("}") && value.content.windowed(2).count { it == "\${" } == 1 -> {
            val key = value.content.substring(2, value.content.length - 1)
            vars[key] ?: fail("unknown variable $key")
        }
        value is JsonPrimitive && value.isString && value.content.contains("\${") -> {
            var text = value.content
            for ((key, v) in vars) {
                val with = if (v is JsonPrimitive && v.isString) v.content else v.toString()
                text = text.replace("\${$key}", with)
            }
            assertTrue(!text.contains("\${"), "unknown variable in ${value.content}")
            JsonPrimitive(text)
        }
        value is JsonArray -> JsonArray(value.map { substitute(it, vars) })
        value is JsonObject -> JsonObject(value.mapValues { substitute(it.value, vars) })
        else -> value
    }

    /**
     * Generated values: `{"$repeat": n, "item": ...}` is n items with `{i}` in strings replaced by
     * the index; `{"$from_now": s, "$step": t}` is the sandbox clock's now + s + i·t;
     * `{"$text": s, "$times": n}` is s repeated; `{"$utf16": [...]}` a string of UTF-16 code units.
     */
    private fun expand(value: JsonElement, now: Long, i: Int?): JsonElement = when {
        value is JsonObject && "\$text" in value ->
            JsonPrimitive(value["\$text"]!!.jsonPrimitive.content.repeat(value["\$times"]!!.jsonPrimitive.content.toInt()))
        // UTF-16 code units: a Kotlin String may hold a lone surrogate.
        value is JsonObject && "\$utf16" in value ->
            JsonPrimitive(String(value["\$utf16"]!!.jsonArray.map { it.jsonPrimitive.content.toInt().toChar() }.toCharArray()))
        value is JsonObject && "\$repeat" in value -> {
            val n = value["\$repeat"]!!.jsonPrimitive.content.toInt()
            val item = value["item"] ?: fail("\$repeat without item")
            JsonArray((0 until n).map { k -> expand(item, now, k) })
        }
        value is JsonObject && "\$from_now" in value -> {
            val offset = value["\$from_now"]!!.jsonPrimitive.content.toLong()
            val step = value["\$step"]?.jsonPrimitive?.content?.toLong() ?: 0L
            JsonPrimitive(now + offset + step * (i ?: 0))
        }
        value is JsonPrimitive && value.isString && i != null -> JsonPrimitive(value.content.replace("{i}", i.toString()))
        value is JsonArray -> JsonArray(value.map { expand(it, now, i) })
        value is JsonObject -> JsonObject(value.mapValues { expand(it.value, now, i) })
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
                    browserIp = args.opt("browser_ip"),
                    productType = args.opt("product_type"),
                    bypass = args.opt("bypass"),
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
                    browserIp = args.opt("browser_ip"),
                    productType = args.opt("product_type"),
                    cashReceiptType = args.opt("cash_receipt_type"),
                    bypass = args.opt("bypass"),
                    channelKey = args.opt("channel_key"),
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
            "schedule" -> client.schedule(
                ScheduleRequest(
                    customerUid = args.req("customer_uid"),
                    schedules = args.objects("schedules").map(::scheduleEntry),
                    // Card fields only when a key is to be issued (all of them consumed either way).
                    card = if (args.has("card_number")) args.card() else null,
                    checkingAmount = args.amount("checking_amount"),
                    pg = args.opt("pg")?.let(::pgFromString),
                    channelKey = args.opt("channel_key"),
                    customerId = args.opt("customer_id"),
                ),
            )
            "unschedule" -> client.unschedule(args.strings("merchant_uids"), args.opt("customer_uid"))
            "unschedule_all" -> client.unscheduleAll(args.req("customer_uid"))
            "get_schedule" -> client.getSchedule(args.req("merchant_uid"))
            "update_schedule" -> client.updateSchedule(args.req("merchant_uid"), args.long("schedule_at")!!)
            "reschedule" -> client.reschedule(args.req("merchant_uid"), args.long("schedule_at")!!)
            "retry_schedule" -> client.retrySchedule(args.req("merchant_uid"))
            // The Flow helpers: the result is every item of every page.
            "list_schedules" -> client.listSchedules(
                args.long("from")!!,
                args.long("to")!!,
                args.scheduleStatus(),
            ).toList()
            "list_schedules_by_customer" -> client.listSchedulesByCustomer(
                args.req("customer_uid"),
                args.long("from")!!,
                args.long("to")!!,
                args.scheduleStatus(),
            ).toList()
            "list_customer_payments" -> client.listCustomerPayments(args.req("customer_uid")).toList()
            "list_payments" -> client.listPayments(
                args.status(),
                args.long("from"),
                args.long("to"),
                args.opt("sorting")?.let(::paymentSortingFromString),
            ).toList()
            "get_billing_keys" -> client.getBillingKeys(args.strings("customer_uids"))
            "get_payments" -> client.getPayments(args.strings("imp_uids"))
            "verify_webhook" -> client.verifyWebhook(args.req("body"), args.req("content_type"))
            else -> fail("unknown op $op")
        }
        args.assertAllUsed(op)
        return jsonView(result)
    }

    private fun scheduleEntry(entry: JsonObject): ScheduleEntry {
        val args = Args(entry)
        return ScheduleEntry(
            merchantUid = args.req("merchant_uid"),
            scheduleAt = args.long("schedule_at") ?: fail("schedule_at missing"),
            amount = args.amount("amount") ?: fail("amount missing"),
            name = args.opt("name"),
            currency = args.opt("currency"),
            taxFree = args.amount("tax_free"),
            vatAmount = args.amount("vat_amount"),
            buyer = args.buyer(),
            customData = args.opt("custom_data"),
            noticeUrl = args.opt("notice_url"),
            cardQuota = args.opt("card_quota")?.toUInt(),
        ).also { args.assertAllUsed("schedules[]") }
    }

    /** Scenario arguments (wire names); every argument must be consumed, so none is silently ignored. */
    private class Args(private val a: JsonObject) {
        private val used = mutableSetOf<String>()

        fun has(key: String): Boolean = a[key].let { it != null && it !is JsonNull }

        fun opt(key: String): String? {
            used += key
            val v = a[key] ?: return null
            return if (v is JsonNull) null else v.jsonPrimitive.content
        }

        fun req(key: String): String = opt(key) ?: fail("argument $key missing")

        fun long(key: String): Long? = opt(key)?.toLong()

        fun seconds(key: String): Duration? = opt(key)?.let { Duration.ofNanos(BigDecimal(it).movePointRight(9).toLong()) }

        // The JSON number's own text: exact, never through a double.
        fun amount(key: String): BigDecimal? = opt(key)?.let(::BigDecimal)

        fun strings(key: String): List<String> {
            used += key
            return (a[key] ?: fail("argument $key missing")).jsonArray.map { it.jsonPrimitive.content }
        }

        fun objects(key: String): List<JsonObject> {
            used += key
            return (a[key] ?: fail("argument $key missing")).jsonArray.map { it.jsonObject }
        }

        fun status(): PaymentStatus? = when (val s = opt("status")) {
            null -> null
            "ready" -> PaymentStatus.Ready
            "paid" -> PaymentStatus.Paid
            "failed" -> PaymentStatus.Failed
            "cancelled" -> PaymentStatus.Cancelled
            else -> PaymentStatus.Other(s)
        }

        fun scheduleStatus(): ScheduleStatus? = when (val s = opt("status")) {
            null -> null
            "scheduled" -> ScheduleStatus.Scheduled
            "executed" -> ScheduleStatus.Executed
            "revoked" -> ScheduleStatus.Revoked
            else -> ScheduleStatus.Other(s)
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

private fun camelCase(snake: String): String = Regex("_([a-z0-9])").replace(snake) { it.groupValues[1].uppercase() }

private fun JsonObject.str(key: String): String? = (this[key] as? JsonPrimitive)?.takeIf { it.isString }?.content
