import Foundation
import TelegateCore

/// The credentials a client presented at the token, revocation or introspection endpoint: HTTP Basic (RFC 6749
/// §2.3.1, id and secret form-urlencoded before base64), `client_id` and `client_secret` in the body, or a bare
/// `client_id` for a public client.
public struct ClientCredentials: Sendable {
    /// The id and secret from the `Authorization: Basic` header.
    let basic: (id: String, secret: String)?
    /// Whether the request carried an `Authorization: Basic` header, readable or not: a refusal then challenges.
    let usedBasic: Bool
    let bodyID: String?
    let bodySecret: String?

    /// Reads the credentials from the `Authorization` header and the body parameters.
    public init(authorization: String?, parameters: [String: String]) {
        bodyID = parameters["client_id"]
        bodySecret = parameters["client_secret"]
        guard let authorization, authorization.count > 6, authorization.prefix(6).lowercased() == "basic " else {
            (basic, usedBasic) = (nil, false)
            return
        }
        usedBasic = true
        guard let decoded = Data(base64Encoded: String(authorization.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
            let text = String(data: decoded, encoding: .utf8), let colon = text.firstIndex(of: ":"),
            let id = Self.formDecoded(text[..<colon]), let secret = Self.formDecoded(text[text.index(after: colon)...])
        else {
            basic = nil
            return
        }
        basic = (id, secret)
    }

    /// The client these credentials authenticate at `runtime`, by a method the client accepts. Anything else is
    /// `401 invalid_client`, challenging with `Basic` when Basic was tried.
    public func authenticate(at runtime: AppRuntime) throws(OAuthError) -> RegisteredClient {
        let refusal = OAuthError(
            .invalidClient, "client authentication failed",
            challenge: usedBasic ? "Basic realm=\"\(runtime.issuer)\", charset=\"UTF-8\"" : nil)
        if usedBasic {
            guard bodySecret == nil else {
                throw OAuthError(.invalidRequest, "use one client authentication method, not several")
            }
            guard let basic, bodyID == nil || bodyID == basic.id, let client = runtime.client(basic.id),
                client.acceptedAuthMethods.contains(.clientSecretBasic), client.authenticates(secret: basic.secret)
            else { throw refusal }
            return client
        }
        guard let bodyID, let client = runtime.client(bodyID) else { throw refusal }
        if let bodySecret {
            guard client.acceptedAuthMethods.contains(.clientSecretPost), client.authenticates(secret: bodySecret) else {
                throw refusal
            }
            return client
        }
        guard client.isPublic, client.acceptedAuthMethods.contains(ClientSpec.AuthMethod.none) else { throw refusal }
        return client
    }

    /// `application/x-www-form-urlencoded` decoding of one Basic credential part.
    private static func formDecoded(_ part: Substring) -> String? {
        part.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}
