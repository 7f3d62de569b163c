// swift-tools-version:6.2
// Coverage-guided fuzzing (libFuzzer) of the parsers that read untrusted bytes. Its own package so the fuzz build
// compiles only the parsing targets, never the server's dependency tree. Build and run with `./run.sh`; see
// docs/fuzzing.md.
import PackageDescription

let telegramAuth = Target.Dependency.product(name: "TelegramAuth", package: "Telegate")
let strictJSON = Target.Dependency.product(name: "StrictJSON", package: "Telegate")
let crypto = Target.Dependency.product(name: "Crypto", package: "swift-crypto")

let package = Package(
    name: "TelegateFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Telegate", path: ".."),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.0.0"),
    ],
    targets: [
        // What every fuzz target shares: libFuzzer's entry point, invariant checks, running async code to completion.
        .target(name: "FuzzSupport", dependencies: ["LibFuzzerEntry"]),
        .target(name: "LibFuzzerEntry"),

        // Mini App initData (HMAC and Ed25519) and Login Widget data (all three shapes), with diagnosis.
        .executableTarget(name: "FuzzTelegramProof", dependencies: ["FuzzSupport", telegramAuth, crypto]),
        // The strict JSON reader and writer.
        .executableTarget(name: "FuzzStrictJSON", dependencies: ["FuzzSupport", strictJSON]),
        // Telegram Login id_tokens (compact JWS) and the JWKS they are verified with.
        .executableTarget(
            name: "FuzzIDToken",
            dependencies: [
                "FuzzSupport", telegramAuth, strictJSON, crypto, .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]),
        // The configuration file's YAML reader.
        .executableTarget(
            name: "FuzzConfigurationYAML",
            dependencies: ["FuzzSupport", strictJSON, .product(name: "ConfigurationDocument", package: "Telegate")]),
        // The exchange request body and its `Authorization: tma` header.
        .executableTarget(
            name: "FuzzExchangeBody",
            dependencies: ["FuzzSupport", strictJSON, .product(name: "ExchangeSubmission", package: "Telegate")]),
    ]
)
