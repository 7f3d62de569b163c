import TelegramAuth

/// Where a page of an app's user list ends: users are listed newest first (by creation time, then id), and the
/// next page starts after this position. Clients see it only as an opaque string.
public struct UserCursor: Sendable, Equatable {
    /// The creation time of the last user of the page.
    public let createdAt: Int64
    /// Its id, which breaks ties between users created in the same second.
    public let id: UserID

    /// The position just after `user`.
    public init(after user: UserRecord) {
        self.createdAt = user.createdAt
        self.id = user.id
    }

    /// Reads a cursor a previous page handed out; `nil` for anything else.
    public init?(opaque: String) {
        guard let bytes = Base64.decode(Array(opaque.utf8), alphabet: .url, allowPadding: false, canonical: true) else {
            return nil
        }
        let parts = String(decoding: bytes, as: UTF8.self).split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 2, let createdAt = Int64(parts[0]), let id = UserID(rawValue: String(parts[1])) else {
            return nil
        }
        self.createdAt = createdAt
        self.id = id
    }

    /// The cursor as clients pass it back: base64url, no padding.
    public var opaque: String {
        Base64.urlEncode(Array("\(createdAt) \(id.rawValue)".utf8))
    }
}
