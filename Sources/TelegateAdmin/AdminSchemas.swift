import StrictJSON
import TelegateCore

/// JSON Schemas of admin answers, for routes whose answer the OpenAPI document describes member by member.
enum AdminSchemas {
    /// A user, as ``UserRecord/json`` renders it.
    static let user: JSONValue = object(
        required: ["id", "app", "telegramId", "status", "firstName", "isPremium", "allowsWriteToPm", "createdAt", "updatedAt"],
        properties: [
            ("id", string("Telegate's stable user id: usr_ and 26 characters")),
            ("app", string("The app id")),
            ("telegramId", integer("The Telegram user id")),
            ("status", .object([("type", .string("string")), ("enum", .array([.string("active"), .string("disabled")]))])),
            ("firstName", string("First name")),
            ("lastName", string("Last name; cleared when a newer proof has none")),
            ("username", string("Telegram username without @; cleared when a newer proof has none (usernames are recycled)")),
            ("photoUrl", string("Profile photo URL; kept when a newer proof has none (privacy settings hide it)")),
            ("languageCode", string("IETF language tag of the user's Telegram client, from Mini App initData")),
            ("isPremium", boolean("Telegram Premium, as the last Mini App initData said")),
            ("allowsWriteToPm", boolean("Whether the user allowed the bot to message them, as the last Mini App initData said")),
            (
                "lastLoginAt",
                integer(
                    "The last recorded login (Unix seconds), to within \(IdentityResolver.loginRecordInterval / 60) minutes")
            ),
            (
                "lastProof",
                .object([
                    ("type", .string("string")), ("description", .string("The kind of proof of the last recorded login")),
                    ("enum", .array([.string("initData"), .string("widget"), .string("telegramOIDC")])),
                ])
            ),
            ("createdAt", integer("Unix seconds")),
            ("updatedAt", integer("When the profile or status last changed (Unix seconds)")),
            ("sessionsRevokedAt", integer("When all sessions were last ended (Unix seconds)")),
        ])

    /// A page of users.
    static let userPage: JSONValue = object(
        required: ["items"],
        properties: [
            ("items", .object([("type", .string("array")), ("items", user)])),
            ("nextCursor", string("Present when more users follow: pass it as cursor for the next page")),
        ])

    private static func object(required: [String], properties: [(key: String, value: JSONValue)]) -> JSONValue {
        .object([
            ("type", .string("object")), ("required", .array(required.map { .string($0) })),
            ("properties", .object(properties)),
        ])
    }

    private static func string(_ description: String) -> JSONValue {
        .object([("type", .string("string")), ("description", .string(description))])
    }

    private static func integer(_ description: String) -> JSONValue {
        .object([("type", .string("integer")), ("description", .string(description))])
    }

    private static func boolean(_ description: String) -> JSONValue {
        .object([("type", .string("boolean")), ("description", .string(description))])
    }
}
