import Synchronization

/// Applies an ``OutboundURLPolicy`` before each connection, remembering a host's verdict for a minute so a hot
/// path does not resolve DNS on every call.
final class OutboundURLGuard: Sendable {
    private let policy: OutboundURLPolicy
    private let verdicts = Mutex<[String: (allowed: Bool, until: ContinuousClock.Instant)]>([:])

    init(policy: OutboundURLPolicy) {
        self.policy = policy
    }

    func check(_ url: String) throws {
        guard let host = OutboundURLPolicy.split(url) else { try policy.check(url); return }
        let key = host.scheme + "://" + host.host
        let now = ContinuousClock.now
        if let cached = verdicts.withLock({ $0[key] }), cached.until > now {
            if cached.allowed { return }
        }
        do {
            try policy.check(url)
            verdicts.withLock { $0[key] = (true, now + .seconds(60)) }
        } catch {
            verdicts.withLock { $0[key] = (false, now + .seconds(60)) }
            throw error
        }
    }
}
