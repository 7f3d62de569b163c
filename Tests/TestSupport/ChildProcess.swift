import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// A program the tests run in a child process, started with `posix_spawn`.
///
/// Foundation's `Process.run()` on Linux crashes at random: it reads past the buffer it lists `/proc/self/fd` with.
/// A dedicated thread waits for the child's end (blocked in `waitid`, never a thread of the cooperative pool) and
/// resumes whoever awaits it. The child is reaped only under the same lock that signals it, so a signal never reaches
/// another process that reused its pid.
public final class ChildProcess: Sendable {
    /// The child's process identifier.
    public let pid: pid_t
    /// The writing end of the child's standard input, when it is a ``ChildStream/pipe``.
    public let input: FileHandle?
    /// The reading end of the child's standard output, when it is a ``ChildStream/pipe``.
    public let output: FileHandle?
    /// The reading end of the child's standard error, when it is a ``ChildStream/pipe``.
    public let errors: FileHandle?

    /// The exit status once the child has ended and been reaped, and who waits for it.
    private struct End {
        var status: Int32?
        var waiters: [UUID: @Sendable (Int32?) -> Void] = [:]
    }

    private let end = Mutex(End())

    /// Starts `executable` (a path; no `PATH` search) with `arguments`, in `directory`, with exactly `environment`
    /// (`nil`: the test process's environment).
    public init(
        _ executable: String, _ arguments: [String] = [], environment: [String: String]? = nil, directory: String? = nil,
        stdin: ChildStream = .null, stdout: ChildStream = .null, stderr: ChildStream = .null
    ) throws {
        let started = try SpawnRequest(
            executable: executable, arguments: arguments, environment: environment, directory: directory,
            input: stdin, output: stdout, errors: stderr
        ).spawn()
        pid = started.pid
        input = started.pipes[STDIN_FILENO]
        output = started.pipes[STDOUT_FILENO]
        errors = started.pipes[STDERR_FILENO]
        Thread.detachNewThread { [self] in reapWhenEnded() }
    }

    /// Whether the child has not ended yet.
    public var isRunning: Bool { end.withLock { $0.status == nil } }

    /// Sends `signal` to the child, unless it has already ended.
    public func send(_ signal: Int32) {
        end.withLock { end in
            if end.status == nil { _ = kill(pid, signal) }
        }
    }

    /// Asks the child to end (`SIGTERM`).
    public func terminate() { send(SIGTERM) }

    /// Waits, without holding a thread, for the child to end; its exit code, or the number of the signal that ended
    /// it.
    public func exitStatus() async -> Int32 {
        await withCheckedContinuation { continuation in
            // This waiter is never removed, so it is always called with a status.
            waitForEnd(id: UUID()) { continuation.resume(returning: $0 ?? 0) }
        }
    }

    /// The child's exit status once it has ended, or `nil` when it is still running after `seconds`.
    public func exitStatus(within seconds: Int) async -> Int32? {
        let id = UUID()
        return await withCheckedContinuation { continuation in
            waitForEnd(id: id) { continuation.resume(returning: $0) }
            DispatchQueue.global().asyncAfter(deadline: .now() + .seconds(seconds)) { [self] in
                end.withLock { $0.waiters.removeValue(forKey: id) }?(nil)
            }
        }
    }

    /// Stops the child: `SIGTERM`, then `SIGKILL` if it is still running after `gracePeriod` seconds; its exit
    /// status.
    @discardableResult
    public func stop(gracePeriod: Int) async -> Int32 {
        terminate()
        if let status = await exitStatus(within: gracePeriod) { return status }
        send(SIGKILL)
        return await exitStatus()
    }

    /// Reads the child's piped standard output and error to their ends (each off the cooperative pool, both at once
    /// so neither pipe fills while the other is read); empty for a stream that is not a pipe.
    public func collectOutput() async throws -> (output: String, errors: String) {
        let (output, errors) = (self.output, self.errors)
        async let out = offCooperativePool { output?.readDataToEndOfFile() ?? Data() }
        async let err = offCooperativePool { errors?.readDataToEndOfFile() ?? Data() }
        return try await (String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    /// Calls `resume` with the exit status once the child has ended (at once if it has), or with `nil` if the waiter
    /// `id` is removed first.
    private func waitForEnd(id: UUID, _ resume: @escaping @Sendable (Int32?) -> Void) {
        let ended = end.withLock { end in
            if end.status == nil { end.waiters[id] = resume }
            return end.status
        }
        if let ended { resume(ended) }
    }

    /// On the dedicated thread: waits until the child has ended without reaping it, then reaps it under the lock and
    /// wakes the waiters.
    private func reapWhenEnded() {
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) == -1 && errno == EINTR {}
        let (status, waiters) = end.withLock { end in
            var raw: Int32 = 0
            while waitpid(pid, &raw, 0) == -1 && errno == EINTR {}
            // The low seven bits are the signal that ended the child, or 0 when it exited with the code above them.
            let status = raw & 0x7f == 0 ? (raw >> 8) & 0xff : raw & 0x7f
            end.status = status
            defer { end.waiters = [:] }
            return (status, Array(end.waiters.values))
        }
        for waiter in waiters { waiter(status) }
    }
}

extension ChildProcess {
    /// Runs `executable` to its end, its standard output and error in one pipe; its exit status and output.
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil, directory: String? = nil
    ) async throws -> (status: Int32, output: String) {
        let child = try ChildProcess(
            executable, arguments, environment: environment, directory: directory, stdout: .pipe, stderr: .standardOutput)
        let text = try await child.collectOutput().output
        return (await child.exitStatus(), text)
    }
}
