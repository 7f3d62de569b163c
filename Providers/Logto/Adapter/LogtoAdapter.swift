import Crypto
import StrictJSON
import TelegateCore
import TelegramAuth

/// Logto (kind `logto`): Logto's own RFC 9068 access tokens for Telegram users, through user impersonation.
///
/// On a user's first login the adapter creates a Logto user (username from the template, the `telegram` social
/// identity) exactly once, through ``ProviderUserLinker``; the link is kept locally because Logto cannot search by
/// identity. Each exchange then mints a one-time subject token and, in `accessToken` mode, exchanges it at
/// `/oidc/token` for an access token for the configured API resource or for an allowed organization — two Logto
/// calls for a returning user, with the Management API token cached.
public struct LogtoAdapter: ProviderAdapter, ProviderUserDeleting {
    public static let kind = "logto"
    public static var configSchema: AdapterConfigSchema { LogtoSettings.schema }
    public static var supportsOrganizations: Bool { true }

    private let settings: LogtoSettings
    private let context: AdapterContext
    private let m2mToken: LogtoM2MToken
    private let directory: LogtoUserDirectory
    private let impersonation: LogtoImpersonation
    private let linker: ProviderUserLinker

    public init(config: AdapterConfig, context: AdapterContext) throws {
        let settings = try LogtoSettings(config)
        // Logto's refusals are read here: a 401 renews the cached Management API token, a 403 names its reason.
        var policy = UpstreamClient.Policy()
        policy.refusalsAreMisconfiguration = false
        let upstream = context.upstreamClient(provider: "Logto", urlPolicy: config.urlPolicy, policy: policy)
        let m2mToken = LogtoM2MToken(settings: settings, upstream: upstream, clock: context.clock)
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
        var (link, subjectToken) = try await mintSubjectToken(linked, for: user, requestID: options.requestID)
        await syncProfile(link, of: user)
        guard let userID = link.externalID else { throw TelegateError.internalError() }

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
                token = try await impersonation.exchange(subjectToken, userID: userID, organization: options.organization)
            } catch is LogtoImpersonation.FreshSubjectTokenNeeded {
                // The first token may have been consumed; it is never sent again.
                (link, subjectToken) = try await mintSubjectToken(link, for: user, requestID: options.requestID)
                guard let userID = link.externalID else { throw TelegateError.internalError() }
                do {
                    token = try await impersonation.exchange(subjectToken, userID: userID, organization: options.organization)
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
    private func mintSubjectToken(_ link: ProviderLink, for user: UserRecord, requestID: String?) async throws
        -> (ProviderLink, LogtoImpersonation.SubjectToken)
    {
        guard let userID = link.externalID else { throw TelegateError.internalError() }
        if let token = try await impersonation.subjectToken(for: userID, telegramID: user.telegramID) {
            return (link, token)
        }
        let replaced = try await linker.relink(link, for: user, in: directory, requestID: requestID)
        guard let newID = replaced.externalID,
            let token = try await impersonation.subjectToken(for: newID, telegramID: user.telegramID)
        else { throw TelegateError.upstreamInvalidResponse("Logto") }
        return (replaced, token)
    }

    /// Sends a changed name or photo to Logto once per change. The profile sent at creation is recorded without
    /// a call; a failed update is retried at a later login and does not fail this one.
    private func syncProfile(_ link: ProviderLink, of user: UserRecord) async {
        let digest = Self.profileDigest(user.profile)
        guard link.syncedProfileDigest != digest, let userID = link.externalID else { return }
        do {
            if link.syncedProfileDigest != nil { try await directory.updateProfile(of: userID, to: user.profile) }
            _ = try await linker.recordProfileSync(link, digest: digest)
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
