import Crypto
import Foundation
import StrictJSON
import Testing
import _CryptoExtras

@testable import TelegramAuth

/// Catalogue sections D and E: Telegram OIDC id_tokens and the key set behind them.
@Suite("Telegram OIDC id_token")
struct OIDCVerifierTests {
    let issuer = TestIssuer()

    private func reason(_ verifier: TelegramOIDCVerifier, _ token: String, nonce: String? = nil) async -> String? {
        do {
            _ = try await verifier.verify(idToken: token, expectedNonce: nonce)
            return nil
        } catch {
            return error.reason ?? error.code.rawValue
        }
    }

    @Test("D18: RS256 and ES256 tokens verify; the user is the id claim, sub is kept aside")
    func valid() async throws {
        let verifier = issuer.verifier()
        for algorithm in ["RS256", "ES256"] {
            let identity = try await verifier.verify(idToken: issuer.token(algorithm))
            #expect(identity.user.id == 987_654_321)
            #expect(identity.user.firstName == "John")
            #expect(identity.user.lastName == "Doe")
            #expect(identity.user.username == "johndoe")
            #expect(identity.oidcSubject == "1234123412341234123")
            #expect(identity.proof == .telegramOIDC && identity.mode == .jwks)
            #expect(identity.authDate == TestIssuer.now - 10)
        }
    }

    @Test("The id claim may be a decimal string; aud may be a one-element array")
    func claimVariants() async throws {
        let verifier = issuer.verifier()
        let token = issuer.token(claims: ["id": "987654321", "aud": [TestIssuer.clientID]])
        #expect(try await verifier.verify(idToken: token).user.id == 987_654_321)
    }

