import ProviderKit
import StrictJSON
import TelegateCore

/// A Telegram profile field a Firebase developer claim can carry.
enum FirebaseTelegramField: String, Sendable, CaseIterable {
    case telegramID = "telegram_id"
    case username
    case firstName = "first_name"
    case lastName = "last_name"
    case photoURL = "photo_url"
    case languageCode = "language_code"
    case isPremium = "is_premium"

    /// The field's value for `user`, or `nil` when the profile does not have it.
    func value(for user: UserRecord) -> JSONValue? {
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

    /// The field named `name`, or `invalid_config` naming the known ones.
    static func named(_ name: String) throws -> Self {
        guard let field = Self(rawValue: name) else {
            throw AdapterConfigSchema.invalid(
                "unknown Telegram field \"\(name.prefix(40))\"; known: " + allCases.map(\.rawValue).joined(separator: ", "))
        }
        return field
    }
}
