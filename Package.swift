// swift-tools-version:6.2
import PackageDescription

let crypto = Target.Dependency.product(name: "Crypto", package: "swift-crypto")
let cryptoExtras = Target.Dependency.product(name: "_CryptoExtras", package: "swift-crypto")
let jwtKit = Target.Dependency.product(name: "JWTKit", package: "jwt-kit")
let logging = Target.Dependency.product(name: "Logging", package: "swift-log")
let httpClient = Target.Dependency.product(name: "AsyncHTTPClient", package: "async-http-client")

let package = Package(
    name: "Telegate",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "telegate", targets: ["telegate"]),
        .library(name: "TelegramAuth", targets: ["TelegramAuth"]),
        .library(name: "TelegateCore", targets: ["TelegateCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.0.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.0"),
    ],
    targets: [
        // Strict JSON (RFC 8259) shared by proof parsing and request bodies.
        .target(name: "StrictJSON"),

        // Every Telegram identity proof; no server or database dependencies.
        .target(name: "TelegramAuth", dependencies: ["StrictJSON", crypto, jwtKit]),

        // Apps, bots, subjects, the adapter protocol and registry, the exchange pipeline, store protocols,
        // signing keys, secret sealing, audit, errors.
        .target(
            name: "TelegateCore",
            dependencies: ["TelegramAuth", "StrictJSON", crypto, cryptoExtras, jwtKit, logging, httpClient]),

        // The SQLite (default) engine behind the store protocols, with migrations.
        .target(
            name: "TelegateStore",
            dependencies: ["TelegateCore", "StrictJSON", "TelegramAuth", .product(name: "SQLiteNIO", package: "sqlite-nio"), logging]),

        .executableTarget(
            name: "telegate",
            dependencies: [
                "TelegramAuth", crypto,
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        .testTarget(name: "TelegramAuthTests", dependencies: ["TelegramAuth", "StrictJSON", cryptoExtras], resources: [.copy("Fixtures")]),
        .testTarget(name: "TelegateStoreTests", dependencies: ["TelegateStore", "TelegateCore", "StrictJSON", "TelegramAuth"]),
        .testTarget(name: "TelegateCLITests", dependencies: ["telegate", "TelegramAuth"]),
    ]
)
