/// What the engines spell differently: parameter placeholders, a few column types of the schema and row locking.
/// Everything else the stores write (`INSERT … ON CONFLICT`, `RETURNING`, `CAST`, `CASE`) reads the same on both.
public enum SQLDialect: Sendable {
    /// `?` placeholders; one integer type, booleans stored as `0`/`1`.
    case sqlite
    /// `$1, $2, …` placeholders; `BIGINT`, `BOOLEAN`, `BYTEA`.
    case postgres

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
}
