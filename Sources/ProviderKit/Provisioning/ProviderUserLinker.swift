import Logging
import StrictJSON
import TelegateCore
import TelegramAuth

/// Finds or creates, exactly once, the user an adapter needs at its provider, checks that it is this local user's,
/// and keeps the local link to it.
///
/// The link row's state makes creation crash-safe: the row is written as `creating` before the provider is called
/// and becomes `linked` once the provider's id is known. A later login that finds `creating` — a crash in between,
/// or another process mid-creation — looks the user up before creating, and a creation the provider refuses as a
/// duplicate is answered by the same lookup, so no path makes a second provider user. Within a process,
/// concurrent logins of one user share a single attempt.
///
/// Identity is checked, not trusted: every provider user a creation or a lookup returns must carry the owner key
/// the directory expects for the local user (``ProviderUserDirectory/owner(of:)``) before it is set up, linked or
/// issued for; and every answer given for a linked user is opened only once it names that user
/// (``vouch(_:for:requestID:)``). A mismatch is `502 provider_identity_mismatch`, audited as
/// `provider.identity_mismatch` and counted, with nothing linked, written or issued.
public struct ProviderUserLinker: Sendable {
    let appID: AppID
    let adapter: AdapterName
    /// The provider's name in errors (`Clerk`).
    let provider: String
    private let links: any ProviderLinkStore
    let audit: AuditLog
    private let clock: WallClock
    private let faults: FaultInjector
    let metrics: ExchangeMetrics
    let logger: Logger
    private let flights = SingleFlight<UserID, LinkedProviderUser>()

    /// Creates the linker of one adapter; `provider` names it in errors (`Clerk`).
    public init(context: AdapterContext, provider: String) {
        self.init(
            appID: context.appID, adapter: context.adapterName, provider: provider, links: context.links,
            audit: context.audit, clock: context.clock, faults: context.faults, metrics: context.metrics,
            logger: context.logger)
    }

    /// Creates a linker from its parts.
    public init(
        appID: AppID, adapter: AdapterName, provider: String, links: any ProviderLinkStore, audit: AuditLog,
        clock: WallClock, faults: FaultInjector, metrics: ExchangeMetrics, logger: Logger
    ) {
        self.appID = appID
        self.adapter = adapter
        self.provider = provider
        self.links = links
        self.audit = audit
        self.clock = clock
        self.faults = faults
        self.metrics = metrics
        self.logger = logger
    }

    /// The linked provider user of `user`: read from the link when it exists (no provider call), otherwise
    /// found or created through `directory`, verified and recorded.
    public func linkedUser(for user: UserRecord, in directory: some ProviderUserDirectory, requestID: String? = nil)
        async throws -> LinkedProviderUser
    {
        if let link = try await links.link(appID: appID, adapter: adapter, userID: user.id), link.state == .linked,
            let accountID = link.externalID
        {
            return LinkedProviderUser(link, accountID: accountID)
        }
        return try await flights.run(user.id) {
            try await establish(for: user, in: directory, requestID: requestID)
        }
    }

    /// Replaces a linked provider user the provider no longer knows (deleted out of band): the link goes back to
    /// `creating` and a new user is found or created once, verified like the first; the replacement is audited.
    public func relink(
        _ stale: LinkedProviderUser, for user: UserRecord, in directory: some ProviderUserDirectory, requestID: String? = nil
    ) async throws -> LinkedProviderUser {
        try await flights.run(user.id) {
            var reset = stale.link
            reset.state = .creating
            reset.externalID = nil
            reset.syncedProfileDigest = nil
            reset.updatedAt = clock.now
            if try await links.update(reset, expecting: .linked) {
                await audit.record(
                    "provider_user.recreated", appID: appID, target: "user:\(user.id.rawValue)",
                    details: [("adapter", .string(adapter.rawValue)), ("missing", .string(stale.accountID))],
                    requestID: requestID)
            }
            return try await establish(for: user, in: directory, requestID: requestID)
        }
    }

    /// Records that the profile with `digest` was sent to the provider, so it is sent once per change.
    public func recordProfileSync(_ linked: LinkedProviderUser, digest: String) async throws -> LinkedProviderUser {
        var synced = linked.link
        synced.syncedProfileDigest = digest
        synced.updatedAt = clock.now
        _ = try await links.update(synced, expecting: .linked)
        return LinkedProviderUser(synced, accountID: linked.accountID)
    }

    /// Opens a provider's answer to a call made for `linked` once the provider user it names is the linked one;
    /// otherwise the answer is dropped unopened and the mismatch reported.
    public func vouch<Value>(_ answer: ProviderAnswer<Value>, for linked: LinkedProviderUser, requestID: String? = nil)
        async throws -> Value
    {
        try await confirmIdentity(answer.accountID, isLinked: linked.accountID, for: linked.link.userID, requestID: requestID)
        return answer.value
    }

    private func establish(for user: UserRecord, in directory: some ProviderUserDirectory, requestID: String?)
        async throws -> LinkedProviderUser
    {
        try faults.reach(.beforeCommit)
        let (link, inserted) = try await links.insertIfAbsent(
            ProviderLink(
                appID: appID, adapter: adapter, userID: user.id, state: .creating, externalID: nil,
                syncedProfileDigest: nil, updatedAt: clock.now))
        if link.state == .linked, let accountID = link.externalID { return LinkedProviderUser(link, accountID: accountID) }
        try faults.reach(.afterCommitBeforeProvider)

        let owner = directory.owner(of: user)
        func verified(_ account: ProviderAccount?, _ step: IdentityStep) async throws -> VerifiedProviderAccount? {
            guard let account else { return nil }
            return try await verifyIdentity(account, expecting: owner, for: user.id, step: step, requestID: requestID)
        }
        // A `creating` row this call did not insert may mean the user already exists at the provider.
        var account = inserted ? nil : try await verified(directory.find(for: user), .lookup)
        var syncedProfileDigest: String?
        if account == nil {
            switch try await directory.create(for: user) {
            case .created(let created):
                account = try await verified(created, .creation)
                syncedProfileDigest = directory.profileDigest(for: user)
            case .alreadyExists:
                account = try await verified(directory.find(for: user), .lookup)
            }
        }
        guard let account else {
            throw TelegateError(
                .upstreamInvalidResponse,
                "\(provider) reported an existing user for this account but could not find it")
        }
        try await directory.adopt(account, for: user)
        try faults.reach(.afterProviderBeforeResponse)

        var linked = link
        linked.state = .linked
        linked.externalID = account.id
        linked.syncedProfileDigest = syncedProfileDigest
        linked.updatedAt = clock.now
        if try await links.update(linked, expecting: .creating) { return LinkedProviderUser(linked, accountID: account.id) }
        // Another process recorded the link first; the provider's uniqueness makes it the same user. (An admin
        // unlinking the user at this very moment leaves nothing to return; the client retries.)
        guard let current = try await links.link(appID: appID, adapter: adapter, userID: user.id),
            current.state == .linked, let accountID = current.externalID
        else { throw TelegateError.internalError() }
        return LinkedProviderUser(current, accountID: accountID)
    }
}
