// Verification cost of each proof kind TelegramAuth accepts, next to the bare primitive it is built on.
// One verification per iteration; setup (key generation, signing, key-set warm-up) is not measured.

import Benchmark
import Crypto
import Foundation
import TelegramAuth
import _CryptoExtras

// MARK: - Fixtures

/// A real Mini App `initData` string issued by Telegram (Bot API 8.0+: it carries both `hash` and `signature`).
let initData =
    "user=%7B%22id%22%3A279058397%2C%22first_name%22%3A%22Vladislav%20%2B%20-%20%3F%20%5C%2F%22%2C%22last_name%22%3A%22Kibenko%22%2C%22username%22%3A%22vdkfrost%22%2C%22language_code%22%3A%22ru%22%2C%22is_premium%22%3Atrue%2C%22allows_write_to_pm%22%3Atrue%2C%22photo_url%22%3A%22https%3A%5C%2F%5C%2Ft.me%5C%2Fi%5C%2Fuserpic%5C%2F320%5C%2F4FPEE4tmP3ATHa57u6MqTDih13LTOiMoKoLDRG4PnSA.svg%22%7D&chat_instance=8134722200314281151&chat_type=private&auth_date=1733584787&signature=zL-ucjNyREiHDE8aihFwpfR9aggP2xiAo3NSpfe-p7IbCisNlDKlo7Kb6G4D0Ao2mBrSgEk4maLSdv6MLIlADQ&hash=2174df5b000556d044f3f020384e879c8efcab55ddea2ced4eb752e93e7080d6"

/// The bot token `initData` was signed for (its `hash` verifies under it).
let botToken = "7342037359:AAFZehRPBRs8Seg40oDjTMIW8uTGPuW1zfQ"
let botID: Int64 = 7_342_037_359

let issuer = "https://oauth.telegram.org"
let discoveryURL = "https://oauth.telegram.org/.well-known/openid-configuration"
let jwksURL = "https://oauth.telegram.org/.well-known/jwks.json"
let clientID = "123456"

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

func base64URL<D: DataProtocol>(_ bytes: D) -> String {
    Data(bytes).base64EncodedString()
        .replacingOccurrences(of: "+", with: "-")
        .replacingOccurrences(of: "/", with: "_")
        .replacingOccurrences(of: "=", with: "")
}

/// The Ed25519 data-check-string of `initData`: `"<bot_id>:WebAppData\n"` followed by every field except `hash` and
/// `signature`, decoded, sorted by key, joined with `\n`. Used only to size the raw Ed25519 floor's message.
func ed25519DataCheckString() throws -> [UInt8] {
    var pairs: [(String, String)] = []
    for field in initData.split(separator: "&") {
        let parts = field.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, let value = String(parts[1]).removingPercentEncoding else {
            throw FixtureError("cannot decode initData field \(field)")
        }
        let key = String(parts[0])
        if key != "hash" && key != "signature" { pairs.append((key, value)) }
    }
    pairs.sort { $0.0 < $1.0 }
    let body = pairs.map { "\($0.0)=\($0.1)" }.joined(separator: "\n")
    return Array("\(botID):WebAppData\n\(body)".utf8)
}

// MARK: - OIDC fixtures

/// Serves a fixed discovery document and key set, as Telegram would, without a network.
struct StubFetcher: TelegramOIDCFetcher {
    let jwks: String

    func get(_ url: String) async throws -> TelegramOIDCResponse {
        switch url {
        case discoveryURL:
            let body = #"{"issuer":"\#(issuer)","jwks_uri":"\#(jwksURL)"}"#
            return TelegramOIDCResponse(status: 200, contentType: "application/json", body: Array(body.utf8))
        case jwksURL:
            return TelegramOIDCResponse(status: 200, contentType: "application/json", body: Array(jwks.utf8))
        default:
            return TelegramOIDCResponse(status: 404, contentType: nil, body: [])
        }
    }
}

/// A signed `id_token` plus everything needed to verify it, either through TelegramAuth or with swift-crypto alone.
struct SignedToken {
    let token: String
    let now: Int64
    let jwks: String
    /// `base64url(header) + "." + base64url(claims)`, the bytes the signature covers.
    let signingInput: [UInt8]
    let signature: [UInt8]
    let rsaKey: _RSA.Signing.PublicKey?
    let p256Key: P256.Signing.PublicKey?
}

