// swift-tools-version:6.2
import PackageDescription

let crypto = Target.Dependency.product(name: "Crypto", package: "swift-crypto")
let cryptoExtras = Target.Dependency.product(name: "_CryptoExtras", package: "swift-crypto")
let jwtKit = Target.Dependency.product(name: "JWTKit", package: "jwt-kit")
let logging = Target.Dependency.product(name: "Logging", package: "swift-log")
let httpClient = Target.Dependency.product(name: "AsyncHTTPClient", package: "async-http-client")
let hummingbird = Target.Dependency.product(name: "Hummingbird", package: "hummingbird")
let hummingbirdTesting = Target.Dependency.product(name: "HummingbirdTesting", package: "hummingbird")

let package = Package(
    name: "Telegate",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "telegate", targets: ["telegate"]),
        .library(name: "TelegramAuth", targets: ["TelegramAuth"]),
        .library(name: "TelegateCore", targets: ["TelegateCore"]),
        .library(name: "StrictJSON", targets: ["StrictJSON"]),
        // Parsing targets with no server dependencies, for the fuzz package (Fuzz/).
        .library(name: "ConfigurationDocument", targets: ["ConfigurationDocument"]),
        .library(name: "ExchangeSubmission", targets: ["ExchangeSubmission"]),
        // What a provider's tests build on: configurations, an in-process server, fakes.
        .library(name: "TelegateTesting", targets: ["TelegateTesting"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.0.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.3.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.0", traits: []),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
        // The PostgreSQL engine (several instances on one database).
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.25.0"),
        // HTTP parts as Hummingbird's server pipeline carries them (connection timeouts watch them).
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.0"),
    ],
    targets: [
        // Strict JSON (RFC 8259) shared by proof parsing and request bodies.
        .target(name: "StrictJSON"),

        // Every Telegram identity proof; no server or database dependencies.
        .target(name: "TelegramAuth", dependencies: ["StrictJSON", crypto, jwtKit]),

        // What a client submits to the exchange: the proof, and the strict reading of the request body.
        .target(name: "ExchangeSubmission", dependencies: ["StrictJSON"]),

        // Apps, bots, subjects, the adapter protocol and registry, the exchange pipeline, store protocols,
        // signing keys, secret sealing, audit, errors.
        .target(
            name: "TelegateCore",
            dependencies: [
                "TelegramAuth", "StrictJSON", "ExchangeSubmission", crypto, cryptoExtras, jwtKit, logging, httpClient,
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
            ]),

        // The SQLite (default) engine behind the store protocols, with migrations.
        .target(
            name: "TelegateStore",
            dependencies: ["TelegateCore", "StrictJSON", "TelegramAuth", .product(name: "SQLiteNIO", package: "sqlite-nio"), logging]),

        // The PostgreSQL engine behind the store protocols, with the same migrations: several instances, one database.
        .target(
            name: "TelegatePostgresStore",
            dependencies: [
                "TelegateCore", "StrictJSON", "TelegramAuth", logging, .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"), .product(name: "NIOCore", package: "swift-nio"),
            ]),

        // HTTP routes, middleware and problem+json rendering.
        .target(
            name: "TelegateServer",
            dependencies: [
                "TelegateCore", "StrictJSON", "TelegramAuth", "ExchangeSubmission", hummingbird, logging,
                .product(name: "HTTPTypes", package: "swift-http-types"), .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            ],
            resources: [.embedInCode("SDK/telegate.js")]),

        // Providers: one folder each, adapter and simulator.
        .target(name: "OIDCProvider", dependencies: ["TelegateCore", "StrictJSON", jwtKit, crypto], path: "Providers/OIDC/Adapter"),
        .target(
            name: "OIDCSimulator", dependencies: ["StrictJSON", jwtKit, crypto, cryptoExtras, httpClient],
            path: "Providers/OIDC/Simulator"),
        // Logto: access tokens through user impersonation, and its simulator.
        .target(
            name: "LogtoProvider",
            dependencies: ["TelegateCore", "StrictJSON", "TelegramAuth", crypto, logging, .product(name: "NIOHTTP1", package: "swift-nio")],
            path: "Providers/Logto/Adapter"),
        .target(
            name: "LogtoSimulator",
            dependencies: [
                "SimulatorKit", "StrictJSON", hummingbird, crypto, cryptoExtras, .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            path: "Providers/Logto/Simulator"),

        .target(name: "ClerkProvider", dependencies: ["TelegateCore", "StrictJSON", crypto, logging], path: "Providers/Clerk/Adapter"),
        .target(
            name: "ClerkSimulator",
            dependencies: [
                "SimulatorKit", "StrictJSON", hummingbird, .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            path: "Providers/Clerk/Simulator"),

        // What every provider simulator shares: call counters, injected faults, serving.
        .target(
            name: "SimulatorKit",
            dependencies: [
                "StrictJSON", hummingbird, logging,
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]),

        // The configuration file's YAML read into the JSON model, with no server dependencies.
        .target(name: "ConfigurationDocument", dependencies: ["StrictJSON", .product(name: "Yams", package: "Yams")]),

        // The composition root: configuration file, quickstart, wiring.
        .target(
            name: "TelegateApp",
            dependencies: [
                "TelegateCore", "TelegateStore", "TelegateServer", "OIDCProvider", "TelegramAuth",
                "ClerkProvider",
                "LogtoProvider",
                "TelegatePostgresStore",
                "ConfigurationDocument",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"), hummingbird, logging,
            ]),

        .executableTarget(
            name: "telegate",
            dependencies: [
                "TelegramAuth", "TelegateApp", "TelegateCore", "SimulatorKit", crypto, logging,
                "ClerkSimulator",
                "LogtoSimulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                // The admin commands: JSON bodies, and calls to a running server with --server.
                "StrictJSON", httpClient, .product(name: "NIOCore", package: "swift-nio"),
            ]),

        // The testing kit: a typed configuration builder, Telegate in process (no socket) or on a port, the HTTP
        // reply helper, a fake adapter and a fake upstream, captured logs, the provider identity contract.
        .target(
            name: "TelegateTesting",
            dependencies: [
                "TelegateApp", "TelegateServer", "TelegateCore", "TelegramAuth", "StrictJSON", "SimulatorKit", hummingbird,
                hummingbirdTesting, httpClient, logging, .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"), .product(name: "NIOCore", package: "swift-nio"),
            ]),

        // What several test targets share (a free port for a server whose URL must be known before it starts).
        .target(
            name: "TestSupport",
            dependencies: [
                "TelegateTesting", "TelegateApp", httpClient, logging,
            ],
            path: "Tests/TestSupport"),
        .testTarget(name: "TelegramAuthTests", dependencies: ["TelegramAuth", "StrictJSON", cryptoExtras], resources: [.copy("Fixtures")]),
        .testTarget(
            name: "TelegateCoreTests",
            dependencies: ["TelegateCore", "TelegramAuth", "StrictJSON", httpClient, hummingbird, hummingbirdTesting, logging]),
        .testTarget(
            name: "TelegateStoreTests",
            dependencies: ["TelegateStore", "TelegateCore", "StrictJSON", "TelegramAuth", "TelegatePostgresStore", logging]),
        .testTarget(
            name: "TelegateServerTests",
            dependencies: ["TestSupport", "TelegateTesting",
                "TelegateApp", "TelegateServer", "TelegateStore", "TelegateCore", "OIDCProvider", "OIDCSimulator",
                "TelegatePostgresStore",
                "TelegramAuth", "StrictJSON", hummingbird, hummingbirdTesting, httpClient, cryptoExtras, crypto,
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]),
        .testTarget(
            name: "TelegateTestingTests",
            dependencies: ["TelegateTesting", "TelegateApp", "TelegateCore", "OIDCProvider", "TelegramAuth", "StrictJSON", httpClient,
                .product(name: "NIOCore", package: "swift-nio"),
            ]),
        .testTarget(
            name: "TelegateCLITests",
            dependencies: [
                "TestSupport", "telegate", "TelegramAuth", "ClerkSimulator", "OIDCSimulator", httpClient, crypto,
                "TelegatePostgresStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
            ]),
        .testTarget(
            name: "SimulatorKitTests",
            dependencies: [
                "SimulatorKit", hummingbird, httpClient, logging, .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]),
        .testTarget(
            name: "ClerkProviderTests",
            dependencies: ["TestSupport", "TelegateTesting",
                "ClerkProvider", "ClerkSimulator", "SimulatorKit", "TelegateApp", "TelegateServer", "TelegateStore",
                "TelegateCore", "TelegramAuth", "StrictJSON", hummingbird, httpClient, logging,
                .product(name: "Yams", package: "Yams"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
            ]),
        .testTarget(
            name: "LogtoProviderTests",
            dependencies: ["TestSupport", "TelegateTesting",
                "LogtoProvider", "LogtoSimulator", "SimulatorKit", "TelegateApp", "TelegateCore", "TelegramAuth", "StrictJSON",
                hummingbird, httpClient, jwtKit, logging, .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
            ]),
    ]
)
