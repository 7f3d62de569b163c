import TelegateCore

/// What an adapter's provider offers for finding and creating its users, as ``ProviderUserLinker`` needs it.
///
/// The provider must refuse a second user for the same local user (Clerk: a duplicate `external_id`; Logto: a
/// duplicate username) — that refusal, answered by ``find(for:)``, is what keeps "one provider user per local
/// user" true across processes and crashes.
///
/// Every user a directory returns is reported as the provider described it (``ProviderAccount``), with the owner key
/// the provider holds for it; the linker compares that key with ``owner(of:)`` before anything else happens, so a
/// directory never decides on its own that a provider user is the right one.
public protocol ProviderUserDirectory: Sendable {
    /// The owner key Telegate gives the provider user of `user` (sent by ``create(for:)``, searched by
    /// ``find(for:)``): a provider user whose reported key differs is somebody else's.
    func owner(of user: UserRecord) -> String
    /// Creates the provider user for local user `user`.
    func create(for user: UserRecord) async throws -> ProviderUserCreation
    /// The provider user created earlier for `user`, if any, as the provider describes it.
    func find(for user: UserRecord) async throws -> ProviderAccount?
    /// Finishes setting up a provider user the linker verified as `user`'s, before the link is recorded (Logto
    /// attaches the Telegram identity); nothing by default. The only place a directory writes to a user it did not
    /// just create.
    func adopt(_ account: VerifiedProviderAccount, for user: UserRecord) async throws
    /// A digest of the profile ``create(for:)`` sends for `user`, recorded with a link to a user this directory
    /// created so that an unchanged profile is not sent again; `nil` (the default) when the adapter syncs no
    /// profile.
    func profileDigest(for user: UserRecord) -> String?
}

extension ProviderUserDirectory {
    public func adopt(_ account: VerifiedProviderAccount, for user: UserRecord) async throws {}
    public func profileDigest(for user: UserRecord) -> String? { nil }
}

/// What a provider answered to a creation.
public enum ProviderUserCreation: Sendable, Equatable {
    /// The provider created a user and described it so (its owner key is still to be checked).
    case created(ProviderAccount)
    /// The provider already has a user for this local user; look it up.
    case alreadyExists
}
