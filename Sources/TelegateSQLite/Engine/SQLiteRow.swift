import TelegateSQL

/// One SQLite result row, its values read out of the statement.
struct SQLiteRow: SQLRow {
    let values: [SQLValue]

    func integer(_ index: Int) -> Int64? {
        if case .integer(let value) = values[index] { return value }
        return nil
    }

    func text(_ index: Int) -> String? {
        if case .text(let value) = values[index] { return value }
        return nil
    }

    func blob(_ index: Int) -> [UInt8]? {
        if case .blob(let value) = values[index] { return value }
        return nil
    }

    /// Flags are stored as `0` and `1`.
    func bool(_ index: Int) -> Bool { integer(index).map { $0 != 0 } ?? false }
}
