import StrictJSON
import TelegramAuth

/// An app with its bots and adapters, as stored: the rows that the configuration file, the CLI and the admin API
/// all end in. Secrets appear only sealed.
public struct StoredApp: Sendable, Equatable {
    public var settings: AppSettings
    /// The bots; a loaded app lists them by bot id.
    public var bots: [StoredBot]
    /// The adapters; a loaded app lists them by name.
    public var adapters: [StoredAdapter]

    /// Creates a stored app.
    public init(settings: AppSettings, bots: [StoredBot] = [], adapters: [StoredAdapter] = []) {
        self.settings = settings
        self.bots = bots
        self.adapters = adapters
    }
}

/// A bot as stored.
public struct StoredBot: Sendable, Equatable {
    /// How the bot is verified, as stored.
    public enum Mode: Sendable, Equatable {
        /// The two derived keys, sealed; the reference the token came from (for export); a fingerprint and the
        /// last four characters of the token, for admins to recognise it.
        case token(sealedKeys: String, reference: String?, fingerprint: String, lastFour: String)
        /// Telegram's Ed25519 signature, in this environment.
        case thirdParty(environment: TelegramEnvironment)
    }

    public var botID: Int64
    public var label: String?
    public var isDefault: Bool
    public var mode: Mode
    public var oidcAlgorithms: [JWSAlgorithm]
    public var requireNonce: Bool

    /// Creates a stored bot.
    public init(
        botID: Int64, label: String? = nil, isDefault: Bool = false, mode: Mode,
        oidcAlgorithms: [JWSAlgorithm] = [.rs256, .es256], requireNonce: Bool = false
    ) {
        self.botID = botID
        self.label = label
        self.isDefault = isDefault
        self.mode = mode
        self.oidcAlgorithms = oidcAlgorithms
        self.requireNonce = requireNonce
    }
}

/// A provider adapter as stored.
public struct StoredAdapter: Sendable, Equatable {
    public var name: AdapterName
    public var kind: String
    public var isDefault: Bool
    /// The configuration object: plain values as given, secret fields as their references (`env:…`).
    public var config: JSONValue
    /// The resolved values of secret fields, as a sealed JSON object.
    public var sealedSecrets: String?

    /// Creates a stored adapter.
    public init(name: AdapterName, kind: String, isDefault: Bool = false, config: JSONValue, sealedSecrets: String? = nil) {
        self.name = name
        self.kind = kind
        self.isDefault = isDefault
        self.config = config
        self.sealedSecrets = sealedSecrets
    }
}

/// Apps, bots and adapters.
public protocol ConfigurationStore: Sendable {
    /// Every app, sorted by id.
    func apps() async throws -> [StoredApp]
    /// One app.
    func app(_ id: AppID) async throws -> StoredApp?
    /// Creates or replaces an app with exactly the given bots and adapters, atomically: readers see the app as it
    /// was before or after, never in between. Replacing an app keeps its users, provider links, signing keys and
    /// refresh tokens.
    func save(_ app: StoredApp) async throws
    /// Deletes an app and everything that belongs to it (bots, adapters, users with their provider links and
    /// refresh tokens, signing keys); `false` if there was none.
    func deleteApp(_ id: AppID) async throws -> Bool
    /// A counter that grows with every configuration change, so running instances notice and reload.
    func revision() async throws -> Int64
}
