import Logging
import StrictJSON
import Synchronization
import TelegateCore

/// What Telegate last learned about reaching each adapter's provider, for `/readyz`, `/metrics` and
/// `adapters check`. Fed by the probe of the adapters' URLs (at start and periodically) and by every call an
/// adapter makes. An adapter that cannot reach its provider is reported here; it never stops the process or the
/// other adapters. A change of state is logged once: a warning when it becomes unhealthy, a notice when it recovers.
public final class AdapterReachability: Sendable {
    /// One adapter's state.
    public enum State: Sendable, Equatable {
        /// Its URLs resolve to allowed addresses; no call has told more yet.
        case resolves
        /// Its last call got an answer from the provider.
        case reachable
        /// A URL's host does not resolve.
        case unresolvable(host: String)
        /// A URL resolves to an address the outbound policy refuses.
        case refused(reason: String)
        /// Its last call failed: a timeout, a dropped connection, a `5xx`.
        case failing(reason: String)

        /// Whether the adapter can be expected to work.
        public var isHealthy: Bool {
            switch self {
            case .resolves, .reachable: true
            case .unresolvable, .refused, .failing: false
            }
        }

        /// A stable name: `ok`, `unresolvable`, `refused`, `failing`.
        public var name: String {
            switch self {
            case .resolves, .reachable: "ok"
            case .unresolvable: "unresolvable"
            case .refused: "refused"
            case .failing: "failing"
            }
        }

        /// What is wrong, safe to show admins.
        public var message: String {
            switch self {
            case .resolves: "its URLs resolve to allowed addresses"
            case .reachable: "its provider answered the last call"
            case .unresolvable(let host): "\(host) does not resolve"
            case .refused(let reason): reason
            case .failing(let reason): "the last call failed: \(reason)"
            }
        }
    }

    /// An adapter of an app.
    public struct Key: Hashable, Sendable, Comparable {
        public let app: AppID
        public let adapter: AdapterName

        public init(app: AppID, adapter: AdapterName) {
            self.app = app
            self.adapter = adapter
        }

        public static func < (lhs: Key, rhs: Key) -> Bool { (lhs.app, lhs.adapter) < (rhs.app, rhs.adapter) }
    }

    private let states = Mutex<[Key: State]>([:])
    private let logger: Logger

    /// An empty board logging state changes to `logger`.
    public init(logger: Logger) {
        self.logger = logger
    }

    /// The state of `key`; `nil` before anything was learned.
    public func state(of key: Key) -> State? {
        states.withLock { $0[key] }
    }

    /// Records what a call learned.
    public func record(_ state: State, for key: Key) {
        let previous = states.withLock { states in
            defer { states[key] = state }
            return states[key]
        }
        guard previous != state else { return }
        var metadata: Logger.Metadata = ["app": "\(key.app)", "adapter": "\(key.adapter)", "state": "\(state.name)"]
        if !state.isHealthy {
            metadata["detail"] = "\(state.message)"
            logger.warning("an adapter cannot reach its provider; it stays configured and other adapters are unaffected", metadata: metadata)
        } else if previous.map({ !$0.isHealthy }) ?? false {
            logger.notice("an adapter reaches its provider again", metadata: metadata)
        }
    }

    /// Records what resolving an adapter's URLs found. An allowed answer does not replace what a call learned.
    public func record(resolved destination: OutboundDestination, for key: Key) {
        switch destination {
        case .allowed:
            // What a call learned says more than DNS does; only a problem DNS found is cleared by DNS.
            switch state(of: key) {
            case nil, .unresolvable?, .refused?: record(State.resolves, for: key)
            case .resolves?, .reachable?, .failing?: break
            }
        case .unresolvable(let host): record(State.unresolvable(host: host), for: key)
        case .refused(let reason): record(State.refused(reason: reason), for: key)
        }
    }

    /// Forgets adapters that are no longer configured.
    public func retain(_ keys: Set<Key>) {
        states.withLock { states in states = states.filter { keys.contains($0.key) } }
    }

    /// Every adapter that is not healthy, sorted.
    public var unhealthy: [(key: Key, state: State)] {
        states.withLock { $0.filter { !$0.value.isHealthy } }.map { (key: $0.key, state: $0.value) }.sorted { $0.key < $1.key }
    }

    /// The unhealthy adapters as `/readyz` names them: `[{app, adapter, state, message}]`.
    public var unhealthyJSON: JSONValue {
        .array(
            unhealthy.map { entry in
                .object([
                    ("app", .string(entry.key.app.rawValue)), ("adapter", .string(entry.key.adapter.rawValue)),
                    ("state", .string(entry.state.name)), ("message", .string(entry.state.message)),
                ])
            })
    }

    /// `telegate_adapter_healthy{app,adapter,state}`, 1 or 0, in the Prometheus text format.
    public func renderMetrics() -> String {
        let snapshot = states.withLock { $0 }.sorted { $0.key < $1.key }
        var lines = [
            "# HELP telegate_adapter_healthy Whether an adapter can reach its provider (1) or not (0), and why.",
            "# TYPE telegate_adapter_healthy gauge",
        ]
        for (key, state) in snapshot {
            lines.append(
                "telegate_adapter_healthy{app=\"\(key.app)\",adapter=\"\(key.adapter)\",state=\"\(state.name)\"} \(state.isHealthy ? 1 : 0)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
