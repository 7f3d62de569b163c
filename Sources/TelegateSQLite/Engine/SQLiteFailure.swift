import TelegateCore
import VaporCSQLite

/// An error reported by SQLite.
struct SQLiteFailure: Error, CustomStringConvertible {
    /// The extended result code.
    let code: Int32
    let message: String

    /// A constraint (unique, foreign key, check) was violated.
    var isConstraint: Bool { code & 0xFF == SQLITE_CONSTRAINT }

    var description: String { "SQLite error \(code): \(message)" }

    /// How the failure is reported to callers: conditions of the database file or disk are
    /// `storage_unavailable` (retryable); anything else is an internal error.
    var telegateError: TelegateError {
        switch code & 0xFF {
        case SQLITE_BUSY, SQLITE_LOCKED, SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_READONLY, SQLITE_CORRUPT,
            SQLITE_NOTADB, SQLITE_PROTOCOL:
            TelegateError.storageUnavailable()
        default:
            TelegateError.internalError()
        }
    }
}
