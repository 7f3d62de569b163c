import Foundation
import TestSupport

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// A long-running `telegate` command (`serve`, `simulate`) in a child process, its standard output and error
/// collected in a file that tests read while it runs.
final class BackgroundCLI {
    let outputURL: URL
    private let process: Process

    /// Starts `telegate arguments…` in `directory` with `environment` added.
    init(_ arguments: [String], in directory: URL, environment: [String: String] = [:]) throws {
        outputURL = directory.appendingPathComponent("output-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        let output = try FileHandle(forWritingTo: outputURL)
        process = Process()
        process.executableURL = CLIProcess.executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        for name in ["TELEGRAM_BOT_TOKEN", "TELEGATE_DATABASE_URL", "TELEGATE_ADMIN_TOKEN", "TELEGATE_LOG_LEVEL"] {
            env.removeValue(forKey: name)
        }
        env.merge(environment) { $1 }
        process.environment = env
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try ChildProcess.launch(process)
    }

    /// Everything the process wrote so far.
    var output: String { (try? String(contentsOf: outputURL, encoding: .utf8)) ?? "" }

    /// Waits until the output satisfies `condition`, for at most `seconds`; `false` when it never did or the process
    /// ended first.
    func waitForOutput(seconds: Int = 60, _ condition: (String) -> Bool) async throws -> Bool {
        for _ in 0..<(seconds * 20) {
            if condition(output) { return true }
            if !process.isRunning { return condition(output) }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    /// Sends SIGTERM and waits for the process to end (SIGKILL after `seconds`); returns its exit status.
    @discardableResult
    func stop(seconds: Int = 30) async throws -> Int32 {
        if process.isRunning { process.terminate() }
        for _ in 0..<(seconds * 20) where process.isRunning { try await Task.sleep(for: .milliseconds(50)) }
        if process.isRunning {
            _ = kill(process.processIdentifier, SIGKILL)
            for _ in 0..<200 where process.isRunning { try await Task.sleep(for: .milliseconds(50)) }
        }
        return process.terminationStatus
    }
}
