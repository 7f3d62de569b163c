import ProviderKit
import StrictJSON
import TelegateCore

/// The configuration of a Supabase adapter, decoded from its validated ``AdapterConfig``.
struct SupabaseSettings: AdapterSettings {
    /// The placeholders an email template may use; each alone makes addresses unique.
    static let uniquePlaceholders = ["{telegram_id}", "{user_id}"]

    /// The project URL, without a trailing slash and without `/auth/v1`.
    let url: String
    let serviceRoleKey: String
    let emailDomain: String
    let emailTemplate: String
    let userMetadata: [TelegramProfileField]
    let appMetadata: [TelegramProfileField]

    static let schema = AdapterConfigSchema(
        [
            .init("url", .url, required: true, description: "The project URL (https://<ref>.supabase.co), without /auth/v1."),
            .init(
                "serviceRoleKey", .secret, required: true,
                description: "The project's secret key (sb_secret_…) or legacy service_role JWT, as env:NAME or file:PATH."),
            .init(
                "emailDomain", .string, required: true,
                description: "The domain of the synthetic email addresses Supabase users get (one you control; no mail is sent)."),
            .init(
                "email", .string, default: .string("tg_{telegram_id}@{domain}"),
                description: "Template of a user's synthetic email, with {telegram_id} or {user_id}, and {domain} for emailDomain."),
            .init(
                "metadata", .object,
                default: .object([
                    ("user", .array(["telegram_id", "username", "first_name", "last_name", "photo_url"].map(JSONValue.string))),
                    ("app", .array([.string("telegram_id")])),
                ]),
                description:
                    "Telegram fields copied under \"telegram\" into user_metadata (user) and app_metadata (app, not editable "
                    + "by the user): {user: [...], app: [...]}, from "
                    + TelegramProfileField.allCases.map(\.rawValue).joined(separator: ", ") + "."),
        ] + AdapterConfigSchema.outboundFields)

    enum CodingKeys: String, CodingKey {
        case url, serviceRoleKey, emailDomain, email, metadata
    }

    /// The metadata lists: `{user: [...], app: [...]}`.
    private struct Metadata: Decodable {
        enum CodingKeys: String, CodingKey { case user, app }
        let user: [TelegramProfileField]
        let app: [TelegramProfileField]

        init(from decoder: any Decoder) throws {
            let members = try decoder.container(keyedBy: CodingKeys.self)
            self.user = try members.decodeIfPresent([TelegramProfileField].self, forKey: .user) ?? []
            self.app = try members.decodeIfPresent([TelegramProfileField].self, forKey: .app) ?? []
        }
    }

    init(from decoder: any Decoder) throws {
        let members = try decoder.container(keyedBy: CodingKeys.self)
        let url = try members.decode(String.self, forKey: .url)
        self.url = url.hasSuffix("/") ? String(url.dropLast()) : url
        self.serviceRoleKey = try members.decode(String.self, forKey: .serviceRoleKey)
        guard !serviceRoleKey.isEmpty else { throw AdapterConfigSchema.invalid("serviceRoleKey is required") }
        let domain = try members.decode(String.self, forKey: .emailDomain).lowercased()
        guard domain.contains("."), !domain.hasPrefix("."), !domain.hasSuffix("."),
            domain.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" })
        else { throw AdapterConfigSchema.invalid("emailDomain must be a domain name such as users.example.com") }
        self.emailDomain = domain
        let template = try members.decode(String.self, forKey: .email)
        guard Self.uniquePlaceholders.contains(where: { template.contains($0) }) else {
            throw AdapterConfigSchema.invalid("email must contain {telegram_id} or {user_id}, so that each user's is unique")
        }
        let sample = template.replacingOccurrences(of: "{domain}", with: domain)
        guard sample.split(separator: "@", omittingEmptySubsequences: false).count == 2, !sample.hasPrefix("@"),
            sample.split(separator: "@").last?.contains(".") == true
        else { throw AdapterConfigSchema.invalid("email must render as an address local@domain") }
        self.emailTemplate = template
        let metadata = try members.decode(Metadata.self, forKey: .metadata)
        self.userMetadata = metadata.user
        self.appMetadata = metadata.app
    }
}
