import Foundation
import StrictJSON

/// Request input read the way Logto's route guards read it.
enum LogtoRequestInput {
    /// A JSON object body whose members are all in `allowed` (unknown members are refused, so a misspelt field
    /// never passes silently), as name → value.
    static func object(_ bytes: [UInt8], contentType: String?, allowed: Set<String>) throws(LogtoSimulatorError)
        -> [String: JSONValue]
    {
        guard contentType?.lowercased().hasPrefix("application/json") == true else {
            throw .invalidInput("the body must be application/json")
        }
        guard let value = try? JSONValue.parse(bytes), let members = value.objectMembers else {
            throw .invalidInput("the body must be a JSON object")
        }
        var fields: [String: JSONValue] = [:]
        for member in members {
            guard allowed.contains(member.key) else { throw .invalidInput("unrecognized key: \"\(member.key.prefix(40))\"") }
            guard fields[member.key] == nil else { throw .invalidInput("duplicate key: \"\(member.key.prefix(40))\"") }
            fields[member.key] = member.value
        }
        return fields
    }

    /// The pairs of a form body or query string, decoded (`+` is a space); `nil` if an escape is invalid.
    static func pairs(_ text: String) -> [(name: String, value: String)]? {
        var pairs: [(name: String, value: String)] = []
        for part in text.split(separator: "&", omittingEmptySubsequences: true) {
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = decode(pieces[0]), let value = decode(pieces.count > 1 ? pieces[1] : "") else { return nil }
            pairs.append((name, value))
        }
        return pairs
    }

    /// A form body as name → value; a repeated parameter is refused (`nil`), as OAuth requires.
    static func form(_ bytes: [UInt8]) -> [String: String]? {
        guard let pairs = pairs(String(decoding: bytes, as: UTF8.self)) else { return nil }
        var fields: [String: String] = [:]
        for pair in pairs {
            guard fields[pair.name] == nil else { return nil }
            fields[pair.name] = pair.value
        }
        return fields
    }

    private static func decode(_ text: Substring) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }

    /// The `id:secret` of an HTTP Basic header, each part form-decoded (RFC 6749 §2.3.1).
    static func basicCredentials(_ header: String?) -> (id: String, secret: String)? {
        guard let header, header.lowercased().hasPrefix("basic "),
            let data = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
            let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":"),
            let id = decode(text[..<colon]), let secret = decode(text[text.index(after: colon)...])
        else { return nil }
        return (id, secret)
    }
}
