/// Decodes `Decodable` values from a ``JSONValue`` strictly: a type whose `CodingKeys` are `CaseIterable` refuses
/// members it does not name, a member may appear once, `null` counts as absent, numbers are read from their literal
/// text without rounding, and ``JSONValue`` members are taken verbatim.
public struct JSONValueDecoder {
    /// Information for custom `init(from:)` implementations (for example which of several spellings to read).
    public var userInfo: [CodingUserInfoKey: any Sendable] = [:]
    /// Whether a number is accepted where a string is expected (YAML reads `label: 2024` as a number).
    public var acceptsNumbersAsStrings = false

    /// Creates a decoder.
    public init() {}

    /// Decodes a `T` from `value`; `path` names where `value` sits in a larger document, for messages. Throws
    /// ``JSONDecodingError``, or the error a type's own `init(from:)` throws for a value it refuses.
    public func decode<T: Decodable>(_ type: T.Type, from value: JSONValue, at path: [any CodingKey] = []) throws -> T {
        try ValueDecoder(value: value, codingPath: path, options: self).decode(T.self)
    }
}

/// Why a ``JSONValue`` did not decode, and where.
public struct JSONDecodingError: Error, Sendable, CustomStringConvertible {
    /// What was wrong.
    public enum Problem: Sendable, Equatable {
        /// The object has a member the type does not name; `allowed` are the names it does, in declaration order.
        case unknownMember(String, allowed: [String])
        /// A member appears twice.
        case duplicateMember(String)
        /// The value has another JSON type than `expected` (`string`, `integer`, `boolean`, `list`, `object`).
        case wrongType(expected: String)
        /// A required member is missing.
        case missing
        /// The value has the right type but is not allowed; the text completes "<path> …".
        case invalid(String)
    }

    /// The members and indexes leading to the value.
    public let path: [String]
    public let problem: Problem

    /// Creates an error at `codingPath`.
    public init(_ codingPath: [any CodingKey], _ problem: Problem) {
        self.path = codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
        self.problem = problem
    }

    /// The path as `apps[0].bots[1].oidc`.
    public var dottedPath: String {
        path.reduce(into: "") { text, part in text += text.isEmpty || part.hasPrefix("[") ? part : "." + part }
    }

    public var description: String {
        let path = dottedPath.isEmpty ? "the value" : dottedPath
        switch problem {
        case .unknownMember(let name, let allowed):
            return "unknown member \"\(name.prefix(40))\" in \(path); accepted: \(allowed.joined(separator: ", "))"
        case .duplicateMember(let name): return "\(name.prefix(40)) appears twice in \(path)"
        case .wrongType(let expected): return "\(path) must be \(Self.article(expected))"
        case .missing: return "\(path) is required"
        case .invalid(let text): return "\(path) \(text)"
        }
    }

    /// `an integer`, `a string`, `true or false`.
    public static func article(_ type: String) -> String {
        switch type {
        case "boolean": "true or false"
        case "integer", "object": "an \(type)"
        default: "a \(type)"
        }
    }
}

private struct ValueDecoder: Decoder {
    let value: JSONValue
    let codingPath: [any CodingKey]
    let options: JSONValueDecoder
    var userInfo: [CodingUserInfoKey: Any] { options.userInfo }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard let members = value.objectMembers else { throw JSONDecodingError(codingPath, .wrongType(expected: "object")) }
        var seen = Set<String>()
        for member in members where !seen.insert(member.key).inserted {
            throw JSONDecodingError(codingPath, .duplicateMember(member.key))
        }
        if let names = Self.names(of: Key.self), let unknown = members.first(where: { !names.contains($0.key) }) {
            throw JSONDecodingError(codingPath, .unknownMember(unknown.key, allowed: names))
        }
        return KeyedDecodingContainer(KeyedValues<Key>(members: members, decoder: self))
    }

    /// The names a `CaseIterable` key type declares, in order; `nil` for open key sets.
    private static func names<Key: CodingKey>(of type: Key.Type) -> [String]? {
        guard let iterable = type as? any CaseIterable.Type else { return nil }
        return Self.allCases(of: iterable).compactMap { ($0 as? any CodingKey)?.stringValue }
    }

    private static func allCases<T: CaseIterable>(of type: T.Type) -> [Any] { Array(type.allCases) }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard let elements = value.arrayElements else { throw JSONDecodingError(codingPath, .wrongType(expected: "list")) }
        return UnkeyedValues(elements: elements, decoder: self)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleValue(decoder: self) }

    func nested(_ value: JSONValue, key: any CodingKey) -> ValueDecoder {
        ValueDecoder(value: value, codingPath: codingPath + [key], options: options)
    }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        if T.self == JSONValue.self { return value as! T }
        if let expected = Self.primitiveType(T.self) {
            guard let decoded = primitive(T.self) else { throw JSONDecodingError(codingPath, .wrongType(expected: expected)) }
            return decoded
        }
        return try T(from: self)
    }

    private static func primitiveType<T>(_ type: T.Type) -> String? {
        switch type {
        case is String.Type: "string"
        case is Bool.Type: "boolean"
        case is Int.Type, is Int64.Type, is Int32.Type, is UInt64.Type, is UInt32.Type, is UInt.Type: "integer"
        case is Double.Type: "number"
        default: nil
        }
    }

    private func primitive<T>(_ type: T.Type) -> T? {
        switch (type, value) {
        case (is String.Type, .string(let text)): return text as? T
        case (is String.Type, .number(let literal)) where options.acceptsNumbersAsStrings: return literal as? T
        case (is Bool.Type, .bool(let flag)): return flag as? T
        case (is Double.Type, .number(let literal)): return Double(literal) as? T
        case (_, .number):
            guard let number = value.integerValue else { return nil }
            switch type {
            case is Int64.Type: return number as? T
            case is Int.Type: return Int(exactly: number) as? T
            case is Int32.Type: return Int32(exactly: number) as? T
            case is UInt64.Type: return UInt64(exactly: number) as? T
            case is UInt32.Type: return UInt32(exactly: number) as? T
            case is UInt.Type: return UInt(exactly: number) as? T
            default: return nil
            }
        default: return nil
        }
    }
}

