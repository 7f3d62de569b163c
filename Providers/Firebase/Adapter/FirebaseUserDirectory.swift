import ProviderKit
import TelegateCore

/// Firebase users as ``ProviderUserLinker`` sees them when `syncProfile` is on, so that the profile last sent is
/// kept with a link. Firebase creates a user itself at its first `signInWithCustomToken`, under the uid the custom
/// token names; the uid is the user, and it is its own owner key. Creating and finding therefore describe the user
/// of that uid without a call to Google — whether Firebase has it yet is learned when a profile is sent.
struct FirebaseUserDirectory: ProviderUserDirectory {
    let uid: FirebaseUIDTemplate

    func owner(of user: UserRecord) -> String { uid.render(for: user) }

    func create(for user: UserRecord) async throws -> ProviderUserCreation { .created(account(of: user)) }

    func find(for user: UserRecord) async throws -> ProviderAccount? { account(of: user) }

    private func account(of user: UserRecord) -> ProviderAccount {
        ProviderAccount(id: owner(of: user), owner: owner(of: user))
    }
}
