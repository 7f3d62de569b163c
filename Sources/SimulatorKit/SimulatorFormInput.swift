import Foundation

/// Form bodies, query strings and HTTP Basic credentials read the way OAuth servers read them (RFC 6749 §2.3.1,
/// §3.2), for every simulator with a token endpoint.
public enum SimulatorFormInput {
    /// The pairs of a form body or query string, decoded (`+` is a space); `nil` if an escape is invalid.
    public static func pairs(_ text: String) -> [(name: String, value: String)]? {
        var pairs: [(name: String, value: String)] = []
        for part in text.split(separator: "&", omittingEmptySubsequences: true) {
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = decode(pieces[0]), let value = decode(pieces.count > 1 ? pieces[1] : "") else { return nil }
            pairs.append((name, value))
        }
        return pairs
    }

    /// A form body or query string as name → value; a repeated parameter is refused (`nil`), as OAuth requires.
    public static func fields(_ text: String) -> [String: String]? {
        guard let pairs = pairs(text) else { return nil }
        var fields: [String: String] = [:]
        for pair in pairs {
            guard fields[pair.name] == nil else { return nil }
            fields[pair.name] = pair.value
        }
        return fields
    }

    /// A form body as name → value (``fields(_:)``).
    public static func form(_ bytes: [UInt8]) -> [String: String]? {
        fields(String(decoding: bytes, as: UTF8.self))
    }

    /// The `id:secret` of an HTTP Basic header, each part form-decoded (RFC 6749 §2.3.1).
    public static func basicCredentials(_ header: String?) -> (id: String, secret: String)? {
        guard let header, header.lowercased().hasPrefix("basic "),
            let data = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
            let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":"),
            let id = decode(text[..<colon]), let secret = decode(text[text.index(after: colon)...])
        else { return nil }
        return (id, secret)
    }

    private static func decode(_ text: Substring) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}
