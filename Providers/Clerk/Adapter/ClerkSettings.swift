import ProviderKit
import StrictJSON
import TelegateCore

/// The configuration of a Clerk adapter, decoded from its validated ``AdapterConfig``.
struct ClerkSettings: AdapterSettings {
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
    let publicMetadata: [TelegramProfileField]
    let privateMetadata: [TelegramProfileField]
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
                    + TelegramProfileField.allCases.map(\.rawValue).joined(separator: ", ") + "."),
            .init(
                "syncProfile", .boolean, default: .bool(true),
                description: "Keep the Clerk user's first and last name equal to the Telegram profile."),
        ] + AdapterConfigSchema.outboundFields)

    enum CodingKeys: String, CodingKey {
        case secretKey, apiURL, apiVersion, ticketTTL, username, skipUserRequirement, metadata, syncProfile
    }

    /// The metadata lists: `{public: [...], private: [...]}`.
    private struct Metadata: Decodable {
        enum CodingKeys: String, CodingKey, CaseIterable { case `public`, `private` }
        let `public`: [TelegramProfileField]
        let `private`: [TelegramProfileField]

        init(from decoder: any Decoder) throws {
            let members = try decoder.container(keyedBy: CodingKeys.self)
            self.public = try members.decodeIfPresent([TelegramProfileField].self, forKey: .public) ?? []
            self.private = try members.decodeIfPresent([TelegramProfileField].self, forKey: .private) ?? []
        }
    }

    init(from decoder: any Decoder) throws {
        let members = try decoder.container(keyedBy: CodingKeys.self)
        self.secretKey = try members.decode(String.self, forKey: .secretKey)
        guard !secretKey.isEmpty else { throw AdapterConfigSchema.invalid("secretKey is required") }
        let apiURL = try members.decode(String.self, forKey: .apiURL)
        self.apiURL = apiURL.hasSuffix("/") ? String(apiURL.dropLast()) : apiURL
        self.apiVersion = try members.decode(String.self, forKey: .apiVersion)
        self.ticketTTL = try members.decode(Int64.self, forKey: .ticketTTL)
        self.usernameTemplate = try members.decodeIfPresent(String.self, forKey: .username)
        if let usernameTemplate, !Self.usernamePlaceholders.contains(where: { usernameTemplate.contains($0) }) {
            throw AdapterConfigSchema.invalid("username must contain {telegram_id} or {user_id}, so that each user's is unique")
        }
        self.skipUserRequirement = try members.decode(Bool.self, forKey: .skipUserRequirement)
        let metadata = try members.decode(Metadata.self, forKey: .metadata)
        self.publicMetadata = metadata.public
        self.privateMetadata = metadata.private
        self.syncProfile = try members.decode(Bool.self, forKey: .syncProfile)
    }
}
