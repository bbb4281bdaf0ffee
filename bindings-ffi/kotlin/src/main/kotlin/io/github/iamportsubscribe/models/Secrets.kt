// Hand-written support for the generated bindings (uniffi.toml maps core's custom types here).
package io.github.iamportsubscribe.models

import io.github.iamportsubscribe.IamportException
import java.math.BigDecimal
import java.math.BigInteger

/**
 * Card data and credentials. The value is kept as given and leaves only through [exposeSecret]
 * (which the generated code calls to hand it to Rust); `toString` prints a mask, so a request's
 * data-class `toString`, a log line or a debugger's summary never shows it.
 */
sealed class MaskedSecret(private val value: String) {
    /** The raw value. Call it only to hand the value to something that needs it. */
    fun exposeSecret(): String = value

    protected abstract fun mask(): String

    final override fun toString(): String = mask()

    final override fun equals(other: Any?): Boolean =
        other != null && other.javaClass == javaClass && (other as MaskedSecret).value == value

    final override fun hashCode(): Int = 31 * javaClass.hashCode() + value.hashCode()
}

/** Card number (PAN); prints as `****-****-****-1234`. Dashes and spaces are allowed. */
class MaskedCardNumber(value: String) : MaskedSecret(value) {
    /** The last four digits, for receipts. */
    fun last4(): String = exposeSecret().filter { it in '0'..'9' }.takeLast(4)

    // As core's CardNumber: the last four only when the number is long enough to reveal little.
    override fun mask(): String {
        val digits = exposeSecret().count { it in '0'..'9' }
        return if (digits >= 12) "****-****-****-${last4()}" else "****"
    }
}

/** Card expiry `YYYY-MM` (or `YYYYMM`); prints as `****-**`. */
class MaskedExpiry(value: String) : MaskedSecret(value) {
    override fun mask() = "****-**"
}

/** Birth date `YYMMDD` or a 10-digit business registration number; prints as `******`. */
class MaskedBirth(value: String) : MaskedSecret(value) {
    override fun mask() = "******"
}

/** First two digits of the card PIN; prints as `**`. */
class MaskedPwd2Digit(value: String) : MaskedSecret(value) {
    override fun mask() = "**"
}

/** Card verification code; prints as `***`. */
class MaskedCvc(value: String) : MaskedSecret(value) {
    override fun mask() = "***"
}

/** The REST API secret (`imp_secret`); prints as `[redacted]`. */
class MaskedImpSecret(value: String) : MaskedSecret(value) {
    override fun mask() = "[redacted]"
}

/** An access token (what a token provider returns); prints as `[redacted]`. */
class MaskedAccessToken(value: String) : MaskedSecret(value) {
    override fun mask() = "[redacted]"
}

private val MAX_MANTISSA: BigInteger = BigInteger.ONE.shiftLeft(96)

/**
 * An amount as the decimal text Rust reads. Rust's decimal holds 28 decimal places and 96 bits of
 * digits; anything else would be rounded there, so it is refused here, before anything is sent.
 */
fun amountToWire(amount: BigDecimal): String {
    // Plain digits (a negative scale means trailing integer zeros, which count as digits in Rust).
    val exact = amount.stripTrailingZeros().let { if (it.scale() < 0) it.setScale(0) else it }
    if (exact.scale() > 28 || exact.unscaledValue().abs() >= MAX_MANTISSA) {
        throw IamportException.InvalidRequest(
            "amount",
            "${amount.toPlainString()} cannot be passed exactly (at most 28 decimal places and 28 digits)",
        )
    }
    return exact.toPlainString()
}
