/// Why a JSON document was refused.
public struct JSONSyntaxError: Error, Sendable, CustomStringConvertible {
    /// What was wrong, with an offset where useful; never the document itself.
    public let message: String
    /// Creates an error.
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A strict JSON reader (RFC 8259) over UTF-8 bytes.
///
/// Strict where it matters for security: duplicate member names, nesting deeper than ``maxDepth``, control
/// characters in strings, invalid UTF-8, lone surrogate escapes, number syntax outside the grammar and trailing
/// data are refused. It reads
/// values in place, so a consumer that knows its schema (the Telegram `user` object, a request body) pays for no
/// intermediate tree; ``JSONValue`` is built with the same reader for schema-free documents.
public struct JSONReader {
    /// The deepest nesting accepted.
    public static let maxDepth = 32

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var depth = 0

    /// A reader positioned at the start of `bytes`.
    public init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// The kinds of JSON value.
    public enum Kind: Sendable { case object, array, string, number, bool, null }

    /// The kind of the next value, after skipping whitespace.
    public mutating func peekKind() throws(JSONSyntaxError) -> Kind {
        skipWhitespace()
        guard index < bytes.count else { throw JSONSyntaxError("unexpected end of JSON") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool
        case UInt8(ascii: "n"): return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
        default: throw JSONSyntaxError("unexpected character at offset \(index)")
        }
    }

    /// Reads an object, calling `member` once per member with the reader positioned at its value; `member` must
    /// consume the value. Duplicate member names are refused.
    public mutating func readObject(_ member: (inout JSONReader, String) throws(JSONSyntaxError) -> Void)
        throws(JSONSyntaxError)
    {
        var seen: [String] = []
        seen.reserveCapacity(16)
        try readContainer(from: UInt8(ascii: "{"), to: UInt8(ascii: "}"), kind: "object") {
            reader throws(JSONSyntaxError) in
            reader.skipWhitespace()
            let key = try reader.readString()
            if seen.contains(key) { throw JSONSyntaxError("duplicate member \"\(key.prefix(40))\"") }
            seen.append(key)
            try reader.expect(UInt8(ascii: ":"))
            try member(&reader, key)
        }
    }

    /// Reads an array, calling `element` once per element; `element` must consume the value.
    public mutating func readArray(_ element: (inout JSONReader) throws(JSONSyntaxError) -> Void) throws(JSONSyntaxError) {
        try readContainer(from: UInt8(ascii: "["), to: UInt8(ascii: "]"), kind: "array", element)
    }

    /// Reads an object or an array from `open` to `close`, nested no deeper than ``maxDepth``, calling `item` once
    /// per comma-separated item; `item` must consume it.
    private mutating func readContainer(
        from open: UInt8, to close: UInt8, kind: String, _ item: (inout JSONReader) throws(JSONSyntaxError) -> Void
    ) throws(JSONSyntaxError) {
        try expect(open)
        depth += 1
        guard depth <= Self.maxDepth else { throw JSONSyntaxError("JSON nested deeper than \(Self.maxDepth)") }
        skipWhitespace()
        if peekByte() == close {
            index += 1
            depth -= 1
            return
        }
        while true {
            try item(&self)
            skipWhitespace()
            guard let next = peekByte() else { throw JSONSyntaxError("unterminated \(kind)") }
            index += 1
            if next == close { break }
            guard next == UInt8(ascii: ",") else {
                throw JSONSyntaxError("expected \",\" or \"\(Character(Unicode.Scalar(close)))\" in \(kind)")
            }
        }
        depth -= 1
    }

    /// Reads a string value.
    public mutating func readString() throws(JSONSyntaxError) -> String {
        try expect(UInt8(ascii: "\""))
        let start = index
        var plain = true
        var ascii = true
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") { break }
            if byte == UInt8(ascii: "\\") {
                plain = false
                index += 2
                continue
            }
            if byte < 0x20 { throw JSONSyntaxError("unescaped control character in a string") }
            if byte >= 0x80 { ascii = false }
            index += 1
        }
        guard index < bytes.count else { throw JSONSyntaxError("unterminated string") }
        let end = index
        index += 1
        let raw = UnsafeBufferPointer(rebasing: bytes[start..<end])
        if !ascii, !UTF8Validator.isValid(raw) { throw JSONSyntaxError("a string is not valid UTF-8") }
        if plain { return String(decoding: raw, as: UTF8.self) }
        return try Self.unescape(raw)
    }

    /// Reads a number and returns its literal text, which is checked against the JSON grammar.
    public mutating func readNumberLiteral() throws(JSONSyntaxError) -> String {
        skipWhitespace()
        let start = index
        if peekByte() == UInt8(ascii: "-") { index += 1 }
        guard let first = peekByte(), Self.isDigit(first) else { throw JSONSyntaxError("invalid number") }
        index += 1
        if first != UInt8(ascii: "0") {
            while let byte = peekByte(), Self.isDigit(byte) { index += 1 }
        }
        if peekByte() == UInt8(ascii: ".") {
            index += 1
            guard let byte = peekByte(), Self.isDigit(byte) else { throw JSONSyntaxError("invalid number") }
            while let byte = peekByte(), Self.isDigit(byte) { index += 1 }
        }
        if peekByte() == UInt8(ascii: "e") || peekByte() == UInt8(ascii: "E") {
            index += 1
            if peekByte() == UInt8(ascii: "+") || peekByte() == UInt8(ascii: "-") { index += 1 }
            guard let byte = peekByte(), Self.isDigit(byte) else { throw JSONSyntaxError("invalid number") }
            while let byte = peekByte(), Self.isDigit(byte) { index += 1 }
        }
        if let byte = peekByte(), !Self.isDelimiter(byte) { throw JSONSyntaxError("invalid number") }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
    }

