/// One result row, read by column position. A value of another type than asked for (or `NULL`) reads as `nil`;
/// a flag reads as `false` then.
public protocol SQLRow: Sendable {
    func integer(_ index: Int) -> Int64?
    func text(_ index: Int) -> String?
    func blob(_ index: Int) -> [UInt8]?
    func bool(_ index: Int) -> Bool
}
