// swift-tools-version:6.2
// Benchmarks live in their own package so the main build does not pull in package-benchmark.
import PackageDescription

let package = Package(
    name: "TelegateBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Telegate", path: ".."),
        // Only the malloc interposer (malloc counts); the default traits would also enable the runtime interposer.
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.0.0"),
    ],
    targets: [
        .executableTarget(
            name: "TelegramAuthBenchmarks",
            dependencies: [
                .product(name: "TelegramAuth", package: "Telegate"),
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            path: "Benchmarks/TelegramAuthBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "TokenSigningBenchmarks",
            dependencies: [
                .product(name: "TelegateCore", package: "Telegate"),
                .product(name: "TelegateIssuer", package: "Telegate"),
                .product(name: "StrictJSON", package: "Telegate"),
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            path: "Benchmarks/TokenSigningBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
