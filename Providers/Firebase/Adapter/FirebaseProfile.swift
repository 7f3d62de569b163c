import Crypto
import StrictJSON
import TelegateCore

/// What `syncProfile` sends to a Firebase user: `displayName` (the Telegram first and last name) and `photoUrl`
/// (the Telegram photo; removed at Firebase when the user has none).
struct FirebaseProfile: Sendable, Equatable {
    let displayName: String
    let photoURL: String?

    init(of user: UserRecord) {
        let profile = user.profile
        self.displayName = [profile.firstName, profile.lastName].compactMap { $0 }.joined(separator: " ")
        self.photoURL = profile.photoURL
    }

    /// The body of `accounts:update` for Firebase user `uid`.
    func update(uid: String) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [("localId", .string(uid)), ("displayName", .string(displayName))]
        if let photoURL {
            members.append(("photoUrl", .string(photoURL)))
        } else {
            members.append(("deleteAttribute", .array([.string("PHOTO_URL")])))
        }
        return .object(members)
    }

    /// A digest of what ``update(uid:)`` sends: equal digests mean nothing to sync.
    var digest: String {
        let text = JSONValue.array([.string(displayName), photoURL.map(JSONValue.string) ?? .null]).serialized
        return SHA256.hash(data: Array(text.utf8)).prefix(16).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
