import Foundation
import TestSupport

/// Runs the built `telegate` executable as a child process. The caller is suspended while the child runs, not
/// blocked: a thread of the cooperative pool (two on two cores) is never held for a child's lifetime.
struct CLIProcess {
    struct Result: Sendable {
        let status: Int32
        let stdout: String
        let stderr: String

        /// The single JSON object printed on standard output.
        var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(stdout.utf8))) as? [String: Any] ?? [:]
        }
    }

    /// The `telegate` binary next to the test bundle.
    static let executable: URL = {
        let bundleDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [bundleDirectory, bundleDirectory.deletingLastPathComponent()] {
            let url = candidate.appendingPathComponent("telegate")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/telegate")
    }()

    static func run(
        _ arguments: [String], environment: [String: String] = [:], stdin: String? = nil, directory: URL? = nil
    ) async throws -> Result {
        try await run(arguments, environment: environment, stdinBytes: stdin.map { Array($0.utf8) }, directory: directory)
    }

    /// Runs `script` with bash, `arguments` as `$0`, `$1`, …: for arguments holding bytes that are not UTF-8,
    /// which a Swift `String` cannot carry.
    static func shell(_ script: String, arguments: [String], environment: [String: String] = [:]) async throws -> Result {
        try await run(["-c", script] + arguments, environment: environment, stdinBytes: nil, executable: URL(fileURLWithPath: "/bin/bash"))
    }

    /// Runs with exactly `stdinBytes` on standard input (bytes that need not be UTF-8).
    static func run(
        _ arguments: [String], environment: [String: String] = [:], stdinBytes: [UInt8]?, directory: URL? = nil,
        executable: URL = CLIProcess.executable
    ) async throws -> Result {
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "TELEGRAM_BOT_TOKEN")
        env.merge(environment) { $1 }
        let child = try ChildProcess(
            executable.path, arguments, environment: env, directory: directory?.path, stdin: .pipe, stdout: .pipe, stderr: .pipe)
        let input = child.input
        try await offCooperativePool {
            if let stdinBytes { input?.write(Data(stdinBytes)) }
            try input?.close()
        }
        let (out, err) = try await child.collectOutput()
        return Result(status: await child.exitStatus(), stdout: out, stderr: err)
    }
}
