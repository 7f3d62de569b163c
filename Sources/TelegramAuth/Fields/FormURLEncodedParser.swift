import StrictJSON

/// Strict `application/x-www-form-urlencoded` parsing of a proof string.
///
/// The rules Telegram's reference libraries agree on: split on `&` first, then each part on its first `=`, then
/// percent-decode key and value (`+` is a space). Empty values are kept. Anything ambiguous is refused instead of
/// guessed: a part without `=`, an empty part, an invalid `%` escape, invalid UTF-8 after decoding, and `;` (which
/// some parsers treat as a separator). Decoded fields must be in ``CanonicalFields`` form (keys of `a-z0-9_`, no
/// control characters). Duplicate keys are refused by ``ProofFields``.
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
        var failure: TelegramAuthError?
        // Decoding never grows the text: `=` and `\n` per field replace the `=` and `&` they came from, plus one.
        let storage = [UInt8](unsafeUninitializedCapacity: input.count + 1) { output, initialized in
            failure = decodeFields(input, into: output, entries: &entries, limits: limits, plusIsSpace: plusIsSpace)
            initialized = entries.last.map { Int($0.valueEnd) + 1 } ?? 0
        }
        if let failure { throw failure }
        return try ProofFields(validatedStorage: storage, entries: entries)
    }

    /// One pass over the input: splits parts on `&` and each part on its first `=`, percent-decodes into
    /// `output` as `key=value\n` runs, and checks every rule on the way. Returns the first violation.
    private static func decodeFields(
        _ input: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<UInt8>,
        entries: inout [ProofFields.Entry], limits: ProofLimits, plusIsSpace: Bool
    ) -> TelegramAuthError? {
        var out = 0
        var index = 0
        var fieldStart = 0
        var keyEnd = -1
        var segmentStart = 0
        var segmentNeedsUTF8Check = false
        let count = input.count
        while true {
            let atEnd = index == count
            let byte = atEnd ? UInt8(ascii: "&") : input[index]
            switch byte {
            case UInt8(ascii: "&"):
                let position = Int32(entries.count)
                if out == fieldStart && keyEnd < 0 {
                    return TelegramAuthError(.malformed, "the proof has an empty part (\"&&\" or a stray \"&\")")
                }
                if keyEnd < 0 {
                    return TelegramAuthError(.malformed, "part \(position + 1) has no \"=\"; expected key=value")
                }
                if segmentNeedsUTF8Check, !UTF8Validator.isValid(UnsafeBufferPointer(rebasing: output[segmentStart..<out])) {
                    return invalidUTF8
                }
                if out - (keyEnd + 1) > limits.maxValueBytes {
                    return TelegramAuthError(.payloadTooLarge, "a value is longer than \(limits.maxValueBytes) bytes")
                }
                if entries.count >= limits.maxFields {
                    return TelegramAuthError(.payloadTooLarge, "the proof has more than \(limits.maxFields) fields")
                }
                entries.append(
                    ProofFields.Entry(
                        keyStart: Int32(fieldStart), keyEnd: Int32(keyEnd), valueEnd: Int32(out), position: position))
                output[out] = UInt8(ascii: "\n")
                out += 1
                if atEnd { return nil }
                index += 1
                fieldStart = out
                segmentStart = out
                keyEnd = -1
                segmentNeedsUTF8Check = false
                continue
            case UInt8(ascii: "=") where keyEnd < 0:
                if out == fieldStart {
                    return TelegramAuthError(.malformed, "part \(entries.count + 1) has an empty key")
                }
                // A canonical key is ASCII, so this also refuses any non-ASCII byte in it.
                if let violation = CanonicalFields.keyViolation(
                    UnsafeBufferPointer(rebasing: output[fieldStart..<out]), field: entries.count + 1)
                {
                    return violation
                }
                keyEnd = out
                output[out] = UInt8(ascii: "=")
                out += 1
                segmentStart = out
                segmentNeedsUTF8Check = false
                index += 1
                continue
            case UInt8(ascii: "%"):
                guard index + 2 < count, let high = hexValue(input[index + 1]), let low = hexValue(input[index + 2]) else {
                    return TelegramAuthError(.malformed, "invalid percent-escape at byte \(index)")
                }
                let decoded = high << 4 | low
                if CanonicalFields.isControl(decoded) { return CanonicalFields.controlCharacter(field: entries.count + 1) }
                if decoded >= 0x80 { segmentNeedsUTF8Check = true }
                output[out] = decoded
                index += 3
            case UInt8(ascii: "+") where plusIsSpace:
                output[out] = UInt8(ascii: " ")
                index += 1
            case UInt8(ascii: ";"):
                return TelegramAuthError(.malformed, "the proof contains \";\", which Telegram never sends")
            default:
                if CanonicalFields.isControl(byte) { return CanonicalFields.controlCharacter(field: entries.count + 1) }
                if byte >= 0x80 { segmentNeedsUTF8Check = true }
                output[out] = byte
                index += 1
            }
            out += 1
        }
    }

    private static var invalidUTF8: TelegramAuthError {
        TelegramAuthError(.malformed, "a field is not valid UTF-8 after percent-decoding")
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
