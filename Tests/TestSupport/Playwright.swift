import Foundation
import Testing

/// Playwright for Python driving the system's Chromium: how every browser test runs a real browser. Its own browser
/// download is never used; the scripts under `Tests/Interop/` are handed Chromium's path in `CHROMIUM`.
public enum Playwright {
    /// The repository's root, for the scripts under `Tests/Interop/`.
    public static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The path of the script at `path` below `Tests/Interop/`.
    public static func script(_ path: String) -> String {
        repositoryRoot.appendingPathComponent("Tests/Interop").appendingPathComponent(path).path
    }

    /// Where the screenshots of `suite` are kept: `$TELEGATE_ARTIFACTS_DIR/<suite>` (CI keeps that folder), or
    /// `.build/screenshots/<suite>` on a developer's machine.
    public static func screenshots(_ suite: String) -> String {
        let artifacts = ProcessInfo.processInfo.environment["TELEGATE_ARTIFACTS_DIR"].map { URL(fileURLWithPath: $0) }
        return (artifacts ?? repositoryRoot.appendingPathComponent(".build/screenshots")).appendingPathComponent(suite).path
    }

    /// Runs a browser test only where Chromium and Playwright for Python are both installed, saying why it is
    /// skipped elsewhere.
    public static var isInstalled: ConditionTrait {
        .enabled(
            "needs chromium (apt-get install -y chromium) and Playwright for Python (pip install playwright); browser test skipped"
        ) {
            guard HeadlessChromium.executable != nil else { return false }
            return await importable.value
        }
    }

    /// Whether Python can import Playwright, asked once per test process.
    private static let importable = Task {
        (try? await ChildProcess.run("/usr/bin/env", ["python3", "-c", "import playwright.sync_api"]))?.status == 0
    }

    /// Runs `script` (a path from ``script(_:)``) with `arguments` while holding the ``BrowserSlot``; its exit
    /// status and its standard output and error together.
    public static func run(_ script: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        var environment = ProcessInfo.processInfo.environment
        environment["CHROMIUM"] = HeadlessChromium.executable
        return try await BrowserSlot.run {
            try await ChildProcess.run("/usr/bin/env", ["python3", script] + arguments, environment: environment)
        }
    }
}
