import Foundation
import StrictJSON
import TelegateCore
import TelegateIssuer
import TelegateRuntime
import Testing

/// The token endpoint, userinfo, revocation and introspection as the OpenID Foundation's Basic OP test plan
/// exercises them; each test is named after the module it models.
@Suite("OpenID Provider token endpoint conformance")
struct TokenEndpointConformanceTests {
    typealias Rig = OpenIDProviderRig

    @Test("oidcc-server: a code with its PKCE verifier gives signed tokens with every ID token claim")
    func server() async throws {
        try await TestService.run { service in
            let rig = try await Rig.install(service, Rig.Setup())
            let reply = try await rig.redeem(try await rig.code())
            #expect(reply.status == 200)
            #expect(reply.header("Cache-Control") == "no-store")
            #expect(reply.header("Pragma") == "no-cache")
            #expect(reply.json["token_type"] == .string("Bearer"))
            #expect(reply.json["expires_in"] == .integer(900))
            #expect(reply.json["scope"] == .string("openid profile telegram"))
            #expect(reply.json["refresh_token"] == nil, "no offline_access, no refresh token")
            let idToken = try #require(reply.json["id_token"]?.stringValue)
            let accessToken = try #require(reply.json["access_token"]?.stringValue)
            #expect(try JWT.header(idToken)["alg"] == .string("RS256"))
            #expect(try JWT.header(accessToken)["typ"] == .string("at+jwt"))
            let claims = try JWT.claims(idToken)
            #expect(claims["iss"] == .string(service.baseURL + "/apps/poll"))
            #expect(claims["aud"] == .string("rp"))
            #expect(claims["azp"] == .string("rp"))
            #expect(claims["nonce"] == .string("n-0S6_WzA2Mj"))
            #expect(claims["amr"] == .array([.string("tg_initdata")]))
            #expect(claims["sid"] == .string("sess-1"))
            #expect(claims["auth_time"] == .integer(service.clock.now - 3))
            #expect(claims["exp"] == .integer(service.clock.now + 3600))
            #expect(claims["at_hash"] == .string(AccessTokenHash.value(of: accessToken, algorithm: .rs256)))
            #expect(claims["telegram_id"] == .integer(TestService.sampleUser.id))
            #expect(claims["preferred_username"] == .string("vdkfrost"))
            #expect(claims["email"] == nil)
            let access = try JWT.claims(accessToken)
            #expect(access["client_id"] == .string("rp"))
            #expect(access["scope"] == .string("openid profile telegram"))
            #expect(access["sub"] == claims["sub"])
        }
    }

    @Test("oidcc-ensure-request-without-nonce-succeeds-for-code-flow, and an EdDSA client's at_hash uses SHA-512")
    func withoutNonceEdDSA() async throws {
        try await TestService.run { service in
            let rig = try await Rig.install(service, Rig.Setup(algorithm: .edDSA))
            let reply = try await rig.redeem(try await rig.code(nonce: nil))
            #expect(reply.status == 200)
            let idToken = try #require(reply.json["id_token"]?.stringValue)
            let accessToken = try #require(reply.json["access_token"]?.stringValue)
            #expect(try JWT.header(idToken)["alg"] == .string("EdDSA"))
            #expect(try JWT.claims(idToken)["nonce"] == nil)
            #expect(try JWT.claims(idToken)["at_hash"] == .string(AccessTokenHash.value(of: accessToken, algorithm: .edDSA)))
            #expect(try await rig.userInfo(accessToken).status == 200)
        }
    }

    @Test("oidcc-codereuse: a second use is invalid_grant and revokes every token the first use issued")
    func codeReuse() async throws {
        try await TestService.run { service in
            let rig = try await Rig.install(service, Rig.Setup())
            let code = try await rig.code(scopes: ["openid", "profile", "offline_access"])
            let first = try await rig.redeem(code)
            #expect(first.status == 200)
            let accessToken = try #require(first.json["access_token"]?.stringValue)
            let refreshToken = try #require(first.json["refresh_token"]?.stringValue)
            #expect(try await rig.userInfo(accessToken).status == 200)
            let second = try await rig.redeem(code)
            #expect(second.status == 400)
            #expect(second.json["error"] == .string("invalid_grant"))
            #expect(second.json["access_token"] == nil)
            let userInfo = try await rig.userInfo(accessToken)
            #expect(userInfo.status == 401)
            #expect(userInfo.header("WWW-Authenticate")?.contains("error=\"invalid_token\"") == true)
            let introspection = try await rig.post("/apps/poll/introspect", [("token", accessToken)])
            #expect(introspection.json == .object([("active", .bool(false))]))
            let refresh = try await rig.post("/apps/poll/token", [("grant_type", "refresh_token"), ("refresh_token", refreshToken)])
            #expect(refresh.json["error"] == .string("invalid_grant"))
        }
    }

