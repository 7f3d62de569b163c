import Crypto
import StrictJSON
import TelegateCore
import TelegramAuth
import Testing

/// The end-session endpoint as the OpenID Foundation's RP-Initiated Logout OP test plan exercises it.
@Suite("OpenID Provider end-session conformance")
struct EndSessionConformanceTests {
    typealias Rig = OpenIDProviderRig

    /// A browser session of the sample user, its cookie value, and an ID token naming it (`sid`).
    static func signedIn(_ rig: Rig, cookie: String) async throws -> (hash: [UInt8], idToken: String) {
        let user = try await rig.user()
        let hash = Array(SHA256.hash(data: Array(cookie.utf8)))
        let now = rig.service.clock.now
        try await rig.service.application.services.storage.browserSessions.create(
            BrowserSession(
                hash: hash, appID: user.appID, userID: user.id, login: UserLogin(at: now, proof: .initData), createdAt: now,
                lastSeenAt: now, expiresAt: now + 86_400))
        let reply = try await rig.redeem(try await rig.code(sessionID: Base64.urlEncode(hash)))
        return (hash, try #require(reply.json["id_token"]?.stringValue))
    }

    static func isRevoked(_ rig: Rig, _ hash: [UInt8]) async throws -> Bool {
        let appID = try #require(AppID(rawValue: "poll"))
        return try await rig.service.application.services.storage.browserSessions.session(appID: appID, hash: hash)?.revokedAt != nil
    }

    @Test("oidcc-rp-initiated-logout: an (expired) id_token_hint ends its session and returns to the registered URI with state")
    func logout() async throws {
        try await TestService.run { service in
            let rig = try await Rig.install(service, Rig.Setup())
            let (hash, idToken) = try await Self.signedIn(rig, cookie: "cookie-one")
            service.clock.advance(3601)
            let reply = try await service.request(
                .get, "/apps/poll/logout?id_token_hint=\(idToken)&post_logout_redirect_uri=https%3A%2F%2Frp.example%2Fbye&state=s%20t")
            #expect(reply.status == 303)
            #expect(reply.header("Location") == "https://rp.example/bye?state=s%20t")
            #expect(reply.header("Set-Cookie")?.hasPrefix("telegate_session=;") == true)
            #expect(try await Self.isRevoked(rig, hash))
        }
    }

    @Test("oidcc-rp-initiated-logout-no-state and no hint: the browser's cookie ends its session; no redirect without a client")
    func cookieOnly() async throws {
        try await TestService.run { service in
            let rig = try await Rig.install(service, Rig.Setup())
            let (hash, _) = try await Self.signedIn(rig, cookie: "cookie-two")
            let reply = try await service.request(
                .post, "/apps/poll/logout", body: "client_id=rp", contentType: "application/x-www-form-urlencoded",
                headers: [("Cookie", "telegate_session=cookie-two")])
            #expect(reply.status == 200)
            #expect(reply.header("Location") == nil)
            #expect(reply.body.contains("signed out"))
            #expect(reply.header("Content-Security-Policy")?.contains("frame-ancestors") == true)
            let russian = try await service.request(.get, "/apps/poll/logout?ui_locales=ru")
            #expect(russian.status == 200)
            #expect(russian.body.contains("<html lang=\"ru\">") && russian.body.contains("Вы вышли"))
            #expect(try await Self.isRevoked(rig, hash))
        }
    }

    @Test("oidcc-rp-initiated-logout-bad-post-logout-redirect-uri and -bad-id-token-hint: refused, nothing ended, no redirect")
    func refusals() async throws {
        try await TestService.run { service in
            let rig = try await Rig.install(service, [Rig.Setup(), Rig.Setup(id: "other")])[0]
            let (hash, idToken) = try await Self.signedIn(rig, cookie: "cookie-three")
            let parts = idToken.split(separator: ".").map(String.init)
            let unsigned = "\(TokenEndpointConformanceTests.segment(#"{"alg":"none","typ":"JWT"}"#)).\(parts[1])."
            for query in [
                "id_token_hint=\(idToken)&post_logout_redirect_uri=https%3A%2F%2Fevil.example%2F",
                "post_logout_redirect_uri=https%3A%2F%2Frp.example%2Fbye",
                "id_token_hint=\(unsigned)&post_logout_redirect_uri=https%3A%2F%2Frp.example%2Fbye",
                "id_token_hint=\(idToken)&client_id=other",
                "client_id=nobody",
            ] {
                let reply = try await service.request(
                    .get, "/apps/poll/logout?" + query, headers: [("Cookie", "telegate_session=cookie-three")])
                #expect(reply.status == 400, "\(query.prefix(60))")
                #expect(reply.header("Location") == nil)
                #expect(reply.header("Set-Cookie") == nil, "a refused logout changes no cookie")
                #expect(reply.header("Content-Type")?.hasPrefix("text/html") == true, "the browser sees the error page")
                #expect(reply.body.contains("<code>invalid_request</code>"))
            }
            #expect(try await !Self.isRevoked(rig, hash))
        }
    }
}
