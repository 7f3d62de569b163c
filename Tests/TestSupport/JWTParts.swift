import Foundation
import StrictJSON

/// Reading JWT parts without verifying (tests verify separately, as relying parties do).
public enum JWTParts {
    /// A token that is not three base64url parts with JSON inside.
    public struct NotAJWT: Error {}

    /// The JOSE header of `token`.
    public static func header(_ token: String) throws -> JSONValue { try part(token, 0) }
    /// The claims of `token`.
    public static func claims(_ token: String) throws -> JSONValue { try part(token, 1) }

    private static func part(_ token: String, _ index: Int) throws -> JSONValue {
        let segments = token.split(separator: ".", omittingEmptySubsequences: false)
        guard segments.count == 3 else { throw NotAJWT() }
        var base64 = String(segments[index]).replacing("-", with: "+").replacing("_", with: "/")
        while base64.utf8.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64) else { throw NotAJWT() }
        return try JSONValue.parse(Array(data))
    }
}
