/// Encodes `Encodable` values into a ``JSONValue`` that keeps member order: members appear in the order they are
/// encoded, which for synthesized conformances is the order of `CodingKeys`. `nil` optionals are left out (as
/// `encodeIfPresent` does), integers keep their exact value, and ``JSONValue`` members are written verbatim.
public struct JSONValueEncoder {
    /// Information for custom `encode(to:)` implementations (for example which of several spellings to write).
    public var userInfo: [CodingUserInfoKey: any Sendable] = [:]

    /// Creates an encoder.
    public init() {}

    /// The JSON value of `value`.
    public func encode(_ value: some Encodable) throws -> JSONValue {
        let node = Node()
        try ValueEncoder(node: node, codingPath: [], userInfo: userInfo).encode(value)
        return node.value
    }
}

/// A value being built: the encoder's containers write into it after they are handed out.
private final class Node {
    enum Content {
        case value(JSONValue)
        case object([(key: String, node: Node)])
        case array([Node])
    }

    var content = Content.value(.null)

    var value: JSONValue {
        switch content {
        case .value(let value): value
        case .object(let members): .object(members.map { ($0.key, $0.node.value) })
        case .array(let elements): .array(elements.map(\.value))
        }
    }

    /// The member `key`, created (or replaced) at the end of the object.
    func member(_ key: String) -> Node {
        var members: [(key: String, node: Node)] = []
        if case .object(let existing) = content { members = existing.filter { $0.key != key } }
        let node = Node()
        members.append((key, node))
        content = .object(members)
        return node
    }

    func element() -> Node {
        var elements: [Node] = []
        if case .array(let existing) = content { elements = existing }
        let node = Node()
        elements.append(node)
        content = .array(elements)
        return node
    }
}

private struct ValueEncoder: Encoder {
    let node: Node
    let codingPath: [any CodingKey]
    let storedUserInfo: [CodingUserInfoKey: any Sendable]
    var userInfo: [CodingUserInfoKey: Any] { storedUserInfo }

    init(node: Node, codingPath: [any CodingKey], userInfo: [CodingUserInfoKey: any Sendable]) {
        self.node = node
        self.codingPath = codingPath
        self.storedUserInfo = userInfo
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .object = node.content {} else { node.content = .object([]) }
        return KeyedEncodingContainer(KeyedMembers<Key>(encoder: self))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .array = node.content {} else { node.content = .array([]) }
        return UnkeyedElements(encoder: self)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleValue(encoder: self) }

    func nested(_ node: Node, key: any CodingKey) -> ValueEncoder {
        ValueEncoder(node: node, codingPath: codingPath + [key], userInfo: storedUserInfo)
    }

    func encode<T: Encodable>(_ value: T) throws {
        switch value {
        case let json as JSONValue: node.content = .value(json)
        case let text as String: node.content = .value(.string(text))
        case let flag as Bool: node.content = .value(.bool(flag))
        case let number as Int: node.content = .value(.integer(number))
        case let number as Int64: node.content = .value(.integer(number))
        case let number as Int32: node.content = .value(.integer(number))
        case let number as UInt64: node.content = .value(.integer(number))
        case let number as UInt32: node.content = .value(.integer(number))
        case let number as UInt: node.content = .value(.integer(number))
        case let number as Double: node.content = .value(.number(number.description))
        default: try value.encode(to: self)
        }
    }
}

