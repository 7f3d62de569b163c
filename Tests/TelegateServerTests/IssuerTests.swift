import Foundation
import Logging
import OIDCSimulator
@testable import TelegateApp
import StrictJSON
import TelegateCore
import TestSupport
import Testing

/// The built-in issuer as relying parties see it: only the discovery document and JWKS, fetched over HTTP.
@Suite("Built-in issuer")
struct IssuerTests {
    @Test("F11: discovery names the exact issuer the tokens carry, and the JWKS serves public keys only as JSON")
    func discoveryAndJWKS() async throws {
        try await TestService.run { service in
            let discovery = try await service.request(.get, "/apps/poll/.well-known/openid-configuration")
            #expect(discovery.status == 200)
            #expect(discovery.header("Content-Type") == "application/json")
            let issuer = try #require(discovery.json["issuer"]?.stringValue)
            #expect(issuer == service.baseURL + "/apps/poll")
            for member in [
                "jwks_uri", "token_endpoint", "id_token_signing_alg_values_supported", "response_types_supported",
                "subject_types_supported", "grant_types_supported", "claims_supported",
            ] {
                #expect(discovery.json[member] != nil, "\(member)")
            }
            #expect(discovery.json["id_token_signing_alg_values_supported"] == .array([.string("ES256"), .string("RS256")]))
            let jwks = try await service.request(.get, "/apps/poll/.well-known/jwks.json")
            #expect(jwks.header("Content-Type") == "application/json")
            let keys = try #require(jwks.json["keys"]?.arrayElements)
            #expect(keys.count == 4)  // active and next, for RS256 and ES256
            for key in keys {
                #expect(key["kid"]?.stringValue?.isEmpty == false)
                #expect(key["use"]?.stringValue == "sig")
                #expect(key["alg"] != nil)
                for member in ["d", "p", "q", "dp", "dq", "qi", "k"] { #expect(key[member] == nil) }
            }
            let exchange = try await service.exchange(initData: service.signedInitData())
            #expect(try JWT.claims(Credentials(exchange).idToken)["iss"]?.stringValue == issuer)
            service.rememberSecrets(Credentials(exchange).all)
            let unknown = try await service.request(.get, "/apps/nope/.well-known/jwks.json")
            #expect(unknown.status == 404)
        }
    }

    @Test("The ID token passes Convex's OIDC provider checks and its custom JWT checks")
    func convex() async throws {
        try await TestService.run(live: true) { service in
            let exchange = try await service.exchange(initData: service.signedInitData())
            let credentials = Credentials(exchange)
            service.rememberSecrets(credentials.all)
            let issuer = service.baseURL + "/apps/poll"
            let now: @Sendable () -> Int64 = { [clock = service.clock] in clock.now }
            let oidc = ConvexVerifier(provider: .oidc(domain: issuer, applicationID: "convex"), client: service.client, now: now)
            let identity = try await oidc.verify(credentials.idToken)
            #expect(identity.subject == exchange.json["user"]?["id"]?.stringValue)
            #expect(identity.tokenIdentifier == "\(issuer)|\(identity.subject)")
            #expect(identity.claims["telegram_id"]?.integerValue == TestService.sampleUser.id)
            let custom = ConvexVerifier(
                provider: .customJwt(issuer: issuer, jwks: issuer + "/.well-known/jwks.json", algorithm: "RS256", applicationID: "convex"),
                client: service.client, now: now)
            #expect(try await custom.verify(credentials.idToken).subject == identity.subject)
            // Convex's OIDC path refuses access tokens (typ at+jwt); customJwt does not check typ, but the access token
            // names the resource, not the application id, so it is refused there too unless configured for it.
            await #expect(throws: RelyingPartyRejection.self) { try await oidc.verify(credentials.accessToken) }
            await #expect(throws: RelyingPartyRejection.self) { try await custom.verify(credentials.accessToken) }
            let resource = ConvexVerifier(
                provider: .customJwt(issuer: issuer, jwks: issuer + "/.well-known/jwks.json", algorithm: "RS256", applicationID: issuer + "/api/convex"),
                client: service.client, now: now)
            #expect(try await resource.verify(credentials.accessToken).subject == identity.subject)
            await #expect(throws: RelyingPartyRejection.self) { try await resource.verify(credentials.idToken) }
            // An ES256 adapter's tokens go through customJwt (Convex's OIDC path only takes RS256 and EdDSA).
            let supabase = try await service.exchange(initData: service.signedInitData(), provider: "supabase")
            service.rememberSecrets(Credentials(supabase).all)
            let es256 = ConvexVerifier(
                provider: .customJwt(issuer: issuer, jwks: issuer + "/.well-known/jwks.json", algorithm: "ES256", applicationID: "authenticated"),
                client: service.client, now: now)
            #expect(try await es256.verify(Credentials(supabase).idToken).subject == identity.subject)
        }
    }

    @Test("The ID token header and claims have the documented shape")
    func idTokenShape() async throws {
        try await TestService.run { service in
            let exchange = try await service.exchange(initData: service.signedInitData())
            let token = Credentials(exchange).idToken
            service.rememberSecrets(Credentials(exchange).all)
            let header = try JWT.header(token)
            #expect(header.objectMembers?.map(\.key) == ["alg", "kid", "typ"])
            #expect(header["typ"]?.stringValue == "JWT")
            let claims = try JWT.claims(token)
            for claim in ["iss", "sub", "aud", "iat", "exp", "auth_time", "amr", "name", "given_name", "family_name", "preferred_username", "picture", "locale", "telegram_id"] {
                #expect(claims[claim] != nil, "\(claim)")
            }
            #expect(claims["aud"]?.stringValue == "convex")
            #expect(claims["exp"]?.integerValue == service.clock.now + 3600)
            #expect(claims["amr"] == .array([.string("telegram_mini_app")]))
            #expect(claims["sub"]?.stringValue != "vdkfrost")
        }
    }

    @Test("F12: the access token passes RFC 9068 §4 resource-server checks")
    func accessToken() async throws {
        try await TestService.run(live: true) { service in
            let exchange = try await service.exchange(initData: service.signedInitData())
            let token = Credentials(exchange).accessToken
            service.rememberSecrets(Credentials(exchange).all)
            let verifier = ResourceServerVerifier(
                issuer: service.baseURL + "/apps/poll", resource: service.baseURL + "/apps/poll/api/convex",
                client: service.client, now: { [clock = service.clock] in clock.now })
            let claims = try await verifier.verify(token)
            // The ID token's audience is not this resource: an API checking aud refuses access tokens meant elsewhere.
            let byAudience = ResourceServerVerifier(
                issuer: service.baseURL + "/apps/poll", resource: "convex", client: service.client,
                now: { [clock = service.clock] in clock.now })
            await #expect(throws: RelyingPartyRejection.self) { try await byAudience.verify(token) }
            #expect(claims["client_id"]?.stringValue == "convex")
            #expect(claims["scope"]?.stringValue == "openid profile")
            #expect(claims["exp"]?.integerValue == service.clock.now + 900)
            // An ID token is not an access token (F1).
            await #expect(throws: RelyingPartyRejection.self) { try await verifier.verify(Credentials(exchange).idToken) }
            // Another app's issuer does not accept it (F2).
            let other = ResourceServerVerifier(
                issuer: service.baseURL + "/apps/quiz", resource: service.baseURL + "/apps/poll/api/convex", client: service.client)
            await #expect(throws: RelyingPartyRejection.self) { try await other.verify(token) }
        }
    }

    @Test("F1: ID and access tokens name different audiences by default; an explicit resource sets the access token's, even to the audience")
    func audiences() async throws {
        try await TestService.run(configure: { configuration in
            configuration.apps[1].adapters.append(
                .init(
                    name: AdapterName(rawValue: "legacy")!, kind: "oidc", isDefault: false,
                    config: .object([("audience", .string("quiz-app")), ("resource", .string("quiz-app")), ("algorithm", .string("ES256"))])))
            configuration.apps[1].adapters.append(
                .init(
                    name: AdapterName(rawValue: "api")!, kind: "oidc", isDefault: false,
                    config: .object([("audience", .string("quiz-app")), ("resource", .string("https://api.quiz.example")), ("algorithm", .string("ES256"))])))
        }) { service in
            for (app, provider, audience, resource) in [
                ("poll", "convex", "convex", service.baseURL + "/apps/poll/api/convex"),
                ("poll", "supabase", "authenticated", service.baseURL + "/apps/poll/api/supabase"),
                ("quiz", "legacy", "quiz-app", "quiz-app"), ("quiz", "api", "quiz-app", "https://api.quiz.example"),
            ] {
                let token = TestService.quizToken
                let initData = app == "poll" ? try service.signedInitData() : try service.signedInitData(token: token)
                let exchange = try await service.exchange(app: app, initData: initData, provider: provider)
                #expect(exchange.status == 200, "\(exchange.body)")
                let credentials = Credentials(exchange)
                service.rememberSecrets(credentials.all)
                #expect(try JWT.claims(credentials.idToken)["aud"]?.stringValue == audience, "\(provider)")
                #expect(try JWT.claims(credentials.accessToken)["aud"]?.stringValue == resource, "\(provider)")
            }
        }
    }

    @Test("An oidc adapter whose audience equals the default resource must name its resource")
    func audienceEqualToDefaultResource() async throws {
        let port = FreePort.next()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("telegate-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var configuration = try TestService.standardConfiguration(port: port, directory: directory)
        configuration.apps[1].adapters[0].config = .object([("audience", .string("http://127.0.0.1:\(port)/apps/quiz/api/convex"))])
        do {
            let application = try await TelegateApplication.prepare(
                configuration: configuration,
                environment: ["TELEGATE_MASTER_KEY": TestService.masterKey, "POLL_BOT_TOKEN": TestService.pollToken, "QUIZ_BOT_TOKEN": TestService.quizToken],
                logger: Logger(label: "test"))
            try await application.shutdown()
            Issue.record("an audience equal to the default resource was accepted")
        } catch let error as TelegateError {
            #expect(error.code.rawValue == "invalid_config")
            #expect(error.message.contains("set resource explicitly"))
        }
    }

    @Test("An independent JOSE implementation (Python joserfc) validates both tokens from the discovery URL")
    func interoperability() async throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Interop/verify_tokens.py").path
        try await TestService.run(live: true, clock: TestClock(Int64(Date().timeIntervalSince1970))) { service in
            for provider in ["convex", "supabase"] {
                let exchange = try await service.exchange(initData: service.signedInitData(), provider: provider)
                let credentials = Credentials(exchange)
                service.rememberSecrets(credentials.all)
                let audience = provider == "convex" ? "convex" : "authenticated"
                let result = try await ChildProcess.run(
                    "/usr/bin/env",
                    ["python3", script, service.baseURL + "/apps/poll/.well-known/openid-configuration", audience,
                     service.baseURL + "/apps/poll/api/\(provider)", credentials.idToken, credentials.accessToken])
                #expect(result.status == 0, "python3 \(script): \(result.output) — install joserfc with pip")
                #expect(result.output.trimmingCharacters(in: .whitespacesAndNewlines) == "ok")
            }
        }
    }

    @Test("F9: key rotation with tokens outstanding: old tokens keep verifying, new ones use the new kid")
    func rotation() async throws {
        try await TestService.run(live: true) { service in
            let before = try await service.exchange(initData: service.signedInitData())
            let oldToken = Credentials(before).idToken
            let oldKid = try #require(try JWT.header(oldToken)["kid"]?.stringValue)
            let jwksBefore = try await service.request(.get, "/apps/poll/.well-known/jwks.json")
            let runtime = try #require(service.application.runtimes.app(AppID(rawValue: "poll")!))
            let rotated = try await runtime.keyRing.rotate(.rs256, retiredKeyLifetime: runtime.longestTokenLifetime)
            let newKid = try #require(rotated.first)
            // The new key was published before it signed anything.
            #expect(jwksBefore.body.contains(newKid))
            let after = try await service.exchange(initData: service.signedInitData())
            let newToken = Credentials(after).idToken
            #expect(try JWT.header(newToken)["kid"]?.stringValue == newKid)
            #expect(newKid != oldKid)
            let verifier = ConvexVerifier(
                provider: .oidc(domain: service.baseURL + "/apps/poll", applicationID: "convex"), client: service.client,
                now: { [clock = service.clock] in clock.now })
            _ = try await verifier.verify(oldToken)
            _ = try await verifier.verify(newToken)
            // Once every token the old key signed has expired, it leaves the JWKS.
            service.clock.advance(runtime.longestTokenLifetime + 1)
            try await runtime.keyRing.reload()
            let jwksLater = try await service.request(.get, "/apps/poll/.well-known/jwks.json")
            #expect(!jwksLater.body.contains(oldKid))
            #expect(jwksLater.body.contains(newKid))
            service.rememberSecrets(Credentials(before).all + Credentials(after).all)
        }
    }
}
