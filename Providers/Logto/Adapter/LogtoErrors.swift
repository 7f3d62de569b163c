import TelegateCore

extension TelegateError.Code {
    /// The Logto user holding this account's username belongs to another Telegram identity.
    static let providerIdentityConflict = Self("provider_identity_conflict", status: 409)
    /// The user is not a member of the organization the exchange named.
    static let organizationMembershipRequired = Self("organization_membership_required", status: 403)
}

extension LogtoAdapter {
    /// `provider_identity_conflict` and `organization_membership_required`.
    public static var errorCodes: [TelegateError.Code] { [.providerIdentityConflict, .organizationMembershipRequired] }
}

extension TelegateError {
    /// `409 provider_identity_conflict`: an admin must resolve which Logto user is this Telegram user's.
    static func logtoIdentityConflict() -> TelegateError {
        TelegateError(
            .providerIdentityConflict,
            "the Logto user with this account's username is linked to another Telegram identity; an admin must resolve it")
    }
}
