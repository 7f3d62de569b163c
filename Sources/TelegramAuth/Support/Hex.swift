/// Lowercase hexadecimal encoding.
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    /// Encodes `bytes` as lowercase hex.
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var output: [UInt8] = []
        for byte in bytes {
            output.append(digits[Int(byte >> 4)])
            output.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes hex text (either case); `nil` for odd lengths or non-hex characters.
    public static func decode(_ text: String) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = FormURLEncodedParser.hexValue(utf8[index]),
                let low = FormURLEncodedParser.hexValue(utf8[index + 1])
            else { return nil }
            output.append(high << 4 | low)
            index += 2
        }
        return output
    }

    /// Decodes lowercase hex, the form Telegram uses for `hash`, filling `output` exactly; `false` when the
    /// text has another length or a character that is not a lowercase hex digit.
    static func decodeLowercase(_ bytes: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<UInt8>) -> Bool {
        guard bytes.count == output.count * 2 else { return false }
        for i in 0..<output.count {
            guard let high = lowercaseValue(bytes[2 * i]), let low = lowercaseValue(bytes[2 * i + 1]) else {
                return false
            }
            output[i] = high << 4 | low
        }
        return true
    }

    @inline(__always)
    private static func lowercaseValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte &- UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte &- UInt8(ascii: "a") &+ 10
        default: nil
        }
    }
}
