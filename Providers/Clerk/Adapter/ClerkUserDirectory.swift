import ProviderKit
import TelegateCore

/// Clerk users as ``ProviderUserLinker`` needs them: created with `external_id` = the local user id, which Clerk
/// keeps unique, found again by it, and recognised by it — the `external_id` is the owner key the linker checks in
/// every user Clerk returns.
struct ClerkUserDirectory: ProviderUserDirectory {
    let api: ClerkBackendAPI
    let fields: ClerkUserFields

    func owner(of user: UserRecord) -> String {
        user.id.rawValue
    }

    func create(for user: UserRecord) async throws -> ProviderUserCreation {
        switch try await api.createUser(fields.creation(for: user)) {
        case .created(let account):
            return .created(account)
        case .duplicate(let parameter) where parameter == nil || parameter == "external_id":
            return .alreadyExists
        case .duplicate(let parameter):
            // Another identifier is taken. If it is this user's own (created before a crash), the lookup finds
            // it; otherwise someone else holds it, and mapping by it would hand over their account.
            if try await api.user(externalID: owner(of: user)) != nil { return .alreadyExists }
            throw TelegateError(
                .providerUserConflict,
                "Clerk already has a different user with this user's \(parameter ?? "identifier"); an admin must resolve it")
        }
    }

    func find(for user: UserRecord) async throws -> ProviderAccount? {
        try await api.user(externalID: owner(of: user))
    }

    func profileDigest(for user: UserRecord) -> String? {
        fields.digest(for: user)
    }
}

extension TelegateError.Code {
    /// The provider already holds one of the user's identifiers for a different user.
    public static let providerUserConflict = Self("provider_user_conflict", status: 409)
}

extension ClerkAdapter {
    /// `provider_user_conflict`.
    public static var errorCodes: [TelegateError.Code] { [.providerUserConflict] }
}
