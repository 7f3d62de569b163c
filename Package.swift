// swift-tools-version:6.2
import PackageDescription

let crypto = Target.Dependency.product(name: "Crypto", package: "swift-crypto")
let cryptoExtras = Target.Dependency.product(name: "_CryptoExtras", package: "swift-crypto")
let jwtKit = Target.Dependency.product(name: "JWTKit", package: "jwt-kit")
let logging = Target.Dependency.product(name: "Logging", package: "swift-log")
let httpClient = Target.Dependency.product(name: "AsyncHTTPClient", package: "async-http-client")
let hummingbird = Target.Dependency.product(name: "Hummingbird", package: "hummingbird")
let hummingbirdTesting = Target.Dependency.product(name: "HummingbirdTesting", package: "hummingbird")

/// One identity provider, in `Providers/<name>/`: the adapter target `<name>Provider` (`Adapter/`), the simulator
/// target `<name>Simulator` (`Simulator/`) and, if the provider has its own suite, the test target
/// `<name>ProviderTests` (`Tests/<name>ProviderTests/`). Adding a provider adds one entry to `providers`.
struct Provider {
    let name: String
    let hasTests: Bool

    init(_ name: String, tests: Bool = true) {
        (self.name, self.hasTests) = (name, tests)
    }

    var adapter: Target.Dependency { .target(name: name + "Provider") }
    var simulator: Target.Dependency { .target(name: name + "Simulator") }

    /// The provider's targets; every provider gets the same dependencies, so adding one needs no other edit.
    var targets: [Target] {
        [
            .target(
                name: name + "Provider",
                dependencies: [
                    "TelegateCore", "TelegateIssuer", "ProviderKit", "TelegramAuth", "StrictJSON", crypto, jwtKit, logging,
                    .product(name: "NIOHTTP1", package: "swift-nio"),
                ],
                path: "Providers/\(name)/Adapter"),
            .target(
                name: name + "Simulator",
                dependencies: [
                    "SimulatorKit", "StrictJSON", hummingbird, jwtKit, crypto, cryptoExtras, httpClient,
                    .product(name: "HTTPTypes", package: "swift-http-types"), .product(name: "NIOCore", package: "swift-nio"),
                ],
                path: "Providers/\(name)/Simulator"),
        ]
            + (hasTests
                ? [
                    .testTarget(
                        name: name + "ProviderTests",
                        dependencies: [
                            adapter, simulator, "TestSupport", "TelegateTesting", "SimulatorKit", "TelegateApp", "TelegateServer", "TelegateSQLite",
                            "TelegateAdmin", "TelegateRuntime", "ProviderKit", "TelegateCore", "TelegramAuth", "StrictJSON", hummingbird,
                            httpClient, jwtKit, logging, .product(name: "Yams", package: "Yams"),
                            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                            .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
                        ])
                ] : [])
    }
}

/// The providers built in (their adapters and simulators are listed in `Sources/TelegateApp/BuiltinProviders.swift`).
let providers: [Provider] = [
    Provider("OIDC", tests: false),  // the built-in issuer; its tests are in TelegateServerTests
    Provider("Clerk"),
    Provider("Logto"),
    Provider("Firebase"),
    Provider("Supabase"),
]

