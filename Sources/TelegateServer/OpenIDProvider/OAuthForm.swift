import Hummingbird
import TelegateCore
import TelegateRuntime
import TelegramAuth

/// The `application/x-www-form-urlencoded` body of an OAuth request (RFC 6749 §3.2): a repeated parameter is
/// refused, and a parameter sent without a value is treated as omitted.
enum OAuthForm {
    /// The parameters of `request`'s form body.
    static func parameters(_ request: Request, _ context: TelegateRequestContext) async throws -> [String: String] {
        let contentType = request.headers[.contentType]?.split(separator: ";").first?
            .trimmingCharacters(in: .whitespaces).lowercased()
        guard contentType == "application/x-www-form-urlencoded" else {
            throw OAuthError(.invalidRequest, "the body must be application/x-www-form-urlencoded")
        }
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        return try parameters(Array(buffer.readableBytesView))
    }

    /// The parameters of a form body.
    static func parameters(_ bytes: [UInt8]) throws(OAuthError) -> [String: String] {
        do {
            let fields = try ProofFields.parseForm(bytes: bytes)
            return Dictionary(
                fields.pairs.filter { !$0.value.isEmpty }.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        } catch {
            throw OAuthError(.invalidRequest, "the form body is malformed or repeats a parameter")
        }
    }

    /// The app named by the route.
    static func appID(_ context: TelegateRequestContext) throws -> AppID {
        guard let appID = context.parameters.get("app").flatMap(AppID.init(rawValue:)) else {
            throw TelegateError(.appNotFound, "there is no such app")
        }
        return appID
    }

    /// What a client-authenticated request (token, revocation, introspection) carries: the app from the route, the
    /// form's parameters, and the client's credentials from the `Authorization` header or the form.
    static func clientRequest(
        _ request: Request, _ context: TelegateRequestContext
    ) async throws -> (appID: AppID, parameters: [String: String], credentials: ClientCredentials) {
        let appID = try appID(context)
        let parameters = try await parameters(request, context)
        return (appID, parameters, ClientCredentials(authorization: request.headers[.authorization], parameters: parameters))
    }

    /// The headers every token endpoint answer carries (RFC 6749 §5.1).
    static let noStore: HTTPFields = [.cacheControl: "no-store", .pragma: "no-cache"]
}