    @Test("oidcc-ensure-registered-redirect-uri at the token endpoint: redirect_uri must repeat the request's byte for byte")
    func redirectURIMismatch() async throws {
        try await TestService.run { service in
            let rig = try await Rig.install(service, Rig.Setup())
            for other in [Rig.redirectURI + "/", "https://RP.example/callback", "https://rp.example/callback?x=1"] {
                let reply = try await rig.redeem(try await rig.code(), redirectURI: other)
                #expect(reply.status == 400, "\(other)")
                #expect(reply.json["error"] == .string("invalid_grant"))
            }
            let missing = try await rig.post(
                "/apps/poll/token", [("grant_type", "authorization_code"), ("code", try await rig.code()), ("code_verifier", Rig.verifier)])
            #expect(missing.json["error"] == .string("invalid_request"))
        }
    }

    @Test("PKCE (RFC 7636 §4.6): a missing, wrong or plain verifier is invalid_grant; a public client must use PKCE")
    func proofKey() async throws {
        try await TestService.run { service in
            let rigs = try await Rig.install(service, [Rig.Setup(), Rig.Setup(id: "spa", isPublic: true)])
            let (confidential, spa) = (rigs[0], rigs[1])
            for verifier in [nil, String(repeating: "x", count: 43), Rig.challenge] {
                let reply = try await confidential.redeem(try await confidential.code(), verifier: verifier)
                #expect(reply.json["error"] == .string("invalid_grant"), "\(verifier ?? "none")")
            }
            let unasked = try await confidential.redeem(try await confidential.code(challenge: nil), verifier: Rig.verifier)
            #expect(unasked.json["error"] == .string("invalid_grant"), "a verifier for a code without a challenge")
            #expect(try await confidential.redeem(try await confidential.code(challenge: nil), verifier: nil).status == 200)
            #expect(try await spa.redeem(try await spa.code(challenge: nil), verifier: nil, as: .none).json["error"] == .string("invalid_grant"))
            #expect(try await spa.redeem(try await spa.code(), as: .none).status == 200)
        }
    }

