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

    /// Runs `body` with a verifier of `poll`'s `supabase` ID tokens (ES256) that has fetched the keys once, and a
    /// genuine token, whose claims and `kid` an attacker would reuse.
    private static func withES256Token(_ body: (VerifierRig, TelegateVerifier, _ idToken: String) async throws -> Void) async throws {
        try await VerifierRig.run { rig in
            let verifier = rig.verifier(audience: "authenticated")
            let (idToken, _) = try await rig.exchange(provider: "supabase")
            _ = try await verifier.verify(idToken, as: .idToken)
            #expect(rig.proxy.jwksFetches == 1)
            try await body(rig, verifier, idToken)
        }
    }

    /// Runs `body` with an ID token and an access token of a fresh exchange at `poll`.
    private static func withTokens(_ body: (VerifierRig, _ idToken: String, _ accessToken: String) async throws -> Void) async throws {
        try await VerifierRig.run { rig in
            let (idToken, accessToken) = try await rig.exchange()
            try await body(rig, idToken, accessToken)
        }
    }

    @Test("An unknown kid is refused after one JWKS refetch, and costs no other fetch within the interval")
    func unknownKid() async throws {
        try await Self.withES256Token { rig, verifier, idToken in
            let unknown = try ForgedToken.es256(kid: "made-up-key", claims: try unverifiedPart(idToken), key: P256.Signing.PrivateKey())
            rig.clock.advance(60)
            await #expect(throws: VerificationError.unknownKey) { try await verifier.verify(unknown, as: .idToken) }
            #expect(rig.proxy.jwksFetches == 2)
            for _ in 0..<5 {
                await #expect(throws: VerificationError.unknownKey) { try await verifier.verify(unknown, as: .idToken) }
            }
            #expect(rig.proxy.jwksFetches == 2)
        }
    }

    @Test("A token signed with a key not in the JWKS is refused, under a published key's kid or under none")
    func keyNotInJWKS() async throws {
        try await Self.withES256Token { _, verifier, idToken in
            let attacker = P256.Signing.PrivateKey()
            let claims = try unverifiedPart(idToken)
            let kid = try #require(unverifiedPart(idToken, 0)["kid"]?.stringValue)
            let impostor = try ForgedToken.es256(kid: kid, claims: claims, key: attacker)
            await #expect(throws: VerificationError.invalidSignature) { try await verifier.verify(impostor, as: .idToken) }
            let anonymous = try ForgedToken.es256(kid: nil, claims: claims, key: attacker)
            await #expect(throws: VerificationError.unknownKey) { try await verifier.verify(anonymous, as: .idToken) }
        }
    }

    @Test("alg none is refused, with the kid of a published key or with no signature at all")
    func algNone() async throws {
        try await Self.withTokens { rig, idToken, _ in
            let verifier = rig.verifier()
            let kid = try #require(unverifiedPart(idToken, 0)["kid"]?.stringValue)
            for alg in ["none", "None", ""] {
                let forged = ForgedToken.reheaded(
                    idToken, header: .object([("alg", .string(alg)), ("kid", .string(kid)), ("typ", .string("JWT"))]))
                await #expect(throws: VerificationError.unsupportedAlgorithm) { try await verifier.verify(forged, as: .idToken) }
            }
            let unsigned = ForgedToken.encode(.object([("alg", .string("none")), ("typ", .string("JWT"))])) + "."
                + idToken.split(separator: ".")[1] + "."
            await #expect(throws: VerificationError.self) { try await verifier.verify(unsigned, as: .idToken) }
            _ = try await verifier.verify(idToken, as: .idToken)
        }
    }

    @Test("HS256 and an algorithm other than the published key's are refused; so is a token that is not a JWS")
    func algorithms() async throws {
        try await Self.withTokens { rig, idToken, _ in
            let verifier = rig.verifier()
            let kid = try #require(unverifiedPart(idToken, 0)["kid"]?.stringValue)
            for alg in ["HS256", "HS512"] {
                let forged = ForgedToken.reheaded(
                    idToken, header: .object([("alg", .string(alg)), ("kid", .string(kid)), ("typ", .string("JWT"))]))
                await #expect(throws: VerificationError.unsupportedAlgorithm) { try await verifier.verify(forged, as: .idToken) }
            }
            let mismatched = ForgedToken.reheaded(
                idToken, header: .object([("alg", .string("RS512")), ("kid", .string(kid)), ("typ", .string("JWT"))]))
            await #expect(throws: VerificationError.algorithmMismatch) { try await verifier.verify(mismatched, as: .idToken) }
            await #expect(throws: VerificationError.malformed) { try await verifier.verify("not.a-token", as: .idToken) }
        }
    }

    @Test("A wrong audience is refused: another audience's ID token, an access token checked against the ID token's aud")
    func wrongAudience() async throws {
        try await Self.withTokens { rig, idToken, accessToken in
            await #expect(throws: VerificationError.wrongAudience) {
                try await rig.verifier(audience: "another-audience").verify(idToken, as: .idToken)
            }
            // The access token names the resource, not the ID token's audience.
            await #expect(throws: VerificationError.wrongAudience) { try await rig.verifier().verify(accessToken, as: .accessToken) }
            _ = try await rig.verifier(audience: rig.pollResource).verify(accessToken, as: .accessToken)
        }
    }

    @Test("A wrong issuer is refused without a JWKS fetch: another app's token, an issuer with a trailing slash")
    func wrongIssuer() async throws {
        try await Self.withTokens { rig, idToken, _ in
            let quiz = rig.verifier(app: "quiz")
            await #expect(throws: VerificationError.wrongIssuer) { try await quiz.verify(idToken, as: .idToken) }
            let (quizToken, _) = try await rig.exchange(app: "quiz")
            let poll = rig.verifier()
            await #expect(throws: VerificationError.wrongIssuer) { try await poll.verify(quizToken, as: .idToken) }
            #expect(await quiz.keySetFetches == 0)
            #expect(await poll.keySetFetches == 0)
            _ = try await quiz.verify(quizToken, as: .idToken)
            await #expect(throws: VerificationError.wrongIssuer) {
                try await rig.verifier(issuer: rig.pollIssuer + "/").verify(idToken, as: .idToken)
            }
        }
    }

    @Test("A wrong typ is refused: an access token as an ID token, an ID token as an access token")
    func wrongType() async throws {
        try await Self.withTokens { rig, idToken, accessToken in
            await #expect(throws: VerificationError.wrongType) {
                try await rig.verifier(audience: rig.pollResource).verify(idToken, as: .accessToken)
            }
            await #expect(throws: VerificationError.wrongType) { try await rig.verifier().verify(accessToken, as: .idToken) }
        }
    }

    /// Runs `body` with a verifier of `poll`'s ID tokens whose JWKS (through the relay) also publishes `key` as
    /// `test-key`, and the claims of a genuine token: tokens the test signs with `key` verify but for what is changed.
    private static func withPublishedTestKey(
        _ body: (VerifierRig, TelegateVerifier, _ key: P256.Signing.PrivateKey, _ claims: JSONValue) async throws -> Void
    ) async throws {
        try await Self.withTokens { rig, idToken, _ in
            let key = P256.Signing.PrivateKey()
            rig.proxy.addedKey = ForgedToken.jwk(key.publicKey, kid: "test-key")
            let verifier = rig.verifier()
            let claims = try unverifiedPart(idToken)
            _ = try await verifier.verify(try ForgedToken.es256(kid: "test-key", claims: claims, key: key), as: .idToken)
            try await body(rig, verifier, key, claims)
        }
    }

    @Test("nbf: a token not valid before a time beyond the leeway is refused as not yet valid; within it, accepted")
    func notBefore() async throws {
        try await Self.withPublishedTestKey { rig, verifier, key, claims in
            let now = rig.clock.telegate.now
            func token(notBefore: Int64) throws -> String {
                try ForgedToken.es256(kid: "test-key", claims: claims.patched(with: [("nbf", .number(String(notBefore)))]), key: key)
            }
            _ = try await verifier.verify(try token(notBefore: now + VerifierRig.leeway), as: .idToken)
            await #expect(throws: VerificationError.notYetValid) {
                try await verifier.verify(try token(notBefore: now + VerifierRig.leeway + 1), as: .idToken)
            }
            await #expect(throws: VerificationError.notYetValid) {
                try await verifier.verify(try token(notBefore: now + 3600), as: .idToken)
            }
        }
    }

    @Test("A crit header is refused, though the token is signed by a published key")
    func criticalHeader() async throws {
        try await Self.withPublishedTestKey { _, verifier, key, claims in
            let critical = try ForgedToken.es256(
                kid: "test-key", claims: claims, key: key,
                extraHeader: [("crit", .array([.string("urn:example:policy")])), ("urn:example:policy", .string("strict"))])
            await #expect(throws: VerificationError.malformed) { try await verifier.verify(critical, as: .idToken) }
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

    @Test("Sub-second leeway and refetch interval keep their fraction: 1.5 s is not cut to 1 s")
    func subSecondDurations() async throws {
        try await Self.withTokens { rig, idToken, _ in
            let verifier = rig.verifier { options in
                options.leeway = .milliseconds(1500)
                options.minimumRefetchInterval = .milliseconds(1500)
            }
            _ = try await verifier.verify(idToken, as: .idToken)
            let unknown = try ForgedToken.es256(kid: "made-up-key", claims: try unverifiedPart(idToken), key: P256.Signing.PrivateKey())
            rig.clock.advance(1)
            await #expect(throws: VerificationError.unknownKey) { try await verifier.verify(unknown, as: .idToken) }
            #expect(rig.proxy.jwksFetches == 1, "1 s after the last fetch is within the 1.5 s interval")
            rig.clock.advance(1)
            await #expect(throws: VerificationError.unknownKey) { try await verifier.verify(unknown, as: .idToken) }
            #expect(rig.proxy.jwksFetches == 2)
            let expiry = try #require(unverifiedPart(idToken)["exp"]?.integerValue)
            rig.clock.advance(expiry + 1 - rig.clock.telegate.now)
            _ = try await verifier.verify(idToken, as: .idToken)
            rig.clock.advance(1)
            await #expect(throws: VerificationError.expired) { try await verifier.verify(idToken, as: .idToken) }
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
