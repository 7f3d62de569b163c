import Foundation
import StrictJSON
import TelegateCore
import Testing

/// The whole authorization code flow in process: the login form, the code, the token endpoint, userinfo, logout.
@Suite("OpenID Provider code flow end to end")
struct CodeFlowEndToEndTests {
    typealias Flow = AuthorizationEndpointTests

    @Test("oidcc-server end to end: login form → code → tokens → userinfo, and logout ends the session the ID token names")
    func codeFlow() async throws {
        try await Flow.run { service, browser in
            let login = try await Flow.logIn(browser)
            #expect(login.status == 303)
            let code = try #require(TestService.query(of: login.header("Location"))["code"])
            service.rememberSecrets([code, "django-secret"])
            let basic = "Basic " + Data("django:django-secret".utf8).base64EncodedString()
            let body = [
                "grant_type=authorization_code", "code=\(code)",
                "redirect_uri=" + (Flow.redirectURI.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""),
                "code_verifier=" + OpenIDProviderRig.verifier,
            ].joined(separator: "&")
            let tokens = try await service.request(
                .post, "/apps/poll/token", body: body, contentType: "application/x-www-form-urlencoded",
                headers: [("Authorization", basic)])
            #expect(tokens.status == 200, "\(tokens.body)")
            let idToken = try #require(tokens.json["id_token"]?.stringValue)
            let accessToken = try #require(tokens.json["access_token"]?.stringValue)
            service.rememberSecrets([idToken, accessToken])
            let claims = try JWT.claims(idToken)
            #expect(claims["nonce"] == .string(Flow.nonce))
            #expect(claims["aud"] == .string("django"))
            #expect(claims["amr"] == .array([.string("tg_initdata")]))
            let sid = try #require(claims["sid"]?.stringValue)
            let userInfo = try await service.request(.get, "/apps/poll/userinfo", headers: [("Authorization", "Bearer " + accessToken)])
            #expect(userInfo.status == 200)
            #expect(userInfo.json["sub"] == claims["sub"])
            #expect(userInfo.json["given_name"] == .string(TestService.sampleUser.firstName))

            let logout = try await service.request(.get, "/apps/poll/logout?id_token_hint=" + idToken)
            #expect(logout.status == 200)
            let hash = try #require(Data(base64Encoded: Self.padded(sid)))
            let session = try await service.application.services.storage.browserSessions.session(
                appID: try #require(AppID(rawValue: "poll")), hash: Array(hash))
            #expect(session?.revokedAt != nil)
        }
    }

    private static func padded(_ base64url: String) -> String {
        var text = base64url.replacing("-", with: "+").replacing("_", with: "/")
        while text.utf8.count % 4 != 0 { text += "=" }
        return text
    }
}
