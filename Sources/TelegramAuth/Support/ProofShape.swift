/// Recognises a proof handed to the wrong verifier by its shape, before any parsing, so the caller learns what
/// they sent instead of a bare signature failure.
enum ProofShape {
    /// Throws ``TelegramAuthError/Code/wrongProofKind`` when `text` is a JSON object or a JWT rather than a
    /// query string.
    static func requireQueryString(_ text: String, expected: String) throws(TelegramAuthError) {
        if looksLikeJSONObject(text) {
            throw TelegramAuthError(
                .wrongProofKind,
                "\(expected) is a query string, but this is a JSON object (initDataUnsafe?); send the raw string")
        }
        if looksLikeJWT(text) {
            throw TelegramAuthError(
                .wrongProofKind, "\(expected) is a query string, but this is a JWT (a Telegram Login id_token?)")
        }
    }

    static func looksLikeJSONObject(_ text: String) -> Bool {
        text.utf8.first { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D } == UInt8(ascii: "{")
    }

    /// Compact JWS or JWE: starts like a base64url JSON header, then three or five base64url segments.
    static func looksLikeJWT(_ text: String) -> Bool {
        // The prefix check first: a real initData string never starts with "eyJ", so it costs three bytes.
        guard text.utf8.starts(with: "eyJ".utf8) else { return false }
        var dots = 0
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "."): dots += 1
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
                continue
            default: return false
            }
        }
        return dots == 2 || dots == 4
    }
}
