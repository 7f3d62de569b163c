import Foundation
import HTTPTypes
import Hummingbird
import TelegateVerifier

/// Verifies the request's `Authorization: Bearer <token>` with a ``TelegateVerifier`` and puts the verified token in
/// the context's ``TelegateAuthenticatedContext/telegateToken`` for the routes behind it.
///
/// - No `Authorization: Bearer` header: `401` with `WWW-Authenticate: Bearer` (RFC 6750 §3.1: no error code).
/// - A token the verifier refuses: `401` with `WWW-Authenticate: Bearer error="invalid_token", error_description="…"`.
/// - The issuer's keys or introspection endpoint unreachable (``VerificationError/isUnavailable``): `503` with
///   `Retry-After: 5`.
public struct TelegateBearerMiddleware<Context: TelegateAuthenticatedContext>: RouterMiddleware {
    private let verifier: TelegateVerifier
    private let kind: TokenKind
    private let checkingRevocation: Bool

    /// A middleware accepting tokens of `kind` (access tokens by default) that `verifier` accepts; with
    /// `checkingRevocation`, each request also asks the issuer's introspection endpoint.
    public init(verifier: TelegateVerifier, kind: TokenKind = .accessToken, checkingRevocation: Bool = false) {
        self.verifier = verifier
        self.kind = kind
        self.checkingRevocation = checkingRevocation
    }

    /// Verifies the bearer token, then calls `next` with it in the context.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token = Self.bearerToken(request.headers[.authorization]) else {
            throw HTTPError(.unauthorized, headers: [.wwwAuthenticate: "Bearer"], message: "a bearer token is required")
        }
        let verified: VerifiedToken
        do {
            verified = try await verifier.verify(token, as: kind, checkingRevocation: checkingRevocation)
        } catch where error.isUnavailable {
            throw HTTPError(.serviceUnavailable, headers: [.retryAfter: "5"], message: error.description)
        } catch {
            throw HTTPError(
                .unauthorized, headers: [.wwwAuthenticate: "Bearer error=\"invalid_token\", error_description=\"\(error.description)\""],
                message: error.description)
        }
        var context = context
        context.telegateToken = verified
        return try await next(request, context)
    }

    /// The token of an `Authorization` value `Bearer <token>` (the scheme in any case, RFC 9110 §11.1).
    static func bearerToken(_ value: String?) -> String? {
        guard let value, value.count > 7, value.prefix(7).lowercased() == "bearer " else { return nil }
        let token = value.dropFirst(7).trimmingCharacters(in: .whitespaces)
        return token.isEmpty || token.contains(" ") ? nil : token
    }
}
