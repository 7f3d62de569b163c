import Crypto
import ProviderKit
import StrictJSON
import TelegateCore
import TelegramAuth

/// Logto (kind `logto`): Logto's own RFC 9068 access tokens for Telegram users, through user impersonation.
///
/// On a user's first login the adapter creates a Logto user (username from the template, the `telegram` social
/// identity) exactly once, through ``ProviderUserLinker``, which links only a Logto user carrying this user's
/// username; the link is kept locally because Logto cannot search by identity. Each exchange then mints a one-time
/// subject token and, in `accessToken` mode, exchanges it at `/oidc/token` for an access token for the configured
/// API resource or for an allowed organization — two Logto calls for a returning user, with the Management API
/// token cached. An access token is handed out only when its `sub` is the linked user.
public struct LogtoAdapter: ProviderAdapter, ProviderUserDeleting {
    public static let kind = "logto"
    public static var configSchema: AdapterConfigSchema { LogtoSettings.schema }
    public static var supportsOrganizations: Bool { true }

    private let settings: LogtoSettings
    private let context: AdapterContext
    private let m2mToken: CachedAccessToken
    private let directory: LogtoUserDirectory
    private let impersonation: LogtoImpersonation
    private let linker: ProviderUserLinker

    public init(config: AdapterConfig, context: AdapterContext) throws {
        let settings = try config.decode(LogtoSettings.self)
        // Logto's refusals are read here: a 401 renews the cached Management API token, a 403 names its reason.
        var policy = UpstreamClient.Policy()
        policy.refusalsAreMisconfiguration = false
        let upstream = context.upstreamClient(provider: "Logto", urlPolicy: config.urlPolicy, policy: policy)
        let m2mToken = LogtoM2MToken.cache(settings: settings, upstream: upstream, clock: context.clock)
        let api = LogtoManagementAPI(endpoint: settings.endpoint, upstream: upstream, token: m2mToken)
        self.settings = settings
        self.context = context
        self.m2mToken = m2mToken
        self.directory = LogtoUserDirectory(api: api, username: settings.username, logger: context.logger)
        self.impersonation = LogtoImpersonation(settings: settings, api: api, upstream: upstream, logger: context.logger)
        self.linker = ProviderUserLinker(context: context, provider: "Logto")
    }

    public func issue(for subject: Subject, options: IssueOptions) async throws -> Credential {
        try settings.organizations.check(options.organization)
        let user = subject.user
        let linked = try await linker.linkedUser(for: user, in: directory, requestID: options.requestID)
        var (current, subjectToken) = try await mintSubjectToken(linked, for: user, requestID: options.requestID)
        try await syncProfile(current, of: user, requestID: options.requestID)

        switch settings.mode {
        case .subjectToken:
            var members: [(key: String, value: JSONValue)] = [
                ("subjectToken", .string(subjectToken.value)), ("expiresIn", .integer(subjectToken.expiresIn)),
                ("tokenEndpoint", .string(settings.tokenEndpoint)),
            ]
            if let organization = options.organization { members.append(("organizationId", .string(organization))) }
            return Credential(type: "logto_subject_token", members: members)
        case .accessToken:
            let token: LogtoAccessToken
            do {
                token = try await accessToken(
                    subjectToken, for: current, organization: options.organization, requestID: options.requestID)
            } catch is LogtoImpersonation.FreshSubjectTokenNeeded {
                // The first token may have been consumed; it is never sent again.
                (current, subjectToken) = try await mintSubjectToken(current, for: user, requestID: options.requestID)
                do {
                    token = try await accessToken(
                        subjectToken, for: current, organization: options.organization, requestID: options.requestID)
                } catch let again as LogtoImpersonation.FreshSubjectTokenNeeded {
                    throw again.error
                }
            }
            return Credential(
                type: "logto_access_token",
                members: [
                    ("accessToken", .string(token.token)), ("tokenType", .string("Bearer")),
                    ("expiresIn", .integer(token.expiresIn)), ("scope", .string(token.scope)),
                    ("audience", .string(token.audience)),
                ])
        }
    }

    /// Deletes the Logto user when an admin erases the local user with `atProvider`.
    public func deleteProviderUser(externalID: String) async throws {
        try await directory.delete(externalID)
    }

    public func check() async -> AdapterHealth {
        do {
            _ = try await m2mToken.current()
            return AdapterHealth(ok: true, message: "obtained a Management API token from \(settings.endpoint)")
        } catch let error as TelegateError {
            return AdapterHealth(ok: false, message: error.message)
        } catch {
            return AdapterHealth(ok: false, message: "could not reach Logto")
        }
    }

    /// A subject token for the linked user; when Logto no longer knows the user (deleted out of band), the link
    /// is replaced once through the linker and the token minted for the new user.
    private func mintSubjectToken(_ linked: LinkedProviderUser, for user: UserRecord, requestID: String?) async throws
        -> (LinkedProviderUser, LogtoImpersonation.SubjectToken)
    {
        if let token = try await impersonation.subjectToken(for: linked, telegramID: user.telegramID) {
            return (linked, token)
        }
        let replaced = try await linker.relink(linked, for: user, in: directory, requestID: requestID)
        guard let token = try await impersonation.subjectToken(for: replaced, telegramID: user.telegramID) else {
            throw TelegateError.upstreamInvalidResponse("Logto")
        }
        return (replaced, token)
    }

    /// An access token for the linked user: Logto's token is handed out only if its `sub` is that user.
    private func accessToken(
        _ subjectToken: LogtoImpersonation.SubjectToken, for linked: LinkedProviderUser, organization: String?, requestID: String?
    ) async throws -> LogtoAccessToken {
        let answer = try await impersonation.exchange(subjectToken, organization: organization)
        return try await linker.vouch(answer, for: linked, requestID: requestID)
    }

    /// Sends a changed name or photo to Logto once per change. The profile sent at creation is recorded without
    /// a call; a failed update is retried at a later login and does not fail this one — unless Logto reports
    /// updating another user, which stops the login.
    private func syncProfile(_ linked: LinkedProviderUser, of user: UserRecord, requestID: String?) async throws {
        let digest = Self.profileDigest(user.profile)
        guard linked.syncedProfileDigest != digest else { return }
        do {
            if linked.syncedProfileDigest != nil {
                let answer = try await directory.updateProfile(of: linked, to: user.profile)
                try await linker.vouch(answer, for: linked, requestID: requestID)
            }
            _ = try await linker.recordProfileSync(linked, digest: digest)
        } catch let error as TelegateError where error.code == .providerIdentityMismatch {
            throw error
        } catch {
            context.logger.warning("the Logto profile update failed; it is retried at the next login")
        }
    }

    /// A digest of what Telegate sends Logto of a profile.
    static func profileDigest(_ profile: UserProfile) -> String {
        let members = LogtoUserDirectory.profileMembers(profile)
        return Base64.urlEncode(Array(SHA256.hash(data: JSONValue.object(members).serializedBytes)).prefix(16))
    }
}
