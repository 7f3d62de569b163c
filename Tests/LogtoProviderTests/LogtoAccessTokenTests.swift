import StrictJSON
import TelegateCore
import TelegramAuth
import Testing

@testable import LogtoProvider

/// The token endpoint's answer is checked before anything of it is passed on.
@Suite("Logto access token answer")
struct LogtoAccessTokenTests {
    static let audience = "https://api.example.com"

    /// A token-exchange answer carrying a compact token with `typ` and claims; the signature is Logto's to vouch for.
    static func answer(type: String = "at+jwt", audience: String = audience, issuedTokenType: String? = nil) -> JSONValue {
        let header = JSONValue.object([("alg", .string("ES384")), ("typ", .string(type))])
        let claims = JSONValue.object([("sub", .string("logto_user_1")), ("aud", .string(audience)), ("scope", .string("read"))])
        let token = Base64.urlEncode(header.serializedBytes) + "." + Base64.urlEncode(claims.serializedBytes) + ".c2ln"
        var members: [(key: String, value: JSONValue)] = [
            ("access_token", .string(token)), ("token_type", .string("Bearer")), ("expires_in", .integer(3600)),
        ]
        if let issuedTokenType { members.append(("issued_token_type", .string(issuedTokenType))) }
        return .object(members)
    }

    private func refused(_ body: JSONValue) -> Bool {
        do {
            _ = try LogtoAccessToken(response: body, audience: Self.audience)
            return false
        } catch {
            return (error as? TelegateError)?.code.rawValue == "upstream_invalid_response"
        }
    }

    @Test("H12: an answer whose issued_token_type is not the access token asked for is refused, never passed on")
    func issuedTokenType() throws {
        #expect(try LogtoAccessToken(response: Self.answer(), audience: Self.audience).subject == "logto_user_1")
        let accessType = "urn:ietf:params:oauth:token-type:access_token"
        #expect(try LogtoAccessToken(response: Self.answer(issuedTokenType: accessType), audience: Self.audience).subject == "logto_user_1")
        for other in ["urn:ietf:params:oauth:token-type:id_token", "urn:ietf:params:oauth:token-type:refresh_token", "urn:ietf:params:oauth:token-type:jwt", ""] {
            #expect(refused(Self.answer(issuedTokenType: other)), "\(other)")
        }
    }

    @Test("H12: a token that is not typed at+jwt, or names another audience, is refused")
    func tokenShape() {
        #expect(refused(Self.answer(type: "JWT")))
        #expect(refused(Self.answer(audience: "https://other.example.com")))
    }
}
