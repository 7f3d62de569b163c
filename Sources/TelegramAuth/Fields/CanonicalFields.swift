/// The form Telegram gives signed fields, which is the only form accepted.
///
/// A key is 1 to 64 of `a`–`z`, `0`–`9` and `_` (`auth_date`, `query_id`, `first_name`, `chat_join_request_query_id`).
/// A value carries no ASCII control character (U+0000–U+001F, U+007F) once percent-decoded: Telegram writes
/// structured values as JSON, whose escapes keep control characters out of the text, and its clients clean names of
/// them. Anything else was assembled or altered by someone other than Telegram, so it is refused as
/// ``TelegramAuthError/Code/malformed`` with reason `noncanonical`, before any signature work.
///
/// The form also keeps a data-check-string unambiguous: no key can hold `=` or a line feed and no value a line
/// feed, so one signed string can never be read as different fields (`a=1` + `b=2` versus `a=1\nb=2`).
enum CanonicalFields {
    /// The ``TelegramAuthError/reason`` of a field outside the canonical form.
    static let reason = "noncanonical"
    /// The longest key accepted, in bytes.
    static let maxKeyBytes = 64

    /// Whether `byte` may appear in a key.
    @inline(__always)
    static func isKeyByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"): true
        default: false
        }
    }

    /// Whether `byte` is an ASCII control character, which no key or value may contain.
    @inline(__always)
    static func isControl(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == 0x7F
    }

    /// The refusal of field `field` (1-based) when `key` is not canonical; `nil` when it is.
    static func keyViolation(_ key: UnsafeBufferPointer<UInt8>, field: Int) -> TelegramAuthError? {
        guard !key.isEmpty, key.count <= maxKeyBytes, key.allSatisfy(isKeyByte) else {
            return TelegramAuthError(
                .malformed, reason: reason,
                "field \(field) has a key Telegram never sends: keys are 1 to \(maxKeyBytes) of a-z, 0-9 and _")
        }
        return nil
    }

    /// The refusal of field `field` (1-based) when `value` holds a control character; `nil` when it holds none.
    static func valueViolation(_ value: UnsafeBufferPointer<UInt8>, field: Int) -> TelegramAuthError? {
        value.contains(where: isControl) ? controlCharacter(field: field) : nil
    }

    /// The refusal of field `field` (1-based) for a control character in its key or value.
    static func controlCharacter(field: Int) -> TelegramAuthError {
        TelegramAuthError(
            .malformed, reason: reason,
            "field \(field) contains a control character (such as a carriage return or line feed), which Telegram never sends")
    }
}
