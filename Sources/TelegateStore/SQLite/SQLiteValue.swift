/// A value bound to, or read from, an SQLite statement.
enum SQLiteValue: Sendable, Equatable {
    case integer(Int64)
    case text(String)
    case blob([UInt8])
    case null

    /// Text, or `null` for `nil`.
    static func text(_ value: String?) -> SQLiteValue { value.map { .text($0) } ?? .null }
    /// An integer, or `null` for `nil`.
    static func integer(_ value: Int64?) -> SQLiteValue { value.map { .integer($0) } ?? .null }
    /// `1` or `0`.
    static func bool(_ value: Bool) -> SQLiteValue { .integer(value ? 1 : 0) }

    var integerValue: Int64? {
        if case .integer(let value) = self { return value }
        return nil
    }

    var textValue: String? {
        if case .text(let value) = self { return value }
        return nil
    }

    var blobValue: [UInt8]? {
        if case .blob(let value) = self { return value }
        return nil
    }
}

/// One result row, read by column position.
struct SQLiteRow: Sendable {
    let values: [SQLiteValue]

    subscript(_ index: Int) -> SQLiteValue { values[index] }

    func integer(_ index: Int) -> Int64? { values[index].integerValue }
    func text(_ index: Int) -> String? { values[index].textValue }
    func blob(_ index: Int) -> [UInt8]? { values[index].blobValue }
    func bool(_ index: Int) -> Bool { values[index].integerValue.map { $0 != 0 } ?? false }
}
