import StrictJSON

/// A provider user whose owner key is the one Telegate expects for the local user: the only kind of provider user
/// a directory may finish setting up (``ProviderUserDirectory/adopt(_:for:)``) and a link may name.
///
/// Only ``ProviderUserLinker`` makes one, after comparing the key; an adapter cannot.
public struct VerifiedProviderAccount: Sendable, Equatable {
    /// The provider's id of the user.
    public let id: String
    /// The owner key, equal to the expected one.
    public let owner: String
    /// The provider's description of the user, as the answer that named it gave it.
    public let record: JSONValue

    init(_ account: ProviderAccount, owner: String) {
        self.id = account.id
        self.owner = owner
        self.record = account.record
    }
}
