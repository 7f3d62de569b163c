import Crypto
import Foundation
import StrictJSON
import TelegateVerifier
import Testing

/// TelegateVerifier against a running Telegate: its discovery document and JWKS fetched over HTTP through a relay
/// that counts fetches and can fail, tokens from real exchanges, and tokens an attacker could make.
@Suite("TelegateVerifier")
struct VerifierTests {
    @Test("ID and access tokens verify; keys are fetched once for concurrent callers")
    func verifies() async throws {
        try await VerifierRig.run { rig in
            let (idToken, accessToken) = try await rig.exchange()
            let ids = rig.verifier()
            let verified = try await withThrowingTaskGroup(of: VerifiedToken.self) { group in
                for _ in 0..<8 { group.addTask { try await ids.verify(idToken, as: .idToken) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(Set(verified.map(\.subject)).count == 1)
            #expect(verified[0].subject.hasPrefix("usr_"))
            #expect(verified[0].issuer == rig.pollIssuer)
            #expect(verified[0].audiences == ["convex"])
            #expect(verified[0].claims["telegram_id"]?.integerValue == VerifierRig.user.id)
            #expect(rig.proxy.jwksFetches == 1)
            let access = try await rig.verifier(audience: rig.pollResource).verify(accessToken, as: .accessToken)
            #expect(access.subject == verified[0].subject)
            #expect(access.clientID == "convex")
            #expect(access.scopes.contains("openid"))
            #expect(access.tokenID != nil)
            // An ES256 adapter's tokens verify with the ES256 key the JWKS publishes.
            let (supabase, _) = try await rig.exchange(provider: "supabase")
            #expect(try await rig.verifier(audience: "authenticated").verify(supabase, as: .idToken).subject == access.subject)
        }
    }

    @Test("Key rotation: outstanding tokens keep verifying; a key published after the cache was filled is fetched once")
    func rotation() async throws {
        try await VerifierRig.run { rig in
            let verifier = rig.verifier()
            let (before, _) = try await rig.exchange()
            _ = try await verifier.verify(before, as: .idToken)
            #expect(rig.proxy.jwksFetches == 1)
            // The first rotation promotes the successor the JWKS already published: no fetch.
            try await rig.rotateKeys()
            let (afterOne, _) = try await rig.exchange()
            #expect(try unverifiedPart(afterOne, 0)["kid"] != unverifiedPart(before, 0)["kid"])
            _ = try await verifier.verify(afterOne, as: .idToken)
            _ = try await verifier.verify(before, as: .idToken)
            #expect(rig.proxy.jwksFetches == 1)
            // The second promotes a key the cache has never seen: one refetch, once the interval has passed.
            try await rig.rotateKeys()
            let (afterTwo, _) = try await rig.exchange()
            await #expect(throws: VerificationError.unknownKey) { try await verifier.verify(afterTwo, as: .idToken) }
            #expect(rig.proxy.jwksFetches == 1)
            rig.clock.advance(60)
            _ = try await verifier.verify(afterTwo, as: .idToken)
            #expect(rig.proxy.jwksFetches == 2)
            // Tokens signed by the retired keys still verify: the JWKS keeps them until those tokens expire.
            _ = try await verifier.verify(before, as: .idToken)
            _ = try await verifier.verify(afterOne, as: .idToken)
            #expect(rig.proxy.jwksFetches == 2)
        }
    }

    @Test("An unknown kid is refetched once per interval; a key not in the JWKS, or a known kid with another key, is refused")
    func foreignKeys() async throws {
        try await VerifierRig.run { rig in
            let verifier = rig.verifier(audience: "authenticated")
            let (idToken, _) = try await rig.exchange(provider: "supabase")
            _ = try await verifier.verify(idToken, as: .idToken)
            let claims = try unverifiedPart(idToken)
            let attacker = P256.Signing.PrivateKey()
            let unknown = try ForgedToken.es256(
                header: .object([("alg", .string("ES256")), ("kid", .string("attacker-key")), ("typ", .string("JWT"))]), claims: claims,
                key: attacker)
            rig.clock.advance(60)
            await #expect(throws: VerificationError.unknownKey) { try await verifier.verify(unknown, as: .idToken) }
            #expect(rig.proxy.jwksFetches == 2)
            // Within the interval, more unknown kids cost no fetch.
            for _ in 0..<5 {
                await #expect(throws: VerificationError.unknownKey) { try await verifier.verify(unknown, as: .idToken) }
            }
            #expect(rig.proxy.jwksFetches == 2)
            // The kid of a published key, signed with the attacker's key.
            let kid = try #require(unverifiedPart(idToken, 0)["kid"]?.stringValue)
            let impostor = try ForgedToken.es256(
                header: .object([("alg", .string("ES256")), ("kid", .string(kid)), ("typ", .string("JWT"))]), claims: claims, key: attacker)
            await #expect(throws: VerificationError.invalidSignature) { try await verifier.verify(impostor, as: .idToken) }
            // No kid at all.
            let anonymous = try ForgedToken.es256(
                header: .object([("alg", .string("ES256")), ("typ", .string("JWT"))]), claims: claims, key: attacker)
            await #expect(throws: VerificationError.unknownKey) { try await verifier.verify(anonymous, as: .idToken) }
        }
    }

    @Test("alg none, HS256 and an algorithm other than the key's are refused")
    func algorithms() async throws {
        try await VerifierRig.run { rig in
            let verifier = rig.verifier()
            let (idToken, _) = try await rig.exchange()
            let kid = try #require(unverifiedPart(idToken, 0)["kid"]?.stringValue)
            for alg in ["none", "None", "HS256", "HS512", ""] {
                let forged = ForgedToken.reheaded(
                    idToken, header: .object([("alg", .string(alg)), ("kid", .string(kid)), ("typ", .string("JWT"))]))
                await #expect(throws: VerificationError.unsupportedAlgorithm) { try await verifier.verify(forged, as: .idToken) }
            }
            let unsigned = ForgedToken.encode(.object([("alg", .string("none")), ("typ", .string("JWT"))])) + "."
                + idToken.split(separator: ".")[1] + "."
            await #expect(throws: VerificationError.self) { try await verifier.verify(unsigned, as: .idToken) }
            let mismatched = ForgedToken.reheaded(
                idToken, header: .object([("alg", .string("RS512")), ("kid", .string(kid)), ("typ", .string("JWT"))]))
            await #expect(throws: VerificationError.algorithmMismatch) { try await verifier.verify(mismatched, as: .idToken) }
            await #expect(throws: VerificationError.malformed) { try await verifier.verify("not.a-token", as: .idToken) }
        }
    }

    @Test("Wrong audience, issuer or typ is refused; another app's token never costs a fetch")
    func claimsAndTypes() async throws {
        try await VerifierRig.run { rig in
            let (idToken, accessToken) = try await rig.exchange()
            await #expect(throws: VerificationError.wrongAudience) {
                try await rig.verifier(audience: "another-audience").verify(idToken, as: .idToken)
            }
            // The access token names the resource, not the ID token's audience.
            await #expect(throws: VerificationError.wrongAudience) { try await rig.verifier().verify(accessToken, as: .accessToken) }
            await #expect(throws: VerificationError.wrongType) { try await rig.verifier().verify(accessToken, as: .idToken) }
            await #expect(throws: VerificationError.wrongType) {
                try await rig.verifier(audience: rig.pollResource).verify(idToken, as: .accessToken)
            }
            let quiz = rig.verifier(app: "quiz")
            await #expect(throws: VerificationError.wrongIssuer) { try await quiz.verify(idToken, as: .idToken) }
            let (quizToken, _) = try await rig.exchange(app: "quiz")
            await #expect(throws: VerificationError.wrongIssuer) { try await rig.verifier().verify(quizToken, as: .idToken) }
            #expect(await quiz.keySetFetches == 0)
            _ = try await quiz.verify(quizToken, as: .idToken)
            // An issuer that differs only by a trailing slash is another issuer.
            await #expect(throws: VerificationError.wrongIssuer) {
                try await rig.verifier(issuer: rig.pollIssuer + "/").verify(idToken, as: .idToken)
            }
        }
    }

