import PostgresNIO
import TelegateCore

/// A database error, classified: conditions of the server or the network are `storage_unavailable` (retryable, the
/// client sees `503` with `Retry-After`); anything else is an internal error.
struct PostgresFailure {
    /// The SQLSTATE the server reported, if it answered.
    let sqlState: String?
    /// Whether the database could not be reached or could not serve the request now.
    let isUnavailable: Bool
    /// For the log: the error kind and SQLSTATE, never a query's bound values.
    let summary: String

    init(_ error: any Error) {
        switch error {
        case let error as PSQLError:
            sqlState = error.serverInfo?[.sqlState]
            if let state = sqlState {
                // 08 connection, 40 serialization/deadlock, 53 resources, 57 operator intervention and
                // statement timeout, 58 system error.
                isUnavailable = ["08", "40", "53", "57", "58"].contains(String(state.prefix(2)))
            } else {
                isUnavailable = error.code != .tooManyParameters && error.code != .invalidCommandTag
            }
            summary = "\(error.code) \(sqlState ?? "-")"
        case is PostgresDeadlineExceeded, is CancellationError:
            sqlState = nil
            isUnavailable = true
            summary = "deadline exceeded"
        default:
            sqlState = nil
            isUnavailable = true
            summary = "\(type(of: error))"
        }
    }

    /// Whether a unique constraint was violated (23505).
    var isUniqueViolation: Bool { sqlState == "23505" }
    /// Whether a foreign key was violated (23503).
    var isForeignKeyViolation: Bool { sqlState == "23503" }

    var telegateError: TelegateError {
        isUnavailable ? TelegateError.storageUnavailable() : TelegateError.internalError()
    }
}
