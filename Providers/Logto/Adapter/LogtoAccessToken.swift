import StrictJSON
import TelegateCore
import TelegramAuth

/// An access token Logto issued through the token exchange, checked before it is passed on: a compact JWT whose
/// header `typ` is `at+jwt` (RFC 9068) and whose `aud` is the one requested; its `sub` names the Logto user, which
/// the linker compares with the linked one (``ProviderUserLinker/vouch(_:for:requestID:)``). The signature is
/// Logto's to vouch for; it arrived over the authenticated call that asked for it.
struct LogtoAccessToken: Sendable {
    let token: String
    let expiresIn: Int64
    let scope: String
    let audience: String
    /// The Logto user the token is for (`sub`).
    let subject: String

    /// RFC 8693's type of an access token; an answer naming any other `issued_token_type` is not passed on.
    static let accessTokenType = "urn:ietf:params:oauth:token-type:access_token"

    /// Reads the token endpoint's answer; anything that does not hold is `502 upstream_invalid_response`. Logto
    /// sends no `issued_token_type`; when one is present it must be the access-token type that was asked for.
    init(response body: JSONValue, audience: String) throws {
        guard let token = body["access_token"]?.stringValue, let expiresIn = body["expires_in"]?.integerValue, expiresIn > 0,
            body["token_type"]?.stringValue?.lowercased() == "bearer",
            body["issued_token_type"].map({ $0.stringValue == Self.accessTokenType }) ?? true
        else { throw TelegateError.upstreamInvalidResponse("Logto") }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let header = Self.decodeJSON(parts[0]), let claims = Self.decodeJSON(parts[1]),
            let type = header["typ"]?.stringValue?.lowercased(), type == "at+jwt" || type == "application/at+jwt",
            Self.audiences(claims["aud"]).contains(audience), let subject = claims["sub"]?.stringValue, !subject.isEmpty
        else { throw TelegateError.upstreamInvalidResponse("Logto") }
        self.token = token
        self.expiresIn = expiresIn
        self.scope = body["scope"]?.stringValue ?? claims["scope"]?.stringValue ?? ""
        self.audience = audience
        self.subject = subject
    }

    private static func decodeJSON(_ part: Substring) -> JSONValue? {
        Base64.decode(part.utf8, alphabet: .url, allowPadding: false, canonical: false).flatMap { try? JSONValue.parse($0) }
    }

    private static func audiences(_ value: JSONValue?) -> [String] {
        if let single = value?.stringValue { return [single] }
        return value?.arrayElements?.compactMap(\.stringValue) ?? []
    }
}
