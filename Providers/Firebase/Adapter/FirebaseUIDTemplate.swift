import ProviderKit
import TelegateCore

/// The Firebase `uid` of a local user, from a template such as `{user_id}` or `tg:{telegram_id}`.
///
/// The uid is the user's identity at Firebase, so the template must contain a placeholder that is unique per user,
/// and every rendering must fit Firebase's limit of 128 characters; both are checked when the configuration is saved.
struct FirebaseUIDTemplate: Sendable {
    static let placeholders = ["{user_id}", "{telegram_id}"]
    /// Firebase refuses a custom token whose `uid` is longer.
    static let maximumLength = 128
    /// The longest rendering of each placeholder: a local user id is 30 characters, a Telegram id at most 20.
    private static let longestValues = ["{user_id}": String(repeating: "u", count: 30), "{telegram_id}": "-9223372036854775808"]
    private let template: String

    init(_ template: String) throws {
        guard Self.placeholders.contains(where: { template.contains($0) }) else {
            throw AdapterConfigSchema.invalid("uid must contain {user_id} or {telegram_id}, so that each user's is unique")
        }
        var longest = template
        for (placeholder, value) in Self.longestValues { longest = longest.replacing(placeholder, with: value) }
        guard longest.count <= Self.maximumLength else {
            throw AdapterConfigSchema.invalid("uid may render up to \(longest.count) characters; Firebase allows \(Self.maximumLength)")
        }
        self.template = template
    }

    /// The uid of `user`.
    func render(for user: UserRecord) -> String {
        template.replacing("{user_id}", with: user.id.rawValue).replacing("{telegram_id}", with: String(user.telegramID))
    }
}
