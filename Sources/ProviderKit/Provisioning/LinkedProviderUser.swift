import TelegateCore

/// The provider user linked to a local user, as ``ProviderUserLinker`` hands it out: found or created, its owner key
/// verified, and recorded. Everything an adapter does at its provider for a user — profile updates, tickets,
/// tokens — names the user through this value, which only the linker makes.
public struct LinkedProviderUser: Sendable, Equatable {
    /// The stored link.
    public let link: ProviderLink
    /// The provider's id of the user.
    public let accountID: String

    init(_ link: ProviderLink, accountID: String) {
        self.link = link
        self.accountID = accountID
    }

    /// A digest of the profile last sent to the provider.
    public var syncedProfileDigest: String? { link.syncedProfileDigest }
}
