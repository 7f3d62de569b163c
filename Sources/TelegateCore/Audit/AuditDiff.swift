import StrictJSON

/// What an admin change did to a row, for the audit log: the top-level members whose values differ, each with
/// its value before and after. Callers pass only non-secret fields.
public enum AuditDiff {
    /// `{"member": {"from": …, "to": …}, …}`; a member missing on one side is `null` there.
    public static func between(_ before: JSONValue?, _ after: JSONValue?) -> JSONValue {
        let old = before?.objectMembers ?? []
        let new = after?.objectMembers ?? []
        var keys: [String] = old.map(\.key)
        for member in new where !keys.contains(member.key) { keys.append(member.key) }
        var changes: [(key: String, value: JSONValue)] = []
        for key in keys {
            let from = old.first { $0.key == key }?.value ?? .null
            let to = new.first { $0.key == key }?.value ?? .null
            if from != to { changes.append((key, .object([("from", from), ("to", to)]))) }
        }
        return .object(changes)
    }
}