let package = Package(
    name: "Telegate",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "telegate", targets: ["telegate"]),
        .library(name: "TelegramAuth", targets: ["TelegramAuth"]),
        .library(name: "TelegateCore", targets: ["TelegateCore"]),
        .library(name: "TelegateIssuer", targets: ["TelegateIssuer"]),
        .library(name: "ProviderKit", targets: ["ProviderKit"]),
        .library(name: "StrictJSON", targets: ["StrictJSON"]),
        // Parsing targets with no server dependencies, for the fuzz package (Fuzz/).
        .library(name: "ConfigurationDocument", targets: ["ConfigurationDocument"]),
        .library(name: "ExchangeSubmission", targets: ["ExchangeSubmission"]),
        // What a provider's tests build on: configurations, an in-process server, fakes.
        .library(name: "TelegateTesting", targets: ["TelegateTesting"]),
        // For app backends: verify Telegate's tokens (no server dependencies), and its Hummingbird middleware and
        // WebSocket authenticator.
        .library(name: "TelegateVerifier", targets: ["TelegateVerifier"]),
        .library(name: "TelegateVerifierHummingbird", targets: ["TelegateVerifierHummingbird"]),
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
        // WebSockets for TelegateVerifierHummingbird only (the server does not use them).
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
    ],
    targets: [
        // Strict JSON (RFC 8259) shared by proof parsing and request bodies.
        .target(name: "StrictJSON"),

        // Every Telegram identity proof; no server or database dependencies.
        .target(name: "TelegramAuth", dependencies: ["StrictJSON", crypto, jwtKit]),

        // What a client submits to the exchange: the proof, and the strict reading of the request body.
        .target(name: "ExchangeSubmission", dependencies: ["StrictJSON"]),

        // The domain: apps, bots, users and their identifiers, store protocols, identity resolution, secret
        // sealing, audit, metrics, time, errors.
        .target(name: "TelegateCore", dependencies: ["TelegramAuth", "StrictJSON", "ExchangeSubmission", crypto, logging]),

        // The token issuer: signing keys and their ring, the token signer, refresh tokens, discovery metadata.
        .target(name: "TelegateIssuer", dependencies: ["TelegateCore", "TelegramAuth", "StrictJSON", crypto, cryptoExtras]),

        // What adapters build on: the adapter protocols and context, the configuration schema, the upstream HTTP
        // client with its circuit breaker and outbound address policy, and provider user provisioning.
        .target(
            name: "ProviderKit",
            dependencies: [
                "TelegateCore", "TelegateIssuer", "TelegramAuth", "StrictJSON", logging, httpClient,
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
            ]),

        // The running apps and bots built from the stored configuration, and the exchange and refresh pipelines.
        .target(
            name: "TelegateRuntime",
            dependencies: [
                "TelegateCore", "TelegateIssuer", "ProviderKit", "TelegramAuth", "StrictJSON", "ExchangeSubmission", logging,
                httpClient, .product(name: "NIOCore", package: "swift-nio"),
            ]),

        // The admin operations, transport-neutral: the routes the HTTP server mounts and the CLI calls directly,
        // and the OpenAPI document describing them.
        .target(
            name: "TelegateAdmin",
            dependencies: [
                "TelegateCore", "TelegateIssuer", "ProviderKit", "TelegateRuntime", "TelegramAuth", "StrictJSON", crypto,
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]),

        // The store protocols written once in SQL, over a small seam the engines implement, with the one ordered
        // list of migrations.
        .target(name: "TelegateSQL", dependencies: ["TelegateCore", "TelegateIssuer", "StrictJSON", "TelegramAuth"]),

        // The SQLite (default) engine: one file, a writer with group commit, pooled readers, a checkpointer.
        .target(
            name: "TelegateSQLite",
            dependencies: ["TelegateSQL", "TelegateCore", .product(name: "SQLiteNIO", package: "sqlite-nio")]),

        // The PostgreSQL engine: several instances, one database.
        .target(
            name: "TelegatePostgres",
            dependencies: [
                "TelegateSQL", "TelegateCore", logging, .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"), .product(name: "NIOCore", package: "swift-nio"),
            ]),

        // HTTP routes, middleware and problem+json rendering.
        .target(
            name: "TelegateServer",
            dependencies: [
                "TelegateCore", "TelegateIssuer", "ProviderKit", "TelegateRuntime", "TelegateAdmin", "StrictJSON", "TelegramAuth",
                "ExchangeSubmission", hummingbird, logging,
                .product(name: "HTTPTypes", package: "swift-http-types"), .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            ],
            // The SDK's package folder is served as is: its module and declarations are embedded, the rest is
            // the package's own (package.json, README.md).
            exclude: ["SDK/package/package.json", "SDK/package/README.md"],
            resources: [
                .embedInCode("SDK/package/telegate.js"), .embedInCode("SDK/package/telegate.d.ts"),
                // The admin console's stylesheet and script.
                .embedInCode("Console/console.css"), .embedInCode("Console/console.js"),
            ]),

        // What every provider simulator shares: call counters, injected faults, serving.
        .target(
            name: "SimulatorKit",
            dependencies: [
                "StrictJSON", hummingbird, logging,
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]),

        // A stand-in for Telegram Login's OpenID Provider (oauth.telegram.org), which Telegate's hosted login page
        // is a relying party of; Telegram is not an adapter kind, so it is not under Providers/.
        .target(
            name: "TelegramSimulator",
            dependencies: [
                "SimulatorKit", "StrictJSON", "TelegramAuth", hummingbird, crypto, cryptoExtras,
                .product(name: "HTTPTypes", package: "swift-http-types"), .product(name: "NIOCore", package: "swift-nio"),
            ]),

        // The configuration file's YAML read into the JSON model, with no server dependencies.
        .target(name: "ConfigurationDocument", dependencies: ["StrictJSON", .product(name: "Yams", package: "Yams")]),

        // The composition root: configuration file, quickstart, wiring, and the built-in providers.
        .target(
            name: "TelegateApp",
            dependencies: [
                "TelegateCore", "TelegateIssuer", "ProviderKit", "TelegateRuntime", "TelegateAdmin", "TelegateSQLite", "TelegateServer",
                "TelegramAuth", "TelegatePostgres", "ConfigurationDocument", "SimulatorKit", "TelegramSimulator",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"), hummingbird, logging,
            ] + providers.flatMap { [$0.adapter, $0.simulator] }),

        .executableTarget(
            name: "telegate",
            dependencies: [
                "TelegramAuth", "TelegateApp", "TelegateCore", "TelegateAdmin", "SimulatorKit", crypto, logging,
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                // `telegate simulate telegram-bot` builds the Bot API simulator from its options.
                "TelegramSimulator",
                // The admin commands: JSON bodies, and calls to a running server with --server.
                "StrictJSON", httpClient, .product(name: "NIOCore", package: "swift-nio"),
            ]),

        // The testing kit: a typed configuration builder, Telegate in process (no socket) or on a port, the HTTP
        // reply helper, a fake adapter and a fake upstream, captured logs, the provider identity contract.
        .target(
            name: "TelegateTesting",
            dependencies: [
                "TelegateApp", "TelegateServer", "TelegateCore", "ProviderKit", "TelegateRuntime", "TelegramAuth", "StrictJSON", "SimulatorKit",
                hummingbird,
                hummingbirdTesting, httpClient, logging, .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"), .product(name: "NIOCore", package: "swift-nio"),
            ]),

        // What several test targets share (a free port for a server whose URL must be known before it starts).
        .target(
            name: "TestSupport",
            dependencies: [
                "TelegateTesting", "TelegateApp", "CPosixSpawn", httpClient, logging,
                // HeadlessChromium: the page's server and its result.
                hummingbird,
                // The provider harness: a simulator, a Telegate configured for it, signed initData.
                "SimulatorKit", "TelegateCore", "TelegramAuth", "StrictJSON", "ProviderKit", "TelegateRuntime",
                .product(name: "HTTPTypes", package: "swift-http-types"), .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Tests/TestSupport"),
        // The glibc extensions the tests' child-process launcher needs (Swift's Glibc module leaves out _GNU_SOURCE).
        .target(name: "CPosixSpawn", path: "Tests/CPosixSpawn"),
        .testTarget(name: "TelegramAuthTests", dependencies: ["TelegramAuth", "StrictJSON", cryptoExtras], resources: [.copy("Fixtures")]),
        .testTarget(
            name: "TelegateCoreTests",
            dependencies: [
                "TelegateCore", "TelegateIssuer", "ProviderKit", "TelegateRuntime", "TelegramAuth", "StrictJSON", httpClient, hummingbird,
                hummingbirdTesting, logging,
                "TelegateTesting",
            ]),
        .testTarget(
            name: "TelegateSQLTests",
            dependencies: [
                "TelegateSQL", "TelegateSQLite", "TelegateCore", "TelegateIssuer", "ProviderKit", "StrictJSON", "TelegramAuth", "TelegatePostgres", logging,
            ],
            // The events' JSON Schemas (read from the source tree, as docs/events.md documents them).
            exclude: ["Fixtures"]),
        .testTarget(
            name: "TelegateServerTests",
            dependencies: ["TestSupport", "TelegateTesting",
                "TelegateApp", "TelegateServer", "TelegateSQLite", "TelegateCore", "TelegateIssuer", "ProviderKit", "TelegateAdmin",
                "OIDCProvider", "OIDCSimulator", "TelegramSimulator", "SimulatorKit", "TelegateRuntime", "TelegatePostgres",
                "TelegramAuth", "StrictJSON", hummingbird, hummingbirdTesting, httpClient, cryptoExtras, crypto,
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                // The browser SDK's WebSocket round trip: a backend authenticating sockets with the verifier.
                "TelegateVerifier", "TelegateVerifierHummingbird",
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                // The console's "Test connection" against a provider's simulator.
                "ClerkSimulator",
            ]),
        .testTarget(
            name: "TelegateTestingTests",
            dependencies: [
                "TelegateTesting", "TelegateApp", "TelegateCore", "ProviderKit", "TelegateRuntime", "OIDCProvider", "TelegramAuth", "StrictJSON",
                httpClient,
                .product(name: "NIOCore", package: "swift-nio"),
            ]),
        .testTarget(
            name: "TelegateCLITests",
            dependencies: [
                "TestSupport", "telegate", "TelegramAuth", "ClerkSimulator", "OIDCSimulator", httpClient, crypto,
                "TelegatePostgres", "TelegateSQL",
                "SupabaseSimulator", "TelegramSimulator",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
            ]),
        .testTarget(
            name: "SimulatorKitTests",
            dependencies: [
                "SimulatorKit", hummingbird, httpClient, logging, .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]),

        // TelegateVerifier: Telegate's ID and access tokens verified in an app's backend, from the issuer's discovery
        // document and JWKS alone; it depends on nothing of the server.
        .target(name: "TelegateVerifier", dependencies: [jwtKit, httpClient, logging, .product(name: "NIOCore", package: "swift-nio")]),
        // The verifier in a Hummingbird app: the bearer middleware and the WebSocket first-message authenticator.
        .target(
            name: "TelegateVerifierHummingbird",
            dependencies: [
                "TelegateVerifier", hummingbird, logging,
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ]),
        .testTarget(
            name: "TelegateVerifierTests",
            dependencies: [
                "TelegateVerifier", "TelegateVerifierHummingbird", "TelegateTesting", "TelegateApp", "TelegateCore", "TelegateAdmin",
                "TelegramAuth", "StrictJSON", hummingbird, httpClient, crypto, logging,
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]),
    ] + providers.flatMap(\.targets)
)
