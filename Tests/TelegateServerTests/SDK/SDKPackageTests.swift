import Foundation
import StrictJSON
import TelegateCore
import TelegateTesting
import TestSupport
import Testing

/// The browser SDK as a package: one source of truth (the package folder's files are what the server serves),
/// versioned with the server, served with immutable caching under the versioned path, and typed.
@Suite("Browser SDK package")
struct SDKPackageTests {
    @Test("package.json names @telegate/sdk at the server's version, and lists the served files")
    func packageVersion() throws {
        let package = try JSONValue.parse(try SDKPackage.file("package.json"))
        #expect(package["name"]?.stringValue == "@telegate/sdk")
        #expect(package["version"]?.stringValue == TelegateVersion.current)
        #expect(package["types"]?.stringValue == "./telegate.d.ts")
        #expect(package["module"]?.stringValue == "./telegate.js")
        #expect(package["type"]?.stringValue == "module")
    }

    @Test("The module and its declarations are served byte for byte from the package, short-cached; the versioned paths are immutable")
    func served() async throws {
        try await TestService.run { service in
            for (name, contentType) in [("telegate.js", "text/javascript"), ("telegate.d.ts", "application/typescript")] {
                let source = try SDKPackage.file(name)
                let latest = try await service.request(.get, "/sdk/\(name)", contentType: nil)
                #expect(latest.status == 200)
                #expect(latest.body == source)
                #expect(latest.header("Cache-Control") == "public, max-age=300")
                #expect(latest.header("Content-Type")?.hasPrefix(contentType) == true)
                #expect(latest.header("Access-Control-Allow-Origin") == "*")
                let versioned = try await service.request(.get, "/sdk/\(TelegateVersion.current)/\(name)", contentType: nil)
                #expect(versioned.status == 200)
                #expect(versioned.body == source)
                #expect(versioned.header("Cache-Control") == "public, max-age=31536000, immutable")
                #expect(try await service.request(.get, "/sdk/0.0.1/\(name)", contentType: nil).status == 404)
            }
        }
    }

    static let tsc: String? = ["/usr/bin/tsc", "/usr/local/bin/tsc"].first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test(
        "telegate.d.ts declares exactly the module's exports with their signatures, and a strict TypeScript program uses every one (tsc)",
        .enabled(if: tsc != nil, "tsc is not installed (apt-get install -y node-typescript); type check skipped"))
    func typeCheck() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("telegate-sdk-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let module = directory.appendingPathComponent("module")
        try FileManager.default.createDirectory(at: module, withIntermediateDirectories: true)
        for name in ["telegate.js", "telegate.d.ts"] {
            try FileManager.default.copyItem(at: SDKPackage.folder.appendingPathComponent(name), to: directory.appendingPathComponent(name))
        }
        // The module alone, so that TypeScript reads its exports from the JavaScript.
        try FileManager.default.copyItem(at: SDKPackage.folder.appendingPathComponent("telegate.js"), to: module.appendingPathComponent("telegate.js"))
        for name in ["usage.ts", "conformance.ts"] {
            try FileManager.default.copyItem(at: SDKPackage.interop.appendingPathComponent(name), to: directory.appendingPathComponent(name))
        }
        let result = try await ChildProcess.run(
            Self.tsc ?? "tsc",
            [
                "--noEmit", "--strict", "--allowJs", "--target", "es2022", "--module", "es2022", "--moduleResolution", "node",
                "--lib", "es2022,dom", directory.appendingPathComponent("usage.ts").path,
                directory.appendingPathComponent("conformance.ts").path,
            ])
        #expect(result.status == 0, "tsc: \(result.output)")
    }
}
