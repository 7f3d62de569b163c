import StrictJSON
import TelegateCore
import TelegramAuth

/// A console login, kept in the browser as a sealed cookie (AES-256-GCM under the master key, ``SecretBox``), so any
/// instance can serve it and nothing is stored meanwhile.
///
/// It holds who logged in (``Source``: the SHA-256 digest of an admin token, never the token; or the Telegram id of
/// an admin listed in `server.console.telegramLogin`), when it started and when it was last used. Every request
/// looks the admin up again (the token by its digest, the Telegram id in the current list), so a revoked token or
/// an admin taken off the list ends its sessions at once and the session always carries the current rights. A
/// session unused for ``idleTimeout`` or older than ``lifetime`` is over.
struct ConsoleSession: Sendable {
    /// Who the session is for.
    enum Source: Sendable, Equatable {
        /// An admin token, by its digest (`AdminTokens.hash(_:)`).
        case adminToken(digest: [UInt8])
        /// An admin of `server.console.telegramLogin`, by Telegram user id.
        case telegramAdmin(telegramID: Int64)
    }

    let source: Source
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
        ConsoleSession(source: source, startedAt: startedAt, seenAt: now)
    }

    /// The cookie value.
    func sealed(with box: SecretBox) throws -> String {
        let who: (key: String, value: JSONValue) =
            switch source {
            case .adminToken(let digest): ("token", .string(Base64.urlEncode(digest)))
            case .telegramAdmin(let telegramID): ("telegram", .integer(telegramID))
            }
        let json = JSONValue.object([who, ("started", .integer(startedAt)), ("seen", .integer(seenAt))])
        return try box.seal(json.serializedBytes, context: Self.context)
    }

    /// The live session a cookie value holds at `now`: sealed under this master key, well formed, neither idle for
    /// longer than ``idleTimeout`` nor older than ``lifetime``.
    static func open(_ cookie: String?, box: SecretBox, now: Int64) -> ConsoleSession? {
        guard let cookie, !cookie.isEmpty, cookie.utf8.count <= 512, let bytes = try? box.open(cookie, context: context),
            let json = try? JSONValue.parse(bytes), let started = json["started"]?.integerValue,
            let seen = json["seen"]?.integerValue
        else { return nil }
        let source: Source
        if let token = json["token"]?.stringValue,
            let digest = Base64.decode(Array(token.utf8), alphabet: .url, allowPadding: false, canonical: true)
        {
            source = .adminToken(digest: digest)
        } else if let telegramID = json["telegram"]?.integerValue {
            source = .telegramAdmin(telegramID: telegramID)
        } else {
            return nil
        }
        guard now - seen <= idleTimeout, now - started <= lifetime, seen >= started else { return nil }
        return ConsoleSession(source: source, startedAt: started, seenAt: seen)
    }
}
