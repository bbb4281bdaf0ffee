// A client built with a token provider (a suspend function of the app) instead of a key and
// secret. The provider stands in for the merchant's backend: it asks the sandbox's
// POST /users/getToken over HTTP, as a real backend asks the API, and hands out token and expiry.
package io.github.iamportsubscribe

import io.github.iamportsubscribe.models.CancelPaymentRequest
import io.github.iamportsubscribe.models.CardDetails
import io.github.iamportsubscribe.models.CardNumber
import io.github.iamportsubscribe.models.Expiry
import io.github.iamportsubscribe.models.ImpSecret
import io.github.iamportsubscribe.models.MaskedAccessToken
import io.github.iamportsubscribe.models.PayOnetimeRequest
import io.github.iamportsubscribe.models.PaymentStatus
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.future.await
import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import kotlinx.serialization.json.long
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.math.BigDecimal
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.util.concurrent.atomic.AtomicInteger

/** The merchant's backend: holds the secret, fetches tokens, counts how often it was asked. */
class Backend(private val sandbox: Sandbox) : TokenProvider {
    val calls = AtomicInteger()
    private val http = HttpClient.newHttpClient()

    override suspend fun accessToken(): ProvidedToken {
        calls.incrementAndGet()
        val body = """{"imp_key":"${sandbox.impKey()}","imp_secret":"${sandbox.impSecret().exposeSecret()}"}"""
        val request = HttpRequest.newBuilder(URI.create(sandbox.url().trimEnd('/') + "/users/getToken"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build()
        val answer = http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).await()
        val r = Json.parseToJsonElement(answer.body()).jsonObject["response"]!!.jsonObject
        return ProvidedToken(
            accessToken = MaskedAccessToken(r["access_token"]!!.jsonPrimitive.content),
            expiredAt = r["expired_at"]!!.jsonPrimitive.long,
            now = r["now"]!!.jsonPrimitive.long,
        )
    }
}

class TokenProviderTest {
    private lateinit var sandbox: Sandbox
    private lateinit var backend: Backend
    private lateinit var client: Client

    @BeforeEach
    fun start() = runBlocking {
        sandbox = Sandbox.start()
        backend = Backend(sandbox)
        client = Client.withTokenProvider(backend, ClientOptions(baseUrl = sandbox.url()))
    }

    @AfterEach
    fun stop() = runBlocking {
        client.close()
        sandbox.stop()
        sandbox.close()
    }

    @Test
    fun aHundredConcurrentCallsAskTheProviderOnce() = runBlocking {
        val errors = (0 until 100).map { i ->
            async { runCatching { client.getBillingKey("cust_$i") }.exceptionOrNull() }
        }.awaitAll()
        assertTrue(errors.all { it is IamportException.NotFound }, errors.toString())
        assertEquals(1, backend.calls.get())
        assertEquals(1UL, sandbox.requestCounts()["POST /users/getToken"])
    }

    @Test
    fun aRefusedTokenAsksTheProviderOnceMoreAndTheCallGoesThrough() = runBlocking {
        client.checkCredentials()
        sandbox.revokeTokens()
        val before = sandbox.totalRequests()
        assertThrows<IamportException.NotFound> { runBlocking { client.getBillingKey("cust_x") } }
        assertEquals(2, backend.calls.get())
        // The 401, the backend's getToken, the retry.
        assertEquals(3UL, sandbox.totalRequests() - before)
    }

    @Test
    fun aChargeAndARefundWithTheProvidedToken() = runBlocking {
        val paid = client.payOnetime(
            PayOnetimeRequest(
                merchantUid = "order-provider-kt-1", amount = BigDecimal("9900"),
                card = CardDetails(cardNumber = CardNumber("4111-1111-1111-1111"), expiry = Expiry("2030-12")),
            ),
        )
        assertEquals(PaymentStatus.Paid, paid.status)
        val refunded = client.cancelPayment(CancelPaymentRequest(impUid = paid.impUid))
        assertEquals(PaymentStatus.Cancelled, refunded.status)
        assertEquals(1, backend.calls.get())
    }

    @Test
    fun aThrowingProviderIsAuthenticationAndItsTextCarriesNoToken() = runBlocking {
        val token = "4f1c2a9e8b7d6c5a4f1c2a9e8b7d6c5a4f1c2a9e"
        val failing = object : TokenProvider {
            override suspend fun accessToken(): ProvidedToken =
                throw java.io.IOException("backend answered 500: {\"stale\":\"$token\"}")
        }
        val typed = object : TokenProvider {
            override suspend fun accessToken(): ProvidedToken =
                throw TokenProviderException.Failed("session expired; last token $token")
        }
        for (provider in listOf(failing, typed)) {
            Client.withTokenProvider(provider, ClientOptions(baseUrl = sandbox.url())).use { c ->
                val e = assertThrows<IamportException.Authentication> { runBlocking { c.checkCredentials() } }
                for (shown in listOf(e.message ?: "", e.detail, e.toString())) {
                    assertFalse(shown.contains(token), shown)
                    assertTrue(shown.contains("the token provider failed"), shown)
                }
            }
        }
        assertEquals(0UL, sandbox.totalRequests())
    }

    @Test
    fun aProviderAndASecretTogetherAreRefused() {
        val e = assertThrows<IamportException.InvalidRequest> {
            Client.withTokenProvider(backend, ClientOptions(impKey = "k", impSecret = ImpSecret("s"), baseUrl = sandbox.url()))
        }
        assertEquals("tokenProvider", e.field)
    }

    @Test
    fun theProvidedTokenPrintsAsAMask() = runBlocking {
        val provided = backend.accessToken()
        val raw = provided.accessToken.exposeSecret()
        assertFalse(provided.toString().contains(raw), provided.toString())
        assertEquals("[redacted]", provided.accessToken.toString())
    }
}
