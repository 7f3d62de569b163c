import Crypto
import Foundation
import StrictJSON

/// Supabase Auth's access tokens: HS256 JWTs signed with the project's JWT secret, with `sub` = the user id and
/// `role`/`aud` = `authenticated`, which PostgREST reads for `auth.uid()` in row-level security.
struct SupabaseAccessToken: Sendable {
    let secret: String

    /// Signs `claims`.
    func sign(_ claims: JSONValue) -> String {
        let header = JSONValue.object([("alg", .string("HS256")), ("typ", .string("JWT"))])
        let input = Self.base64URL(Array(header.serialized.utf8)) + "." + Self.base64URL(Array(claims.serialized.utf8))
        return input + "." + Self.base64URL(signature(input))
    }

    /// The claims of a token signed with the secret and not expired at `now`, else `nil`.
    func verify(_ token: String, now: Int64) -> JSONValue? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let header = Self.decode(parts[0]).flatMap({ try? JSONValue.parse($0) }),
            header["alg"]?.stringValue == "HS256", let signature = Self.decode(parts[2]),
            signature == self.signature(parts[0] + "." + parts[1]),
            let claims = Self.decode(parts[1]).flatMap({ try? JSONValue.parse($0) }),
            let expiry = claims["exp"]?.integerValue, expiry > now
        else { return nil }
        return claims
    }

    private func signature(_ input: String) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Array(input.utf8), using: SymmetricKey(data: Array(secret.utf8))))
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: Substring) -> [UInt8]? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64).map(Array.init)
    }
}
