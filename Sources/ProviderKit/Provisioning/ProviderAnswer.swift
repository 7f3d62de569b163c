/// A provider's answer to a call made for a linked user (a sign-in ticket, an access token, an updated user),
/// sealed until ``ProviderUserLinker/vouch(_:for:requestID:)`` has checked that the user the provider names in it is
/// the linked one. Only the linker opens it, so an adapter cannot hand out what the provider issued for somebody
/// else.
public struct ProviderAnswer<Value: Sendable>: Sendable {
    let value: Value
    /// The provider's id of the user the answer is about, as the provider named it (Clerk's sign-in token
    /// `user_id`, the `sub` of a Logto access token).
    public let accountID: String

    /// Seals `value`, which the provider said is about its user `accountID`.
    public init(_ value: Value, about accountID: String) {
        self.value = value
        self.accountID = accountID
    }
}
