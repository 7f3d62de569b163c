import TelegateCore
import TelegateIssuer
import TelegramAuth

/// RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0): ends the browser's session at the app's OpenID
/// Provider, and the session an `id_token_hint` names, then sends the browser back to the client only when it
/// asked for a post-logout redirect URI it registered.
public struct EndSessionService: Sendable {
    /// Where the browser goes after the logout.
    public enum Outcome: Sendable, Equatable {
        /// `303` to this URI (the registered post-logout redirect URI, with `state`).
        case redirect(String)
        /// The signed-out page.
        case signedOut
    }

    private let served: ServedApps

    /// Creates the service.
    public init(_ served: ServedApps) {
        self.served = served
    }

    /// Ends the sessions a logout request of `appID` names: the browser's (`sessionCookie`) and the `sid` of a
    /// valid `id_token_hint`. A hint Telegate did not sign for this app, a `client_id` that contradicts it, an
    /// unknown client or an unregistered `post_logout_redirect_uri` is `400 invalid_request`, and nothing ends.
    public func endSession(appID: AppID, parameters: [String: String], sessionCookie: String?, requestID: String?)
        async throws -> Outcome
    {
        let runtime = try served.app(appID)
        var hinted: (clientID: String?, sessionID: String?) = (nil, nil)
        if let hint = parameters["id_token_hint"] {
            // Expired hints are accepted (the specification's intent: the user is leaving), but only our own ID tokens.
            guard let (type, claims) = try await runtime.keyRing.verified(hint), type == "JWT",
                claims["iss"]?.stringValue == runtime.issuer, let audience = claims["aud"]?.stringValue
            else { throw Self.invalid("id_token_hint is not an ID token of this app") }
            hinted = (audience, claims["sid"]?.stringValue)
        }
        if let clientID = parameters["client_id"], let hintedClient = hinted.clientID, clientID != hintedClient {
            throw Self.invalid("client_id does not match id_token_hint")
        }
        let clientID = parameters["client_id"] ?? hinted.clientID
        let client = try clientID.map { id in
            guard let found = runtime.client(id) else { throw Self.invalid("there is no such client") }
            return found
        }
        var redirect: String?
        if let uri = parameters["post_logout_redirect_uri"] {
            guard let client, client.allowsPostLogoutRedirect(to: uri) else {
                throw Self.invalid("post_logout_redirect_uri is not registered for the client")
            }
            redirect = uri
        }
        let now = served.services.clock.now
        var hashes: [[UInt8]] = []
        if let sessionCookie, !sessionCookie.isEmpty, sessionCookie.utf8.count <= 64 {
            hashes.append(RandomSecret.hash(sessionCookie))
        }
        if let sessionID = hinted.sessionID,
            let hash = Base64.decode(Array(sessionID.utf8), alphabet: .url, allowPadding: false, canonical: true)
        {
            hashes.append(hash)
        }
        for hash in hashes {
            if try await served.services.storage.browserSessions.revoke(appID: appID, hash: hash, at: now) {
                await served.services.audit.record(
                    "oidc.logout", appID: appID, target: client.map { "client:\($0.id)" }, requestID: requestID)
            }
        }
        guard let redirect else { return .signedOut }
        guard let state = parameters["state"] else { return .redirect(redirect) }
        return .redirect(redirect + (redirect.contains("?") ? "&" : "?") + TelegramEncoding.queryString([("state", state)]))
    }

    private static func invalid(_ message: String) -> TelegateError {
        TelegateError(.invalidRequest, message)
    }
}
