import Foundation
import TestSupport

/// A shell script taken from the docs, run with bash from an empty directory with the built `telegate` first on
/// the `PATH`, as a reader would run it. Only the ports it names are changed, to free ones.
struct DocScript {
    /// The directory the script ran in (its files and logs stay there until ``remove()``).
    let directory: URL
    /// The script's exit status.
    let status: Int32
    /// Its standard output and standard error, interleaved.
    let output: String

    /// How long a script may run before it is stopped: a ceiling for a script that hangs (a server that never
    /// becomes ready), far above what any of them needs, not a timing the result depends on.
    static let ceiling: DispatchTimeInterval = .seconds(300)

    /// Runs `script` after replacing each of `ports` (as written in the doc) with a free port.
    static func run(_ script: String, ports: [String]) async throws -> DocScript {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("telegate-doc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let script = ports.reduce(script) { text, port in text.replacing(port, with: String(FreePort.next())) }

        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = CLIProcess.executable.deletingLastPathComponent().path + ":" + (environment["PATH"] ?? "")
        for name in ["TELEGATE_ADMIN_TOKEN", "TELEGATE_DATABASE_URL", "TELEGATE_HOST", "TELEGATE_PORT", "TELEGATE_MASTER_KEY"] {
            environment.removeValue(forKey: name)
        }
        let bash = try ChildProcess(
            "/bin/bash", ["-c", script], environment: environment, directory: directory.path, stdout: .pipe, stderr: .standardOutput)
        let watchdog = DispatchWorkItem { bash.terminate() }
        DispatchQueue.global().asyncAfter(deadline: .now() + ceiling, execute: watchdog)
        defer { watchdog.cancel() }
        let output = try await bash.collectOutput().output
        let status = await bash.exitStatus()
        return DocScript(directory: directory, status: status, output: output)
    }

    /// The text of a file the script wrote (empty when there is none).
    func file(_ name: String) -> String {
        (try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)) ?? ""
    }

    /// The output and the logs the script wrote, for a failure message.
    func report(logs: [String]) -> String {
        ([output] + logs.map { "--- \($0) ---\n\(file($0))" }).joined(separator: "\n")
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}
