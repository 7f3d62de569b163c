/// Everything Telegate persists, behind one value. Engines (SQLite, PostgreSQL) implement it; the same
/// conformance suite runs against each.
public protocol TelegateStorage: Sendable {
    var configuration: any ConfigurationStore { get }
    var users: any UserStore { get }
    var links: any ProviderLinkStore { get }
    var signingKeys: any SigningKeyStore { get }
    var refreshTokens: any RefreshTokenStore { get }
    var audit: any AuditStore { get }
    var adminTokens: any AdminTokenStore { get }
    /// The OpenID Provider's authorization codes.
    var authorizationCodes: any AuthorizationCodeStore { get }
    /// The OpenID Provider's browser sessions.
    var browserSessions: any BrowserSessionStore { get }
    /// The consents users gave the OpenID Provider's clients.
    var consents: any ConsentStore { get }
    /// The event outbox and its webhook deliveries.
    var events: any EventStore { get }

    /// Applies pending schema migrations; returns the versions applied.
    @discardableResult
    func migrate() async throws -> [Int]
    /// Whether the database answers (readiness).
    func isReachable() async -> Bool
    /// Closes connections.
    func close() async throws

    /// The database server's current time, Unix seconds with a fraction, for ``DatabaseClock``; `nil` for an
    /// engine inside this process, whose clock is this process's.
    func databaseTime() async throws -> Double?

    /// The webhook deliveries the dispatchers of every instance claim and settle.
    var webhookDeliveries: any WebhookDeliveryQueue { get }
    /// The bot messages the senders of every instance claim and settle.
    var botMessages: any BotMessageQueue { get }
}
