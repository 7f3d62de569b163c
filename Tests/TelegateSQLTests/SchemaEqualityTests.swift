import Foundation
import TelegateCore
import TelegateSQL
import Testing

@testable import TelegatePostgres
@testable import TelegateSQLite

/// Both engines end their migrations with the same schema: tables, columns (types in a neutral vocabulary),
/// nullability, primary keys, indexes and foreign keys.
@Suite("Schema equality")
struct SchemaEqualityTests {
    @Test("A fresh SQLite database and a fresh PostgreSQL schema have the same tables, columns, keys and indexes")
    func sameSchema() async throws {
        var shapes: [(engine: StorageEngine, shape: SchemaShape)] = []
        for engine in StorageEngine.available {
            let (storage, dispose) = try await engine.makeStorage()
            do {
                shapes.append((engine, try await SchemaShape.introspect(storage)))
                await dispose()
            } catch {
                await dispose()
                throw error
            }
        }
        let sqlite = try #require(shapes.first { $0.engine == .sqlite }?.shape)
        #expect(sqlite.tables.contains("provider_links"))
        #expect(sqlite.indexes.contains(.init(table: "provider_links", name: "provider_links_by_user", columns: ["user_id"], unique: false, partial: false)))
        for (engine, shape) in shapes where engine != .sqlite {
            #expect(shape.tables == sqlite.tables, "tables on \(engine)")
            #expect(shape.columns.subtracting(sqlite.columns).isEmpty, "columns only on \(engine)")
            #expect(sqlite.columns.subtracting(shape.columns).isEmpty, "columns missing on \(engine)")
            #expect(shape.indexes.subtracting(sqlite.indexes).isEmpty, "indexes only on \(engine)")
            #expect(sqlite.indexes.subtracting(shape.indexes).isEmpty, "indexes missing on \(engine)")
            #expect(shape.foreignKeys == sqlite.foreignKeys, "foreign keys on \(engine)")
        }
    }
}

/// A schema as both engines can describe it.
struct SchemaShape: Equatable {
    struct Column: Hashable {
        let table: String
        let name: String
        /// `integer` (SQLite has one integer type and stores flags in it), `text` or `bytes`.
        let type: String
        let notNull: Bool
        /// The column's position in the primary key, from 1; 0 when it is not part of it.
        let primaryKeyPosition: Int64
    }

    struct Index: Hashable {
        let table: String
        /// `nil` for the index behind a `UNIQUE` constraint, which each engine names its own way.
        let name: String?
        let columns: [String]
        let unique: Bool
        let partial: Bool
    }

    struct ForeignKey: Hashable {
        let table: String
        let column: String
        let referencedTable: String
        let referencedColumn: String
        let onDelete: String
    }

    var tables: Set<String> = []
    var columns: Set<Column> = []
    var indexes: Set<Index> = []
    var foreignKeys: Set<ForeignKey> = []

    static func introspect(_ storage: any TelegateStorage) async throws -> SchemaShape {
        switch storage {
        case let storage as SQLiteStorage: try await sqlite(storage.engine)
        case let storage as PostgresStorage: try await postgres(storage.engine)
        default: throw UnknownEngine()
        }
    }

    struct UnknownEngine: Error {}

    private static func sqlite(_ database: any SQLDatabase) async throws -> SchemaShape {
        let tables = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        var shape = SchemaShape()
        shape.tables = Set(try await database.read("\(raw: tables)").compactMap { $0.text(0) })
        shape.columns = Set(
            try await database.read(
                """
                SELECT m.name, p.name, p.type, p."notnull", p.pk FROM (\(raw: tables)) m JOIN pragma_table_info(m.name) p
                """
            ).map { row in
                let primaryKey = row.integer(4) ?? 0
                return Column(
                    table: row.text(0) ?? "", name: row.text(1) ?? "", type: neutralType(row.text(2) ?? ""),
                    notNull: row.integer(3) == 1 || primaryKey > 0, primaryKeyPosition: primaryKey)
            })
        for row in try await database.read(
            """
            SELECT m.name, i.name, i."unique", i.origin, i.partial FROM (\(raw: tables)) m JOIN pragma_index_list(m.name) i
            WHERE i.origin <> 'pk'
            """)
        {
            let name = row.text(1) ?? ""
            let columns = try await database.read("SELECT name FROM pragma_index_info(\(name)) ORDER BY seqno")
                .compactMap { $0.text(0) }
            shape.indexes.insert(
                Index(
                    table: row.text(0) ?? "", name: row.text(3) == "u" ? nil : name, columns: columns,
                    unique: row.integer(2) == 1, partial: row.integer(4) == 1))
        }
        shape.foreignKeys = Set(
            try await database.read(
                """
                SELECT m.name, f."from", f."table", f."to", f.on_delete
                FROM (\(raw: tables)) m JOIN pragma_foreign_key_list(m.name) f
                """
            ).map { row in
                ForeignKey(
                    table: row.text(0) ?? "", column: row.text(1) ?? "", referencedTable: row.text(2) ?? "",
                    referencedColumn: row.text(3) ?? "", onDelete: row.text(4) ?? "")
            })
        return shape
    }

