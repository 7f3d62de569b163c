import TelegateAdmin
import TelegateCore

/// `server.console.telegramLogin`: the console's "Log in with Telegram", for admins listed here by Telegram user id.
///
/// Telegate is then an OpenID client of its own OpenID Provider: the app `appID` (its bot and hosted login page)
/// proves who the admin is, through the built-in public client ``clientID`` whose only redirect URI is
/// `<publicURL>/console/login/telegram/callback`. Each admin has the rights of an admin token (read-only, limited
/// to one app), and the list is read again on every request, so an admin taken off it is logged out at once.
public struct ConsoleTelegramLogin: Sendable, Equatable {
    /// One admin who may log in with Telegram.
    public struct Admin: Sendable, Equatable {
        /// The Telegram user id (the ID token's `telegram_id`).
        public var telegramID: Int64
        /// The name the audit log records, as `telegram:<name>`: 1 to 64 letters, digits, `.`, `_` or `-`.
        public var name: String
        /// Whether the admin may only read.
        public var readOnly: Bool
        /// The one app the admin may see; `nil` for every app.
        public var appID: AppID?

        /// Creates an admin entry.
        public init(telegramID: Int64, name: String, readOnly: Bool = false, appID: AppID? = nil) {
            self.telegramID = telegramID
            self.name = name
            self.readOnly = readOnly
            self.appID = appID
        }

        /// The admin as the admin layer knows a caller: actor `telegram:<name>`, with the entry's rights.
        public var principal: AdminPrincipal {
            AdminPrincipal(actor: "telegram:\(name)", appID: appID, readOnly: readOnly)
        }
    }

    /// The app whose OpenID Provider (bot and hosted login page) proves the admin's Telegram identity.
    public var appID: AppID
    /// The admins, each at most once by Telegram id and by name.
    public var admins: [Admin]

    /// Creates the settings; ``validate()`` checks them.
    public init(appID: AppID, admins: [Admin]) {
        self.appID = appID
        self.admins = admins
    }

    /// The built-in client's id at the app's OpenID Provider.
    public static let clientID = ClientID(rawValue: "telegate-console")!
    /// Where the OpenID Provider sends the browser back, below the public URL.
    public static let callbackPath = ConsoleRoutes.prefix + "/login/telegram/callback"
    /// What the console asks for: the subject and the Telegram id.
    public static let scopes = ["openid", "telegram"]

    /// The admin with this Telegram id, if listed.
    public func admin(telegramID: Int64) -> Admin? {
        admins.first { $0.telegramID == telegramID }
    }

    /// The built-in client's redirect URI under `publicURL`.
    public static func redirectURI(publicURL: String) -> String {
        (publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL) + callbackPath
    }

    /// The built-in client, by app, for ``TelegateServices/builtInClients``.
    public func builtInClients(publicURL: String) -> [AppID: [ClientSpec]] {
        [appID: [.builtIn(id: Self.clientID, redirectURI: Self.redirectURI(publicURL: publicURL), scopes: Self.scopes)]]
    }

    /// Checks the entries: positive Telegram ids, plain names, neither repeated. A refusal names the rule.
    public func validate() throws(TelegateError) {
        var ids: Set<Int64> = []
        var names: Set<String> = []
        for (index, admin) in admins.enumerated() {
            let place = "admins[\(index)]"
            guard admin.telegramID > 0 else {
                throw TelegateError(.invalidConfig, "\(place).telegramId must be a positive Telegram user id")
            }
            guard PlainName.isValid(admin.name) else {
                throw TelegateError(.invalidConfig, "\(place).name must be 1 to 64 letters, digits, '.', '_' or '-'")
            }
            guard ids.insert(admin.telegramID).inserted else {
                throw TelegateError(.invalidConfig, "\(place).telegramId is listed twice")
            }
            guard names.insert(admin.name).inserted else { throw TelegateError(.invalidConfig, "\(place).name is listed twice") }
        }
    }
}