    /// Reads a number that must be written as a plain integer (no fraction, no exponent) fitting in 64 bits.
    public mutating func readInteger() throws(JSONSyntaxError) -> Int64 {
        let literal = try readNumberLiteral()
        guard let value = Int64(literal) else {
            throw JSONSyntaxError("expected an integer, found \(literal.prefix(24))")
        }
        return value
    }

    /// Reads `true` or `false`.
    public mutating func readBool() throws(JSONSyntaxError) -> Bool {
        skipWhitespace()
        if match("true") { return true }
        if match("false") { return false }
        throw JSONSyntaxError("expected true or false")
    }

    /// Reads `null`.
    public mutating func readNull() throws(JSONSyntaxError) {
        skipWhitespace()
        guard match("null") else { throw JSONSyntaxError("expected null") }
    }

    /// Reads and discards one value of any kind (still validating it).
    public mutating func skipValue() throws(JSONSyntaxError) {
        switch try peekKind() {
        case .object: try readObject { reader, _ throws(JSONSyntaxError) in try reader.skipValue() }
        case .array: try readArray { reader throws(JSONSyntaxError) in try reader.skipValue() }
        case .string: _ = try readString()
        case .number: _ = try readNumberLiteral()
        case .bool: _ = try readBool()
        case .null: try readNull()
        }
    }

    /// Requires that nothing but whitespace follows.
    public mutating func expectEnd() throws(JSONSyntaxError) {
        skipWhitespace()
        guard index == bytes.count else { throw JSONSyntaxError("unexpected data after the JSON value") }
    }

    // MARK: Internals

    private func peekByte() -> UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func expect(_ byte: UInt8) throws(JSONSyntaxError) {
        skipWhitespace()
        guard peekByte() == byte else {
            throw JSONSyntaxError("expected \"\(Character(Unicode.Scalar(byte)))\" at offset \(index)")
        }
        index += 1
    }

    private mutating func match(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        let pointer = word.utf8Start
        for offset in 0..<count where bytes[index + offset] != pointer[offset] {
            return false
        }
        if index + count < bytes.count, !Self.isDelimiter(bytes[index + count]) { return false }
        index += count
        return true
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private static func isDelimiter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x09, 0x0A, 0x0D: return true
        default: return false
        }
    }

    /// Decodes the escapes of a string body into UTF-8. Valid surrogate pairs combine; a lone surrogate, which
    /// UTF-8 cannot carry, is refused rather than replaced with U+FFFD, so two different documents never decode to
    /// the same text (RFC 7493 §2.1).
    private static func unescape(_ raw: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) -> String {
        var failure: JSONSyntaxError?
        // Unescaping never lengthens the text: every escape is at least as long as the UTF-8 it stands for.
        let text = String(unsafeUninitializedCapacity: raw.count) { output in
            var out = 0
            var index = 0
            while index < raw.count {
                let byte = raw[index]
                guard byte == UInt8(ascii: "\\") else {
                    output[out] = byte
                    out += 1
                    index += 1
                    continue
                }
                guard index + 1 < raw.count else {
                    failure = JSONSyntaxError("invalid escape in a string")
                    return 0
                }
                let escape = raw[index + 1]
                index += 2
                let simple: UInt8?
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): simple = escape
                case UInt8(ascii: "b"): simple = 0x08
                case UInt8(ascii: "f"): simple = 0x0C
                case UInt8(ascii: "n"): simple = 0x0A
                case UInt8(ascii: "r"): simple = 0x0D
                case UInt8(ascii: "t"): simple = 0x09
                case UInt8(ascii: "u"): simple = nil
                default:
                    failure = JSONSyntaxError("invalid escape in a string")
                    return 0
                }
                if let simple {
                    output[out] = simple
                    out += 1
                    continue
                }
                guard let unit = hex4(raw, at: index) else {
                    failure = JSONSyntaxError("invalid \\u escape")
                    return 0
                }
                index += 4
                var scalar = UInt32(unit)
                if (0xD800...0xDBFF).contains(unit), index + 6 <= raw.count, raw[index] == UInt8(ascii: "\\"),
                    raw[index + 1] == UInt8(ascii: "u"), let low = hex4(raw, at: index + 2), (0xDC00...0xDFFF).contains(low)
                {
                    index += 6
                    scalar = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
                }
                guard let decoded = Unicode.Scalar(scalar) else {
                    failure = JSONSyntaxError("a \\u escape is a lone surrogate")
                    return 0
                }
                out = writeUTF8(decoded, to: output, at: out)
            }
            return out
        }
        if let failure { throw failure }
        return text
    }

    /// Writes `scalar` as UTF-8 at `offset`; returns the offset after it.
    private static func writeUTF8(_ scalar: Unicode.Scalar, to output: UnsafeMutableBufferPointer<UInt8>, at offset: Int)
        -> Int
    {
        var offset = offset
        for byte in UTF8.encode(scalar)! {
            output[offset] = byte
            offset += 1
        }
        return offset
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte &- UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte &- UInt8(ascii: "a") &+ 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte &- UInt8(ascii: "A") &+ 10
        default: nil
        }
    }

    private static func hex4(_ raw: UnsafeBufferPointer<UInt8>, at index: Int) -> UInt16? {
        guard index + 4 <= raw.count else { return nil }
        var value: UInt16 = 0
        for offset in 0..<4 {
            guard let digit = hexValue(raw[index + offset]) else { return nil }
            value = value << 4 | UInt16(digit)
        }
        return value
    }
}
