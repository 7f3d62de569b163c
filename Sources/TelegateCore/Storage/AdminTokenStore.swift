/// Admin API tokens; only their hashes.
public protocol AdminTokenStore: Sendable {
    /// Stores a new token; `false` (nothing stored) when a token that is not revoked already has its name.
    func insert(_ token: AdminToken) async throws -> Bool
    /// The token with this hash, revoked or not.
    func token(hash: [UInt8]) async throws -> AdminToken?
    /// Every token, revoked ones included, oldest first.
    func tokens() async throws -> [AdminToken]
    /// Revokes a token at `at`; `false` for an unknown id or a token already revoked.
    func revoke(id: String, at: Int64) async throws -> Bool
}
