import TelegateSQL
import VaporCSQLite

/// One SQLite connection with a prepared-statement cache.
///
/// Not thread-safe: its owner (the write queue, the reader pool, the checkpointer) lets one thread at a time use it.
final class SQLiteHandle {
    private var raw: OpaquePointer?
    private var statements: [String: OpaquePointer] = [:]

    /// Opens (creating when needed) the database at `path`.
    init(path: String, readOnly: Bool) throws {
        let flags =
            (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX
            | SQLITE_OPEN_EXRESCODE
        var handle: OpaquePointer?
        let status = sqlite_nio_sqlite3_open_v2(path, &handle, flags, nil)
        guard status == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite_nio_sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite_nio_sqlite3_close(handle)
            throw SQLiteFailure(code: status, message: message)
        }
        raw = handle
        sqlite_nio_sqlite3_busy_timeout(handle, 5000)
    }

    deinit {
        for statement in statements.values { sqlite_nio_sqlite3_finalize(statement) }
        sqlite_nio_sqlite3_close_v2(raw)
    }

    /// Runs one or more statements without parameters (pragmas, migrations, transaction control).
    func execute(_ sql: String) throws {
        let status = sqlite_nio_sqlite3_exec(raw, sql, nil, nil, nil)
        guard status == SQLITE_OK else { throw failure(status) }
    }

    /// Runs a statement and returns the number of rows it changed.
    @discardableResult
    func run(_ sql: String, _ binds: [SQLValue] = []) throws -> Int {
        let statement = try prepared(sql, binds)
        defer { sqlite_nio_sqlite3_reset(statement) }
        while true {
            let status = sqlite_nio_sqlite3_step(statement)
            if status == SQLITE_DONE { break }
            guard status == SQLITE_ROW else { throw failure(status) }
        }
        return Int(sqlite_nio_sqlite3_changes(raw))
    }

    /// Runs a query and returns its rows.
    func query(_ sql: String, _ binds: [SQLValue] = []) throws -> [SQLiteRow] {
        let statement = try prepared(sql, binds)
        defer { sqlite_nio_sqlite3_reset(statement) }
        let columns = sqlite_nio_sqlite3_column_count(statement)
        var rows: [SQLiteRow] = []
        while true {
            let status = sqlite_nio_sqlite3_step(statement)
            if status == SQLITE_DONE { break }
            guard status == SQLITE_ROW else { throw failure(status) }
            var values: [SQLValue] = []
            values.reserveCapacity(Int(columns))
            for column in 0..<columns { values.append(value(statement, column)) }
            rows.append(SQLiteRow(values: values))
        }
        return rows
    }

    private func prepared(_ sql: String, _ binds: [SQLValue]) throws -> OpaquePointer {
        let statement: OpaquePointer
        if let cached = statements[sql] {
            statement = cached
        } else {
            var created: OpaquePointer?
            let status = sqlite_nio_sqlite3_prepare_v3(raw, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &created, nil)
            guard status == SQLITE_OK, let created else { throw failure(status) }
            statements[sql] = created
            statement = created
        }
        // Every parameter is bound on every use (a statement's text and its values are rendered together), so nothing
        // of the previous use remains; `sqlite3_clear_bindings` would only expire, and so re-prepare, statements whose
        // plan SQLite made depend on a parameter.
        precondition(Int(sqlite_nio_sqlite3_bind_parameter_count(statement)) == binds.count, "a parameter is not bound")
        for (offset, value) in binds.enumerated() {
            let index = Int32(offset + 1)
            let status: Int32
            switch value {
            case .integer(let number): status = sqlite_nio_sqlite3_bind_int64(statement, index, number)
            case .text(let text): status = sqlite_nio_sqlite3_bind_text(statement, index, text, -1, Self.transient)
            case .blob(let bytes):
                status = bytes.withUnsafeBytes {
                    sqlite_nio_sqlite3_bind_blob64(statement, index, $0.baseAddress, UInt64($0.count), Self.transient)
                }
            case .bool(let flag): status = sqlite_nio_sqlite3_bind_int64(statement, index, flag ? 1 : 0)
            case .null: status = sqlite_nio_sqlite3_bind_null(statement, index)
            }
            guard status == SQLITE_OK else { throw failure(status) }
        }
        return statement
    }

    private func value(_ statement: OpaquePointer, _ column: Int32) -> SQLValue {
        switch sqlite_nio_sqlite3_column_type(statement, column) {
        case SQLITE_INTEGER:
            return .integer(sqlite_nio_sqlite3_column_int64(statement, column))
        case SQLITE_TEXT:
            guard let text = sqlite_nio_sqlite3_column_text(statement, column) else { return .text("") }
            let count = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            let count = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
            guard count > 0, let bytes = sqlite_nio_sqlite3_column_blob(statement, column) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: bytes, count: count)))
        case SQLITE_FLOAT:
            return .integer(Int64(sqlite_nio_sqlite3_column_double(statement, column)))
        default:
            return .null
        }
    }

    private func failure(_ status: Int32) -> SQLiteFailure {
        SQLiteFailure(code: sqlite_nio_sqlite3_extended_errcode(raw), message: String(cString: sqlite_nio_sqlite3_errmsg(raw)))
    }

    /// SQLite copies bound text and blobs.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}
