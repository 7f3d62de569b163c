import StrictJSON
import TelegateCore
import TelegramAuth

/// A console login, kept in the browser as a sealed cookie (AES-256-GCM under the master key, ``SecretBox``), so any
/// instance can serve it and nothing is stored meanwhile.
///
/// It holds the SHA-256 digest of the admin token it was opened with (never the token), when it started and when it
/// was last used. Every request looks the token up again by that digest, so a revoked token ends its sessions at
/// once and the session always carries the token's current rights. A session unused for ``idleTimeout`` or older
/// than ``lifetime`` is over.
struct ConsoleSession: Sendable {
    /// The digest of the admin token (`AdminTokens.hash(_:)`).
    let tokenDigest: [UInt8]
    /// When the login happened, Unix seconds.
    let startedAt: Int64
    /// When the session was last used, Unix seconds.
    let seenAt: Int64

    /// The cookie's name.
    static let cookieName = "telegate_console"
    /// How long an unused session lasts, seconds.
    static let idleTimeout: Int64 = 30 * 60
    /// How long a session lasts at most, seconds.
    static let lifetime: Int64 = 12 * 60 * 60
    /// The sealing context: a value sealed for anything else does not open as a session.
    static let context = "console-session v1"

    /// The same session used at `now`.
    func seen(at now: Int64) -> ConsoleSession {
        ConsoleSession(tokenDigest: tokenDigest, startedAt: startedAt, seenAt: now)
    }

    /// The cookie value.
    func sealed(with box: SecretBox) throws -> String {
        let json = JSONValue.object([
            ("token", .string(Base64.urlEncode(tokenDigest))), ("started", .integer(startedAt)), ("seen", .integer(seenAt)),
        ])
        return try box.seal(json.serializedBytes, context: Self.context)
    }

    /// The live session a cookie value holds at `now`: sealed under this master key, well formed, neither idle for
    /// longer than ``idleTimeout`` nor older than ``lifetime``.
    static func open(_ cookie: String?, box: SecretBox, now: Int64) -> ConsoleSession? {
        guard let cookie, !cookie.isEmpty, cookie.utf8.count <= 512, let bytes = try? box.open(cookie, context: context),
            let json = try? JSONValue.parse(bytes), let token = json["token"]?.stringValue,
            let digest = Base64.decode(Array(token.utf8), alphabet: .url, allowPadding: false, canonical: true),
            let started = json["started"]?.integerValue, let seen = json["seen"]?.integerValue
        else { return nil }
        guard now - seen <= idleTimeout, now - started <= lifetime, seen >= started else { return nil }
        return ConsoleSession(tokenDigest: digest, startedAt: started, seenAt: seen)
    }
}
