import StrictJSON
import TelegateCore

struct SQLiteAuditStore: AuditStore {
    let engine: SQLiteEngine

    func append(_ event: AuditEvent) async throws {
        try await engine.write { handle in
            try handle.run(
                """
                INSERT INTO audit_events (at, app_id, actor, action, target, outcome, details, request_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    .integer(event.at), .text(event.appID?.rawValue), .text(event.actor), .text(event.action),
                    .text(event.target), .text(event.outcome.rawValue), .text(event.details.serialized),
                    .text(event.requestID),
                ])
        }
    }

    func events(appID: AppID?, before: Int64?, limit: Int) async throws -> [AuditEvent] {
        try await engine.read { handle in
            try handle.query(
                """
                SELECT sequence, at, app_id, actor, action, target, outcome, details, request_id FROM audit_events
                WHERE (? IS NULL OR app_id = ?) AND (? IS NULL OR sequence < ?)
                ORDER BY sequence DESC LIMIT ?
                """,
                [
                    .text(appID?.rawValue), .text(appID?.rawValue), .integer(before), .integer(before),
                    .integer(Int64(limit)),
                ]
            ).map { row in
                AuditEvent(
                    sequence: row.integer(0), at: row.integer(1) ?? 0, appID: row.text(2).flatMap(AppID.init(rawValue:)),
                    actor: row.text(3) ?? "", action: row.text(4) ?? "", target: row.text(5),
                    outcome: row.text(6).flatMap(AuditEvent.Outcome.init(rawValue:)) ?? .success,
                    details: row.text(7).flatMap { try? JSONValue.parse($0) } ?? .object([]), requestID: row.text(8))
            }
        }
    }
}
