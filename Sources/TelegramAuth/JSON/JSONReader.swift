/// Why JSON inside a proof was refused.
struct JSONSyntaxError: Error, Sendable {
    let message: String
    init(_ message: String) { self.message = message }
}

/// A strict JSON reader (RFC 8259) over UTF-8 bytes.
///
/// Strict where it matters for security: duplicate member names, nesting deeper than ``maxDepth``, control
/// characters in strings, non-canonical number syntax and trailing data are refused. It reads values in place, so
/// a consumer that knows its schema (the Telegram `user` object) pays for no intermediate tree; ``JSONValue`` is
/// built with the same reader for schema-free documents.
struct JSONReader {
    /// The deepest nesting accepted.
    static let maxDepth = 32

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var depth = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// The kinds of JSON value.
    enum Kind { case object, array, string, number, bool, null }

    /// The kind of the next value, after skipping whitespace.
    mutating func peekKind() throws(JSONSyntaxError) -> Kind {
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
    mutating func readObject(_ member: (inout JSONReader, String) throws(JSONSyntaxError) -> Void)
        throws(JSONSyntaxError)
    {
        try expect(UInt8(ascii: "{"))
        depth += 1
        guard depth <= Self.maxDepth else { throw JSONSyntaxError("JSON nested deeper than \(Self.maxDepth)") }
        var seen: [String] = []
        skipWhitespace()
        if peekByte() == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return
        }
        while true {
            skipWhitespace()
            let key = try readString()
            if seen.contains(key) { throw JSONSyntaxError("duplicate member \"\(key.prefix(40))\"") }
            seen.append(key)
            try expect(UInt8(ascii: ":"))
            try member(&self, key)
            skipWhitespace()
            guard let next = peekByte() else { throw JSONSyntaxError("unterminated object") }
            index += 1
            if next == UInt8(ascii: "}") { break }
            guard next == UInt8(ascii: ",") else { throw JSONSyntaxError("expected \",\" or \"}\" in object") }
        }
        depth -= 1
    }

    /// Reads an array, calling `element` once per element; `element` must consume the value.
    mutating func readArray(_ element: (inout JSONReader) throws(JSONSyntaxError) -> Void) throws(JSONSyntaxError) {
        try expect(UInt8(ascii: "["))
        depth += 1
        guard depth <= Self.maxDepth else { throw JSONSyntaxError("JSON nested deeper than \(Self.maxDepth)") }
        skipWhitespace()
        if peekByte() == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return
        }
        while true {
            try element(&self)
            skipWhitespace()
            guard let next = peekByte() else { throw JSONSyntaxError("unterminated array") }
            index += 1
            if next == UInt8(ascii: "]") { break }
            guard next == UInt8(ascii: ",") else { throw JSONSyntaxError("expected \",\" or \"]\" in array") }
        }
        depth -= 1
    }

    /// Reads a string value.
    mutating func readString() throws(JSONSyntaxError) -> String {
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
    mutating func readNumberLiteral() throws(JSONSyntaxError) -> String {
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
    mutating func readInteger() throws(JSONSyntaxError) -> Int64 {
        let literal = try readNumberLiteral()
        guard let value = Int64(literal), !literal.contains(".") else {
            throw JSONSyntaxError("expected an integer, found \(literal.prefix(24))")
        }
        return value
    }

    /// Reads `true` or `false`.
    mutating func readBool() throws(JSONSyntaxError) -> Bool {
        skipWhitespace()
        if match("true") { return true }
        if match("false") { return false }
        throw JSONSyntaxError("expected true or false")
    }

    /// Reads `null`.
    mutating func readNull() throws(JSONSyntaxError) {
        skipWhitespace()
        guard match("null") else { throw JSONSyntaxError("expected null") }
    }

    /// Reads and discards one value of any kind (still validating it).
    mutating func skipValue() throws(JSONSyntaxError) {
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
    mutating func expectEnd() throws(JSONSyntaxError) {
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

    /// Decodes the escapes of a string body. Valid surrogate pairs combine; a lone surrogate, which UTF-8 cannot
    /// carry, becomes U+FFFD in the decoded text (the proof itself is verified on the raw bytes, unaffected).
    private static func unescape(_ raw: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) -> String {
        var scalars = String.UnicodeScalarView()
        var utf8: [UInt8] = []
        utf8.reserveCapacity(raw.count)
        var index = 0
        func flush() {
            if !utf8.isEmpty {
                scalars.append(contentsOf: String(decoding: utf8, as: UTF8.self).unicodeScalars)
                utf8.removeAll(keepingCapacity: true)
            }
        }
        while index < raw.count {
            let byte = raw[index]
            guard byte == UInt8(ascii: "\\") else {
                utf8.append(byte)
                index += 1
                continue
            }
            guard index + 1 < raw.count else { throw JSONSyntaxError("invalid escape in a string") }
            let escape = raw[index + 1]
            index += 2
            switch escape {
            case UInt8(ascii: "\""): utf8.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): utf8.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "/"): utf8.append(UInt8(ascii: "/"))
            case UInt8(ascii: "b"): utf8.append(0x08)
            case UInt8(ascii: "f"): utf8.append(0x0C)
            case UInt8(ascii: "n"): utf8.append(0x0A)
            case UInt8(ascii: "r"): utf8.append(0x0D)
            case UInt8(ascii: "t"): utf8.append(0x09)
            case UInt8(ascii: "u"):
                let unit = try hex4(raw, at: index)
                index += 4
                flush()
                if (0xD800...0xDBFF).contains(unit), index + 6 <= raw.count, raw[index] == UInt8(ascii: "\\"),
                    raw[index + 1] == UInt8(ascii: "u"), let low = try? hex4(raw, at: index + 2),
                    (0xDC00...0xDFFF).contains(low)
                {
                    index += 6
                    let value = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
                    scalars.append(Unicode.Scalar(value) ?? "\u{FFFD}")
                } else {
                    scalars.append(Unicode.Scalar(UInt32(unit)) ?? "\u{FFFD}")
                }
            default:
                throw JSONSyntaxError("invalid escape in a string")
            }
        }
        flush()
        return String(scalars)
    }

    private static func hex4(_ raw: UnsafeBufferPointer<UInt8>, at index: Int) throws(JSONSyntaxError) -> UInt16 {
        guard index + 4 <= raw.count else { throw JSONSyntaxError("invalid \\u escape") }
        var value: UInt16 = 0
        for offset in 0..<4 {
            guard let digit = FormURLEncodedParser.hexValue(raw[index + offset]) else {
                throw JSONSyntaxError("invalid \\u escape")
            }
            value = value << 4 | UInt16(digit)
        }
        return value
    }
}
