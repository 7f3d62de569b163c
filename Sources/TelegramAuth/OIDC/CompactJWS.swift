import StrictJSON

/// A JWS in compact serialization, split and decoded strictly: exactly three unpadded base64url segments, the
/// header and payload strict JSON objects. Claims are later read from exactly the bytes whose signature is checked.
package struct CompactJWS {
    package let header: JSONValue
    package let claims: JSONValue
    /// The token text, for the signature check.
    package let token: String

    package init(_ token: String) throws(TelegramAuthError) {
        let segments = token.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard segments.count == 3 else {
            throw invalid("malformed", "an id_token is a compact JWS with three segments; this has \(segments.count)")
        }
        guard let headerBytes = Base64.decode(segments[0], alphabet: .url, allowPadding: false, canonical: true),
            let payloadBytes = Base64.decode(segments[1], alphabet: .url, allowPadding: false, canonical: true),
            Base64.decode(segments[2], alphabet: .url, allowPadding: false, canonical: true) != nil
        else {
            throw invalid("malformed", "an id_token segment is not unpadded base64url")
        }
        do {
            self.header = try JSONValue.parse(headerBytes)
            self.claims = try JSONValue.parse(payloadBytes)
        } catch {
            throw invalid("malformed", "the id_token header or claims are not valid JSON: \(error.message)")
        }
        guard case .object = header, case .object = claims else {
            throw invalid("malformed", "the id_token header and claims must be JSON objects")
        }
        self.token = token
    }
}

/// A ``TelegramAuthError/Code/tokenInvalid`` error with its sub-reason.
func invalid(_ reason: String, _ message: String) -> TelegramAuthError {
    TelegramAuthError(.tokenInvalid, reason: reason, message)
}