    private static func postgres(_ database: any SQLDatabase) async throws -> SchemaShape {
        var shape = SchemaShape()
        shape.tables = Set(
            try await database.read(
                """
                SELECT table_name::TEXT FROM information_schema.tables
                WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
                """
            ).compactMap { $0.text(0) })
        shape.columns = Set(
            try await database.read(
                """
                SELECT c.table_name::TEXT, c.column_name::TEXT, c.data_type::TEXT, c.is_nullable::TEXT,
                    COALESCE(k.ordinal_position, 0)::BIGINT
                FROM information_schema.columns c
                LEFT JOIN information_schema.table_constraints t
                    ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.constraint_type = 'PRIMARY KEY'
                LEFT JOIN information_schema.key_column_usage k
                    ON k.constraint_schema = t.constraint_schema AND k.constraint_name = t.constraint_name
                        AND k.column_name = c.column_name
                WHERE c.table_schema = current_schema()
                """
            ).map { row in
                Column(
                    table: row.text(0) ?? "", name: row.text(1) ?? "", type: neutralType(row.text(2) ?? ""),
                    notNull: row.text(3) == "NO", primaryKeyPosition: row.integer(4) ?? 0)
            })
        shape.indexes = Set(
            try await database.read(
                """
                SELECT t.relname::TEXT, i.relname::TEXT, x.indisunique, x.indpred IS NOT NULL,
                    EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid AND c.contype = 'u'),
                    array_to_string(ARRAY(
                        SELECT a.attname::TEXT FROM unnest(x.indkey::INT2[]) WITH ORDINALITY AS k(attnum, n)
                        JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.n), ',')
                FROM pg_index x JOIN pg_class t ON t.oid = x.indrelid JOIN pg_class i ON i.oid = x.indexrelid
                JOIN pg_namespace s ON s.oid = t.relnamespace
                WHERE s.nspname = current_schema() AND NOT x.indisprimary
                """
            ).map { row in
                Index(
                    table: row.text(0) ?? "", name: row.bool(4) ? nil : row.text(1),
                    columns: (row.text(5) ?? "").split(separator: ",").map(String.init), unique: row.bool(2),
                    partial: row.bool(3))
            })
        shape.foreignKeys = Set(
            try await database.read(
                """
                SELECT t.relname::TEXT, a.attname::TEXT, r.relname::TEXT, ra.attname::TEXT,
                    CASE c.confdeltype WHEN 'c' THEN 'CASCADE' WHEN 'a' THEN 'NO ACTION' WHEN 'r' THEN 'RESTRICT'
                        WHEN 'n' THEN 'SET NULL' ELSE 'SET DEFAULT' END
                FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class r ON r.oid = c.confrelid
                JOIN pg_namespace s ON s.oid = t.relnamespace
                JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
                JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = c.confkey[1]
                WHERE c.contype = 'f' AND s.nspname = current_schema()
                """
            ).map { row in
                ForeignKey(
                    table: row.text(0) ?? "", column: row.text(1) ?? "", referencedTable: row.text(2) ?? "",
                    referencedColumn: row.text(3) ?? "", onDelete: row.text(4) ?? "")
            })
        return shape
    }

    /// Either engine's column type in the shared vocabulary.
    private static func neutralType(_ type: String) -> String {
        switch type.uppercased() {
        case "INTEGER", "BIGINT", "SMALLINT", "BOOLEAN": "integer"
        case "TEXT": "text"
        case "BLOB", "BYTEA": "bytes"
        default: type.lowercased()
        }
    }
}
