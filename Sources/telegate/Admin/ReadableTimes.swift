import Foundation
import StrictJSON

/// Times as people read them in CLI tables and `key: value` lines: the API's Unix seconds as ISO 8601 in UTC
/// (`2026-03-01T12:00:00Z`). `--json` output keeps the numbers.
enum ReadableTimes {
    /// `value` with every integer member named like a time (`at`, `createdAt`, `lastLoginAt`, …) written as ISO
    /// 8601, at any depth.
    static func apply(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members):
            .object(
                members.map { member in
                    if isTime(member.key), let seconds = member.value.integerValue {
                        (member.key, .string(iso8601(seconds)))
                    } else {
                        (member.key, apply(member.value))
                    }
                })
        case .array(let elements): .array(elements.map(apply))
        default: value
        }
    }

    /// `seconds` since the epoch as ISO 8601 in UTC.
    static func iso8601(_ seconds: Int64) -> String {
        Date(timeIntervalSince1970: TimeInterval(seconds)).ISO8601Format()
    }

    private static func isTime(_ key: String) -> Bool {
        key == "at" || key.hasSuffix("At")
    }
}
