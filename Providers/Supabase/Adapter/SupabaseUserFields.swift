import Crypto
import Foundation
import ProviderKit
import StrictJSON
import TelegateCore

/// What Telegate tells Supabase about a local user: its user id, its synthetic email, the creation body, and the
/// metadata kept in sync with Telegram.
struct SupabaseUserFields: Sendable {
    let settings: SupabaseSettings
    let appID: AppID
    let adapter: AdapterName

    /// The Supabase user id of `user`: a UUID v4 Telegate fixes before it creates the user, so `auth.uid()` is
    /// known, stable and the same after any retry. It is drawn from the app, the adapter and the local user id
    /// (122 bits of their SHA-256), so no other local user, app or adapter ever gets it.
    func userID(for user: UserRecord) -> String {
        let name = "supabase-user\u{0}\(appID.rawValue)\u{0}\(adapter.rawValue)\u{0}\(user.id.rawValue)"
        var bytes = Array(SHA256.hash(data: Array(name.utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.map { String(format: "%02x", $0) }.joined()
        let parts = [hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4), hex.dropFirst(20)]
        return parts.joined(separator: "-")
    }

    /// The user's synthetic email, from the template.
    func email(for user: UserRecord) -> String {
        settings.emailTemplate.replacingOccurrences(of: "{telegram_id}", with: String(user.telegramID))
            .replacingOccurrences(of: "{user_id}", with: user.id.rawValue)
            .replacingOccurrences(of: "{domain}", with: settings.emailDomain).lowercased()
    }

    /// `POST /admin/users`: the fixed id, the confirmed synthetic email and the Telegram metadata.
    func creation(for user: UserRecord) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("id", .string(userID(for: user))), ("email", .string(email(for: user))), ("email_confirm", .bool(true)),
        ]
        members += metadata(for: user)
        return .object(members)
    }

    /// `PUT /admin/users/{id}` with the metadata, or `nil` when no Telegram field is copied.
    func metadataUpdate(for user: UserRecord) -> JSONValue? {
        let members = metadata(for: user)
        return members.isEmpty ? nil : .object(members)
    }

    /// A digest of what the update would send: equal digests mean nothing to sync.
    func digest(for user: UserRecord) -> String {
        let text = metadataUpdate(for: user)?.serialized ?? ""
        return SHA256.hash(data: Array(text.utf8)).prefix(16).map { String(format: "%02x", $0) }.joined()
    }

    /// `user_metadata` and `app_metadata`, each with the configured fields under `telegram` (Supabase replaces a
    /// top-level key as a whole, so a field the profile no longer has disappears).
    private func metadata(for user: UserRecord) -> [(key: String, value: JSONValue)] {
        var members: [(key: String, value: JSONValue)] = []
        if !settings.userMetadata.isEmpty { members.append(("user_metadata", TelegramProfileField.metadata(settings.userMetadata, of: user))) }
        if !settings.appMetadata.isEmpty { members.append(("app_metadata", TelegramProfileField.metadata(settings.appMetadata, of: user))) }
        return members
    }
}