    @Test("E1, E4: keys the verifier cannot use are skipped, the rest of the set still works")
    func unusableKeysSkipped() async throws {
        let small = try _RSA.Signing.PrivateKey(unsafeKeySize: .init(bitCount: 1024))
        issuer.fetcher.setJWKS(keys: [
            ["kty": "EC", "crv": "secp256k1", "kid": "oidc-es256k-1", "alg": "ES256K", "x": "vsk5i5YJu8H_VPL7DWTgVGXBPrqgkyNmYvfgOrVut38", "y": "Mrg56tBhVeorHPXK1LbTX2jP7rEqOHIatM96HFzVMIU"],
            ["kty": "oct", "kid": "sym", "k": "c2VjcmV0"],
            ["kty": "Unknown", "kid": "u"],
            ["kty": "RSA", "kid": "broken", "n": "!!!", "e": "AQAB"],
            issuer.rsaJWK(kid: "tiny", key: small),
            issuer.rsaJWK(kid: "enc", extra: ["use": "enc"]),
            issuer.rsaJWK(kid: "oidc-1"), issuer.ecJWK(kid: "oidc-es256-1"),
        ])
        let verifier = issuer.verifier()
        #expect(try await verifier.verify(idToken: issuer.token("RS256")).user.id == 987_654_321)
        #expect(try await verifier.verify(idToken: issuer.token("ES256")).user.id == 987_654_321)
        let tinyToken = issuer.sign(header: #"{"alg":"RS256","kid":"tiny"}"#, claims: TestIssuer.json(TestIssuer.standardClaims), algorithm: "RS256", rsaKey: small)
        #expect(await reason(verifier, tinyToken) == "unknown_kid")
    }

    @Test("D1: alg none in any case, with an empty signature, is refused", arguments: ["none", "None", "NONE", "nOnE"])
    func algNone(_ alg: String) async {
        let token = issuer.sign(header: #"{"alg":"\#(alg)","kid":"oidc-1"}"#, claims: TestIssuer.json(TestIssuer.standardClaims), algorithm: "none")
        #expect(await reason(issuer.verifier(), token) == "algorithm")
    }

    @Test("D2: HS256 keyed with the RSA public key (algorithm confusion) is refused")
    func algorithmConfusion() async {
        let token = issuer.sign(header: #"{"alg":"HS256","kid":"oidc-1"}"#, claims: TestIssuer.json(TestIssuer.standardClaims), algorithm: "HS256")
        #expect(await reason(issuer.verifier(), token) == "algorithm")
    }

    @Test("D3: algorithms outside the bot's allow-list are refused", arguments: ["ES256K", "RS1", "PS256", "EdDSA", "RS512"])
    func outsideAllowList(_ alg: String) async {
        let token = issuer.sign(header: #"{"alg":"\#(alg)","kid":"oidc-1"}"#, claims: TestIssuer.json(TestIssuer.standardClaims), algorithm: "RS256")
        #expect(await reason(issuer.verifier(), token) == "algorithm")
    }

    @Test("E4: a bot allowing only ES256 refuses RS256 tokens; a kid bound to another algorithm is refused")
    func perBotAllowList() async {
        #expect(await reason(issuer.verifier(allowed: [.es256]), issuer.token("RS256")) == "algorithm")
        let crossed = issuer.sign(header: #"{"alg":"ES256","kid":"oidc-1"}"#, claims: TestIssuer.json(TestIssuer.standardClaims), algorithm: "ES256")
        #expect(await reason(issuer.verifier(), crossed) == "algorithm")
    }

    @Test("D4/E6: 100 concurrent tokens with an unknown kid cause exactly one refetch")
    func singleFlightRefetch() async throws {
        let uptime = ManualUptime()
        let keySet = issuer.keySet(uptime: uptime.reading)
        let verifier = issuer.verifier(keySet: keySet)
        _ = try await verifier.verify(idToken: issuer.token())
        #expect(issuer.fetcher.jwksFetches == 1)
        uptime.advance(by: .seconds(31))
        issuer.fetcher.setDelay(.milliseconds(50))
        let unknown = issuer.token(kid: "rotated-in-later")
        let reasons = await withTaskGroup(of: String?.self) { group in
            for _ in 0..<100 { group.addTask { await reason(verifier, unknown) } }
            return await group.reduce(into: [String?]()) { $0.append($1) }
        }
        #expect(reasons.allSatisfy { $0 == "unknown_kid" })
        #expect(issuer.fetcher.jwksFetches == 2)
        #expect(await keySet.refreshCount == 2)
        // Within the cooldown more unknown kids cost no request.
        _ = await reason(verifier, issuer.token(kid: "another"))
        #expect(issuer.fetcher.jwksFetches == 2)
    }

    @Test("D5: kid injection attempts are plain unknown keys or refused", arguments: ["../../x", "' OR 1=1--", "a\u{0}b", String(repeating: "k", count: 10_000)])
    func kidInjection(_ kid: String) async {
        let result = await reason(issuer.verifier(), issuer.token(kid: kid))
        #expect(result == "unknown_kid" || result == "kid" || result == "payload_too_large")
    }

    @Test("D6: jku, x5u, jwk and x5c headers are never fetched")
    func keyURLsIgnored() async throws {
        let token = issuer.token(header: ["jku": "https://evil.example/jwks", "x5u": "https://evil.example/x5u", "jwk": ["kty": "oct"]])
        _ = try await issuer.verifier().verify(idToken: token)
        #expect(!issuer.fetcher.requestedURLs.contains { $0.contains("evil") })
    }

    @Test("D7: a crit header is refused")
    func critical() async {
        #expect(await reason(issuer.verifier(), issuer.token(header: ["crit": ["exp"]])) == "crit")
    }

    @Test("D8: the issuer must match exactly", arguments: ["https://oauth.telegram.org/", "http://oauth.telegram.org", "https://OAUTH.telegram.org", "https://evil.example"])
    func issuerMismatch(_ iss: String) async {
        #expect(await reason(issuer.verifier(), issuer.token(claims: ["iss": iss])) == "issuer")
    }

    @Test("D9: another bot's audience, an extra audience or a mismatched azp are refused")
    func audience() async {
        let verifier = issuer.verifier()
        #expect(await reason(verifier, issuer.token(claims: ["aud": "7000000002"])) == "audience")
        #expect(await reason(verifier, issuer.token(claims: ["aud": [TestIssuer.clientID, "other"]])) == "audience")
        #expect(await reason(verifier, issuer.token(claims: ["azp": "other"])) == "audience")
        #expect(await reason(verifier, issuer.token(removing: ["aud"])) == "audience")
    }

    @Test("D10: time claims with 60 s of leeway, and stale tokens")
    func timeClaims() async {
        let verifier = issuer.verifier()
        let now = TestIssuer.now
        #expect(await reason(verifier, issuer.token(claims: ["exp": now - 61])) == "expired")
        #expect(await reason(verifier, issuer.token(claims: ["exp": now - 59])) == nil)
        #expect(await reason(verifier, issuer.token(claims: ["iat": now + 61])) == "not_yet_valid")
        #expect(await reason(verifier, issuer.token(claims: ["nbf": now + 61])) == "not_yet_valid")
        #expect(await reason(verifier, issuer.token(claims: ["iat": now - 601])) == "stale")
        #expect(await reason(verifier, issuer.token(removing: ["exp"])) == "claims")
    }

    @Test("D11: nonces are required when expected or configured, and must match")
    func nonces() async {
        let withNonce = issuer.token(claims: ["nonce": "n-123"])
        #expect(await reason(issuer.verifier(), withNonce, nonce: "n-123") == nil)
        #expect(await reason(issuer.verifier(), withNonce, nonce: "n-124") == "nonce_mismatch")
        #expect(await reason(issuer.verifier(), issuer.token(), nonce: "n-123") == "nonce_missing")
        #expect(await reason(issuer.verifier(requireNonce: true), withNonce) == "nonce_missing")
    }

    @Test("D13: a bit flip anywhere, a truncated signature or an empty one fails")
    func bitFlips() async {
        let verifier = issuer.verifier()
        let token = issuer.token()
        let parts = token.split(separator: ".").map(String.init)
        let truncated = parts[0] + "." + parts[1] + "." + parts[2].dropLast(4)
        #expect(await reason(verifier, truncated) != nil)
        #expect(await reason(verifier, parts[0] + "." + parts[1] + ".") == "signature")
        var bytes = Array(token.utf8)
        for index in stride(from: 0, to: bytes.count, by: 37) where bytes[index] != UInt8(ascii: ".") {
            let original = bytes[index]
            bytes[index] = original == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
            #expect(await reason(verifier, String(decoding: bytes, as: UTF8.self)) != nil)
            bytes[index] = original
        }
    }

    @Test("D12: a well-formed header naming a real kid but signed with another key fails")
    func correctHeaderWrongKey() async throws {
        let attacker = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let forged = issuer.sign(header: #"{"alg":"RS256","kid":"oidc-1","typ":"JWT"}"#, claims: TestIssuer.json(TestIssuer.standardClaims), algorithm: "RS256", rsaKey: attacker)
        #expect(await reason(issuer.verifier(), forged) == "signature")
    }

    @Test("D19: an ES256 signature in DER instead of raw r‖s, or with r or s zero, is refused")
    func ecdsaEncodings() async throws {
        let verifier = issuer.verifier()
        let token = issuer.token("ES256")
        #expect(await reason(verifier, token) == nil)
        let parts = token.split(separator: ".").map(String.init)
        let raw = try #require(Base64.decode(parts[2].utf8, alphabet: .url, allowPadding: false, canonical: true))
        #expect(raw.count == 64)
        let der = try P256.Signing.ECDSASignature(rawRepresentation: raw).derRepresentation
        let zeroR = [UInt8](repeating: 0, count: 32) + raw[32...]
        let zeroS = Array(raw[..<32]) + [UInt8](repeating: 0, count: 32)
        for signature in [Array(der), zeroR, zeroS, [UInt8](repeating: 0, count: 64)] {
            #expect(await reason(verifier, parts[0] + "." + parts[1] + "." + Base64.urlEncode(signature)) != nil)
        }
    }

    @Test("D14: only compact JWS: JSON serialization, five segments, padding, whitespace, standard base64 are refused")
    func compactOnly() async {
        let verifier = issuer.verifier()
        let token = issuer.token()
        let parts = token.split(separator: ".").map(String.init)
        let json = #"{"payload":"\#(parts[1])","protected":"\#(parts[0])","signature":"\#(parts[2])"}"#
        for input in [json, token + ".a.b", parts[0] + "=." + parts[1] + "." + parts[2], " " + token, parts[0] + "." + parts[1] + ".+" + parts[2].dropFirst()] {
            #expect(await reason(verifier, input) != nil)
        }
        #expect(await reason(verifier, token + ".a.b") == "malformed")
    }

    @Test("D15, N5: oversized tokens, deep nesting and duplicate claims are refused before key lookup")
    func hostileJSON() async {
        let verifier = issuer.verifier()
        #expect(await reason(verifier, String(repeating: "a", count: 9000)) == "payload_too_large")
        let deep = String(repeating: "[", count: 40) + String(repeating: "]", count: 40)
        let nested = issuer.sign(header: #"{"alg":"RS256","kid":"oidc-1"}"#, claims: #"{"x":\#(deep)}"#, algorithm: "RS256")
        #expect(await reason(verifier, nested) == "malformed")
        let duplicate = issuer.sign(header: #"{"alg":"RS256","kid":"oidc-1"}"#, claims: #"{"id":1,"id":2}"#, algorithm: "RS256")
        #expect(await reason(verifier, duplicate) == "malformed")
        #expect(issuer.fetcher.requestedURLs.isEmpty)
    }

    @Test("D16: header or claims that are not UTF-8 are refused")
    func notUTF8() async {
        let header = Base64.urlEncode([0xFF, 0xFE] + Array(#"{"alg":"RS256"}"#.utf8))
        #expect(await reason(issuer.verifier(), header + ".e30.c2ln") == "malformed")
    }

    @Test("D17: an access token (typ at+jwt) is not an id_token")
    func accessToken() async {
        #expect(await reason(issuer.verifier(), issuer.token(header: ["typ": "at+jwt"])) == "type")
    }

    @Test("A token without the id claim (openid scope only) is refused with a hint at the profile scope")
    func missingID() async {
        #expect(await reason(issuer.verifier(), issuer.token(removing: ["id"])) == "id_missing")
    }

    @Test("E2: when the key set cannot be refreshed, known kids keep working and unknown kids fail closed")
    func refreshFailure() async throws {
        let uptime = ManualUptime()
        let verifier = issuer.verifier(keySet: issuer.keySet(uptime: uptime.reading))
        _ = try await verifier.verify(idToken: issuer.token())
        issuer.fetcher.setFailing(true)
        uptime.advance(by: .seconds(601))
        #expect(await reason(verifier, issuer.token()) == nil)
        uptime.advance(by: .seconds(31))
        #expect(await reason(verifier, issuer.token(kid: "new")) == "keys_unavailable")
    }

    @Test("E2: with no keys ever fetched, verification fails closed as keys_unavailable")
    func neverFetched() async {
        issuer.fetcher.setFailing(true)
        #expect(await reason(issuer.verifier(), issuer.token()) == "keys_unavailable")
    }

    @Test("E3: an HTML answer or an empty key set is refused as a refresh")
    func badKeySetResponses() async {
        issuer.fetcher.setContentType("text/html")
        #expect(await reason(issuer.verifier(), issuer.token()) == "keys_unavailable")
        issuer.fetcher.setContentType("application/json; charset=utf-8")
        issuer.fetcher.setRawJWKS(#"{"keys":[]}"#)
        #expect(await reason(issuer.verifier(), issuer.token()) == "keys_unavailable")
    }

    @Test("E5: a discovery document naming another issuer or a plain-http jwks_uri is refused")
    func discoveryChecks() async {
        issuer.fetcher.setDiscovery(#"{"issuer":"https://evil.example","jwks_uri":"https://oauth.telegram.org/.well-known/jwks.json"}"#)
        #expect(await reason(issuer.verifier(), issuer.token()) == "keys_unavailable")
        issuer.fetcher.setDiscovery(#"{"issuer":"https://oauth.telegram.org","jwks_uri":"http://oauth.telegram.org/.well-known/jwks.json"}"#)
        #expect(await reason(issuer.verifier(), issuer.token()) == "keys_unavailable")
    }

    @Test("E7: after Telegram rotates keys, the new kid works after one refetch and the old kid stops")
    func rotation() async throws {
        let uptime = ManualUptime()
        let verifier = issuer.verifier(keySet: issuer.keySet(uptime: uptime.reading))
        let oldToken = issuer.token()
        _ = try await verifier.verify(idToken: oldToken)
        let next = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        issuer.fetcher.setJWKS(keys: [issuer.rsaJWK(kid: "oidc-2", key: next)])
        uptime.advance(by: .seconds(31))
        let newToken = issuer.sign(header: #"{"alg":"RS256","kid":"oidc-2","typ":"JWT"}"#, claims: TestIssuer.json(TestIssuer.standardClaims), algorithm: "RS256", rsaKey: next)
        #expect(try await verifier.verify(idToken: newToken).user.id == 987_654_321)
        #expect(await reason(verifier, oldToken) == "unknown_kid")
    }

    @Test("initData given as an id_token is the wrong kind of proof")
    func wrongKind() async {
        #expect(await reason(issuer.verifier(), "user=%7B%7D&auth_date=1&hash=00") == "wrong_proof_kind")
    }
}
