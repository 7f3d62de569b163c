// Signing cost of the built-in issuer's tokens, next to the bare signature primitive. One token per iteration;
// key generation and the claims are set up outside the measured loop.

import Benchmark
import Crypto
import StrictJSON
import TelegateCore
import TelegateIssuer
import _CryptoExtras

/// The claims of a typical ID token, as the issuer writes them.
let claims = JSONValue.object([
    ("iss", .string("https://auth.example.com/apps/poll")), ("sub", .string("usr_01JD3Z8M7Q4W9T5K2N6R8V0XYA")),
    ("aud", .string("convex")), ("iat", .number("1764000000")), ("exp", .number("1764003600")),
    ("auth_time", .number("1764000000")), ("amr", .array([.string("telegram")])), ("name", .string("Vladislav Kibenko")),
    ("given_name", .string("Vladislav")), ("family_name", .string("Kibenko")), ("preferred_username", .string("vdkfrost")),
    ("picture", .string("https://t.me/i/userpic/320/4FPEE4tmP3ATHa57u6MqTDih13LTOiMoKoLDRG4PnSA.svg")),
    ("locale", .string("ru")), ("telegram_id", .number("279058397")),
])

/// A signing input of the length the issuer signs for `claims`, for the raw primitives.
func signingInput(_ signer: TokenSigner) throws -> [UInt8] {
    let token = try signer.sign(claims: claims, type: "JWT")
    return Array(token.utf8[..<token.utf8.lastIndex(of: UInt8(ascii: "."))!])
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        timeUnits: .nanoseconds,
        warmupIterations: 20,
        scalingFactor: .one,
        maxDuration: .seconds(3)
    )

    for algorithm in [SigningAlgorithm.rs256, .es256, .edDSA] {
        Benchmark("ID token sign \(algorithm.rawValue)") { (benchmark: Benchmark, signer: TokenSigner) in
            for _ in benchmark.scaledIterations {
                blackHole(try signer.sign(claims: claims, type: "JWT"))
            }
        } setup: {
            let material = try SigningKeyMaterial.generate(algorithm)
            return TokenSigner(kid: material.thumbprint, material: material)
        }
    }

    Benchmark("raw RS256 sign") { (benchmark: Benchmark, fixture: (key: _RSA.Signing.PrivateKey, input: [UInt8])) in
        for _ in benchmark.scaledIterations {
            blackHole(try fixture.key.signature(for: SHA256.hash(data: fixture.input), padding: .insecurePKCS1v1_5))
        }
    } setup: {
        let material = try SigningKeyMaterial.generate(.rs256)
        return (
            key: try _RSA.Signing.PrivateKey(derRepresentation: material.privateKeyBytes),
            input: try signingInput(TokenSigner(kid: material.thumbprint, material: material))
        )
    }

    Benchmark("raw ES256 sign") { (benchmark: Benchmark, fixture: (key: P256.Signing.PrivateKey, input: [UInt8])) in
        for _ in benchmark.scaledIterations {
            blackHole(try fixture.key.signature(for: fixture.input))
        }
    } setup: {
        let material = try SigningKeyMaterial.generate(.es256)
        return (
            key: try P256.Signing.PrivateKey(rawRepresentation: material.privateKeyBytes),
            input: try signingInput(TokenSigner(kid: material.thumbprint, material: material))
        )
    }

    Benchmark("raw Ed25519 sign") { (benchmark: Benchmark, fixture: (key: Curve25519.Signing.PrivateKey, input: [UInt8])) in
        for _ in benchmark.scaledIterations {
            blackHole(try fixture.key.signature(for: fixture.input))
        }
    } setup: {
        let material = try SigningKeyMaterial.generate(.edDSA)
        return (
            key: try Curve25519.Signing.PrivateKey(rawRepresentation: material.privateKeyBytes),
            input: try signingInput(TokenSigner(kid: material.thumbprint, material: material))
        )
    }
}
