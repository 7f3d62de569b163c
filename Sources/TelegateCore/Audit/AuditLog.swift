import Logging
import StrictJSON
import TelegramAuth

/// Records audit events. A failure to record is logged, never turned into a failed request: the action it
/// describes has already happened.
public struct AuditLog: Sendable {
    private let store: any AuditStore
    private let logger: Logger
    private let clock: WallClock

    /// Creates a log writing to `store`.
    public init(store: any AuditStore, logger: Logger, clock: WallClock) {
        self.store = store
        self.logger = logger
        self.clock = clock
    }

    /// Records `action` now.
    public func record(
        _ action: String, appID: AppID?, actor: String = "system", target: String? = nil,
        outcome: AuditEvent.Outcome = .success, details: [(key: String, value: JSONValue)] = [],
        requestID: String? = nil
    ) async {
        let event = AuditEvent(
            at: clock.now, appID: appID, actor: actor, action: action, target: target, outcome: outcome,
            details: .object(details), requestID: requestID)
        do {
            try await store.append(event)
        } catch {
            logger.error("audit event could not be stored", metadata: ["action": "\(action)"])
        }
    }
}
