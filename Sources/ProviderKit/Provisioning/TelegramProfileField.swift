import StrictJSON
import TelegateCore

/// A field of a user's Telegram profile that an adapter copies to its provider (user metadata, developer claims),
/// named in an adapter's configuration by its Telegram spelling (`telegram_id`, `username`, `first_name`, …).
public enum TelegramProfileField: String, Sendable, CaseIterable {
    case telegramID = "telegram_id"
    case username
    case firstName = "first_name"
    case lastName = "last_name"
    case photoURL = "photo_url"
    case languageCode = "language_code"
    case isPremium = "is_premium"

    /// The field named `name`, or `invalid_config` naming the known ones.
    public static func named(_ name: String) throws -> Self {
        guard let field = Self(rawValue: name) else {
            throw AdapterConfigSchema.invalid(
                "unknown Telegram field \"\(name.prefix(40))\"; known: " + allCases.map(\.rawValue).joined(separator: ", "))
        }
        return field
    }

    /// The field's value for `user`, or `nil` when the profile does not have it.
    public func value(for user: UserRecord) -> JSONValue? {
        let profile = user.profile
        return switch self {
        case .telegramID: .integer(user.telegramID)
        case .username: profile.username.map(JSONValue.string)
        case .firstName: .string(profile.firstName)
        case .lastName: profile.lastName.map(JSONValue.string)
        case .photoURL: profile.photoURL.map(JSONValue.string)
        case .languageCode: profile.languageCode.map(JSONValue.string)
        case .isPremium: .bool(profile.isPremium)
        }
    }

    /// The metadata object a provider keeps for `user`: `{"telegram": {…}}` with each of `fields` (the Telegram id
    /// as `id`); a field the profile lacks is left out, or sent as `null` with `keepingNulls` (so a merge at the
    /// provider removes a value the user no longer has).
    public static func metadata(_ fields: [Self], of user: UserRecord, keepingNulls: Bool = false) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = []
        for field in fields {
            let key = field == .telegramID ? "id" : field.rawValue
            if let value = field.value(for: user) {
                members.append((key, value))
            } else if keepingNulls {
                members.append((key, .null))
            }
        }
        return .object([("telegram", .object(members))])
    }
}

extension TelegramProfileField: Decodable {
    /// Decodes a field name; an unknown one is `invalid_config` naming the known ones.
    public init(from decoder: any Decoder) throws {
        self = try Self.named(try decoder.singleValueContainer().decode(String.self))
    }
}
