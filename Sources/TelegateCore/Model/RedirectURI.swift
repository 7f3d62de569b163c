import Foundation

/// The rules for a redirect URI an OAuth client may register (RFC 6749 §3.1.2, RFC 8252 §7.3): absolute, no
/// fragment, no wildcard; `https`, or `http` only to a loopback host. A registered URI is matched byte for byte.
public enum RedirectURI {
    /// Whether `text` may be registered.
    public static func isAcceptable(_ text: String) -> Bool {
        guard text.utf8.count <= 2048, !text.contains("*"), !text.contains("#"),
            let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            let host = components.host, !host.isEmpty
        else { return false }
        switch scheme {
        case "https": return true
        case "http": return ["localhost", "127.0.0.1", "[::1]", "::1"].contains(host.lowercased())
        default: return false
        }
    }
}
