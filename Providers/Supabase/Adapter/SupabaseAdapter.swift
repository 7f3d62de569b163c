import Foundation
import ProviderKit
import StrictJSON
import TelegateCore

/// Supabase (kind `supabase`): a Mini App user gets a real Supabase Auth session through a one-time email token.
///
/// The first login creates the Supabase user through the admin API with the UUID v4 Telegate fixes for the local
/// user (so `auth.uid()` is known and stable), a confirmed synthetic email and the Telegram profile in its metadata,
/// through ``ProviderUserLinker`` (exactly once, crash-safe, and only the Supabase user with that id is ever
/// linked). Every login then costs one admin call: `generate_link` (`magiclink`, no email sent) for the user's email,
/// whose `hashed_token` the front end turns into a session with `supabase.auth.verifyOtp({token_hash, type})`. A
/// link Supabase made for any other user than the linked one is never handed out; profile changes are sent once
/// per change.
public struct SupabaseAdapter: ProviderAdapter, ProviderUserDeleting {
    public static let kind = "supabase"
    public static var configSchema: AdapterConfigSchema { SupabaseSettings.schema }

    private let api: SupabaseAdminAPI
    private let fields: SupabaseUserFields
    private let linker: ProviderUserLinker

    public init(config: AdapterConfig, context: AdapterContext) throws {
        let settings = try config.decode(SupabaseSettings.self)
        self.api = SupabaseAdminAPI(
            client: context.upstreamClient(provider: "Supabase", urlPolicy: config.urlPolicy), settings: settings,
            logger: context.logger)
        self.fields = SupabaseUserFields(settings: settings, appID: context.appID, adapter: context.adapterName)
        self.linker = ProviderUserLinker(context: context, provider: "Supabase")
    }

    /// A refusal of the secret key surfaces as `502 adapter_misconfigured`, which the exchange audits as
    /// `adapter.auth_failed` for every adapter alike.
    public func issue(for subject: Subject, options: IssueOptions) async throws -> Credential {
        try await emailToken(for: subject.user, requestID: options.requestID)
    }

    /// Deletes the Supabase user when an admin erases the local user with `atProvider`.
    public func deleteProviderUser(externalID: String) async throws {
        try await api.deleteUser(id: externalID)
    }

    private func emailToken(for user: UserRecord, requestID: String?) async throws -> Credential {
        let directory = SupabaseUserDirectory(api: api, fields: fields)
        var linked = try await linker.linkedUser(for: user, in: directory, requestID: requestID)
        var relinked = false
        while true {
            if linked.syncedProfileDigest != fields.digest(for: user), let update = fields.metadataUpdate(for: user) {
                if let answer = try await api.update(linked, update) {
                    try await linker.vouch(answer, for: linked, requestID: requestID)
                    linked = try await linker.recordProfileSync(linked, digest: fields.digest(for: user))
                } else if !relinked {
                    linked = try await linker.relink(linked, for: user, in: directory, requestID: requestID)
                    relinked = true
                    continue
                }
            }
            let email = fields.email(for: user)
            let answer = try await api.magicLink(email: email)
            if answer.link.accountID != linked.accountID, !relinked, answer.signedUpEmail == email,
                try await api.user(id: linked.accountID) == nil
            {
                // The linked user was deleted out of band, so Supabase just signed the email up as a new user. That
                // user is Telegate's own doing and is removed; the linked user is created again, once.
                try await api.deleteUser(id: answer.link.accountID)
                linked = try await linker.relink(linked, for: user, in: directory, requestID: requestID)
                relinked = true
                continue
            }
            // A token Supabase made for another user than the linked one is never handed out.
            let link = try await linker.vouch(answer.link, for: linked, requestID: requestID)
            return Credential(
                type: "supabase_otp",
                members: [
                    ("tokenHash", .string(link.hashedToken)), ("verificationType", .string(link.verificationType)),
                    ("userId", .string(linked.accountID)),
                ])
        }
    }

    public func check() async -> AdapterHealth {
        do {
            try await api.ping()
            return AdapterHealth(ok: true, message: "Supabase accepted the secret key")
        } catch let error as TelegateError {
            return AdapterHealth(ok: false, message: error.message)
        } catch {
            return AdapterHealth(ok: false, message: "Supabase could not be reached")
        }
    }
}
