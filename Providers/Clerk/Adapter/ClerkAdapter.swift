import Foundation
import ProviderKit
import StrictJSON
import TelegateCore

/// Clerk (kind `clerk`): a Mini App user gets a real Clerk session through a one-time sign-in ticket.
///
/// A returning user costs one Backend API call (`POST /v1/sign_in_tokens` with a short lifetime); the first
/// login creates the Clerk user with `external_id` = the local user id through ``ProviderUserLinker`` (exactly
/// once, crash-safe, and only a Clerk user carrying that `external_id` is ever linked), and profile changes are sent
/// once per change. Clerk's answers for a linked user (the sign-in token's `user_id`, the updated user) are vouched
/// for by the linker before anything is handed out. The front end signs in with the ticket
/// (`signIn.create({strategy: "ticket"})` in Clerk Core 2, `signIn.ticket()` in Core 3).
public struct ClerkAdapter: ProviderAdapter, ProviderUserDeleting {
    public static let kind = "clerk"
    public static var configSchema: AdapterConfigSchema { ClerkSettings.schema }

    private let settings: ClerkSettings
    private let context: AdapterContext
    private let api: ClerkBackendAPI
    private let fields: ClerkUserFields
    private let linker: ProviderUserLinker

    public init(config: AdapterConfig, context: AdapterContext) throws {
        let settings = try config.decode(ClerkSettings.self)
        self.settings = settings
        self.context = context
        self.api = ClerkBackendAPI(
            client: context.upstreamClient(provider: "Clerk", urlPolicy: config.urlPolicy), settings: settings,
            logger: context.logger)
        self.fields = ClerkUserFields(settings: settings)
        self.linker = ProviderUserLinker(context: context, provider: "Clerk")
    }

    /// A refusal of the secret key surfaces as `502 adapter_misconfigured`, which the exchange audits as
    /// `adapter.auth_failed` for every adapter alike.
    public func issue(for subject: Subject, options: IssueOptions) async throws -> Credential {
        try await ticket(for: subject.user, requestID: options.requestID)
    }

    /// Deletes the Clerk user when an admin erases the local user with `atProvider`.
    public func deleteProviderUser(externalID: String) async throws {
        try await api.deleteUser(userID: externalID)
    }

    private func ticket(for user: UserRecord, requestID: String?) async throws -> Credential {
        let directory = ClerkUserDirectory(api: api, fields: fields)
        var linked = try await linker.linkedUser(for: user, in: directory, requestID: requestID)
        var relinked = false
        while true {
            if linked.syncedProfileDigest != fields.digest(for: user) {
                if try await syncProfile(of: user, to: linked, requestID: requestID) {
                    linked = try await linker.recordProfileSync(linked, digest: fields.digest(for: user))
                } else if !relinked {
                    linked = try await linker.relink(linked, for: user, in: directory, requestID: requestID)
                    relinked = true
                    continue
                }
            }
            if let answer = try await api.signInToken(for: linked) {
                // A ticket Clerk made for another user than the linked one is never handed out.
                let token = try await linker.vouch(answer, for: linked, requestID: requestID)
                let expiresAt = Date(timeIntervalSince1970: TimeInterval(context.clock.now + settings.ticketTTL))
                return Credential(
                    type: "clerk_ticket",
                    members: [
                        ("ticket", .string(token.token)), ("expiresAt", .string(expiresAt.ISO8601Format())),
                        ("clerkUserId", .string(linked.accountID)),
                    ])
            }
            // Clerk no longer has the linked user (deleted in the dashboard): create it again, once.
            guard !relinked else { throw TelegateError.upstreamInvalidResponse("Clerk") }
            linked = try await linker.relink(linked, for: user, in: directory, requestID: requestID)
            relinked = true
        }
    }

    /// Sends the changed profile to the linked user; `false` when Clerk has no such user. An update Clerk reports
    /// for another user stops the login before anything more is sent or issued.
    private func syncProfile(of user: UserRecord, to linked: LinkedProviderUser, requestID: String?) async throws -> Bool {
        for (body, isMetadata) in [(fields.metadataUpdate(for: user), true), (fields.nameUpdate(for: user), false)] {
            guard let body else { continue }
            guard let answer = try await api.update(linked, metadata: isMetadata, body) else { return false }
            try await linker.vouch(answer, for: linked, requestID: requestID)
        }
        return true
    }

    public func check() async -> AdapterHealth {
        do {
            try await api.ping()
            return AdapterHealth(ok: true, message: "Clerk accepted the secret key (API version \(settings.apiVersion))")
        } catch let error as TelegateError {
            return AdapterHealth(ok: false, message: error.message)
        } catch {
            return AdapterHealth(ok: false, message: "Clerk could not be reached")
        }
    }
}
