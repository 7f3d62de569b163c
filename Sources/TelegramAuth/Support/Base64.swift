/// Base64 decoding with explicit rules, because each Telegram proof uses a different flavour: `signature` is
/// unpadded base64url, `tgAuthResult` is base64 or base64url with optional padding, JWS segments are strict
/// unpadded base64url.
public enum Base64 {
    /// Which characters encode 62 and 63.
    public enum Alphabet: Sendable {
        /// `-` and `_` (RFC 4648 §5).
        case url
        /// `+` and `/` (RFC 4648 §4).
        case standard
        /// Either pair (never mixed).
        case either
    }

    /// Decodes `text`. Padding is optional when `allowPadding` is true and refused otherwise. With `canonical`,
    /// unused low bits of the last character must be zero, so every distinct text decodes to distinct bytes.
    public static func decode(
        _ text: some Collection<UInt8>, alphabet: Alphabet, allowPadding: Bool, canonical: Bool
    ) -> [UInt8]? {
        var body = Array(text)
        var padding = 0
        while let last = body.last, last == UInt8(ascii: "=") {
            body.removeLast()
            padding += 1
        }
        if padding > 0 {
            guard allowPadding, padding <= 2, (body.count + padding) % 4 == 0 else { return nil }
        }
        guard body.count % 4 != 1 else { return nil }
        var usesURL = false
        var usesStandard = false
        var output: [UInt8] = []
        output.reserveCapacity(body.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        for byte in body {
            let value: UInt8
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = byte - UInt8(ascii: "A")
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = byte - UInt8(ascii: "a") + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = byte - UInt8(ascii: "0") + 52
            case UInt8(ascii: "-"): value = 62; usesURL = true
            case UInt8(ascii: "_"): value = 63; usesURL = true
            case UInt8(ascii: "+"): value = 62; usesStandard = true
            case UInt8(ascii: "/"): value = 63; usesStandard = true
            default: return nil
            }
            accumulator = accumulator << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
                accumulator &= (1 << UInt32(bits)) - 1
            }
        }
        switch alphabet {
        case .url where usesStandard, .standard where usesURL: return nil
        case .either where usesURL && usesStandard: return nil
        default: break
        }
        if canonical, accumulator != 0 { return nil }
        return output
    }

    private static let urlTable = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Encodes `bytes` as unpadded base64url.
    public static func urlEncode(_ bytes: some Collection<UInt8>) -> String {
        if let encoded = bytes.withContiguousStorageIfAvailable({ urlEncode(contiguous: $0) }) { return encoded }
        return Array(bytes).withUnsafeBufferPointer { urlEncode(contiguous: $0) }
    }

    private static func urlEncode(contiguous bytes: UnsafeBufferPointer<UInt8>) -> String {
        let count = (bytes.count * 4 + 2) / 3
        return String(unsafeUninitializedCapacity: count) { output in
            urlTable.withUnsafeBufferPointer { table in
                var out = 0
                var index = 0
                // Three bytes make four characters.
                while index + 3 <= bytes.count {
                    let group = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
                    output[out] = table[Int(group >> 18)]
                    output[out + 1] = table[Int(group >> 12 & 0x3F)]
                    output[out + 2] = table[Int(group >> 6 & 0x3F)]
                    output[out + 3] = table[Int(group & 0x3F)]
                    out += 4
                    index += 3
                }
                let remaining = bytes.count - index
                if remaining > 0 {
                    let group = UInt32(bytes[index]) << 16 | (remaining == 2 ? UInt32(bytes[index + 1]) << 8 : 0)
                    output[out] = table[Int(group >> 18)]
                    output[out + 1] = table[Int(group >> 12 & 0x3F)]
                    out += 2
                    if remaining == 2 {
                        output[out] = table[Int(group >> 6 & 0x3F)]
                        out += 1
                    }
                }
                return out
            }
        }
    }
}
