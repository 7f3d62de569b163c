import Foundation

/// The shape every configured outbound URL must have (webhook endpoints, a bot's Bot API base URL), checked when it
/// is configured; where it resolves to is checked by the outbound policy, which lives with the HTTP client.
enum OutboundURLShape {
    /// Checks that `url` is an absolute https URL (http only with `allowInsecureLoopback`) without credentials or
    /// fragment; a refusal is `422 unsafe_url` naming `member`.
    static func check(_ url: String, member: String, allowInsecureLoopback: Bool) throws(TelegateError) {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            let host = components.host, !host.isEmpty
        else { throw TelegateError(.unsafeURL, "\(member) must be an absolute https URL") }
        guard scheme == "https" || (scheme == "http" && allowInsecureLoopback) else {
            throw TelegateError(
                .unsafeURL, "\(member) must use https (http only to a loopback host with allowInsecureLoopback)")
        }
        guard components.user == nil, components.password == nil else {
            throw TelegateError(.unsafeURL, "\(member) must not carry credentials")
        }
        guard components.fragment == nil else { throw TelegateError(.unsafeURL, "\(member) must not have a fragment") }
    }
}
