import Foundation
import Synchronization
import TelegateTesting
import TelegateVerifier

/// The verifier's view of Telegate's ``TestClock``: sleepers wake only when the test moves the clock past their
/// deadline with ``advance(_:)``, never by wall-clock time.
final class ManualClock: Sendable {
    private struct Sleeper {
        let id: Int
        let deadline: Int64
        let continuation: CheckedContinuation<Void, any Error>
    }

    let telegate: TestClock
    private let sleepers = Mutex<(next: Int, waiting: [Sleeper])>((0, []))

    init(_ telegate: TestClock) {
        self.telegate = telegate
    }

    /// How many tasks wait on the clock.
    var sleeping: Int { sleepers.withLock { $0.waiting.count } }

    /// Moves Telegate's clock (and so this one) by `seconds`, waking every sleeper whose deadline passed.
    func advance(_ seconds: Int64) {
        telegate.advance(seconds)
        let now = telegate.now
        let due = sleepers.withLock { state in
            let due = state.waiting.filter { $0.deadline <= now }
            state.waiting.removeAll { $0.deadline <= now }
            return due
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    var verifierClock: VerifierClock {
        VerifierClock(
            now: { [telegate] in Date(timeIntervalSince1970: TimeInterval(telegate.now)) },
            suspend: { [self] deadline in try await suspend(until: Int64(deadline.timeIntervalSince1970.rounded(.up))) })
    }

    private func suspend(until deadline: Int64) async throws {
        let id = sleepers.withLock { state in
            state.next += 1
            return state.next
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resumeNow = sleepers.withLock { state -> Bool in
                    if Task.isCancelled || telegate.now >= deadline { return true }
                    state.waiting.append(Sleeper(id: id, deadline: deadline, continuation: continuation))
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let cancelled = sleepers.withLock { state in
                let found = state.waiting.first { $0.id == id }
                state.waiting.removeAll { $0.id == id }
                return found
            }
            cancelled?.continuation.resume(throwing: CancellationError())
        }
        try Task.checkCancellation()
    }
}
