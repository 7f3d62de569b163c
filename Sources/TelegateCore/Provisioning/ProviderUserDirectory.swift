/// What an adapter's provider offers for finding and creating its users, as ``ProviderUserLinker`` needs it.
///
/// The provider must refuse a second user for the same local user (Clerk: a duplicate `external_id`; Logto: a
/// duplicate username) — that refusal, answered by ``find(for:)``, is what keeps "one provider user per local
/// user" true across processes and crashes.
public protocol ProviderUserDirectory: Sendable {
    /// Creates the provider user for local user `user`.
    func create(for user: UserRecord) async throws -> ProviderUserCreation
    /// The provider user created earlier for `user`, if any.
    func find(for user: UserRecord) async throws -> String?
    /// A digest of the profile ``create(for:)`` sends for `user`, recorded with a link to a user this directory
    /// created so that an unchanged profile is not sent again; `nil` (the default) when the adapter syncs no
    /// profile.
    func profileDigest(for user: UserRecord) -> String?
}

extension ProviderUserDirectory {
    public func profileDigest(for user: UserRecord) -> String? { nil }
}

/// What a provider answered to a creation.
public enum ProviderUserCreation: Sendable, Equatable {
    /// The provider created the user with this id.
    case created(String)
    /// The provider already has a user for this local user; look it up.
    case alreadyExists
}
