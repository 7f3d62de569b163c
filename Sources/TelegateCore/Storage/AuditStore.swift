/// The audit log.
public protocol AuditStore: Sendable {
    /// Appends an event.
    func append(_ event: AuditEvent) async throws
    /// Events newest first, optionally for one app, starting below the sequence number `before`.
    func events(appID: AppID?, before: Int64?, limit: Int) async throws -> [AuditEvent]
}
