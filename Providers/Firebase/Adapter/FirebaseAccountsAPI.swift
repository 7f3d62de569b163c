import ProviderKit
import StrictJSON
import TelegateCore

/// Identity Toolkit's admin `accounts:update` (`POST {apiURL}/v1/projects/{project}[/tenants/{tenant}]/accounts:update`,
/// as the Admin SDKs' `updateUser` calls it) with the service account's bearer token: a `401` drops the cached token
/// and the call is made once more with a new one; a second `401`, or a `403`, means the account's access is wrong.
struct FirebaseAccountsAPI: Sendable {
    /// What an update came to.
    enum Outcome: Sendable, Equatable {
        /// Firebase updated the user; its answer names the user it updated.
        case updated(localID: String)
        /// Firebase has no such user yet: it creates the user at the first `signInWithCustomToken`.
        case userNotFound
    }

    private let url: String
    private let upstream: UpstreamClient
    private let token: CachedAccessToken

    init(settings: FirebaseSettings, upstream: UpstreamClient, token: CachedAccessToken) {
        var url = settings.apiURL + "/v1/projects/" + UpstreamRequest.formEncoded(settings.serviceAccount.projectID)
        if let tenantID = settings.tenantID { url += "/tenants/" + UpstreamRequest.formEncoded(tenantID) }
        self.url = url + "/accounts:update"
        self.upstream = upstream
        self.token = token
    }

    /// Sets `profile` on Firebase user `uid`.
    func update(uid: String, to profile: FirebaseProfile) async throws -> Outcome {
        for attempt in 1...2 {
            let bearer = try await token.current()
            // Setting the same values twice leaves the same user.
            let response = try await upstream.send(
                .json(
                    .POST, url, profile.update(uid: uid), headers: [("Authorization", "Bearer " + bearer)], idempotent: true,
                    operation: "update_account"))
            switch response.status {
            case 200:
                guard let localID = try response.json(provider: "Firebase")["localId"]?.stringValue else {
                    throw TelegateError.upstreamInvalidResponse("Firebase")
                }
                return .updated(localID: localID)
            case 400 where Self.errorMessage(response)?.hasPrefix("USER_NOT_FOUND") == true:
                return .userNotFound
            case 401 where attempt == 1:
                token.discard(bearer)
            case 401, 403:
                throw TelegateError.adapterMisconfigured(
                    "Firebase", "Identity Toolkit refused the service account (it needs the Firebase Authentication Admin role)")
            default:
                throw TelegateError.upstreamInvalidResponse("Firebase")
            }
        }
        throw TelegateError.internalError()
    }

    /// The `error.message` of Google's error envelope (`USER_NOT_FOUND`), if it has one.
    private static func errorMessage(_ response: UpstreamResponse) -> String? {
        (try? response.json(provider: "Firebase"))?["error"]?["message"]?.stringValue
    }
}
