// Hand-written support for the generated bindings (uniffi.toml maps core's custom types here).

import Foundation

// Card data and credentials. The value is kept as given and leaves only through exposeSecret()
// (which the generated code calls to hand it to Rust); description, debugDescription and
// reflection (print, dump, a record's default description) show a mask.

/// Card number (PAN); prints as `****-****-****-1234`. Dashes and spaces are allowed.
public struct MaskedCardNumber: Hashable, Sendable {
    private let value: String
    public init(_ value: String) { self.value = value }
    /// The raw value. Call it only to hand the value to something that needs it.
    public func exposeSecret() -> String { value }
    /// The last four digits, for receipts.
    public var last4: String { String(value.filter { $0.isASCII && $0.isNumber }.suffix(4)) }
    // As core's CardNumber: the last four only when the number is long enough to reveal little.
    fileprivate var mask: String {
        value.filter { $0.isASCII && $0.isNumber }.count >= 12 ? "****-****-****-\(last4)" : "****"
    }
}

/// Card expiry `YYYY-MM` (or `YYYYMM`); prints as `****-**`.
public struct MaskedExpiry: Hashable, Sendable {
    private let value: String
    public init(_ value: String) { self.value = value }
    public func exposeSecret() -> String { value }
    fileprivate var mask: String { "****-**" }
}

/// Birth date `YYMMDD` or a 10-digit business registration number; prints as `******`.
public struct MaskedBirth: Hashable, Sendable {
    private let value: String
    public init(_ value: String) { self.value = value }
    public func exposeSecret() -> String { value }
    fileprivate var mask: String { "******" }
}

/// First two digits of the card PIN; prints as `**`.
public struct MaskedPwd2Digit: Hashable, Sendable {
    private let value: String
    public init(_ value: String) { self.value = value }
    public func exposeSecret() -> String { value }
    fileprivate var mask: String { "**" }
}

/// Card verification code; prints as `***`.
public struct MaskedCvc: Hashable, Sendable {
    private let value: String
    public init(_ value: String) { self.value = value }
    public func exposeSecret() -> String { value }
    fileprivate var mask: String { "***" }
}

/// The REST API secret (`imp_secret`); prints as `[redacted]`.
public struct MaskedImpSecret: Hashable, Sendable {
    private let value: String
    public init(_ value: String) { self.value = value }
    public func exposeSecret() -> String { value }
    fileprivate var mask: String { "[redacted]" }
}

/// An access token (what a token provider returns); prints as `[redacted]`.
public struct MaskedAccessToken: Hashable, Sendable {
    private let value: String
    public init(_ value: String) { self.value = value }
    public func exposeSecret() -> String { value }
    fileprivate var mask: String { "[redacted]" }
}

extension MaskedCardNumber: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable, ExpressibleByStringLiteral {
    public var description: String { mask }
    public var debugDescription: String { mask }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
    public init(stringLiteral value: String) { self.init(value) }
}

extension MaskedExpiry: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable, ExpressibleByStringLiteral {
    public var description: String { mask }
    public var debugDescription: String { mask }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
    public init(stringLiteral value: String) { self.init(value) }
}

extension MaskedBirth: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable, ExpressibleByStringLiteral {
    public var description: String { mask }
    public var debugDescription: String { mask }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
    public init(stringLiteral value: String) { self.init(value) }
}

extension MaskedPwd2Digit: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable, ExpressibleByStringLiteral {
    public var description: String { mask }
    public var debugDescription: String { mask }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
    public init(stringLiteral value: String) { self.init(value) }
}

extension MaskedCvc: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable, ExpressibleByStringLiteral {
    public var description: String { mask }
    public var debugDescription: String { mask }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
    public init(stringLiteral value: String) { self.init(value) }
}

extension MaskedImpSecret: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable, ExpressibleByStringLiteral {
    public var description: String { mask }
    public var debugDescription: String { mask }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
    public init(stringLiteral value: String) { self.init(value) }
}

extension MaskedAccessToken: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable, ExpressibleByStringLiteral {
    public var description: String { mask }
    public var debugDescription: String { mask }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
    public init(stringLiteral value: String) { self.init(value) }
}

/// An amount from Rust was not decimal text (cannot happen with this library; kept typed anyway).
public struct AmountFormatError: Error, CustomStringConvertible {
    public let text: String
    public var description: String { "not a decimal amount: \(text)" }
}

// Amounts cross as exact decimal text, never as a Double. A Decimal that Rust cannot hold exactly
// (NaN, more than 28 decimal places or digits) is refused by Rust: the call throws.
private let wireLocale = Locale(identifier: "en_US_POSIX")

func decimalFromWire(_ text: String) throws -> Decimal {
    guard let value = Decimal(string: text, locale: wireLocale) else {
        throw AmountFormatError(text: text)
    }
    return value
}

func decimalToWire(_ value: Decimal) -> String {
    // Decimal's description is plain decimal text with a '.' in every locale.
    value.description
}