    @Test("exp and iat are checked against the injected clock with the leeway")
    func times() async throws {
        try await VerifierRig.run { rig in
            let verifier = rig.verifier()
            let (idToken, _) = try await rig.exchange()
            rig.clock.advance(3600 + 29)
            _ = try await verifier.verify(idToken, as: .idToken)
            rig.clock.advance(1)
            await #expect(throws: VerificationError.expired) { try await verifier.verify(idToken, as: .idToken) }
            let (fresh, _) = try await rig.exchange()
            let early = TelegateVerifier(
                issuer: URL(string: rig.pollIssuer)!, audience: "convex",
                options: {
                    var options = VerifierOptions()
                    options.discoveryURL = URL(string: rig.proxyURL + "/apps/poll/discovery")
                    return options
                }(), httpClient: rig.client,
                clock: VerifierClock(now: { [clock = rig.clock.telegate] in Date(timeIntervalSince1970: TimeInterval(clock.now - 31)) }, suspend: { _ in }))
            await #expect(throws: VerificationError.notYetValid) { try await early.verify(fresh, as: .idToken) }
        }
    }

    @Test("A JWKS outage: cached keys keep working, a verifier with no keys says keysUnavailable")
    func outage() async throws {
        try await VerifierRig.run { rig in
            let verifier = rig.verifier()
            let (idToken, _) = try await rig.exchange()
            _ = try await verifier.verify(idToken, as: .idToken)
            rig.proxy.outage = true
            // An unknown kid during the outage: the refetch fails, and the cache is kept.
            try await rig.rotateKeys()
            try await rig.rotateKeys()
            let (unseen, _) = try await rig.exchange()
            rig.clock.advance(60)
            await #expect(throws: VerificationError.unknownKey) { try await verifier.verify(unseen, as: .idToken) }
            #expect(rig.proxy.jwksFetches == 2)
            _ = try await verifier.verify(idToken, as: .idToken)
            await #expect(throws: VerificationError.keysUnavailable) { try await rig.verifier().verify(idToken, as: .idToken) }
            // Once the relay is back, the next allowed refetch brings the new key.
            rig.proxy.outage = false
            rig.clock.advance(60)
            _ = try await verifier.verify(unseen, as: .idToken)
        }
    }

