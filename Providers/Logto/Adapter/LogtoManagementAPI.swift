import NIOHTTP1
import ProviderKit
import StrictJSON
import TelegateCore

/// Calls to Logto's Management API (`/api/…`) with the M2M token: a `401` drops the cached token and the call is
/// made once more with a new one; a second `401`, or a `403`, means the app's access is wrong.
struct LogtoManagementAPI: Sendable {
    private let endpoint: String
    private let upstream: UpstreamClient
    private let token: CachedAccessToken

    init(endpoint: String, upstream: UpstreamClient, token: CachedAccessToken) {
        self.endpoint = endpoint
        self.upstream = upstream
        self.token = token
    }

    /// Sends a call to `path` (under the endpoint) and returns Logto's answer; `401`/`403` never come back.
    func send(
        _ method: HTTPMethod, _ path: String, body: JSONValue? = nil, idempotent: Bool, operation: String
    ) async throws -> UpstreamResponse {
        for attempt in 1...2 {
            let bearer = try await token.current()
            let headers = [(name: "Authorization", value: "Bearer " + bearer)]
            let url = endpoint + path
            let request =
                body.map { UpstreamRequest.json(method, url, $0, headers: headers, idempotent: idempotent, operation: operation) }
                ?? UpstreamRequest(method, url, headers: headers, idempotent: idempotent, operation: operation)
            let response = try await upstream.send(request)
            switch response.status {
            case 401 where attempt == 1:
                token.discard(bearer)
            case 401:
                throw TelegateError.adapterMisconfigured("Logto", "the Management API refused the machine-to-machine app's token")
            case 403:
                let code = (try? response.json(provider: "Logto"))?["code"]?.stringValue
                throw TelegateError.adapterMisconfigured(
                    "Logto",
                    code == "subscription.limit_exceeded"
                        ? "the Logto plan does not include subject tokens (user impersonation)"
                        : "the machine-to-machine app lacks the Management API `all` permission")
            default:
                return response
            }
        }
        throw TelegateError.internalError()
    }

    /// The `code` of a Logto error body (`user.username_already_in_use`), if it has one.
    static func errorCode(_ response: UpstreamResponse) -> String? {
        (try? response.json(provider: "Logto"))?["code"]?.stringValue
    }
}
