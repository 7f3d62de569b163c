import Crypto
import ProviderKit
import StrictJSON
import TelegateCore

/// What Telegate tells Clerk about a local user: the creation body, and the profile updates kept in sync with
/// Telegram (metadata under `telegram`, and the names when `syncProfile` is on).
struct ClerkUserFields: Sendable {
    let settings: ClerkSettings

    /// The user's Clerk username, from the template; `nil` when the adapter sends none.
    func username(for user: UserRecord) -> String? {
        settings.usernameTemplate.map { template in
            template.replacingOccurrences(of: "{telegram_id}", with: String(user.telegramID))
                .replacingOccurrences(of: "{user_id}", with: user.id.rawValue).lowercased()
        }
    }

    /// `POST /v1/users`: the local user id as `external_id` (what the duplicate lookup finds it by), never the
    /// Telegram username as an identity.
    func creation(for user: UserRecord) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [("external_id", .string(user.id.rawValue))]
        if let username = username(for: user) { members.append(("username", .string(username))) }
        members.append(("first_name", .string(user.profile.firstName)))
        if let lastName = user.profile.lastName { members.append(("last_name", .string(lastName))) }
        members.append(("skip_password_requirement", .bool(true)))
        if settings.skipUserRequirement { members.append(("skip_user_requirement", .bool(true))) }
        if !settings.publicMetadata.isEmpty {
            members.append(("public_metadata", TelegramProfileField.metadata(settings.publicMetadata, of: user)))
        }
        if !settings.privateMetadata.isEmpty {
            members.append(("private_metadata", TelegramProfileField.metadata(settings.privateMetadata, of: user)))
        }
        return .object(members)
    }

    /// `PATCH /v1/users/{id}/metadata` (merged by Clerk; `null` removes a field the profile no longer has), or
    /// `nil` when no Telegram field is copied.
    func metadataUpdate(for user: UserRecord) -> JSONValue? {
        var members: [(key: String, value: JSONValue)] = []
        if !settings.publicMetadata.isEmpty {
            members.append(("public_metadata", TelegramProfileField.metadata(settings.publicMetadata, of: user, keepingNulls: true)))
        }
        if !settings.privateMetadata.isEmpty {
            members.append(("private_metadata", TelegramProfileField.metadata(settings.privateMetadata, of: user, keepingNulls: true)))
        }
        return members.isEmpty ? nil : .object(members)
    }

    /// `PATCH /v1/users/{id}` with the names, or `nil` when names are not synced.
    func nameUpdate(for user: UserRecord) -> JSONValue? {
        guard settings.syncProfile else { return nil }
        return .object([
            ("first_name", .string(user.profile.firstName)), ("last_name", user.profile.lastName.map { .string($0) } ?? .null),
        ])
    }

    /// A digest of everything the updates would send: equal digests mean nothing to sync.
    func digest(for user: UserRecord) -> String {
        var text = metadataUpdate(for: user)?.serialized ?? ""
        text += "\n" + (nameUpdate(for: user)?.serialized ?? "")
        return SHA256.hash(data: Array(text.utf8)).prefix(16).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
