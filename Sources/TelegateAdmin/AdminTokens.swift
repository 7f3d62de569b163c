import Crypto
import TelegateCore
import TelegramAuth

/// Creates and checks admin tokens. A token is `tga_` and 43 characters of base64url (256 random bits); only its
/// SHA-256 hash is stored, so a leaked database holds no usable token.
public struct AdminTokens: Sendable {
    private let store: any AdminTokenStore
    private let clock: WallClock

    /// Creates the service.
    public init(store: any AdminTokenStore, clock: WallClock) {
        self.store = store
        self.clock = clock
    }

    /// A new token; its text is returned once and never stored. A token with `permissions` is limited to them, and
    /// must be restricted to one app and not read-only.
    public func create(name: String, appID: AppID?, readOnly: Bool, permissions: [AdminPermission] = []) async throws
        -> (token: String, record: AdminToken)
    {
        guard PlainName.isValid(name) else {
            throw TelegateError(
                .invalidField, "a token name is 1 to 64 letters, digits, '.', '_' or '-'", reason: "invalid_value")
        }
        if !permissions.isEmpty, appID == nil || readOnly {
            throw TelegateError(
                .invalidField, "a token with permissions must be restricted to one app (app) and not read-only",
                reason: "invalid_value")
        }
        let text = "tga_" + Base64.urlEncode(SecureRandom.bytes(32))
        let record = AdminToken(
            id: "adm_" + SortableID.generate(milliseconds: UInt64(clock.now) * 1000).lowercased(), name: name,
            appID: appID, readOnly: readOnly, permissions: Array(Set(permissions)).sorted(), hash: Self.hash(text),
            createdAt: clock.now)
        guard try await store.insert(record) else {
            throw TelegateError(.adminTokenExists, "a token named \(name) exists; revoke it first")
        }
        return (text, record)
    }

    /// The live token `text` belongs to, or `nil`.
    public func authenticate(_ text: String) async throws -> AdminToken? {
        guard text.hasPrefix("tga_"), text.utf8.count == 47 else { return nil }
        return try await authenticate(digest: Self.hash(text))
    }

    /// The live token whose digest (``hash(_:)``) is `digest`, or `nil`: for a console session, which keeps the
    /// digest of the token it was opened with and never the token.
    public func authenticate(digest: [UInt8]) async throws -> AdminToken? {
        guard digest.count == 32, let token = try await store.token(hash: digest), token.revokedAt == nil else { return nil }
        return token
    }

    /// The SHA-256 digest of a token's text, the only form of it that is stored.
    public static func hash(_ text: String) -> [UInt8] { Array(SHA256.hash(data: Array(text.utf8))) }

    /// How many leading bytes of a presented token name its prefix: `tga_` and 8 characters more.
    public static let prefixLength = 12

    /// A key for the prefix of a presented token, under which failed attempts are counted: someone who knows how a
    /// token begins and guesses the rest is slowed down from every address at once. It is a hash, so a table of
    /// these keys holds nothing of any token.
    public static func prefixKey(of presented: String) -> String {
        Base64.urlEncode(Array(SHA256.hash(data: Array(presented.utf8.prefix(prefixLength))).prefix(16)))
    }
}
