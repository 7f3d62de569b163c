// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "Telegate",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "telegate", targets: ["telegate"]),
        .library(name: "TelegramAuth", targets: ["TelegramAuth"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.0.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
    ],
    targets: [
        .target(
            name: "TelegramAuth",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "JWTKit", package: "jwt-kit"),
            ]
        ),
        .executableTarget(
            name: "telegate",
            dependencies: [
                "TelegramAuth",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "TelegramAuthTests",
            dependencies: [
                "TelegramAuth",
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "TelegateCLITests",
            dependencies: ["telegate", "TelegramAuth"]
        ),
    ]
)
