/// A bearer token for the admin API, as stored: only the SHA-256 hash of the token is kept, so the database never
/// holds a usable token.
public struct AdminToken: Sendable, Equatable {
    /// A stable id (`adm_…`), shown in listings and used to revoke.
    public var id: String
    /// A name for humans (`ci`, `alice`), unique among tokens that are not revoked.
    public var name: String
    /// The one app this token may see; `nil` for every app.
    public var appID: AppID?
    /// Whether the token may only read.
    public var readOnly: Bool
    /// The narrow rights the token is limited to (``AdminPermission``); empty for the ordinary rights.
    public var permissions: [AdminPermission]
    /// SHA-256 of the token text.
    public var hash: [UInt8]
    /// Unix seconds.
    public var createdAt: Int64
    /// When the token was revoked; a revoked token is refused.
    public var revokedAt: Int64?

    /// Creates a token record.
    public init(
        id: String, name: String, appID: AppID?, readOnly: Bool, permissions: [AdminPermission] = [], hash: [UInt8],
        createdAt: Int64, revokedAt: Int64? = nil
    ) {
        self.id = id
        self.name = name
        self.appID = appID
        self.readOnly = readOnly
        self.permissions = permissions
        self.hash = hash
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }
}
