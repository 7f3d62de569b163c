import NIOCore
import PostgresNIO
import TelegateSQL

/// One result row, read by column position; a value of an unexpected type reads as `nil`.
struct PostgresResultRow: SQLRow {
    private let row: PostgresRandomAccessRow

    init(_ row: PostgresRow) {
        self.row = row.makeRandomAccess()
    }

    func text(_ index: Int) -> String? { try? row[index].decode(String?.self) }
    func integer(_ index: Int) -> Int64? { try? row[index].decode(Int64?.self) }
    func bool(_ index: Int) -> Bool { ((try? row[index].decode(Bool?.self)) ?? nil) ?? false }
    func blob(_ index: Int) -> [UInt8]? {
        ((try? row[index].decode(ByteBuffer?.self)) ?? nil).map { Array($0.readableBytesView) }
    }
}
