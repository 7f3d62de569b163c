#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Deliberate failures at named points of an exchange, to prove that a crash anywhere leaves the data consistent
/// and a retry succeeds.
///
/// Off unless armed: in process by a test (``arm(_:action:times:)``), or for a whole server by the environment
/// variable `TELEGATE_FAULT_POINTS` (for example `after-provider-before-response:crash`), which Telegate refuses
/// when its public URL is `https`. Code that reaches a point calls ``reach(_:)``; unarmed, that is one atomic load.
public final class FaultInjector: Sendable {
    /// Where a fault can strike.
    public enum Point: String, Sendable, CaseIterable {
        /// Before a local write that a step depends on commits (a new user, a provider link).
        case beforeCommit = "before-commit"
        /// After that write committed, before the provider is called.
        case afterCommitBeforeProvider = "after-commit-before-provider"
        /// After the provider answered, before its answer is recorded locally and the response is sent.
        case afterProviderBeforeResponse = "after-provider-before-response"
    }

    /// What happens at an armed point.
    public enum Action: String, Sendable {
        /// The process ends at once, without cleanup, like `kill -9`.
        case crash
        /// The request fails with `500 internal_error` there; nothing after the point runs.
        case fail
    }

    private let isArmed = Atomic<Bool>(false)
    private let armed = Mutex<[Point: (action: Action, remaining: Int?)]>([:])

    /// An injector with nothing armed.
    public init() {}

    /// Arms `point`: the next `times` arrivals (every arrival when `nil`) trigger `action`.
    public func arm(_ point: Point, action: Action = .fail, times: Int? = 1) {
        armed.withLock { $0[point] = (action, times) }
        isArmed.store(true, ordering: .releasing)
    }

    /// Disarms every point.
    public func disarm() {
        armed.withLock { $0.removeAll() }
        isArmed.store(false, ordering: .releasing)
    }

    /// Called by code at `point`: crashes or throws if the point is armed.
    public func reach(_ point: Point) throws {
        guard isArmed.load(ordering: .acquiring) else { return }
        let action: Action? = armed.withLock { armed in
            guard let entry = armed[point] else { return nil }
            if let remaining = entry.remaining {
                armed[point] = remaining > 1 ? (entry.action, remaining - 1) : nil
            }
            return entry.action
        }
        switch action {
        case nil: return
        case .crash: _exit(137)
        case .fail: throw TelegateError(.internalError, "an injected fault stopped this request")
        }
    }

    /// The injector `TELEGATE_FAULT_POINTS` describes (`point[:crash|fail],…`; every arrival triggers), refused
    /// when `publicURL` is `https`: fault injection is for test deployments only.
    public static func fromEnvironment(_ environment: [String: String], publicURL: String) throws -> FaultInjector {
        let injector = FaultInjector()
        guard let text = environment["TELEGATE_FAULT_POINTS"], !text.isEmpty else { return injector }
        guard !publicURL.lowercased().hasPrefix("https://") else {
            throw TelegateError(
                .invalidConfig,
                "TELEGATE_FAULT_POINTS is for test deployments; it is refused when the public URL is https")
        }
        for item in text.split(separator: ",") {
            let parts = item.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard let point = Point(rawValue: parts[0]),
                let action = parts.count == 2 ? Action(rawValue: parts[1]) : .crash
            else {
                throw TelegateError(
                    .invalidConfig,
                    "TELEGATE_FAULT_POINTS: \"\(item.prefix(60))\" is not point[:crash|fail]; points: "
                        + Point.allCases.map(\.rawValue).joined(separator: ", "))
            }
            injector.arm(point, action: action, times: nil)
        }
        return injector
    }
}
