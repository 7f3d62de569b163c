import Foundation
import StrictJSON

/// Prints admin answers: the JSON as is with `--json`, otherwise a table for lists and `key: value` lines for
/// single resources, with times in ISO 8601 (``ReadableTimes``). Table cells and lines show data users and Telegram
/// chose (names, usernames), so every one is printed through ``TerminalText``: control characters cannot forge rows
/// or act on the terminal.
enum AdminOutput {
    /// A table column: its header and the member path it shows (`token.lastFour`).
    struct Column {
        let header: String
        let path: String

        init(_ header: String, _ path: String) {
            self.header = header
            self.path = path
        }
    }

    static func show(_ value: JSONValue?, json: Bool, columns: [Column], empty: String = "nothing found") {
        guard let value = value.map({ json ? $0 : ReadableTimes.apply($0) }) else { return }
        if json {
            print(value.serialized)
        } else if let items = value["items"]?.arrayElements {
            print(items.isEmpty ? empty : table(items, columns: columns))
        } else {
            for member in value.objectMembers ?? [] {
                print("\(TerminalText.escaped(member.key)): \(text(member.value))")
            }
        }
    }

    static func table(_ items: [JSONValue], columns: [Column]) -> String {
        let rows = items.map { item in columns.map { column in text(lookup(item, column.path)) } }
        let widths = columns.indices.map { index in
            ([columns[index].header] + rows.map { $0[index] }).map(\.count).max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .trimmingTrailingSpaces()
        }
        return ([line(columns.map(\.header))] + rows.map(line)).joined(separator: "\n")
    }

    private static func lookup(_ value: JSONValue, _ path: String) -> JSONValue? {
        path.split(separator: ".").reduce(Optional(value)) { current, key in current?[String(key)] }
    }

    /// A value as one line of terminal-safe text.
    private static func text(_ value: JSONValue?) -> String {
        switch value {
        case nil, .null?: "-"
        case .string(let text)?: TerminalText.escaped(text)
        case .bool(let flag)?: flag ? "yes" : "no"
        case .array(let elements)?: elements.map { text($0) }.joined(separator: ",")
        case let other?: TerminalText.escaped(other.serialized)
        }
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
