// Test helpers: a JSON view of the generated records (so results compare with the scenario files'
// snake_case JSON, like the Rust runner does with serde), error views, subset matching and a
// webhook receiver.
package io.github.iamportsubscribe

import com.sun.net.httpserver.HttpServer
import io.github.iamportsubscribe.models.MaskedSecret
import io.github.iamportsubscribe.models.PaymentStatus
import io.github.iamportsubscribe.models.Pg
import io.github.iamportsubscribe.models.ScheduleStatus
import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.json.JsonNull
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import java.lang.reflect.Modifier
import java.math.BigDecimal
import java.net.InetSocketAddress
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Assertions.fail

private val CAMEL = Regex("([a-z0-9])([A-Z])")

fun snakeCase(name: String): String = CAMEL.replace(name, "$1_$2").lowercase()

/** The generated record as JSON with snake_case keys: what serde gives for core's model in Rust. */
fun jsonView(value: Any?): JsonElement = when (value) {
    null -> JsonNull
    is String -> JsonPrimitive(value)
    is Boolean -> JsonPrimitive(value)
    is BigDecimal -> JsonPrimitive(value)
    is Number -> JsonPrimitive(value)
    is UInt -> JsonPrimitive(value.toLong())
    is ULong -> JsonPrimitive(value.toString().toBigDecimal())
    is UShort -> JsonPrimitive(value.toInt())
    // Display of the Rust enum: the wire value.
    is PaymentStatus, is ScheduleStatus, is Pg -> JsonPrimitive(value.toString())
    is MaskedSecret -> JsonPrimitive(value.toString())
    is List<*> -> JsonArray(value.map(::jsonView))
    is Map<*, *> -> JsonObject(value.entries.associate { (k, v) -> k.toString() to jsonView(v) })
    else -> {
        val fields = value.javaClass.declaredFields.filter { !Modifier.isStatic(it.modifiers) }
        check(fields.isNotEmpty()) { "no JSON view for ${value.javaClass}" }
        JsonObject(fields.associate { f ->
            f.isAccessible = true
            snakeCase(f.name) to jsonView(f.get(value))
        })
    }
}

/** An error as `{kind, field, message, code, http_status, fail_reason, payment, ...}`. */
fun errorView(e: IamportException): JsonObject {
    val m = linkedMapOf<String, JsonElement>("kind" to JsonPrimitive(e.javaClass.simpleName))
    when (e) {
        is IamportException.InvalidRequest -> {
            m["field"] = JsonPrimitive(e.field)
            m["message"] = JsonPrimitive(e.reason)
        }
        is IamportException.Authentication -> m["message"] = JsonPrimitive(e.detail)
        is IamportException.NotFound -> m["message"] = JsonPrimitive(e.detail)
        is IamportException.DuplicateOrder -> {
            m["merchant_uid"] = JsonPrimitive(e.merchantUid)
            m["message"] = JsonPrimitive(e.detail)
        }
        is IamportException.AlreadyCancelled -> m += apiFields(e.httpStatus, e.code, e.detail)
        is IamportException.RateLimited -> {
            m += apiFields(e.httpStatus, e.code, e.detail)
            m["retry_after"] = jsonView(e.retryAfter?.toMillis()?.let { BigDecimal(it).movePointLeft(3) })
        }
        is IamportException.CardDeclined -> {
            m["fail_reason"] = jsonView(e.failReason)
            m["payment"] = jsonView(e.payment)
        }
        is IamportException.Api -> m += apiFields(e.httpStatus, e.code, e.detail)
        is IamportException.Network -> {
            m["message"] = JsonPrimitive(e.detail)
            m["may_have_reached_server"] = JsonPrimitive(e.mayHaveReachedServer)
        }
        is IamportException.Timeout -> m["may_have_reached_server"] = JsonPrimitive(e.mayHaveReachedServer)
        is IamportException.OutcomeUnknown -> m["merchant_uid"] = JsonPrimitive(e.merchantUid)
    }
    return JsonObject(m)
}

/** The fields `Api` shares with its refinements `AlreadyCancelled` and `RateLimited`. */
private fun apiFields(httpStatus: UShort, code: Long?, detail: String): Map<String, JsonElement> = mapOf(
    "http_status" to JsonPrimitive(httpStatus.toInt()),
    "code" to jsonView(code),
    "message" to JsonPrimitive(detail),
)

/**
 * `expected` must be contained in `actual`: objects by key, arrays element by element with equal
 * length, `"<set>"` for any non-null value, `null` for absent, numbers by value.
 */
fun assertSubset(expected: JsonElement, actual: JsonElement, at: String) {
    when {
        expected is JsonPrimitive && expected.isString && expected.content == "<set>" ->
            assertTrue(actual !is JsonNull, "$at: expected a value, got null")
        expected is JsonObject -> {
            if (actual !is JsonObject) fail<Unit>("$at: expected an object, got $actual")
            val obj = actual as JsonObject
            for ((k, ev) in expected) assertSubset(ev, obj[k] ?: JsonNull, "$at.$k")
        }
        expected is JsonArray -> {
            if (actual !is JsonArray) fail<Unit>("$at: expected an array, got $actual")
            val arr = actual as JsonArray
            assertEquals(expected.size, arr.size, "$at: length of $actual")
            expected.zip(arr).forEachIndexed { i, (ev, av) -> assertSubset(ev, av, "$at[$i]") }
        }
        expected is JsonNull -> assertTrue(actual is JsonNull, "$at: expected null, got $actual")
        expected is JsonPrimitive && !expected.isString -> {
            val e = expected.content.toBigDecimalOrNull()
            val a = (actual as? JsonPrimitive)?.takeIf { !it.isString }?.content?.toBigDecimalOrNull()
            if (e == null) {
                assertEquals(expected, actual, at) // true/false
            } else {
                assertTrue(a != null && e.compareTo(a) == 0, "$at: expected $e, got $actual")
            }
        }
        else -> assertEquals(expected, actual, at)
    }
}

/**
 * A webhook receiver on 127.0.0.1 and a free port: records each POST (content type and body) and
 * answers `status` (200 unless told). It records before answering, so once the sandbox's delivery
 * has finished (`advanceClock`, `settle`), the webhook is in [received].
 */
class WebhookReceiver(private val status: Int = 200) : AutoCloseable {
    private val received = mutableListOf<Pair<String, ByteArray>>()
    private val server: HttpServer = HttpServer.create(InetSocketAddress("127.0.0.1", 0), 0)

    init {
        server.createContext("/hook") { exchange ->
            try {
                val body = exchange.requestBody.readAllBytes()
                val contentType = exchange.requestHeaders.getFirst("Content-Type") ?: ""
                synchronized(received) { received += contentType to body }
                val ok = "OK".toByteArray()
                exchange.sendResponseHeaders(status, ok.size.toLong())
                exchange.responseBody.use { it.write(ok) }
            } finally {
                exchange.close()
            }
        }
        server.start()
    }

    /** The URL to give the sandbox. */
    val url: String = "http://127.0.0.1:${server.address.port}/hook"

    /** Every webhook received so far, oldest first: (content type, body). */
    fun received(): List<Pair<String, ByteArray>> = synchronized(received) { received.toList() }

    override fun close() = server.stop(0)
}
