import Crypto
import Foundation
import Synchronization
import _CryptoExtras

@testable import TelegramAuth

/// A stand-in for oauth.telegram.org: signs id_tokens with local keys and serves discovery and JWKS through a
/// fetcher that counts requests.
final class TestIssuer: Sendable {
    static let clientID = "7000000001"
    static let now: Int64 = 1_790_000_000

    /// One RSA key for all tests: generating 2048-bit keys is slow in debug builds.
    static let sharedRSA = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
    var rsa: _RSA.Signing.PrivateKey { Self.sharedRSA }
    let ec = P256.Signing.PrivateKey()
    let fetcher = StubFetcher()

    init() {
        fetcher.setJWKS(keys: [rsaJWK(kid: "oidc-1"), ecJWK(kid: "oidc-es256-1")])
    }

    func keySet(cooldown: Duration = .seconds(30), uptime: @escaping @Sendable () -> Duration = { .zero })
        -> TelegramKeySet
    {
        TelegramKeySet(fetcher: fetcher, refetchCooldown: cooldown, maxAge: .seconds(600), uptime: uptime)
    }

    func verifier(keySet: TelegramKeySet? = nil, allowed: Set<JWSAlgorithm> = JWSAlgorithm.defaultAllowed,
        requireNonce: Bool = false) -> TelegramOIDCVerifier {
        TelegramOIDCVerifier(clientID: Self.clientID, keySet: keySet ?? self.keySet(), allowedAlgorithms: allowed,
            requireNonce: requireNonce, clock: .fixed(Self.now))
    }

    static var standardClaims: [String: Any] {
        [
            "iss": "https://oauth.telegram.org", "aud": clientID, "sub": "1234123412341234123", "iat": now - 10,
            "exp": now + 3600, "id": 987_654_321, "name": "John Doe", "given_name": "John", "family_name": "Doe",
            "preferred_username": "johndoe", "picture": "https://cdn4.telesco.pe/file/x.jpg",
        ]
    }

    /// A token signed with RS256 (or ES256) with the given header and claims overrides.
    func token(_ algorithm: String = "RS256", kid: String? = nil, header extra: [String: Any] = [:],
        claims overrides: [String: Any] = [:], removing removed: [String] = []) -> String {
        var header: [String: Any] = ["alg": algorithm, "typ": "JWT"]
        header["kid"] = kid ?? (algorithm == "ES256" ? "oidc-es256-1" : "oidc-1")
        header.merge(extra) { $1 }
        var claims = Self.standardClaims
        claims.merge(overrides) { $1 }
        for key in removed { claims.removeValue(forKey: key) }
        return sign(header: Self.json(header), claims: Self.json(claims), algorithm: algorithm)
    }

    /// Signs raw header and claims JSON text.
    func sign(header: String, claims: String, algorithm: String, rsaKey: _RSA.Signing.PrivateKey? = nil) -> String {
        let input = Base64.urlEncode(Array(header.utf8)) + "." + Base64.urlEncode(Array(claims.utf8))
        let signature: [UInt8]
        switch algorithm {
        case "ES256": signature = Array(try! ec.signature(for: Array(input.utf8)).rawRepresentation)
        case "HS256": signature = Array(HMAC<SHA256>.authenticationCode(for: Array(input.utf8), using: SymmetricKey(data: Array(Self.rsaPEM(rsa).utf8))))
        case "none": signature = []
        default:
            signature = Array(try! (rsaKey ?? rsa).signature(for: SHA256.hash(data: Array(input.utf8)), padding: .insecurePKCS1v1_5).rawRepresentation)
        }
        return input + "." + Base64.urlEncode(signature)
    }

    func rsaJWK(kid: String, key: _RSA.Signing.PrivateKey? = nil, extra: [String: Any] = [:]) -> [String: Any] {
        let primitives = try! (key ?? rsa).publicKey.getKeyPrimitives()
        var jwk: [String: Any] = ["kty": "RSA", "kid": kid, "alg": "RS256", "use": "sig",
            "n": Base64.urlEncode(Array(primitives.modulus)), "e": Base64.urlEncode(Array(primitives.publicExponent))]
        jwk.merge(extra) { $1 }
        return jwk
    }

    func ecJWK(kid: String) -> [String: Any] {
        let raw = Array(ec.publicKey.rawRepresentation)
        return ["kty": "EC", "crv": "P-256", "kid": kid, "alg": "ES256", "use": "sig",
            "x": Base64.urlEncode(raw[0..<32]), "y": Base64.urlEncode(raw[32..<64])]
    }

    static func rsaPEM(_ key: _RSA.Signing.PrivateKey) -> String { key.publicKey.pemRepresentation }

    static func json(_ object: [String: Any]) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }
}

/// Serves discovery and JWKS from memory, counts requests, and can fail or delay on demand.
final class StubFetcher: TelegramOIDCFetcher {
    private struct State {
        var jwks = "{}"
        var discovery = #"{"issuer":"https://oauth.telegram.org","jwks_uri":"https://oauth.telegram.org/.well-known/jwks.json"}"#
        var failing = false
        var contentType = "application/json"
        var delay: Duration = .zero
        var requested: [String] = []
    }
    private let state = Mutex(State())

    func setJWKS(keys: [[String: Any]]) {
        let text = TestIssuer.json(["keys": keys])
        state.withLock { $0.jwks = text }
    }
    func setRawJWKS(_ text: String) { state.withLock { $0.jwks = text } }
    func setDiscovery(_ text: String) { state.withLock { $0.discovery = text } }
    func setFailing(_ value: Bool) { state.withLock { $0.failing = value } }
    func setContentType(_ value: String) { state.withLock { $0.contentType = value } }
    func setDelay(_ value: Duration) { state.withLock { $0.delay = value } }

    /// How many times the key set was fetched.
    var jwksFetches: Int { state.withLock { $0.requested.filter { $0.hasSuffix("jwks.json") }.count } }
    var requestedURLs: [String] { state.withLock { $0.requested } }

    func get(_ url: String) async throws -> TelegramOIDCResponse {
        let delay = state.withLock { $0.delay }
        if delay > .zero { try await Task.sleep(for: delay) }
        let (body, failing, type): (String?, Bool, String) = state.withLock { state in
            state.requested.append(url)
            switch url {
            case "https://oauth.telegram.org/.well-known/openid-configuration": return (state.discovery, state.failing, state.contentType)
            case "https://oauth.telegram.org/.well-known/jwks.json": return (state.jwks, state.failing, state.contentType)
            default: return (nil, state.failing, state.contentType)
            }
        }
        if failing { return TelegramOIDCResponse(status: 503, contentType: "text/html", body: Array("<html>down</html>".utf8)) }
        guard let body else { return TelegramOIDCResponse(status: 404, contentType: nil, body: []) }
        return TelegramOIDCResponse(status: 200, contentType: type, body: Array(body.utf8))
    }
}

/// A monotonic clock tests can move forward.
final class ManualUptime: Sendable {
    private let value = Mutex<Duration>(.zero)

    func advance(by duration: Duration) { value.withLock { $0 += duration } }
    var reading: @Sendable () -> Duration { { self.value.withLock { $0 } } }
}
