import Foundation
import TelegateCore

/// The parameters of an authorization request or of a login or consent form, from a query string or an
/// `application/x-www-form-urlencoded` body. Parameters are case-sensitive (`initData`, `tgAuthResult`), a repeated
/// one is refused (RFC 6749 §3.1), and so are bad escapes and control characters.
enum AuthorizationForm {
    /// The most parameters a form may carry.
    static let maximumFields = 48

    /// The parameters of `text`, or `nil` when it is malformed or repeats a parameter.
    static func parse(_ text: String) -> [String: String]? {
        var parameters: [String: String] = [:]
        let pairs = text.split(separator: "&", omittingEmptySubsequences: true)
        guard pairs.count <= maximumFields else { return nil }
        for pair in pairs {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = decode(parts[0]), !name.isEmpty, let value = decode(parts.count > 1 ? parts[1] : ""),
                parameters[name] == nil
            else { return nil }
            parameters[name] = value
        }
        return parameters
    }

    private static func decode(_ text: Substring) -> String? {
        guard let decoded = text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding,
            !decoded.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" && $0 != "\r" || $0.value == 0x7F })
        else { return nil }
        return decoded
    }
}
