/// The decoded `key=value` fields of a proof (Mini App `initData` or Login Widget data), kept exactly as received.
///
/// Every key is kept, known or not, because Telegram signs every field it sends. Keys and values are stored once,
/// decoded, as `key=value\n` runs in one buffer, so a data-check-string is a sorted concatenation of those runs:
/// nothing is re-serialized and nothing is allocated per field on the verification path.
public struct ProofFields: Sendable {
    /// One field: byte offsets into ``storage``. The value starts right after the `=` that follows the key.
    struct Entry: Sendable {
        var keyStart: Int32
        var keyEnd: Int32
        var valueEnd: Int32
        /// Position in the received order.
        var position: Int32

        var valueStart: Int { Int(keyEnd) + 1 }
        var keyRange: Range<Int> { Int(keyStart)..<Int(keyEnd) }
        var valueRange: Range<Int> { valueStart..<Int(valueEnd) }
    }

    /// Fields excluded from a data-check-string.
    struct Exclusions: OptionSet, Sendable {
        let rawValue: UInt8
        static let hash = Exclusions(rawValue: 1)
        static let signature = Exclusions(rawValue: 2)
    }

    /// `key=value\n` for every field, decoded, in received order.
    let storage: [UInt8]
    /// The fields sorted by key bytes.
    let sorted: [Entry]

    /// Builds the fields from decoded storage and entries in received order, already checked to be in
    /// ``CanonicalFields`` form; sorts them and rejects duplicates.
    init(validatedStorage storage: [UInt8], entries: [Entry]) throws(TelegramAuthError) {
        var entries = entries
        storage.withUnsafeBufferPointer { bytes in
            // Insertion sort: proofs hold a handful of fields, and this allocates nothing.
            var i = 1
            while i < entries.count {
                let current = entries[i]
                var j = i - 1
                while j >= 0, Self.compareKeys(bytes, entries[j], current) > 0 {
                    entries[j + 1] = entries[j]
                    j -= 1
                }
                entries[j + 1] = current
                i += 1
            }
        }
        let duplicate: String? = storage.withUnsafeBufferPointer { bytes in
            var i = 1
            while i < entries.count {
                if Self.compareKeys(bytes, entries[i - 1], entries[i]) == 0 {
                    return String(decoding: bytes[entries[i].keyRange], as: UTF8.self)
                }
                i += 1
            }
            return nil
        }
        if let duplicate {
            throw TelegramAuthError(
                .duplicateParameter, "the key \"\(Self.printable(duplicate))\" appears more than once")
        }
        self.storage = storage
        self.sorted = entries
    }

    /// Builds fields from decoded pairs, for proofs that arrive as JSON.
    init(pairs: [(key: String, value: String)]) throws(TelegramAuthError) {
        var storage: [UInt8] = []
        var entries: [Entry] = []
        entries.reserveCapacity(pairs.count)
        for (position, pair) in pairs.enumerated() {
            let keyStart = storage.count
            storage.append(contentsOf: pair.key.utf8)
            let keyEnd = storage.count
            storage.append(UInt8(ascii: "="))
            storage.append(contentsOf: pair.value.utf8)
            let valueEnd = storage.count
            storage.append(UInt8(ascii: "\n"))
            entries.append(
                Entry(
                    keyStart: Int32(keyStart), keyEnd: Int32(keyEnd), valueEnd: Int32(valueEnd),
                    position: Int32(position)))
        }
        try Self.requireCanonical(storage, entries)
        try self.init(validatedStorage: storage, entries: entries)
    }

    /// Refuses the first field that is not in ``CanonicalFields`` form.
    private static func requireCanonical(_ storage: [UInt8], _ entries: [Entry]) throws(TelegramAuthError) {
        let violation: TelegramAuthError? = storage.withUnsafeBufferPointer { bytes in
            for (index, entry) in entries.enumerated() {
                if let violation = CanonicalFields.keyViolation(UnsafeBufferPointer(rebasing: bytes[entry.keyRange]), field: index + 1)
                    ?? CanonicalFields.valueViolation(UnsafeBufferPointer(rebasing: bytes[entry.valueRange]), field: index + 1)
                {
                    return violation
                }
            }
            return nil
        }
        if let violation { throw violation }
    }

    // MARK: Reading fields

    /// The number of fields.
    public var count: Int { sorted.count }

    /// Every field as decoded text, in the order received.
    public var pairs: [(key: String, value: String)] {
        sorted.sorted { $0.position < $1.position }.map { entry in
            (
                String(decoding: storage[entry.keyRange], as: UTF8.self),
                String(decoding: storage[entry.valueRange], as: UTF8.self)
            )
        }
    }

    /// The decoded value of `key`, or `nil` when the key is absent.
    public subscript(key: String) -> String? {
        guard let entry = entry(for: key) else { return nil }
        return String(decoding: storage[entry.valueRange], as: UTF8.self)
    }

    /// Whether `key` was received (possibly with an empty value).
    public func contains(_ key: String) -> Bool { entry(for: key) != nil }

    func entry(for key: String) -> Entry? {
        key.withUTF8Bytes { wanted in entry(matching: wanted) }
    }

