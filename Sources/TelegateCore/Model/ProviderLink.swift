/// The link between a local user and the user an adapter created at its provider.
public struct ProviderLink: Sendable, Equatable {
    /// Where provider-side creation stands. The state lets a crash between "created at the provider" and
    /// "linked locally" be repaired by a lookup instead of a second creation.
    public enum State: String, Sendable, Equatable {
        /// Creation at the provider may be under way or may have happened; look it up before creating.
        case creating
        /// The provider user exists and is recorded.
        case linked
    }

    public var appID: AppID
    public var adapter: AdapterName
    public var userID: UserID
    public var state: State
    /// The provider's user id, once known.
    public var externalID: String?
    /// A digest of the profile last sent to the provider, so changes are synced once.
    public var syncedProfileDigest: String?
    /// Unix seconds.
    public var updatedAt: Int64

    /// Creates a link.
    public init(
        appID: AppID, adapter: AdapterName, userID: UserID, state: State, externalID: String?,
        syncedProfileDigest: String?, updatedAt: Int64
    ) {
        self.appID = appID
        self.adapter = adapter
        self.userID = userID
        self.state = state
        self.externalID = externalID
        self.syncedProfileDigest = syncedProfileDigest
        self.updatedAt = updatedAt
    }
}
