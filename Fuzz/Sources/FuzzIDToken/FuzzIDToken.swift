import Crypto
import FuzzSupport
import StrictJSON
import TelegramAuth
import _CryptoExtras

/// The keys the target signs with, and the JWKS that publishes them.
private enum Keys {
    /// Generated once per process: RSA key generation has no seeded form, and no input depends on the key's value.
    static let rsa = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
    static let ec = try! P256.Signing.PrivateKey(rawRepresentation: [UInt8](repeating: 0x21, count: 32))
    static let ed25519 = try! Curve25519.Signing.PrivateKey(rawRepresentation: [UInt8](repeating: 0x42, count: 32))

    static let jwks: [UInt8] = {
        let rsaPrimitives = try! rsa.publicKey.getKeyPrimitives()
        let ecPoint = Array(ec.publicKey.rawRepresentation)
        let keys: [JSONValue] = [
            .object([
                ("kty", .string("RSA")), ("kid", .string("oidc-1")), ("alg", .string("RS256")), ("use", .string("sig")),
                ("n", .string(Base64.urlEncode(rsaPrimitives.modulus))),
                ("e", .string(Base64.urlEncode(rsaPrimitives.publicExponent))),
            ]),
            .object([
                ("kty", .string("EC")), ("crv", .string("P-256")), ("kid", .string("oidc-es256-1")),
                ("alg", .string("ES256")), ("use", .string("sig")), ("x", .string(Base64.urlEncode(ecPoint[..<32]))),
                ("y", .string(Base64.urlEncode(ecPoint[32...]))),
            ]),
            .object([
                ("kty", .string("OKP")), ("crv", .string("Ed25519")), ("kid", .string("oidc-eddsa-1")),
                ("alg", .string("EdDSA")), ("use", .string("sig")),
                ("x", .string(Base64.urlEncode(ed25519.publicKey.rawRepresentation))),
            ]),
            // Telegram publishes a secp256k1 key next to the usable ones.
            .object([
                ("kty", .string("EC")), ("crv", .string("secp256k1")), ("kid", .string("oidc-es256k-1")),
                ("alg", .string("ES256K")), ("use", .string("sig")),
                ("x", .string("vsk5i5YJu8H_VPL7DWTgVGXBPrqgkyNmYvfgOrVut38")),
                ("y", .string("Mrg56tBhVeorHPXK1LbTX2jP7rEqOHIatM96HFzVMIU")),
            ]),
        ]
        return JSONValue.object([("keys", .array(keys))]).serializedBytes
    }()

    /// The signature the fixed key for `algorithm` makes over `input`; junk for any other algorithm.
    static func sign(_ input: [UInt8], algorithm: String?) -> [UInt8] {
        switch algorithm {
        case "RS256": Array(try! rsa.signature(for: SHA256.hash(data: input), padding: .insecurePKCS1v1_5).rawRepresentation)
        case "ES256": Array(try! ec.signature(for: input).rawRepresentation)
        case "EdDSA", "Ed25519": Array(try! ed25519.signature(for: input))
        case "none": []
        default: [UInt8](repeating: 0xA5, count: 64)
        }
    }

    /// Whether `signature` over `input` verifies under the fixed key for `algorithm`, checked by swift-crypto alone.
    static func verifies(_ signature: [UInt8], over input: [UInt8], algorithm: String?) -> Bool {
        switch algorithm {
        case "RS256":
            return rsa.publicKey.isValidSignature(
                _RSA.Signing.RSASignature(rawRepresentation: signature), for: SHA256.hash(data: input),
                padding: .insecurePKCS1v1_5)
        case "ES256":
            guard let parsed = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return ec.publicKey.isValidSignature(parsed, for: input)
        case "EdDSA":
            return ed25519.publicKey.isValidSignature(signature, for: input)
        default:
            return false
        }
    }
}

/// Serves the discovery document and one JWKS.
private struct FixedFetcher: TelegramOIDCFetcher {
    static let jwksURL = "https://oauth.telegram.org/.well-known/jwks.json"
    static let discovery = JSONValue.object([
        ("issuer", .string(TelegramKeySet.telegramIssuer)), ("jwks_uri", .string(jwksURL)),
    ]).serializedBytes
    let jwks: [UInt8]

    func get(_ url: String) async throws -> TelegramOIDCResponse {
        TelegramOIDCResponse(
            status: 200, contentType: "application/json", body: url == Self.jwksURL ? jwks : Self.discovery)
    }
}

