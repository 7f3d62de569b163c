import TelegramAuth

/// Who a credential is for: the local user, resolved from a verified Telegram identity.
public struct Subject: Sendable {
    /// The local user (after any profile refresh).
    public let user: UserRecord
    /// Whether this exchange created the user.
    public let created: Bool
    /// The verified proof.
    public let identity: TelegramIdentity
    /// The bot that verified it.
    public let botID: Int64

    /// Creates a subject.
    public init(user: UserRecord, created: Bool, identity: TelegramIdentity, botID: Int64) {
        self.user = user
        self.created = created
        self.identity = identity
        self.botID = botID
    }
}
