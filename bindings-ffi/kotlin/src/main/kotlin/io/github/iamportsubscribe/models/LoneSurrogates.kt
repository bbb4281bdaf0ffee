// Hand-written support for the generated bindings: `bindings-ffi/run` patches the generated Kotlin
// (`patch_kotlin`) to call these. A String that is not valid Unicode (a lone UTF-16 surrogate has
// no UTF-8 form) is then refused as `IamportException.InvalidRequest` naming the argument or field,
// before anything reaches Rust, instead of uniffi's bare CharacterCodingException.
package io.github.iamportsubscribe.models

import io.github.iamportsubscribe.IamportException

/** Why such a String is refused. It never quotes the value: that could be card data. */
internal const val LONE_SURROGATE_REASON = "is not valid Unicode (it contains a lone UTF-16 surrogate)"

/**
 * Thrown by the generated `FfiConverterString.toUtf8` (patched) for a lone surrogate. The nearest
 * [lowerField] around it turns it into InvalidRequest, so it never reaches the caller. It carries no
 * value and no stack trace.
 */
internal class LoneSurrogate : RuntimeException(LONE_SURROGATE_REASON, null, false, false)

/**
 * Lowers (converts for Rust) one argument or record field, [field] being its Kotlin (camelCase)
 * name, as in every error the binding raises.
 * The generated code wraps every argument and every record or enum field in it. A lone surrogate
 * anywhere inside becomes InvalidRequest([field]); the innermost name wins (a PayAgainRequest's
 * `name`, not the argument `request`), because the error is no longer a [LoneSurrogate] when it
 * passes the outer calls.
 */
internal inline fun <T> lowerField(field: String, lower: () -> T): T =
    try {
        lower()
    } catch (e: LoneSurrogate) {
        throw IamportException.InvalidRequest(field, LONE_SURROGATE_REASON)
    }