func signingInput(alg: String, now: Int64) -> String {
    let header = #"{"alg":"\#(alg)","kid":"k1","typ":"JWT"}"#
    let claims =
        #"{"iss":"\#(issuer)","aud":"\#(clientID)","sub":"abc","iat":\#(now),"exp":\#(now + 3600),"id":987654321,"name":"John Doe","preferred_username":"johndoe"}"#
    return base64URL(Array(header.utf8)) + "." + base64URL(Array(claims.utf8))
}

func makeRS256Token() throws -> SignedToken {
    let now = Int64(Date().timeIntervalSince1970)
    let privateKey = try _RSA.Signing.PrivateKey(keySize: .bits2048)
    let input = signingInput(alg: "RS256", now: now)
    let signature = try privateKey.signature(for: SHA256.hash(data: Array(input.utf8)), padding: .insecurePKCS1v1_5)
    let primitives = try privateKey.publicKey.getKeyPrimitives()
    let jwks =
        #"{"keys":[{"kty":"RSA","use":"sig","alg":"RS256","kid":"k1","n":"\#(base64URL(primitives.modulus))","e":"\#(base64URL(primitives.publicExponent))"}]}"#
    let signatureBytes = Array(signature.rawRepresentation)
    return SignedToken(
        token: input + "." + base64URL(signatureBytes), now: now, jwks: jwks, signingInput: Array(input.utf8),
        signature: signatureBytes, rsaKey: privateKey.publicKey, p256Key: nil)
}

func makeES256Token() throws -> SignedToken {
    let now = Int64(Date().timeIntervalSince1970)
    let privateKey = P256.Signing.PrivateKey()
    let input = signingInput(alg: "ES256", now: now)
    let signatureBytes = Array(try privateKey.signature(for: Array(input.utf8)).rawRepresentation)
    let point = Array(privateKey.publicKey.x963Representation)  // 0x04 || x || y
    let x = base64URL(point[1..<33])
    let y = base64URL(point[33..<65])
    let jwks = #"{"keys":[{"kty":"EC","use":"sig","alg":"ES256","kid":"k1","crv":"P-256","x":"\#(x)","y":"\#(y)"}]}"#
    return SignedToken(
        token: input + "." + base64URL(signatureBytes), now: now, jwks: jwks, signingInput: Array(input.utf8),
        signature: signatureBytes, rsaKey: nil, p256Key: privateKey.publicKey)
}

/// A verifier whose key set is already loaded: the first verification (not measured) fetches the keys.
func warmVerifier(for signed: SignedToken) async throws -> TelegramOIDCVerifier {
    // A long key lifetime keeps the cache from expiring during a run, so no iteration pays for a refresh.
    let keySet = TelegramKeySet(fetcher: StubFetcher(jwks: signed.jwks), maxAge: .seconds(86_400))
    let verifier = TelegramOIDCVerifier(clientID: clientID, keySet: keySet, clock: .fixed(signed.now))
    let identity = try await verifier.verify(idToken: signed.token)
    guard identity.user.id == 987_654_321 else { throw FixtureError("id_token fixture verified to the wrong user") }
    guard await keySet.refreshCount == 1 else { throw FixtureError("key set was not warmed exactly once") }
    return verifier
}

