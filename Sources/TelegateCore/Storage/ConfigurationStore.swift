import StrictJSON
import TelegramAuth

/// An app with its bots, adapters and OAuth clients, as stored: the rows that the configuration file, the CLI and the admin API
/// all end in. Secrets appear only sealed.
public struct StoredApp: Sendable, Equatable {
    public var settings: AppSettings
    /// The bots; a loaded app lists them by bot id.
    public var bots: [StoredBot]
    /// The adapters; a loaded app lists them by name.
    public var adapters: [StoredAdapter]
    /// The OAuth clients of the app's OpenID Provider; a loaded app lists them by id.
    public var clients: [StoredClient]
    /// The webhook endpoints; a loaded app lists them by id.
    public var webhooks: [StoredWebhook]
    /// Which of the bots and adapters the configuration file declared when it was last applied.
    public var declared: DeclaredRows

    /// Creates a stored app.
    public init(
        settings: AppSettings, bots: [StoredBot] = [], adapters: [StoredAdapter] = [], clients: [StoredClient] = [],
        webhooks: [StoredWebhook] = [], declared: DeclaredRows = DeclaredRows()
    ) {
        self.settings = settings
        self.bots = bots
        self.adapters = adapters
        self.clients = clients
        self.webhooks = webhooks
        self.declared = declared
    }
}

/// The bots (by bot id), adapters (by name) and OAuth clients (by id) of an app that the configuration file declared
/// when it was last applied. The file owns these rows: when it stops naming one, applying it again removes the row, so a file
/// reconciles instead of accumulating. Rows added through the admin API are not in here and are kept.
///
/// Stores keep only names of rows the app still has: a declared bot removed through the admin API is forgotten.
public struct DeclaredRows: Sendable, Equatable {
    /// Bot ids.
    public var bots: Set<Int64>
    /// Adapter names.
    public var adapters: Set<AdapterName>
    /// OAuth client ids.
    public var clients: Set<ClientID>
    /// Webhook endpoint ids.
    public var webhooks: Set<WebhookID>

    /// Creates the set.
    public init(
        bots: Set<Int64> = [], adapters: Set<AdapterName> = [], clients: Set<ClientID> = [], webhooks: Set<WebhookID> = []
    ) {
        self.bots = bots
        self.adapters = adapters
        self.clients = clients
        self.webhooks = webhooks
    }

    /// The names of rows `app` has.
    public func present(in app: StoredApp) -> DeclaredRows {
        DeclaredRows(
            bots: bots.intersection(app.bots.map(\.botID)), adapters: adapters.intersection(app.adapters.map(\.name)),
            clients: clients.intersection(app.clients.map(\.spec.id)),
            webhooks: webhooks.intersection(app.webhooks.map(\.id)))
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
    /// The bot's @username without `@`, for the hosted login page's Login Widget.
    public var username: String?
    public var isDefault: Bool
    public var mode: Mode
    public var oidcAlgorithms: [JWSAlgorithm]
    public var requireNonce: Bool
    /// The bot's Telegram Login (OIDC) client secret, sealed, with the reference it was read from.
    public var oidcClientSecret: SealedBotSecret?
    /// Where the bot's Bot API calls go.
    public var api: BotAPIEndpoint
    /// The bot token itself, sealed, so the bot can send messages; `nil` for a bot given by id, or one stored before
    /// tokens were kept (until its token is given again).
    public var sealedToken: String?

    /// Creates a stored bot.
    public init(
        botID: Int64, label: String? = nil, username: String? = nil, isDefault: Bool = false, mode: Mode,
        oidcAlgorithms: [JWSAlgorithm] = [.rs256, .es256], requireNonce: Bool = false, oidcClientSecret: SealedBotSecret? = nil,
        api: BotAPIEndpoint = BotAPIEndpoint(), sealedToken: String? = nil
    ) {
        self.botID = botID
        self.label = label
        self.username = username
        self.isDefault = isDefault
        self.mode = mode
        self.oidcAlgorithms = oidcAlgorithms
        self.requireNonce = requireNonce
        self.oidcClientSecret = oidcClientSecret
        self.api = api
        self.sealedToken = sealedToken
    }
}

/// A secret of a bot other than its token, as stored: sealed, with the reference it was read from (for export),
/// and a keyed fingerprint so a change of value is a change of row.
public struct SealedBotSecret: Sendable, Equatable {
    /// The reference (`env:…`, `file:…`) the value was read from.
    public var reference: String
    /// The value, sealed (``SecretBox``).
    public var sealed: String
    /// ``SecretBox/fingerprint(of:)`` of the value.
    public var fingerprint: String

    /// Creates the record.
    public init(reference: String, sealed: String, fingerprint: String) {
        self.reference = reference
        self.sealed = sealed
        self.fingerprint = fingerprint
    }
}

/// A provider adapter as stored.
public struct StoredAdapter: Sendable, Equatable {
    /// The config member holding secret fingerprints; never part of an adapter's schema.
    public static let fingerprintKey = "_secretFingerprints"

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

/// Apps, bots, adapters and OAuth clients.
public protocol ConfigurationStore: Sendable {
    /// Every app, sorted by id.
    func apps() async throws -> [StoredApp]
    /// One app.
    func app(_ id: AppID) async throws -> StoredApp?
    /// Creates or replaces each app of `saving` with exactly the given bots, adapters and clients, and deletes the apps of
    /// `deleting` with everything that belongs to them, in one transaction: readers and a failure see every change
    /// or none. Replacing an app keeps its users, provider links, signing keys and refresh tokens. The revision
    /// grows once; with nothing to change, nothing is written.
    func apply(saving apps: [StoredApp], deleting ids: [AppID]) async throws
    /// Deletes an app and everything that belongs to it (bots, adapters, users with their provider links and
    /// refresh tokens, signing keys); `false` if there was none.
    func deleteApp(_ id: AppID) async throws -> Bool
    /// A counter that grows with every configuration change, so running instances notice and reload.
    func revision() async throws -> Int64
}

extension ConfigurationStore {
    /// Creates or replaces one app with exactly the given bots and adapters, atomically (see
    /// ``apply(saving:deleting:)``).
    public func save(_ app: StoredApp) async throws {
        try await apply(saving: [app], deleting: [])
    }
}
