/// How Telegram writes the pieces of `initData`, reproduced for signing test data.
public enum TelegramEncoding {
    /// Percent-encodes everything but RFC 3986 unreserved characters, as Telegram does (a space is `%20`, `+` is
    /// `%2B`).
    public static func percentEncode(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var output: [UInt8] = []
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                output.append(byte)
            default:
                output.append(UInt8(ascii: "%"))
                output.append(hex[Int(byte >> 4)])
                output.append(hex[Int(byte & 0x0F)])
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Joins fields into a query string, percent-encoding keys and values.
    public static func queryString(_ fields: [(key: String, value: String)]) -> String {
        fields.map { percentEncode($0.key) + "=" + percentEncode($0.value) }.joined(separator: "&")
    }

    /// A JSON string literal the way Telegram writes one: `"` `\` and control characters escaped, `/` escaped as
    /// `\/`, everything else as UTF-8.
    public static func jsonString(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "/": output += "\\/"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output += scalar.shortEscape ?? ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output + "\""
    }
}

extension TelegramUser {
    /// The user as Telegram serializes a `WebAppUser`: its key order, flags only when true, `/` escaped.
    public var webAppJSON: String {
        var members = ["\"id\":\(id)", "\"first_name\":" + TelegramEncoding.jsonString(firstName)]
        if let lastName { members.append("\"last_name\":" + TelegramEncoding.jsonString(lastName)) }
        if let username { members.append("\"username\":" + TelegramEncoding.jsonString(username)) }
        if let languageCode { members.append("\"language_code\":" + TelegramEncoding.jsonString(languageCode)) }
        if isPremium { members.append("\"is_premium\":true") }
        if isBot { members.append("\"is_bot\":true") }
        if addedToAttachmentMenu { members.append("\"added_to_attachment_menu\":true") }
        if allowsWriteToPM { members.append("\"allows_write_to_pm\":true") }
        if let photoURL { members.append("\"photo_url\":" + TelegramEncoding.jsonString(photoURL)) }
        return "{" + members.joined(separator: ",") + "}"
    }
}
