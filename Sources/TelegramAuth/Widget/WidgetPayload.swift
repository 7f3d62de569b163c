import StrictJSON

/// Login Widget data in any of the three shapes Telegram delivers it, reduced to the same signed fields.
///
/// - the redirect's query parameters (`id=…&first_name=…&auth_date=…&hash=…`), also used by `LoginUrl` buttons;
/// - the `data-onauth` callback's JSON object, where numbers stand for their decimal text;
/// - the `#tgAuthResult=` fragment of `oauth.telegram.org/auth`: that JSON object in base64 or base64url, padding
///   optional.
public struct WidgetPayload: Sendable {
    let fields: ProofFields

    /// Parses redirect query parameters.
    public init(queryString: String, limits: ProofLimits = .standard) throws(TelegramAuthError) {
        try ProofShape.requireQueryString(queryString, expected: "Login Widget data")
        self.fields = try FormURLEncodedParser.parse(queryString, limits: limits)
    }

    /// Parses the callback's JSON object.
    public init(jsonObject: String, limits: ProofLimits = .standard) throws(TelegramAuthError) {
        try limits.checkInputSize(jsonObject.utf8.count)
        self.fields = try Self.fields(fromJSON: Array(jsonObject.utf8), limits: limits)
    }

    /// Parses a `tgAuthResult` value, with or without its `tgAuthResult=` (or `#tgAuthResult=`) prefix.
    public init(tgAuthResult: String, limits: ProofLimits = .standard) throws(TelegramAuthError) {
        try limits.checkInputSize(tgAuthResult.utf8.count)
        var text = Substring(tgAuthResult)
        for prefix in ["#tgAuthResult=", "tgAuthResult="] where text.hasPrefix(prefix) {
            text = text.dropFirst(prefix.count)
        }
        if text == "false" {
            throw TelegramAuthError(.malformed, "tgAuthResult is false: the user cancelled the login")
        }
        var encoded = Array(text.utf8)
        if encoded.contains(UInt8(ascii: "%")) {
            // Fragments copied from a URL may carry percent-encoded padding (%3D).
            let decoded = try FormURLEncodedParser.parse("v=" + String(text), limits: limits)
            guard decoded.count == 1 else {
                throw TelegramAuthError(.malformed, "tgAuthResult is one base64 value; nothing may follow it")
            }
            encoded = Array((decoded["v"] ?? "").utf8)
        }
        guard let json = Base64.decode(encoded, alphabet: .either, allowPadding: true, canonical: false) else {
            throw TelegramAuthError(.malformed, "tgAuthResult is not base64 or base64url")
        }
        self.fields = try Self.fields(fromJSON: json, limits: limits)
    }

    /// Recognises the shape of `input`: a JSON object, a `tgAuthResult` value, or query parameters.
    public init(_ input: String, limits: ProofLimits = .standard) throws(TelegramAuthError) {
        let trimmed = input.trimmingWhitespace
        if ProofShape.looksLikeJSONObject(trimmed) {
            try self.init(jsonObject: trimmed, limits: limits)
        } else if trimmed.hasPrefix("tgAuthResult=") || trimmed.hasPrefix("#tgAuthResult=")
            || Self.looksLikeBase64(trimmed)
        {
            try self.init(tgAuthResult: trimmed, limits: limits)
        } else {
            try self.init(queryString: trimmed, limits: limits)
        }
    }

    /// The fields of the widget JSON object: strings as decoded, integers as their decimal text.
    private static func fields(fromJSON json: [UInt8], limits: ProofLimits) throws(TelegramAuthError) -> ProofFields {
        let value: JSONValue
        do {
            value = try JSONValue.parse(json)
        } catch {
            throw TelegramAuthError(.malformed, "the Login Widget JSON is invalid: \(error.message)")
        }
        guard case .object(let members) = value else {
            throw TelegramAuthError(.malformed, "the Login Widget data must be a JSON object")
        }
        guard members.count <= limits.maxFields else {
            throw TelegramAuthError(.payloadTooLarge, "the Login Widget data has more than \(limits.maxFields) fields")
        }
        var pairs: [(key: String, value: String)] = []
        for member in members {
            switch member.value {
            case .string(let text):
                pairs.append((member.key, text))
            case .number(let literal) where member.value.integerValue != nil:
                pairs.append((member.key, literal))
            default:
                throw TelegramAuthError(
                    .malformed,
                    "Login Widget field \"\(ProofFields.printable(member.key))\" must be a string or an integer")
            }
            guard pairs[pairs.count - 1].value.utf8.count <= limits.maxValueBytes else {
                throw TelegramAuthError(.payloadTooLarge, "a value is longer than \(limits.maxValueBytes) bytes")
            }
        }
        return try ProofFields(pairs: pairs)
    }

    private static func looksLikeBase64(_ text: String) -> Bool {
        var body = Substring(text)
        while true {
            if body.hasSuffix("=") {
                body = body.dropLast()
            } else if body.hasSuffix("%3D") || body.hasSuffix("%3d") {
                body = body.dropLast(3)
            } else {
                break
            }
        }
        return !body.isEmpty && body.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "+"),
                UInt8(ascii: "/"):
                true
            default: false
            }
        }
    }
}

extension String {
    /// The text without leading and trailing spaces, tabs and newlines.
    var trimmingWhitespace: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[start...end])
    }
}