private let nonce = "n-0S6_WzA2Mj"

/// A verifier for the bot of Telegram's documented example claims, 100 s after their `iat`, accepting every
/// algorithm it supports. The uptime clock stands still, so a key set fetches once and never expires.
private func makeVerifier(_ keySet: TelegramKeySet) -> TelegramOIDCVerifier {
    TelegramOIDCVerifier(
        clientID: "123456789", keySet: keySet, allowedAlgorithms: Set(JWSAlgorithm.allCases),
        clock: .fixed(1_700_000_100))
}

/// The verifier for the fixed keys, shared by every input: it fetches and parses that JWKS once.
private let fixedKeysVerifier = makeVerifier(TelegramKeySet(fetcher: FixedFetcher(jwks: Keys.jwks), uptime: { .zero }))

/// Fuzzes Telegram Login `id_token` verification: compact JWS parsing, the header rules, key selection, JWKS
/// parsing, the signature and every claim check.
///
/// Two input forms, chosen by the first byte:
/// - **a token** (anything not starting with `{`): the first line is an `id_token` verified exactly as given; the
///   rest, if any, is the JWKS served for it. This reaches the compact serialization and every refusal.
/// - **JSON to sign** (starting with `{`): the first line is the JWS header, the second the claims, the rest an
///   optional JWKS. The header and claims are encoded and signed with the fixed key for the header's `alg`, so
///   mutations of the claims reach the claim checks instead of stopping at the signature.
///
/// Without a JWKS in the input, the served set holds the fixed keys under Telegram's `kid`s plus Telegram's
/// secp256k1 key, which must be skipped. A token accepted under that set must verify directly, with swift-crypto,
/// under the fixed key its `alg` names: nothing else may pass.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIDToken(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = fuzzBytes(data, count)
    let (first, afterFirst) = splitOnce(bytes[...], at: UInt8(ascii: "\n"))
    let token: String
    let jwks: ArraySlice<UInt8>?
    if first.first == UInt8(ascii: "{") {
        guard let afterFirst else { return 0 }
        let (claims, rest) = splitOnce(afterFirst, at: UInt8(ascii: "\n"))
        let algorithm = (try? JSONValue.parse(Array(first)))?["alg"]?.stringValue
        let signingInput = Base64.urlEncode(first) + "." + Base64.urlEncode(claims)
        token = signingInput + "." + Base64.urlEncode(Keys.sign(Array(signingInput.utf8), algorithm: algorithm))
        jwks = rest
    } else {
        token = fuzzText(Array(first))
        jwks = afterFirst
    }
    let verifier = jwks.map { makeVerifier(TelegramKeySet(fetcher: FixedFetcher(jwks: Array($0)), uptime: { .zero })) }
        ?? fixedKeysVerifier
    runToCompletion {
        guard let identity = try? await verifier.verify(idToken: token, expectedNonce: nonce) else { return }
        require(identity.proof == .telegramOIDC && identity.user.id > 0, "an accepted id_token has no Telegram user")
        if jwks == nil { requireIndependentlyValid(token) }
    }
    return 0
}

/// An accepted token's signature verifies under the fixed key its header's `alg` names.
private func requireIndependentlyValid(_ token: String) {
    let segments = token.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
    guard segments.count == 3,
        let headerBytes = Base64.decode(segments[0], alphabet: .url, allowPadding: false, canonical: true),
        let signature = Base64.decode(segments[2], alphabet: .url, allowPadding: false, canonical: true)
    else {
        require(false, "an accepted id_token is not three base64url segments")
        return
    }
    let algorithm = (try? JSONValue.parse(headerBytes))?["alg"]?.stringValue
    let signingInput = Array(token.utf8[..<segments[1].endIndex])
    require(Keys.verifies(signature, over: signingInput, algorithm: algorithm), "an id_token was accepted without a valid signature")
}

/// The executable's entry point (SwiftPM links `<target>_main` as `main`): libFuzzer's driver over
/// ``fuzzIDToken(_:_:)``.
@_cdecl("FuzzIDToken_main")
public func fuzzIDTokenMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    // The keys are made before the first input, so no input is charged for generating the RSA key.
    _ = fixedKeysVerifier
    return runLibFuzzer(argc, argv, testing: fuzzIDToken)
}
