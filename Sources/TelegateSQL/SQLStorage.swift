import TelegateCore

/// The stores every SQL engine shares, over its ``SQLDatabase``: an engine's storage (``TelegateStorage``) is this
/// plus its own connection code, migrations runner, readiness and clock.
open class SQLStorage: @unchecked Sendable {
    // Safety: every stored property is a `let` of a `Sendable` type; subclasses add only the same.
    public let configuration: any ConfigurationStore
    public let users: any UserStore
    public let links: any ProviderLinkStore
    public let signingKeys: any SigningKeyStore
    public let refreshTokens: any RefreshTokenStore
    public let audit: any AuditStore
    public let adminTokens: any AdminTokenStore
    public let authorizationCodes: any AuthorizationCodeStore
    public let browserSessions: any BrowserSessionStore
    public let consents: any ConsentStore
    public let events: any EventStore
    public let webhookDeliveries: any WebhookDeliveryQueue
    public let botMessages: any BotMessageQueue

    /// The stores on `database`.
    public init(database: any SQLDatabase) {
        configuration = SQLConfigurationStore(database: database)
        users = SQLUserStore(database: database)
        links = SQLProviderLinkStore(database: database)
        signingKeys = SQLSigningKeyStore(database: database)
        refreshTokens = SQLRefreshTokenStore(database: database)
        audit = SQLAuditStore(database: database)
        adminTokens = SQLAdminTokenStore(database: database)
        authorizationCodes = SQLAuthorizationCodeStore(database: database)
        browserSessions = SQLBrowserSessionStore(database: database)
        consents = SQLConsentStore(database: database)
        events = SQLEventStore(database: database)
        webhookDeliveries = SQLWebhookDeliveryQueue(database: database)
        botMessages = SQLBotMessageQueue(database: database)
    }
}
