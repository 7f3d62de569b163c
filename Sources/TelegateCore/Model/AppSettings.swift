/// How an app verifies proofs and who may call it from a browser. Non-secret; stored as is.
public struct AppSettings: Sendable, Equatable {
    /// The app's id, the `{app}` in every URL.
    public var id: AppID
    /// Browser origins allowed to call the public endpoints (Telegram Web runs Mini Apps in iframes on
    /// `https://web.telegram.org`). Exact origins; `*` is not accepted.
    public var corsOrigins: [String]
    /// Maximum age of Mini App `initData`, in seconds (default one hour).
    public var initDataMaxAge: Int64
    /// Maximum age of Login Widget data, in seconds (default five minutes).
    public var widgetMaxAge: Int64
    /// How long an unused browser session at the app's OpenID Provider lasts, in seconds (default 14 days).
    public var sessionIdleTimeout: Int64
    /// How long a browser session lasts however much it is used, in seconds (default 90 days).
    public var sessionLifetime: Int64

    public static let defaultSessionIdleTimeout: Int64 = 14 * 86_400
    public static let defaultSessionLifetime: Int64 = 90 * 86_400

    /// Creates settings.
    public init(
        id: AppID, corsOrigins: [String] = [], initDataMaxAge: Int64 = 3600, widgetMaxAge: Int64 = 300,
        sessionIdleTimeout: Int64 = defaultSessionIdleTimeout, sessionLifetime: Int64 = defaultSessionLifetime
    ) {
        self.id = id
        self.corsOrigins = corsOrigins
        self.initDataMaxAge = initDataMaxAge
        self.widgetMaxAge = widgetMaxAge
        self.sessionIdleTimeout = sessionIdleTimeout
        self.sessionLifetime = sessionLifetime
    }
}
