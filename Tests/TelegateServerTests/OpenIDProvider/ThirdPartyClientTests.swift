import Foundation
import StrictJSON
import TelegateApp
@testable import TelegateCore
import TestSupport
import Testing

/// Real OpenID Connect clients against a running Telegate: django-allauth's `openid_connect` provider (a
/// confidential client, with PKCE) and Authlib (a public client, with PKCE), each logging in through the hosted
/// page's form with a signed `initData` (`Tests/Interop/openid_provider/`). Install them with
/// `pip install django "django-allauth[socialaccount]" authlib` (CI does).
@Suite("OpenID Provider: third-party clients")
struct ThirdPartyClientTests {
    static let scripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Interop/openid_provider")
    static let allauthCallback = "http://localhost/accounts/oidc/telegate/login/callback/"
    static let authlibCallback = "http://127.0.0.1:8765/callback"

    /// App `poll` with a confidential client for Django and a public one for Authlib.
    static func clients(_ configuration: inout TelegateConfiguration) {
        configuration.apps[0].clients = [
            ClientSpec(
                id: ClientID(rawValue: "django")!, secret: .environment("POLL_DJANGO_CLIENT_SECRET"),
                redirectURIs: [allauthCallback]),
            ClientSpec(id: ClientID(rawValue: "authlib")!, redirectURIs: [authlibCallback]),
        ]
    }

    /// The local user id of the sample Telegram user in app `poll`.
    static func localUserID(_ service: TestService) async throws -> String {
        let poll = try #require(AppID(rawValue: "poll"))
        let user = try await service.application.services.storage.users.user(appID: poll, telegramID: TestService.sampleUser.id)
        return try #require(user).id.rawValue
    }

    @Test("django-allauth logs in: the social account's uid is the local user id, its extra data the Telegram profile")
    func allauth() async throws {
        try await TestService.run(live: true, clock: TestClock(Int64(Date().timeIntervalSince1970)), configure: Self.clients) { service in
            let issuer = service.baseURL + "/apps/poll"
            let initData = try service.signedInitData()
            let result = try await ChildProcess.run(
                "/usr/bin/env",
                ["python3", Self.scripts.appendingPathComponent("allauth_login.py").path, issuer, "django",
                 TestService.djangoClientSecret, initData])
            try #require(result.status == 0, "allauth_login.py: \(result.output) — pip install django \"django-allauth[socialaccount]\"")
            let output = try JSONValue.parse(String(result.output.split(separator: "\n").last ?? ""))
            let userID = try await Self.localUserID(service)
            #expect(output["uid"]?.stringValue == userID)
            let userinfo = output["extra_data"]?["userinfo"]
            #expect(userinfo?["sub"]?.stringValue == userID)
            #expect(userinfo?["preferred_username"]?.stringValue == TestService.sampleUser.username)
            #expect(userinfo?["given_name"]?.stringValue == TestService.sampleUser.firstName)
            #expect(userinfo?["telegram_id"]?.integerValue == TestService.sampleUser.id)
            #expect(userinfo?["telegram_username"]?.stringValue == TestService.sampleUser.username)
            #expect(userinfo?["email"] == nil, "Telegate invents no email")
            #expect(output["extra_data"]?["id_token"]?["sub"]?.stringValue == userID)
            #expect(output["user"]?["first_name"]?.stringValue == TestService.sampleUser.firstName)
            #expect(output["user"]?["email"]?.stringValue == "")
        }
    }

    @Test("Authlib, a public client with PKCE, validates the ID token (nonce, at_hash) and reads the same claims at userinfo")
    func authlib() async throws {
        try await TestService.run(live: true, clock: TestClock(Int64(Date().timeIntervalSince1970)), configure: Self.clients) { service in
            let issuer = service.baseURL + "/apps/poll"
            let result = try await ChildProcess.run(
                "/usr/bin/env",
                ["python3", Self.scripts.appendingPathComponent("authlib_login.py").path, issuer, "authlib",
                 Self.authlibCallback, try service.signedInitData()])
            try #require(result.status == 0, "authlib_login.py: \(result.output) — pip install authlib")
            let output = try JSONValue.parse(String(result.output.split(separator: "\n").last ?? ""))
            let userID = try await Self.localUserID(service)
            let idToken = output["id_token"]
            #expect(idToken?["sub"]?.stringValue == userID)
            #expect(idToken?["aud"]?.stringValue == "authlib")
            #expect(idToken?["amr"]?.arrayElements?.first?.stringValue == "tg_initdata")
            for claim in ["sub", "name", "given_name", "preferred_username", "telegram_id", "telegram_username"] {
                #expect(output["userinfo"]?[claim] == idToken?[claim], "\(claim)")
            }
            #expect(output["has_refresh_token"]?.boolValue == true)
            #expect(Set(output["scope"]?.stringValue?.split(separator: " ") ?? []) == ["openid", "profile", "telegram", "offline_access"])
        }
    }
}