    /// The entry for a key known at compile time, without going through `String`.
    func entry(for key: StaticString) -> Entry? {
        entry(matching: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
    }

    private func entry(matching wanted: UnsafeBufferPointer<UInt8>) -> Entry? {
        storage.withUnsafeBufferPointer { bytes in
            for entry in sorted where entry.keyRange.count == wanted.count {
                if Self.equal(bytes, entry.keyRange, wanted) { return entry }
            }
            return nil
        }
    }

    /// The decoded value of a key known at compile time.
    func value(for key: StaticString) -> String? {
        guard let entry = entry(for: key) else { return nil }
        return String(decoding: storage[entry.valueRange], as: UTF8.self)
    }

    /// Calls `body` with the decoded bytes of the value of `key`; `nil` when the key is absent.
    func withValueBytes<R>(for key: StaticString, _ body: (UnsafeBufferPointer<UInt8>) throws(TelegramAuthError) -> R)
        throws(TelegramAuthError) -> R?
    {
        guard let entry = entry(for: key) else { return nil }
        return try storage.withUnsafeBufferPointer { bytes throws(TelegramAuthError) in
            try body(UnsafeBufferPointer(rebasing: bytes[entry.valueRange]))
        }
    }

    // MARK: Data-check-string

    /// The data-check-string: `prefix`, then every field not excluded, sorted by key, as `key=value` lines joined
    /// by `\n` with no trailing newline.
    func dataCheckString(excluding exclusions: Exclusions, prefix: [UInt8] = []) -> [UInt8] {
        storage.withUnsafeBufferPointer { bytes in
            var total = prefix.count
            for entry in sorted where !Self.isExcluded(bytes, entry, exclusions) {
                total += Int(entry.valueEnd - entry.keyStart) + 1
            }
            return [UInt8](unsafeUninitializedCapacity: total) { output, initialized in
                var offset = 0
                for byte in prefix {
                    output[offset] = byte
                    offset += 1
                }
                for entry in sorted where !Self.isExcluded(bytes, entry, exclusions) {
                    // Each run is `key=value\n`; copying the newline too joins the lines.
                    let run = Int(entry.keyStart)...Int(entry.valueEnd)
                    let source = UnsafeBufferPointer(rebasing: bytes[run])
                    _ = UnsafeMutableBufferPointer(rebasing: output[offset..<(offset + run.count)])
                        .initialize(from: source)
                    offset += run.count
                }
                // Drop the trailing newline of the last run.
                initialized = offset > prefix.count ? offset - 1 : offset
            }
        }
    }

    // MARK: Byte helpers

    private static let hashKey = Array("hash".utf8)
    private static let signatureKey = Array("signature".utf8)

    private static func isExcluded(_ bytes: UnsafeBufferPointer<UInt8>, _ entry: Entry, _ exclusions: Exclusions)
        -> Bool
    {
        if exclusions.contains(.hash), hashKey.withUnsafeBufferPointer({ equal(bytes, entry.keyRange, $0) }) {
            return true
        }
        if exclusions.contains(.signature),
            signatureKey.withUnsafeBufferPointer({ equal(bytes, entry.keyRange, $0) })
        {
            return true
        }
        return false
    }

    private static func equal(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ other: UnsafeBufferPointer<UInt8>)
        -> Bool
    {
        guard range.count == other.count else { return false }
        var i = 0
        while i < other.count {
            if bytes[range.lowerBound + i] != other[i] { return false }
            i += 1
        }
        return true
    }

    /// Byte-wise comparison of two keys (negative, zero or positive).
    private static func compareKeys(_ bytes: UnsafeBufferPointer<UInt8>, _ a: Entry, _ b: Entry) -> Int {
        let lengthA = Int(a.keyEnd - a.keyStart)
        let lengthB = Int(b.keyEnd - b.keyStart)
        var i = 0
        while i < lengthA, i < lengthB {
            let x = bytes[Int(a.keyStart) + i]
            let y = bytes[Int(b.keyStart) + i]
            if x != y { return Int(x) - Int(y) }
            i += 1
        }
        return lengthA - lengthB
    }

    /// A key made safe to quote in a message: control characters escaped, length capped.
    static func printable(_ key: String) -> String {
        var result = ""
        for scalar in key.unicodeScalars.prefix(40) {
            if scalar.value < 0x20 || scalar.value == 0x7F {
                result += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return key.unicodeScalars.count > 40 ? result + "…" : result
    }
}

extension ProofFields {
    /// Parses any `application/x-www-form-urlencoded` text with the same strict rules as proofs (duplicate keys,
    /// bad escapes, invalid UTF-8, `;`, keys outside `a-z0-9_` and control characters refused), for other form
    /// bodies such as OAuth token requests.
    public static func parseForm(_ text: String, limits: ProofLimits = .standard) throws(TelegramAuthError) -> ProofFields {
        try FormURLEncodedParser.parse(text, limits: limits)
    }

    /// Parses form bytes exactly as received, with the rules of ``parseForm(_:limits:)``: bytes that are not UTF-8
    /// are refused, never replaced.
    public static func parseForm(bytes: [UInt8], limits: ProofLimits = .standard) throws(TelegramAuthError) -> ProofFields {
        try bytes.withUnsafeBufferPointer { input throws(TelegramAuthError) in
            try FormURLEncodedParser.parse(input, limits: limits)
        }
    }
}
