import TelegateCore
import TelegateIssuer
import TelegramAuth

/// The browser sessions of apps' OpenID Providers: started by a proof, found by their cookie, ended by their idle
/// and absolute lifetimes (``AppSettings/sessionIdleTimeout``, ``AppSettings/sessionLifetime``), by a disabled user
/// or by the user's sessions being ended.
///
/// A warm authorization costs two reads and no write: a session's `last_seen_at` is written at most once per
/// ``BrowserSession/lastSeenInterval``.
struct BrowserSessions: Sendable {
    let store: any BrowserSessionStore
    let users: any UserStore
    let clock: WallClock

    /// The live session the cookie value `cookie` names in `app`, with its user.
    func current(_ cookie: String?, app: AppSettings) async throws -> (session: BrowserSession, user: UserRecord)? {
        guard let cookie, !cookie.isEmpty, cookie.utf8.count <= 64 else { return nil }
        let now = clock.now
        guard let session = try await store.session(appID: app.id, hash: RandomSecret.hash(cookie)),
            session.isLive(at: now, idleTimeout: app.sessionIdleTimeout),
            let user = try await users.user(id: session.userID),
            // The rule of refresh-token families holds for sessions too: ended with the user's sessions.
            user.mayRefresh(familyCreatedAt: session.createdAt)
        else { return nil }
        if now - session.lastSeenAt >= BrowserSession.lastSeenInterval {
            try await store.touch(appID: app.id, hash: session.hash, at: now)
        }
        return (session, user)
    }

    /// Starts a session for `user` after a proof of `login`, ending the one the browser had (`replacing`); returns
    /// the new cookie value.
    func start(user: UserRecord, login: UserLogin, app: AppSettings, replacing: String?) async throws
        -> (cookie: String, session: BrowserSession)
    {
        let now = clock.now
        if let replacing, !replacing.isEmpty, replacing.utf8.count <= 64 {
            try await store.revoke(appID: app.id, hash: RandomSecret.hash(replacing), at: now)
        }
        let secret = RandomSecret()
        let session = BrowserSession(
            hash: secret.hash, appID: app.id, userID: user.id, login: login, createdAt: now, lastSeenAt: now,
            expiresAt: now + app.sessionLifetime)
        try await store.create(session)
        return (secret.value, session)
    }
}
