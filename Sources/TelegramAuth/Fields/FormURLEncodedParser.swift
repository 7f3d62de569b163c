/// Strict `application/x-www-form-urlencoded` parsing of a proof string.
///
/// The rules Telegram's reference libraries agree on: split on `&` first, then each part on its first `=`, then
/// percent-decode key and value (`+` is a space). Empty values are kept. Anything ambiguous is refused instead of
/// guessed: a part without `=`, an empty part, an invalid `%` escape, invalid UTF-8 after decoding, and `;` (which
/// some parsers treat as a separator). Duplicate keys are refused by ``ProofFields``.
enum FormURLEncodedParser {
    /// Parses `text`. `plusIsSpace` is `false` only when diagnosing clients that encoded `+` literally.
    static func parse(_ text: String, limits: ProofLimits, plusIsSpace: Bool = true) throws(TelegramAuthError)
        -> ProofFields
    {
        try text.withUTF8Bytes { input throws(TelegramAuthError) in
            try parse(input, limits: limits, plusIsSpace: plusIsSpace)
        }
    }

    static func parse(_ input: UnsafeBufferPointer<UInt8>, limits: ProofLimits, plusIsSpace: Bool = true)
        throws(TelegramAuthError) -> ProofFields
    {
        try limits.checkInputSize(input.count)
        guard !input.isEmpty else {
            throw TelegramAuthError(.malformed, "the proof is empty")
        }
        var entries: [ProofFields.Entry] = []
        entries.reserveCapacity(12)
        // Decoding never grows the text; `=` and `\n` per field replace the `=` and `&` they came from, plus one.
        let capacity = input.count + 1
        var failure: TelegramAuthError?
        let storage = [UInt8](unsafeUninitializedCapacity: capacity) { output, initialized in
            var out = 0
            var index = 0
            var position: Int32 = 0
            while index <= input.count {
                // One part: [index, partEnd).
                var partEnd = index
                while partEnd < input.count, input[partEnd] != UInt8(ascii: "&") { partEnd += 1 }
                if partEnd == index {
                    failure = TelegramAuthError(.malformed, "the proof has an empty part (\"&&\" or a stray \"&\")")
                    break
                }
                var separator = index
                while separator < partEnd, input[separator] != UInt8(ascii: "=") { separator += 1 }
                if separator == partEnd {
                    failure = TelegramAuthError(.malformed, "part \(position + 1) has no \"=\"; expected key=value")
                    break
                }
                if separator == index {
                    failure = TelegramAuthError(.malformed, "part \(position + 1) has an empty key")
                    break
                }
                if Int(position) >= limits.maxFields {
                    failure = TelegramAuthError(
                        .payloadTooLarge, "the proof has more than \(limits.maxFields) fields")
                    break
                }
                let keyStart = out
                if let error = decode(input, index..<separator, into: output, at: &out, plusIsSpace: plusIsSpace) {
                    failure = error
                    break
                }
                let keyEnd = out
                output[out] = UInt8(ascii: "=")
                out += 1
                let valueStart = out
                if let error = decode(
                    input, (separator + 1)..<partEnd, into: output, at: &out, plusIsSpace: plusIsSpace)
                {
                    failure = error
                    break
                }
                let valueEnd = out
                if valueEnd - valueStart > limits.maxValueBytes {
                    failure = TelegramAuthError(
                        .payloadTooLarge, "a value is longer than \(limits.maxValueBytes) bytes")
                    break
                }
                output[out] = UInt8(ascii: "\n")
                out += 1
                entries.append(
                    ProofFields.Entry(
                        keyStart: Int32(keyStart), keyEnd: Int32(keyEnd), valueEnd: Int32(valueEnd),
                        position: position))
                position += 1
                index = partEnd + 1
            }
            initialized = out
        }
        if let failure { throw failure }
        return try ProofFields(storage: storage, entries: entries)
    }

    /// Percent-decodes `input[range]` into `output` at `out`; returns an error instead of throwing so it can run
    /// inside the buffer initializer.
    private static func decode(
        _ input: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, into output: UnsafeMutableBufferPointer<UInt8>,
        at out: inout Int, plusIsSpace: Bool
    ) -> TelegramAuthError? {
        let start = out
        var needsUTF8Check = false
        var index = range.lowerBound
        while index < range.upperBound {
            let byte = input[index]
            switch byte {
            case UInt8(ascii: "%"):
                guard index + 2 < range.upperBound,
                    let high = hexValue(input[index + 1]), let low = hexValue(input[index + 2])
                else {
                    return TelegramAuthError(.malformed, "invalid percent-escape at byte \(index)")
                }
                let decoded = high << 4 | low
                if decoded >= 0x80 { needsUTF8Check = true }
                output[out] = decoded
                index += 3
            case UInt8(ascii: "+") where plusIsSpace:
                output[out] = UInt8(ascii: " ")
                index += 1
            case UInt8(ascii: ";"):
                return TelegramAuthError(.malformed, "the proof contains \";\", which Telegram never sends")
            default:
                if byte >= 0x80 { needsUTF8Check = true }
                output[out] = byte
                index += 1
            }
            out += 1
        }
        if needsUTF8Check {
            let decoded = UnsafeBufferPointer(rebasing: UnsafeBufferPointer(output)[start..<out])
            if !UTF8Validator.isValid(decoded) {
                return TelegramAuthError(.malformed, "a field is not valid UTF-8 after percent-decoding")
            }
        }
        return nil
    }

    @inline(__always)
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte &- UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte &- UInt8(ascii: "a") &+ 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte &- UInt8(ascii: "A") &+ 10
        default: return nil
        }
    }
}
