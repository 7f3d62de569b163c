import Foundation
import Synchronization

/// Starts the tests' child processes one at a time.
///
/// Foundation's `Process.run()` on Linux is not safe to call from two threads at once: tests that start their
/// children concurrently crash inside it. Every test starts a child through ``launch(_:)``, which holds one lock for
/// the launch only; the children then run, and are waited for, concurrently.
public enum ChildProcess {
    private static let launching = Mutex(())

    /// Starts `process`, after any launch in progress on another thread has finished.
    public static func launch(_ process: Process) throws {
        try launching.withLock { _ in try process.run() }
    }
}
