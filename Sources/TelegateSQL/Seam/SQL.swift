/// A statement written once for every engine: text and values, where each interpolated value becomes a bound
/// parameter (never text in the statement), rendered with the placeholders of the engine's ``SQLDialect``.
///
/// ```swift
/// let sql: SQL = "SELECT name FROM admin_tokens WHERE id = \(id) AND revoked_at IS NULL"
/// ```
///
/// Identifiers and column lists are spliced in with `\(raw:)`, DDL that differs by dialect with `\(schema:)`.
public struct SQL: Sendable, ExpressibleByStringInterpolation {
    enum Part: Sendable {
        case text(String)
        case bind(SQLValue)
        case schema(SQLSchemaSyntax)
    }

    var parts: [Part]

    public init(stringLiteral value: String) {
        parts = [.text(value)]
    }

    public init(stringInterpolation: StringInterpolation) {
        parts = stringInterpolation.parts
    }

    /// The statement's text in `dialect`, and its parameters in order.
    public func rendered(for dialect: SQLDialect) -> (text: String, binds: [SQLValue]) {
        var text = ""
        var binds: [SQLValue] = []
        for part in parts {
            switch part {
            case .text(let literal): text += literal
            case .bind(let value):
                binds.append(value)
                text += dialect.placeholder(binds.count)
            case .schema(let syntax): text += dialect.spelling(syntax)
            }
        }
        return (text, binds)
    }

    public struct StringInterpolation: StringInterpolationProtocol {
        var parts: [Part] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            parts.reserveCapacity(2 * interpolationCount + 1)
        }

        public mutating func appendLiteral(_ literal: String) {
            parts.append(.text(literal))
        }

        /// A parameter.
        public mutating func appendInterpolation(_ value: SQLValue) {
            parts.append(.bind(value))
        }

        /// A text parameter; `NULL` for `nil`.
        public mutating func appendInterpolation(_ value: String?) {
            parts.append(.bind(value.map(SQLValue.text) ?? .null))
        }

        /// An integer parameter; `NULL` for `nil`.
        public mutating func appendInterpolation(_ value: Int64?) {
            parts.append(.bind(value.map(SQLValue.integer) ?? .null))
        }

        /// An integer parameter.
        public mutating func appendInterpolation(_ value: Int) {
            parts.append(.bind(.integer(Int64(value))))
        }

        /// Integer parameters separated by commas, for `IN (…)`; must not be empty (`IN ()` is no statement).
        public mutating func appendInterpolation(list values: [Int64]) {
            precondition(!values.isEmpty, "an IN list needs at least one value")
            for (index, value) in values.enumerated() {
                if index > 0 { parts.append(.text(", ")) }
                parts.append(.bind(.integer(value)))
            }
        }

        /// A flag parameter.
        public mutating func appendInterpolation(_ value: Bool) {
            parts.append(.bind(.bool(value)))
        }

        /// A byte-string parameter.
        public mutating func appendInterpolation(_ value: [UInt8]) {
            parts.append(.bind(.blob(value)))
        }

        /// Statement text, not a parameter: identifiers and column lists written in the code, never a value.
        public mutating func appendInterpolation(raw text: String) {
            parts.append(.text(text))
        }

        /// Another statement fragment, with its parameters.
        public mutating func appendInterpolation(_ fragment: SQL) {
            parts.append(contentsOf: fragment.parts)
        }

        /// DDL that each dialect spells its own way.
        public mutating func appendInterpolation(schema syntax: SQLSchemaSyntax) {
            parts.append(.schema(syntax))
        }
    }
}
