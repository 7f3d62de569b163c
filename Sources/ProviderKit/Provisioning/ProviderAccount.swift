import StrictJSON

/// A provider user as its provider described it in an answer, before anything is done with it: its id, the owner
/// key it carries, and the provider's own description of it.
///
/// The owner key is what Telegate set when it created the user and what marks the user as one local user's
/// (Clerk's `external_id` = the local user id; Logto's username, rendered from the Telegram id). The provider's word
/// that this is the right user is never taken: ``ProviderUserLinker`` compares the key with the one Telegate expects
/// before it links the user, writes to it or issues for it.
public struct ProviderAccount: Sendable, Equatable {
    /// The provider's id of the user (`user_…` at Clerk).
    public let id: String
    /// The owner key the provider reports for the user; `nil` when it reports none.
    public let owner: String?
    /// The provider's description of the user, for the directory to finish setting up a verified user
    /// (``ProviderUserDirectory/adopt(_:for:)``). Never logged, stored or passed on.
    public let record: JSONValue

    /// Describes a provider user.
    public init(id: String, owner: String?, record: JSONValue = .object([])) {
        self.id = id
        self.owner = owner
        self.record = record
    }
}