    @Test("oidcc-server-client-secret-post, and a wrong client, secret or method is 401 invalid_client")
    func clientAuthentication() async throws {
        try await TestService.run { service in
            let rigs = try await Rig.install(
                service, [Rig.Setup(), Rig.Setup(id: "basic-only", authMethod: .clientSecretBasic), Rig.Setup(id: "spa", isPublic: true)])
            let (rp, basicOnly, spa) = (rigs[0], rigs[1], rigs[2])
            #expect(try await rp.redeem(try await rp.code(), as: .post).status == 200)

            let wrongBasic = try await rp.post(
                "/apps/poll/token", [("grant_type", "authorization_code"), ("code", try await rp.code())], secret: "wrong")
            #expect(wrongBasic.status == 401)
            #expect(wrongBasic.json["error"] == .string("invalid_client"))
            #expect(wrongBasic.header("WWW-Authenticate")?.hasPrefix("Basic ") == true)
            let wrongPost = try await rp.post(
                "/apps/poll/token", [("grant_type", "authorization_code"), ("code", try await rp.code())], as: .post, secret: "wrong")
            #expect(wrongPost.status == 401)
            #expect(wrongPost.header("WWW-Authenticate") == nil)
            #expect(try await basicOnly.redeem(try await basicOnly.code(), as: .post).status == 401, "a method the client does not use")
            #expect(try await rp.redeem(try await rp.code(), as: .none).status == 401, "a confidential client without its secret")
            let spaWithSecret = try await spa.post(
                "/apps/poll/token",
                [("grant_type", "authorization_code"), ("code", try await spa.code()), ("redirect_uri", Rig.redirectURI), ("code_verifier", Rig.verifier)],
                as: .post, secret: "guess")
            #expect(spaWithSecret.status == 401, "a public client has no secret")

            let stolen = try await basicOnly.redeem(try await rp.code())
            #expect(stolen.status == 400)
            #expect(stolen.json["error"] == .string("invalid_grant"), "a code of another client")
            let unknown = try await service.request(
                .post, "/apps/poll/token", body: "grant_type=authorization_code&code=x&client_id=nobody",
                contentType: "application/x-www-form-urlencoded")
            #expect(unknown.status == 401)
            let json = try await service.request(.post, "/apps/poll/token", body: #"{"grant_type":"authorization_code"}"#)
            #expect(json.json["error"] == .string("invalid_request"), "the token endpoint takes forms only")
        }
    }

    @Test("oidcc-userinfo-get, oidcc-userinfo-post-header, oidcc-userinfo-post-body: the ID token's scope claims")
    func userInfo() async throws {
        try await TestService.run { service in
            let rig = try await Rig.install(service, Rig.Setup())
            for scopes in [["openid"], ["openid", "profile"], ["openid", "profile", "telegram"]] {
                let reply = try await rig.redeem(try await rig.code(scopes: scopes))
                let accessToken = try #require(reply.json["access_token"]?.stringValue)
                let idClaims = try JWT.claims(try #require(reply.json["id_token"]?.stringValue))
                let expected = JSONValue.object(
                    (idClaims.objectMembers ?? []).filter { !Self.protocolClaims.contains($0.key) })
                let get = try await rig.userInfo(accessToken)
                let postHeader = try await service.request(
                    .post, "/apps/poll/userinfo", headers: [("Authorization", "Bearer " + accessToken)])
                let postBody = try await service.request(
                    .post, "/apps/poll/userinfo", body: "access_token=" + accessToken, contentType: "application/x-www-form-urlencoded")
                for answer in [get, postHeader, postBody] {
                    #expect(answer.status == 200, "\(scopes)")
                    #expect(answer.json == expected, "\(scopes)")
                }
            }
            let none = try await service.request(.get, "/apps/poll/userinfo")
            #expect(none.status == 401)
            #expect(none.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)
        }
    }

    @Test("A client removed from the app: its outstanding access tokens are refused at userinfo")
    func removedClient() async throws {
        try await TestService.run { service in
            let rig = try await Rig.install(service, Rig.Setup())
            let reply = try await rig.redeem(try await rig.code())
            let accessToken = try #require(reply.json["access_token"]?.stringValue)
            #expect(try await rig.userInfo(accessToken).status == 200)
            let services = service.application.services
            let poll = try #require(AppID(rawValue: "poll"))
            let stored = try #require(try await services.storage.configuration.app(poll))
            #expect(stored.clients.isEmpty, "the rig's client lives only in the runtime; the stored app has none")
            let existing = try #require(service.application.runtimes.app(poll))
            service.application.runtimes.install(try RuntimeBuilder(services: services).build(stored, keyRing: existing.keyRing))
            let refused = try await rig.userInfo(accessToken)
            #expect(refused.status == 401)
            #expect(refused.header("WWW-Authenticate")?.contains("invalid_token") == true)
        }
    }

    @Test("oidcc-idtoken-unsigned: alg none, unsigned, re-signed and ID tokens are refused at userinfo")
    func unsignedRefused() async throws {
        try await TestService.run { service in
            let rig = try await Rig.install(service, Rig.Setup())
            let reply = try await rig.redeem(try await rig.code())
            let accessToken = try #require(reply.json["access_token"]?.stringValue)
            let idToken = try #require(reply.json["id_token"]?.stringValue)
            let parts = accessToken.split(separator: ".").map(String.init)
            let noneHeader = Self.segment(#"{"alg":"none","typ":"at+jwt"}"#)
            let header = try JWT.header(accessToken)
            let kidNone = Self.segment(#"{"alg":"none","kid":"\#(header["kid"]?.stringValue ?? "")","typ":"at+jwt"}"#)
            let hsHeader = Self.segment(#"{"alg":"HS256","kid":"\#(header["kid"]?.stringValue ?? "")","typ":"at+jwt"}"#)
            for forged in [
                "\(noneHeader).\(parts[1]).", "\(kidNone).\(parts[1]).", "\(parts[0]).\(parts[1]).", "\(hsHeader).\(parts[1]).\(parts[2])",
                "\(parts[0]).\(Self.segment(#"{"sub":"someone"}"#)).\(parts[2])", idToken, "not-a-token",
            ] {
                let answer = try await rig.userInfo(forged)
                #expect(answer.status == 401, "\(forged.prefix(40))")
            }
            #expect(try await rig.userInfo(accessToken).status == 200)
        }
    }

    @Test("oidcc-server-rotate-keys: tokens signed before a rotation keep working; new ones use the new key")
    func keyRotation() async throws {
        try await TestService.run { service in
            let rig = try await Rig.install(service, Rig.Setup())
            let before = try await rig.redeem(try await rig.code())
            let oldToken = try #require(before.json["access_token"]?.stringValue)
            let poll = try #require(AppID(rawValue: "poll"))
            let runtime = try #require(service.application.runtimes.app(poll))
            try await runtime.keyRing.rotate(retiredKeyLifetime: 86_400)
            let after = try await rig.redeem(try await rig.code())
            let newToken = try #require(after.json["access_token"]?.stringValue)
            #expect(try JWT.header(newToken)["kid"] != JWT.header(oldToken)["kid"])
            #expect(try await rig.userInfo(oldToken).status == 200)
            #expect(try await rig.userInfo(newToken).status == 200)
            let kids = try await service.request(.get, "/apps/poll/.well-known/jwks.json").json["keys"]?.arrayElements?
                .compactMap { $0["kid"] } ?? []
            #expect(kids.contains(try JWT.header(oldToken)["kid"] ?? .null))
        }
    }

    @Test("oidcc-refresh-token: an OP client's refresh token rotates, narrows scope only, and a reuse revokes the grant")
    func refreshToken() async throws {
        try await TestService.run { service in
            let rigs = try await Rig.install(service, [Rig.Setup(), Rig.Setup(id: "other")])
            let (rig, other) = (rigs[0], rigs[1])
            let first = try await rig.redeem(try await rig.code(scopes: ["openid", "profile", "offline_access"]))
            let refreshToken = try #require(first.json["refresh_token"]?.stringValue)
            let foreign = try await other.post("/apps/poll/token", [("grant_type", "refresh_token"), ("refresh_token", refreshToken)])
            #expect(foreign.json["error"] == .string("invalid_grant"), "another client's refresh token")
            let exchangeRoute = try await service.request(
                .post, "/v1/apps/poll/token", body: "grant_type=refresh_token&refresh_token=" + refreshToken,
                contentType: "application/x-www-form-urlencoded")
            #expect(exchangeRoute.json["error"] == .string("invalid_grant"), "the exchange's refresh route does not serve OP grants")
            let widened = try await rig.post(
                "/apps/poll/token", [("grant_type", "refresh_token"), ("refresh_token", refreshToken), ("scope", "openid telegram")])
            #expect(widened.json["error"] == .string("invalid_scope"))

            service.clock.advance(service.application.services.time.leeway + 1)
            let rotated = try await rig.post(
                "/apps/poll/token", [("grant_type", "refresh_token"), ("refresh_token", refreshToken), ("scope", "openid")])
            #expect(rotated.status == 200)
            let next = try #require(rotated.json["refresh_token"]?.stringValue)
            #expect(next != refreshToken)
            #expect(rotated.json["scope"] == .string("openid"))
            let idClaims = try JWT.claims(try #require(rotated.json["id_token"]?.stringValue))
            #expect(idClaims["name"] == nil, "the narrowed scope releases no profile")
            #expect(idClaims["auth_time"] == .integer(service.clock.now - 3 - service.application.services.time.leeway - 1))
            let accessToken = try #require(rotated.json["access_token"]?.stringValue)
            #expect(try await rig.userInfo(accessToken).status == 200)

            service.clock.advance(service.application.services.time.leeway + 1)
            let reused = try await rig.post("/apps/poll/token", [("grant_type", "refresh_token"), ("refresh_token", refreshToken)])
            #expect(reused.json["error"] == .string("invalid_grant"))
            #expect(try await rig.userInfo(accessToken).status == 401, "the reuse revoked the grant")
            let afterReuse = try await rig.post("/apps/poll/token", [("grant_type", "refresh_token"), ("refresh_token", next)])
            #expect(afterReuse.json["error"] == .string("invalid_grant"))
        }
    }

    @Test("RFC 7662 introspection and RFC 7009 revocation: only the owning client sees or ends a grant")
    func introspectionAndRevocation() async throws {
        try await TestService.run { service in
            let rigs = try await Rig.install(service, [Rig.Setup(), Rig.Setup(id: "other")])
            let (rig, other) = (rigs[0], rigs[1])
            let reply = try await rig.redeem(try await rig.code(scopes: ["openid", "offline_access"]))
            let accessToken = try #require(reply.json["access_token"]?.stringValue)
            let refreshToken = try #require(reply.json["refresh_token"]?.stringValue)

            let active = try await rig.post("/apps/poll/introspect", [("token", accessToken)])
            #expect(active.json["active"] == .bool(true))
            #expect(active.json["client_id"] == .string("rp"))
            #expect(active.json["scope"] == .string("openid offline_access"))
            #expect(active.json["token_type"] == .string("Bearer"))
            let refresh = try await rig.post("/apps/poll/introspect", [("token", refreshToken)], as: .post)
            #expect(refresh.json["active"] == .bool(true))
            #expect(refresh.json["token_type"] == .string("refresh_token"))
            #expect(try await other.post("/apps/poll/introspect", [("token", accessToken)]).json == .object([("active", .bool(false))]))
            #expect(try await rig.post("/apps/poll/introspect", [("token", "garbage")]).json == .object([("active", .bool(false))]))
            #expect(try await rig.post("/apps/poll/introspect", [("token", accessToken)], secret: "wrong").status == 401)

            #expect(try await other.post("/apps/poll/revoke", [("token", accessToken)]).status == 200)
            #expect(try await rig.userInfo(accessToken).status == 200, "another client cannot revoke it")
            #expect(try await rig.post("/apps/poll/revoke", [("token", "unknown-token")]).status == 200)
            let revoked = try await rig.post("/apps/poll/revoke", [("token", accessToken), ("token_type_hint", "access_token")])
            #expect(revoked.status == 200)
            #expect(try await rig.userInfo(accessToken).status == 401)
            #expect(try await rig.post("/apps/poll/introspect", [("token", refreshToken)]).json["active"] == .bool(false))

            service.clock.advance(901)
            let expired = try await rig.redeem(try await rig.code())
            let late = try #require(expired.json["access_token"]?.stringValue)
            service.clock.advance(901)
            #expect(try await rig.post("/apps/poll/introspect", [("token", late)]).json["active"] == .bool(false), "expired")
        }
    }

    @Test("oidcc-discovery-endpoint-verification: discovery lists every endpoint and capability of the provider")
    func discovery() async throws {
        try await TestService.run { service in
            let document = try await service.request(.get, "/apps/poll/.well-known/openid-configuration").json
            let issuer = service.baseURL + "/apps/poll"
            for (member, path) in [
                ("authorization_endpoint", "/authorize"), ("token_endpoint", "/token"), ("userinfo_endpoint", "/userinfo"),
                ("revocation_endpoint", "/revoke"), ("introspection_endpoint", "/introspect"), ("end_session_endpoint", "/logout"),
            ] {
                #expect(document[member] == .string(issuer + path), "\(member)")
            }
            let strings = { (member: String) in document[member]?.arrayElements?.compactMap(\.stringValue) ?? [] }
            #expect(strings("response_types_supported") == ["code"])
            #expect(strings("grant_types_supported") == ["authorization_code", "refresh_token"])
            #expect(strings("code_challenge_methods_supported") == ["S256"])
            #expect(Set(strings("token_endpoint_auth_methods_supported")) == ["client_secret_basic", "client_secret_post", "none"])
            #expect(strings("scopes_supported") == ["openid", "profile", "telegram", "offline_access"])
            #expect(!strings("claims_supported").contains("email"))
            #expect(document["authorization_response_iss_parameter_supported"] == .bool(true))
            #expect(document["request_parameter_supported"] == .bool(false))
        }
    }

    /// ID token claims that are about the token, not the user.
    static let protocolClaims: Set<String> = ["iss", "aud", "azp", "iat", "exp", "auth_time", "nonce", "amr", "at_hash", "sid"]

    static func segment(_ json: String) -> String {
        Data(json.utf8).base64EncodedString().replacing("+", with: "-").replacing("/", with: "_").replacing("=", with: "")
    }
}
