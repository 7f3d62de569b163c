import StrictJSON
import TelegramAuth

extension OutboxEvent {
    /// `user.created`: the new user's Telegram id, status and profile.
    public static func userCreated(_ user: UserRecord) -> OutboxEvent {
        OutboxEvent(
            .userCreated, appID: user.appID, userID: user.id, occurredAt: user.createdAt,
            [("telegramId", .integer(user.telegramID)), ("status", .string(user.status.rawValue))]
                + user.profile.eventMembers)
    }

    /// `user.updated`: which profile fields changed (their names as in the body) and the whole new profile.
    public static func userUpdated(
        appID: AppID, userID: UserID, telegramID: Int64, from old: UserProfile, to new: UserProfile, at: Int64
    ) -> OutboxEvent {
        OutboxEvent(
            .userUpdated, appID: appID, userID: userID, occurredAt: at,
            [
                ("telegramId", .integer(telegramID)),
                ("changed", .array(new.changedFields(since: old).map(JSONValue.string))),
            ] + new.eventMembers)
    }

    /// `user.disabled` or `user.enabled`, for a status that changed to `status`.
    public static func statusChanged(appID: AppID, userID: UserID, to status: UserStatus, at: Int64) -> OutboxEvent {
        OutboxEvent(status == .disabled ? .userDisabled : .userEnabled, appID: appID, userID: userID, occurredAt: at)
    }

    /// `user.erased`: ids only.
    public static func userErased(appID: AppID, userID: UserID, telegramID: Int64, at: Int64) -> OutboxEvent {
        OutboxEvent(.userErased, appID: appID, userID: userID, occurredAt: at, [("telegramId", .integer(telegramID))])
    }

    /// `user.linked` or `user.unlinked`: the adapter, its provider kind (`nil` once the adapter is gone) and the
    /// account at the provider.
    public static func link(
        _ type: EventType, appID: AppID, userID: UserID, adapter: AdapterName, provider: String?, accountID: String,
        at: Int64
    ) -> OutboxEvent {
        OutboxEvent(
            type, appID: appID, userID: userID, occurredAt: at,
            [("adapter", .string(adapter.rawValue)), ("provider", provider.map(JSONValue.string) ?? .null), ("accountId", .string(accountID))])
    }

    /// What a login signed the user in to: an exchange's adapter, or an OAuth client of the app's OpenID Provider
    /// (the hosted login pages).
    public enum LoginTarget: Sendable, Equatable {
        case adapter(AdapterName)
        case client(ClientID)
    }

    /// `user.login`: the kind of proof, the bot that checked it, and the adapter that issued (`client` `null`) or the
    /// OAuth client the hosted pages signed the user in to (`adapter` `null`).
    public static func userLogin(
        appID: AppID, userID: UserID, proof: TelegramIdentity.Proof, botID: Int64, target: LoginTarget, at: Int64
    ) -> OutboxEvent {
        var adapter = JSONValue.null
        var client = JSONValue.null
        switch target {
        case .adapter(let name): adapter = .string(name.rawValue)
        case .client(let id): client = .string(id.rawValue)
        }
        return OutboxEvent(
            .userLogin, appID: appID, userID: userID, occurredAt: at,
            [("proof", .string(proof.rawValue)), ("botId", .integer(botID)), ("adapter", adapter), ("client", client)])
    }

    /// `message.failed`: the message and why Telegram did not take it (`blocked`, `never_started`, `chat_not_found`,
    /// `rejected`, `undeliverable`).
    public static func messageFailed(appID: AppID, userID: UserID, messageID: String, reason: String, at: Int64)
        -> OutboxEvent
    {
        OutboxEvent(
            .messageFailed, appID: appID, userID: userID, occurredAt: at,
            [("message", .string(messageID)), ("reason", .string(reason))])
    }

    /// `webhook.test`: names the endpoint it was sent to.
    public static func webhookTest(appID: AppID, webhook: WebhookID, at: Int64) -> OutboxEvent {
        OutboxEvent(.webhookTest, appID: appID, userID: nil, occurredAt: at, [("webhook", .string(webhook.rawValue))])
    }
}

extension UserProfile {
    /// The profile's members in an event body, every one present (`null` for a value the user lacks).
    var eventMembers: [(key: String, value: JSONValue)] {
        [
            ("firstName", .string(firstName)), ("lastName", lastName.map(JSONValue.string) ?? .null),
            ("username", username.map(JSONValue.string) ?? .null), ("photoUrl", photoURL.map(JSONValue.string) ?? .null),
            ("languageCode", languageCode.map(JSONValue.string) ?? .null), ("isPremium", .bool(isPremium)),
            ("allowsWriteToPm", .bool(allowsWriteToPM)),
        ]
    }

    /// The names (as in an event body) of the fields whose value differs from `old`, in body order.
    public func changedFields(since old: UserProfile) -> [String] {
        zip(eventMembers, old.eventMembers).filter { $0.value != $1.value }.map { $0.0.key }
    }
}