private struct KeyedValues<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let members: [(key: String, value: JSONValue)]
    let decoder: ValueDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }
    var allKeys: [Key] { members.compactMap { Key(stringValue: $0.key) } }

    func contains(_ key: Key) -> Bool { members.contains { $0.key == key.stringValue } }

    private func value(_ key: Key) throws -> JSONValue {
        guard let value = members.first(where: { $0.key == key.stringValue })?.value, value != .null else {
            throw JSONDecodingError(codingPath + [key], .missing)
        }
        return value
    }

    func decodeNil(forKey key: Key) throws -> Bool { (members.first { $0.key == key.stringValue }?.value ?? .null) == .null }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try decoded(key) }

    private func decoded<T: Decodable>(_ key: Key) throws -> T { try decoder.nested(value(key), key: key).decode(T.self) }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try decoded(key) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try decoded(key) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try decoded(key) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { Float(try decoded(key) as Double) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try decoded(key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try narrow(key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try narrow(key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try decoded(key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try decoded(key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try decoded(key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try narrow(key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try narrow(key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try decoded(key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try decoded(key) }

    private func narrow<T: FixedWidthInteger>(_ key: Key) throws -> T {
        guard let number = T(exactly: try decoded(key) as Int64) else {
            throw JSONDecodingError(codingPath + [key], .wrongType(expected: "integer"))
        }
        return number
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try decoder.nested(value(key), key: key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try decoder.nested(value(key), key: key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { decoder }
    func superDecoder(forKey key: Key) throws -> any Decoder { decoder.nested(try value(key), key: key) }
}

private struct UnkeyedValues: UnkeyedDecodingContainer {
    let elements: [JSONValue]
    let decoder: ValueDecoder
    var currentIndex = 0
    var codingPath: [any CodingKey] { decoder.codingPath }
    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    init(elements: [JSONValue], decoder: ValueDecoder) {
        self.elements = elements
        self.decoder = decoder
    }

    private mutating func next() throws -> ValueDecoder {
        guard !isAtEnd else { throw JSONDecodingError(codingPath + [IndexKey(currentIndex)], .missing) }
        defer { currentIndex += 1 }
        return decoder.nested(elements[currentIndex], key: IndexKey(currentIndex))
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, elements[currentIndex] == .null else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next().decode(T.self) }
    mutating func decode(_ type: Bool.Type) throws -> Bool { try SingleValue(decoder: next()).decode(type) }
    mutating func decode(_ type: String.Type) throws -> String { try SingleValue(decoder: next()).decode(type) }
    mutating func decode(_ type: Double.Type) throws -> Double { try SingleValue(decoder: next()).decode(type) }
    mutating func decode(_ type: Float.Type) throws -> Float { try SingleValue(decoder: next()).decode(type) }
    mutating func decode(_ type: Int.Type) throws -> Int { try SingleValue(decoder: next()).decode(type) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try SingleValue(decoder: next()).decode(type) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try SingleValue(decoder: next()).decode(type) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try SingleValue(decoder: next()).decode(type) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try SingleValue(decoder: next()).decode(type) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try SingleValue(decoder: next()).decode(type) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try SingleValue(decoder: next()).decode(type) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try SingleValue(decoder: next()).decode(type) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try SingleValue(decoder: next()).decode(type) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try SingleValue(decoder: next()).decode(type) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try next().container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next().unkeyedContainer() }
    mutating func superDecoder() throws -> any Decoder { try next() }
}

private struct SingleValue: SingleValueDecodingContainer {
    let decoder: ValueDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }

    func decodeNil() -> Bool { decoder.value == .null }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoder.decode(T.self) }
    func decode(_ type: Bool.Type) throws -> Bool { try decoder.decode(type) }
    func decode(_ type: String.Type) throws -> String { try decoder.decode(type) }
    func decode(_ type: Double.Type) throws -> Double { try decoder.decode(type) }
    func decode(_ type: Int.Type) throws -> Int { try decoder.decode(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try decoder.decode(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try decoder.decode(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try decoder.decode(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try decoder.decode(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try decoder.decode(type) }
    func decode(_ type: Float.Type) throws -> Float { Float(try decoder.decode(Double.self)) }
    func decode(_ type: Int8.Type) throws -> Int8 { try narrow() }
    func decode(_ type: Int16.Type) throws -> Int16 { try narrow() }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try narrow() }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try narrow() }

    private func narrow<T: FixedWidthInteger>() throws -> T {
        guard let number = T(exactly: try decoder.decode(Int64.self)) else {
            throw JSONDecodingError(codingPath, .wrongType(expected: "integer"))
        }
        return number
    }
}

extension JSONValue: Decodable {
    /// Reads the value verbatim; only ``JSONValueDecoder`` can (other decoders lose member order and literals).
    public init(from decoder: any Decoder) throws {
        guard let decoder = decoder as? ValueDecoder else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "a JSONValue is decoded by JSONValueDecoder"))
        }
        self = decoder.value
    }
}
