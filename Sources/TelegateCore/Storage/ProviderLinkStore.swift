/// Links between local users and provider users.
public protocol ProviderLinkStore: Sendable {
    /// The link of `userID` for `adapter`.
    func link(appID: AppID, adapter: AdapterName, userID: UserID) async throws -> ProviderLink?
    /// Inserts `link` unless one exists; returns the stored link and whether this call inserted it. Only the
    /// inserting caller talks to the provider, so one provider user is created even across processes. A link
    /// inserted as `linked` appends `user.linked` in the same transaction.
    func insertIfAbsent(_ link: ProviderLink) async throws -> (link: ProviderLink, inserted: Bool)
    /// Replaces the link if its state is still `expected`; `false` when another caller changed it first. In the same
    /// transaction, `creating` → `linked` appends `user.linked` and `linked` → `creating` appends `user.unlinked`.
    func update(_ link: ProviderLink, expecting expected: ProviderLink.State) async throws -> Bool
    /// Removes the link, appending `user.unlinked` (stamped `at`) in the same transaction when it was linked.
    func delete(appID: AppID, adapter: AdapterName, userID: UserID, at: Int64) async throws
    /// Every link of `userID`, sorted by adapter name.
    func links(userID: UserID) async throws -> [ProviderLink]
}