    @Test("Introspection: an active access token passes, a revoked grant's access and refresh tokens are refused")
    func introspection() async throws {
        try await VerifierRig.run { rig in
            let (accessToken, refreshToken) = try await rig.codeFlowTokens()
            let client = IntrospectionClient(id: "rp", secret: VerifierRig.clientSecret)
            let verifier = rig.verifier(audience: rig.pollIssuer + "/userinfo", introspectionClient: client)
            let verified = try await verifier.verify(accessToken, as: .accessToken, checkingRevocation: true)
            #expect(verified.clientID == "rp")
            #expect(try await verifier.introspect(refreshToken).active)
            #expect(try await verifier.introspect(refreshToken).members["token_type"] == .string("refresh_token"))
            let revoked = try await rig.clientPost("/apps/poll/revoke", ["token": refreshToken])
            #expect(revoked.status == 200)
            await #expect(throws: VerificationError.revoked) {
                try await verifier.verify(accessToken, as: .accessToken, checkingRevocation: true)
            }
            #expect(try await verifier.introspect(refreshToken).active == false)
            #expect(try await verifier.introspect(accessToken).active == false)
            // Without introspection the signature and claims still hold: revocation needs the call.
            _ = try await verifier.verify(accessToken, as: .accessToken)
            await #expect(throws: VerificationError.introspectionNotConfigured) {
                try await rig.verifier(audience: rig.pollIssuer + "/userinfo").introspect(accessToken)
            }
            let wrongSecret = rig.verifier(
                audience: rig.pollIssuer + "/userinfo", introspectionClient: IntrospectionClient(id: "rp", secret: "wrong"))
            await #expect(throws: VerificationError.introspectionUnavailable) { try await wrongSecret.introspect(accessToken) }
        }
    }
}
