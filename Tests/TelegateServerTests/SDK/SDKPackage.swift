import Foundation

/// Where the browser SDK's package folder and its type-check sources live in the repository.
enum SDKPackage {
    /// The repository's root, from this file's path.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    /// `Sources/TelegateServer/SDK/package`: the package, whose files the server serves.
    static let folder = root.appendingPathComponent("Sources/TelegateServer/SDK/package")
    /// `Tests/Interop/sdk`: the TypeScript usage and conformance files, and the browser script.
    static let interop = root.appendingPathComponent("Tests/Interop/sdk")

    /// The text of the package's file `name`.
    static func file(_ name: String) throws -> String {
        try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
    }
}
