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

    static func looksLikeJWT(_ text: String) -> Bool {
        let segments = text.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard segments.count == 3 || segments.count == 5, text.utf8.starts(with: "eyJ".utf8) else { return false }
        return segments.allSatisfy { segment in
            segment.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
                    true
                default: false
                }
            }
        }
    }
}
