import Foundation
import Synchronization
import TestSupport

/// A long-running `telegate` command (`serve`, `simulate`) in a child process, its standard output and error
/// collected in a file that tests read while it runs.
final class BackgroundCLI {
    /// What the child wrote so far, whether it has closed its output, and the waiters to wake on either.
    private struct Output {
        var bytes: [UInt8] = []
        var ended = false
        var waiters: [UUID: AsyncStream<Void>.Continuation] = [:]
    }

    /// Shared with the pipe's reading handler.
    private final class Collected: Sendable {
        let state = Mutex(Output())
    }

    let outputURL: URL
    private let child: ChildProcess
    private let collected = Collected()

    /// Starts `telegate arguments…` in `directory` with `environment` added.
    init(_ arguments: [String], in directory: URL, environment: [String: String] = [:]) throws {
        outputURL = directory.appendingPathComponent("output-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        let file = try FileHandle(forWritingTo: outputURL)
        var env = ProcessInfo.processInfo.environment
        for name in ["TELEGRAM_BOT_TOKEN", "TELEGATE_DATABASE_URL", "TELEGATE_ADMIN_TOKEN", "TELEGATE_LOG_LEVEL"] {
            env.removeValue(forKey: name)
        }
        env.merge(environment) { $1 }
        child = try ChildProcess(
            CLIProcess.executable.path, arguments, environment: env, directory: directory.path, stdout: .pipe,
            stderr: .standardOutput)
        let collected = self.collected
        child.output?.readabilityHandler = { handle in
            let chunk = handle.availableData
            if chunk.isEmpty {
                handle.readabilityHandler = nil
                try? file.close()
            } else {
                file.write(chunk)
            }
            let waiters = collected.state.withLock { output in
                if chunk.isEmpty { output.ended = true } else { output.bytes.append(contentsOf: chunk) }
                return Array(output.waiters.values)
            }
            for waiter in waiters { waiter.yield() }
        }
    }

    /// Everything the process wrote so far.
    var output: String { String(decoding: collected.state.withLock { $0.bytes }, as: UTF8.self) }

    /// Waits until the output satisfies `condition`, for at most `seconds`; `false` when it never did or the process
    /// closed its output first. Woken by each chunk the process writes, not by a clock.
    func waitForOutput(seconds: Int = 60, _ condition: (String) -> Bool) async throws -> Bool {
        let id = UUID()
        let (changes, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        collected.state.withLock { $0.waiters[id] = continuation }
        defer { _ = collected.state.withLock { $0.waiters.removeValue(forKey: id) } }
        let deadline = DispatchWorkItem { continuation.finish() }
        DispatchQueue.global().asyncAfter(deadline: .now() + .seconds(seconds), execute: deadline)
        defer { deadline.cancel() }
        continuation.yield()
        for await _ in changes {
            let (text, ended) = collected.state.withLock { (String(decoding: $0.bytes, as: UTF8.self), $0.ended) }
            if condition(text) { return true }
            if ended { return false }
        }
        return false
    }

    /// Sends SIGTERM and waits for the process to end (SIGKILL if it is still running after `seconds`); returns its
    /// exit status.
    @discardableResult
    func stop(seconds: Int = 30) async throws -> Int32 {
        await child.stop(gracePeriod: seconds)
    }
}
