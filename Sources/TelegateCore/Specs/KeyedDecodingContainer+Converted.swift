import StrictJSON

extension KeyedDecodingContainer {
    /// The string at `key`, as the value `make` reads from it; a string it refuses is a decoding error at `key` that
    /// states `rule`.
    func decode<Value>(_ key: Key, as make: (String) -> Value?, rule: String) throws -> Value {
        try converted(try decode(String.self, forKey: key), at: key, make, rule: rule)
    }

    /// `text`, read from the member at `key`, as the value `make` reads from it; text it refuses is a decoding error
    /// at `key` that states `rule`.
    func converted<Value>(_ text: String, at key: Key, _ make: (String) -> Value?, rule: String) throws -> Value {
        guard let value = make(text) else { throw JSONDecodingError(codingPath + [key], .invalid(rule)) }
        return value
    }
}
