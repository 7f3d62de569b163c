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

    /// Encodes `bytes` as unpadded base64url.
    public static func urlEncode(_ bytes: some Sequence<UInt8>) -> String {
        let table = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        var output: [UInt8] = []
        var accumulator: UInt32 = 0
        var bits = 0
        for byte in bytes {
            accumulator = accumulator << 8 | UInt32(byte)
            bits += 8
            while bits >= 6 {
                bits -= 6
                output.append(table[Int((accumulator >> UInt32(bits)) & 0x3F)])
            }
            accumulator &= (1 << UInt32(bits)) - 1
        }
        if bits > 0 { output.append(table[Int((accumulator << UInt32(6 - bits)) & 0x3F)]) }
        return String(decoding: output, as: UTF8.self)
    }
}