private struct KeyedMembers<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: ValueEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    private func member(_ key: Key) -> ValueEncoder { encoder.nested(encoder.node.member(key.stringValue), key: key) }

    mutating func encodeNil(forKey key: Key) throws { try member(key).encode(JSONValue.null) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try member(key).encode(value) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { try member(key).encode(value) }
    mutating func encode(_ value: String, forKey key: Key) throws { try member(key).encode(value) }
    mutating func encode(_ value: Double, forKey key: Key) throws { try member(key).encode(value) }
    mutating func encode(_ value: Float, forKey key: Key) throws { try member(key).encode(Double(value)) }
    mutating func encode(_ value: Int, forKey key: Key) throws { try member(key).encode(value) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { try member(key).encode(Int64(value)) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { try member(key).encode(Int64(value)) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { try member(key).encode(value) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { try member(key).encode(value) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { try member(key).encode(value) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { try member(key).encode(UInt64(value)) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { try member(key).encode(UInt64(value)) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { try member(key).encode(value) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { try member(key).encode(value) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        member(key).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        member(key).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { encoder }
    mutating func superEncoder(forKey key: Key) -> any Encoder { member(key) }
}

private struct UnkeyedElements: UnkeyedEncodingContainer {
    let encoder: ValueEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }
    var count: Int {
        if case .array(let elements) = encoder.node.content { return elements.count }
        return 0
    }

    private func element() -> ValueEncoder {
        let index = count
        return encoder.nested(encoder.node.element(), key: IndexKey(index))
    }

    mutating func encodeNil() throws { try element().encode(JSONValue.null) }
    mutating func encode<T: Encodable>(_ value: T) throws { try element().encode(value) }
    mutating func encode(_ value: Bool) throws { try element().encode(value) }
    mutating func encode(_ value: String) throws { try element().encode(value) }
    mutating func encode(_ value: Double) throws { try element().encode(value) }
    mutating func encode(_ value: Float) throws { try element().encode(Double(value)) }
    mutating func encode(_ value: Int) throws { try element().encode(value) }
    mutating func encode(_ value: Int8) throws { try element().encode(Int64(value)) }
    mutating func encode(_ value: Int16) throws { try element().encode(Int64(value)) }
    mutating func encode(_ value: Int32) throws { try element().encode(value) }
    mutating func encode(_ value: Int64) throws { try element().encode(value) }
    mutating func encode(_ value: UInt) throws { try element().encode(value) }
    mutating func encode(_ value: UInt8) throws { try element().encode(UInt64(value)) }
    mutating func encode(_ value: UInt16) throws { try element().encode(UInt64(value)) }
    mutating func encode(_ value: UInt32) throws { try element().encode(value) }
    mutating func encode(_ value: UInt64) throws { try element().encode(value) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        element().container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { element().unkeyedContainer() }
    mutating func superEncoder() -> any Encoder { element() }
}

private struct SingleValue: SingleValueEncodingContainer {
    let encoder: ValueEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    mutating func encodeNil() throws { try encoder.encode(JSONValue.null) }
    mutating func encode<T: Encodable>(_ value: T) throws { try encoder.encode(value) }
    mutating func encode(_ value: Bool) throws { try encoder.encode(value) }
    mutating func encode(_ value: String) throws { try encoder.encode(value) }
    mutating func encode(_ value: Double) throws { try encoder.encode(value) }
    mutating func encode(_ value: Float) throws { try encoder.encode(Double(value)) }
    mutating func encode(_ value: Int) throws { try encoder.encode(value) }
    mutating func encode(_ value: Int8) throws { try encoder.encode(Int64(value)) }
    mutating func encode(_ value: Int16) throws { try encoder.encode(Int64(value)) }
    mutating func encode(_ value: Int32) throws { try encoder.encode(value) }
    mutating func encode(_ value: Int64) throws { try encoder.encode(value) }
    mutating func encode(_ value: UInt) throws { try encoder.encode(value) }
    mutating func encode(_ value: UInt8) throws { try encoder.encode(UInt64(value)) }
    mutating func encode(_ value: UInt16) throws { try encoder.encode(UInt64(value)) }
    mutating func encode(_ value: UInt32) throws { try encoder.encode(value) }
    mutating func encode(_ value: UInt64) throws { try encoder.encode(value) }
}

extension JSONValue: Encodable {
    /// Writes the value verbatim; only ``JSONValueEncoder`` can (other encoders lose member order and literals).
    public func encode(to encoder: any Encoder) throws {
        guard let encoder = encoder as? ValueEncoder else {
            throw EncodingError.invalidValue(
                self, .init(codingPath: encoder.codingPath, debugDescription: "a JSONValue is encoded by JSONValueEncoder"))
        }
        try encoder.encode(self)
    }
}
