/// A value bound to a statement's parameter, or read from a result column.
public enum SQLValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case text(String)
    case blob([UInt8])
    case bool(Bool)
}
