import Foundation

/// A compact JWS split into its decoded header and claims, before any check.
struct CompactToken {
    let header: [String: ClaimValue]
    let claims: [String: ClaimValue]

    init(_ token: String) throws(VerificationError) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[2].isEmpty,
            let header = Self.object(parts[0]), let claims = Self.object(parts[1])
        else { throw .malformed }
        self.header = header
        self.claims = claims
    }

    private static func object(_ part: Substring) -> [String: ClaimValue]? {
        var text = part.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        guard !text.contains("=") else { return nil }
        text += String(repeating: "=", count: (4 - text.count % 4) % 4)
        guard let data = Data(base64Encoded: text),
            case .object(let members) = try? JSONDecoder().decode(ClaimValue.self, from: data)
        else { return nil }
        return members
    }
}
