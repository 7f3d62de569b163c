import ProviderKit
import StrictJSON
import TelegateCore

/// The configuration of a Clerk adapter, read from its validated ``AdapterConfig``.
struct ClerkSettings: Sendable {
    /// A Telegram profile field that can be copied into Clerk metadata.
    enum TelegramField: String, Sendable, CaseIterable {
        case telegramID = "telegram_id"
        case username
        case firstName = "first_name"
        case lastName = "last_name"
        case photoURL = "photo_url"
        case languageCode = "language_code"
        case isPremium = "is_premium"
    }

    /// The Backend API versions whose contract this adapter follows.
    static let apiVersions = ["2025-11-10", "2026-05-12"]
    /// The placeholders a username template may use; each alone makes usernames unique.
    static let usernamePlaceholders = ["{telegram_id}", "{user_id}"]

    let secretKey: String
    /// Without a trailing slash.
    let apiURL: String
    let apiVersion: String
    let ticketTTL: Int64
    /// `nil` sends no username.
    let usernameTemplate: String?
    let skipUserRequirement: Bool
    let publicMetadata: [TelegramField]
    let privateMetadata: [TelegramField]
    let syncProfile: Bool

    static let schema = AdapterConfigSchema(
        [
            .init(
                "secretKey", .secret, required: true,
                description: "The instance's Backend API secret key (sk_live_… or sk_test_…), as env:NAME or file:PATH."),
            .init(
                "apiURL", .url, default: .string("https://api.clerk.com"),
                description: "The Backend API base URL, without /v1."),
            .init(
                "apiVersion", .string, default: .string("2026-05-12"), allowedValues: apiVersions,
                description: "The Backend API version Telegate pins (sent as Clerk-API-Version)."),
            .init(
                "ticketTTL", .integer, default: .integer(120), range: 10...600,
                description: "Seconds a sign-in ticket stays valid (Clerk's own default of 30 days is never used)."),
            .init(
                "username", .string, default: .string("tg_{telegram_id}"), nullable: true,
                description:
                    "Username template for new Clerk users, with {telegram_id} or {user_id}; null sends no username."),
            .init(
                "skipUserRequirement", .boolean, default: .bool(true),
                description: "Create users without the identifiers the instance requires (one enabled identifier is still needed)."),
            .init(
                "metadata", .object,
                default: .object([
                    ("public", .array([.string("telegram_id"), .string("username"), .string("photo_url")])),
                    ("private", .array([])),
                ]),
                description:
                    "Telegram fields copied to the user's metadata under \"telegram\": {public: [...], private: [...]}, from "
                    + TelegramField.allCases.map(\.rawValue).joined(separator: ", ") + "."),
            .init(
                "syncProfile", .boolean, default: .bool(true),
                description: "Keep the Clerk user's first and last name equal to the Telegram profile."),
        ] + AdapterConfigSchema.outboundFields)

    init(_ config: AdapterConfig) throws {
        guard let secretKey = config.secret("secretKey"), !secretKey.isEmpty else { throw Self.invalid("secretKey is required") }
        self.secretKey = secretKey
        let apiURL = config.string("apiURL") ?? "https://api.clerk.com"
        self.apiURL = apiURL.hasSuffix("/") ? String(apiURL.dropLast()) : apiURL
        self.apiVersion = config.string("apiVersion") ?? "2026-05-12"
        self.ticketTTL = config.integer("ticketTTL") ?? 120
        if config.isNull("username") {
            self.usernameTemplate = nil
        } else {
            let template = config.string("username") ?? "tg_{telegram_id}"
            guard Self.usernamePlaceholders.contains(where: { template.contains($0) }) else {
                throw Self.invalid("username must contain {telegram_id} or {user_id}, so that each user's is unique")
            }
            self.usernameTemplate = template
        }
        self.skipUserRequirement = config.bool("skipUserRequirement") ?? true
        let metadata = config.value("metadata")
        self.publicMetadata = try Self.fields(metadata?["public"], name: "metadata.public")
        self.privateMetadata = try Self.fields(metadata?["private"], name: "metadata.private")
        if let unknown = metadata?.objectMembers?.first(where: { $0.key != "public" && $0.key != "private" }) {
            throw Self.invalid("metadata has only public and private lists, not \"\(unknown.key.prefix(40))\"")
        }
        self.syncProfile = config.bool("syncProfile") ?? true
    }

    private static func fields(_ value: JSONValue?, name: String) throws -> [TelegramField] {
        guard let value else { return [] }
        guard let names = value.arrayElements?.map(\.stringValue), !names.contains(nil) else {
            throw invalid("\(name) must be a list of Telegram field names")
        }
        return try names.compactMap { $0 }.map { name in
            guard let field = TelegramField(rawValue: name) else {
                throw invalid(
                    "unknown Telegram field \"\(name.prefix(40))\"; known: "
                        + TelegramField.allCases.map(\.rawValue).joined(separator: ", "))
            }
            return field
        }
    }

    private static func invalid(_ message: String) -> TelegateError {
        TelegateError(.invalidConfig, message)
    }
}