// MARK: - Benchmarks

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        timeUnits: .nanoseconds,
        warmupIterations: 100,
        scalingFactor: .one,
        maxDuration: .seconds(3),
        maxIterations: 1_000_000
    )

    // Mini App initData, HMAC mode (the bot token holder).
    Benchmark("initData HMAC verify") { benchmark, verifier in
        for _ in benchmark.scaledIterations {
            blackHole(try verifier.verify(initData))
        }
    } setup: { () async throws -> InitDataVerifier in
        let verifier = InitDataVerifier(botToken: try BotToken(botToken), freshness: .disabled)
        _ = try verifier.verify(initData)
        return verifier
    }

    // Mini App initData, Ed25519 mode (third party, bot id and Telegram's public key only).
    Benchmark("initData Ed25519 verify") { benchmark, verifier in
        for _ in benchmark.scaledIterations {
            blackHole(try verifier.verify(initData))
        }
    } setup: { () async throws -> InitDataVerifier in
        let verifier = InitDataVerifier(botID: botID, freshness: .disabled)
        _ = try verifier.verify(initData)
        return verifier
    }

    // Legacy Login Widget data, signed locally.
    Benchmark("widget verify") { benchmark, fixture in
        for _ in benchmark.scaledIterations {
            blackHole(try fixture.verifier.verify(fixture.data))
        }
    } setup: { () async throws -> (verifier: WidgetVerifier, data: String) in
        let user = TelegramUser(
            id: 279_058_397, firstName: "Vladislav", lastName: "Kibenko", username: "vdkfrost",
            photoURL: "https://t.me/i/userpic/320/4FPEE4tmP3ATHa57u6MqTDih13LTOiMoKoLDRG4PnSA.jpg")
        let data = try WidgetSigner(botToken: botToken).queryString(
            user: user, authDate: Int64(Date().timeIntervalSince1970))
        let verifier = WidgetVerifier(botToken: botToken, freshness: .disabled)
        _ = try verifier.verify(data)
        return (verifier, data)
    }

    // Telegram Login id_token (OIDC), keys cached.
    Benchmark("id_token verify RS256") { benchmark, fixture in
        for _ in benchmark.scaledIterations {
            blackHole(try await fixture.verifier.verify(idToken: fixture.token))
        }
    } setup: { () async throws -> (verifier: TelegramOIDCVerifier, token: String) in
        let signed = try makeRS256Token()
        return (try await warmVerifier(for: signed), signed.token)
    }

    Benchmark("id_token verify ES256") { benchmark, fixture in
        for _ in benchmark.scaledIterations {
            blackHole(try await fixture.verifier.verify(idToken: fixture.token))
        }
    } setup: { () async throws -> (verifier: TelegramOIDCVerifier, token: String) in
        let signed = try makeES256Token()
        return (try await warmVerifier(for: signed), signed.token)
    }

    // MARK: Floors: the bare primitive each verifier is built on.

    // One HMAC-SHA256 over the whole initData string (the real data-check-string is slightly shorter).
    Benchmark("raw HMAC-SHA256") { benchmark, fixture in
        for _ in benchmark.scaledIterations {
            blackHole(HMAC<SHA256>.authenticationCode(for: fixture.message, using: fixture.key))
        }
    } setup: { () async throws -> (message: [UInt8], key: SymmetricKey) in
        (Array(initData.utf8), SymmetricKey(size: .bits256))
    }

    // One Ed25519 verification over a message exactly as long as initData's Ed25519 data-check-string.
    Benchmark("raw Ed25519 verify") { benchmark, fixture in
        for _ in benchmark.scaledIterations {
            blackHole(fixture.key.isValidSignature(fixture.signature, for: fixture.message))
        }
    } setup: { () async throws -> (key: Curve25519.Signing.PublicKey, signature: [UInt8], message: [UInt8]) in
        let privateKey = Curve25519.Signing.PrivateKey()
        let message = try ed25519DataCheckString()
        let signature = Array(try privateKey.signature(for: message))
        guard privateKey.publicKey.isValidSignature(signature, for: message) else {
            throw FixtureError("Ed25519 floor fixture does not verify")
        }
        return (privateKey.publicKey, signature, message)
    }

    // SHA-256 of the signing input plus one RSA-2048 PKCS#1 v1.5 verification.
    Benchmark("raw RS256 verify") { benchmark, fixture in
        for _ in benchmark.scaledIterations {
            blackHole(
                fixture.key.isValidSignature(
                    fixture.signature, for: SHA256.hash(data: fixture.input), padding: .insecurePKCS1v1_5))
        }
    } setup: { () async throws -> (key: _RSA.Signing.PublicKey, signature: _RSA.Signing.RSASignature, input: [UInt8]) in
        let signed = try makeRS256Token()
        guard let key = signed.rsaKey else { throw FixtureError("no RSA key") }
        let signature = _RSA.Signing.RSASignature(rawRepresentation: signed.signature)
        guard key.isValidSignature(signature, for: SHA256.hash(data: signed.signingInput), padding: .insecurePKCS1v1_5)
        else { throw FixtureError("RS256 floor fixture does not verify") }
        return (key, signature, signed.signingInput)
    }

    // SHA-256 of the signing input plus one ECDSA P-256 verification.
    Benchmark("raw ES256 verify") { benchmark, fixture in
        for _ in benchmark.scaledIterations {
            blackHole(fixture.key.isValidSignature(fixture.signature, for: fixture.input))
        }
    } setup: { () async throws -> (key: P256.Signing.PublicKey, signature: P256.Signing.ECDSASignature, input: [UInt8]) in
        let signed = try makeES256Token()
        guard let key = signed.p256Key else { throw FixtureError("no P-256 key") }
        let signature = try P256.Signing.ECDSASignature(rawRepresentation: signed.signature)
        guard key.isValidSignature(signature, for: signed.signingInput) else {
            throw FixtureError("ES256 floor fixture does not verify")
        }
        return (key, signature, signed.signingInput)
    }
}
