/// What the engines spell differently: parameter placeholders, a few column types of the schema and row locking.
/// Everything else the stores write (`INSERT … ON CONFLICT`, `RETURNING`, `CAST`, `CASE`) reads the same on both.
public enum SQLDialect: Sendable {
    /// `?` placeholders; one integer type, booleans stored as `0`/`1`.
    case sqlite
    /// `$1, $2, …` placeholders; `BIGINT`, `BOOLEAN`, `BYTEA`.
    case postgres

    /// Whether write transactions commit in the order they take sequence numbers. SQLite's single writer does, so a
    /// reader that has seen sequence number `n` committed has seen every smaller one that will ever commit, and the
    /// outbox can fan events out to webhook deliveries after the change's commit, by a cursor (``SQLEventOutbox``).
    /// PostgreSQL's concurrent transactions take numbers in one order and commit in another, so the outbox writes an
    /// event's deliveries in the event's own transaction there.
    var commitsInSequenceOrder: Bool {
        switch self {
        case .sqlite: true
        case .postgres: false
        }
    }

    /// The placeholder of the parameter at `index` (from 1).
    func placeholder(_ index: Int) -> String {
        switch self {
        case .sqlite: "?"
        case .postgres: "$\(index)"
        }
    }

    /// How `syntax` is written in this dialect.
    func spelling(_ syntax: SQLSchemaSyntax) -> String {
        switch (self, syntax) {
        case (.sqlite, .bigint), (.sqlite, .boolean): "INTEGER"
        case (.postgres, .bigint): "BIGINT"
        case (.postgres, .boolean): "BOOLEAN"
        case (.sqlite, .bytes): "BLOB"
        case (.postgres, .bytes): "BYTEA"
        case (.sqlite, .false): "0"
        case (.postgres, .false): "FALSE"
        case (.sqlite, .serialPrimaryKey): "INTEGER PRIMARY KEY AUTOINCREMENT"
        case (.postgres, .serialPrimaryKey): "BIGSERIAL PRIMARY KEY"
        case (.sqlite, .withoutRowID): " WITHOUT ROWID"
        case (.postgres, .withoutRowID): ""
        case (.sqlite, .skipLocked): ""
        case (.postgres, .skipLocked): " FOR UPDATE SKIP LOCKED"
        case (.sqlite, .indexedBy(let index)): " INDEXED BY \(index)"
        case (.postgres, .indexedBy): ""
        case (.sqlite, .fanOutCursorStart): "(SELECT COALESCE(MAX(seq), 0) FROM events)"
        case (.postgres, .fanOutCursorStart): "NULL"
        }
    }
}

/// The parts of the schema's DDL, and of the statements claiming rows, that differ between dialects.
public enum SQLSchemaSyntax: Sendable {
    /// A 64-bit integer column (times, ids, counters).
    case bigint
    /// A flag column.
    case boolean
    /// A byte-string column (hashes).
    case bytes
    /// The literal `false` as a flag column's default.
    case `false`
    /// An ever-increasing 64-bit key assigned by the database.
    case serialPrimaryKey
    /// SQLite's clustered-table clause after a table definition (nothing on PostgreSQL).
    case withoutRowID
    /// After a `SELECT` of rows about to be claimed: PostgreSQL locks them and passes over rows another transaction
    /// holds; SQLite's single writer needs nothing.
    case skipLocked
    /// After a table in `FROM`: SQLite must read it through the named index. Its planner, without statistics, prefers
    /// a covering primary key over a partial index; PostgreSQL's planner weighs the partial index itself.
    case indexedBy(String)
    /// Where a webhook endpoint's fan-out cursor (`webhook_endpoints.fanned_out_seq`) starts: after the newest event
    /// where the outbox fans out after commit (SQLite), so the endpoint receives only events that follow it; `NULL`
    /// where each event's deliveries are written with it (PostgreSQL), the cursor unused.
    case fanOutCursorStart
}
