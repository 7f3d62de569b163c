import ProviderKit
import TelegateCore

/// Supabase users as ``ProviderUserLinker`` needs them: created with the id Telegate fixes for the local user
/// (``SupabaseUserFields/userID(for:)``), which Supabase keeps unique, found again by it, and recognised by it — the
/// user id is the owner key the linker checks in every user Supabase returns.
struct SupabaseUserDirectory: ProviderUserDirectory {
    let api: SupabaseAdminAPI
    let fields: SupabaseUserFields

    func owner(of user: UserRecord) -> String {
        fields.userID(for: user)
    }

    func create(for user: UserRecord) async throws -> ProviderUserCreation {
        switch try await api.createUser(fields.creation(for: user)) {
        case .created(let account):
            return .created(account)
        case .idExists:
            return .alreadyExists
        case .emailExists:
            // The email is taken. If by this user's own Supabase user (created before a crash), the lookup finds
            // it; otherwise someone else holds it, and mapping by it would hand over their account.
            if try await api.user(id: owner(of: user)) != nil { return .alreadyExists }
            throw TelegateError(
                .supabaseEmailTaken, "Supabase already has a different user with this user's email; an admin must resolve it")
        }
    }

    func find(for user: UserRecord) async throws -> ProviderAccount? {
        try await api.user(id: owner(of: user))
    }

    func profileDigest(for user: UserRecord) -> String? {
        fields.digest(for: user)
    }
}

extension TelegateError.Code {
    /// Another Supabase user already has the synthetic email Telegate would give this user.
    public static let supabaseEmailTaken = Self("supabase_email_taken", status: 409)
}

extension SupabaseAdapter {
    /// `supabase_email_taken`.
    public static var errorCodes: [TelegateError.Code] { [.supabaseEmailTaken] }
}
