import StrictJSON
import TelegateCore

struct SQLAuditStore: AuditStore {
    let database: any SQLDatabase

    func append(_ event: AuditEvent) async throws {
        try await database.write(Self.insert(event))
    }

    /// The statement appending `event`, in a transaction of its own or of the change it records.
    static func insert(_ event: AuditEvent) -> SQL {
        """
        INSERT INTO audit_events (at, app_id, actor, action, target, outcome, details, request_id)
        VALUES (\(event.at), \(event.appID?.rawValue), \(event.actor), \(event.action), \(event.target),
            \(event.outcome.rawValue), \(event.details.serialized), \(event.requestID))
        """
    }

    func events(appID: AppID?, before: Int64?, limit: Int) async throws -> [AuditEvent] {
        let app = appID?.rawValue
        return try await database.read(
            """
            SELECT sequence, at, app_id, actor, action, target, outcome, details, request_id FROM audit_events
            WHERE (CAST(\(app) AS TEXT) IS NULL OR app_id = \(app))
                AND (CAST(\(before) AS BIGINT) IS NULL OR sequence < \(before))
            ORDER BY sequence DESC LIMIT \(limit)
            """
        ).map { row in
            AuditEvent(
                sequence: row.integer(0), at: row.integer(1) ?? 0, appID: row.text(2).flatMap(AppID.init(rawValue:)),
                actor: row.text(3) ?? "", action: row.text(4) ?? "", target: row.text(5),
                outcome: row.text(6).flatMap(AuditEvent.Outcome.init(rawValue:)) ?? .success,
                details: row.text(7).flatMap { try? JSONValue.parse($0) } ?? .object([]), requestID: row.text(8))
        }
    }
}
