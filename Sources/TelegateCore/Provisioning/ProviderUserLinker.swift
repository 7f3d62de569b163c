import TelegramAuth
import StrictJSON

/// Finds or creates, exactly once, the user an adapter needs at its provider, and keeps the local link to it.
///
/// The link row's state makes creation crash-safe: the row is written as `creating` before the provider is called
/// and becomes `linked` once the provider's id is known. A later login that finds `creating` — a crash in between,
/// or another process mid-creation — looks the user up before creating, and a creation the provider refuses as a
/// duplicate is answered by the same lookup, so no path makes a second provider user. Within a process,
/// concurrent logins of one user share a single attempt.
public struct ProviderUserLinker: Sendable {
    private let appID: AppID
    private let adapter: AdapterName
    private let provider: String
    private let links: any ProviderLinkStore
    private let audit: AuditLog
    private let clock: WallClock
    private let faults: FaultInjector
    private let flights = SingleFlight<UserID, ProviderLink>()

    /// Creates the linker of one adapter; `provider` names it in errors (`Clerk`).
    public init(context: AdapterContext, provider: String) {
        self.init(
            appID: context.appID, adapter: context.adapterName, provider: provider, links: context.links,
            audit: context.audit, clock: context.clock, faults: context.faults)
    }

    /// Creates a linker from its parts.
    public init(
        appID: AppID, adapter: AdapterName, provider: String, links: any ProviderLinkStore, audit: AuditLog,
        clock: WallClock, faults: FaultInjector
    ) {
        self.appID = appID
        self.adapter = adapter
        self.provider = provider
        self.links = links
        self.audit = audit
        self.clock = clock
        self.faults = faults
    }

    /// The linked provider user of `user`: read from the link when it exists (no provider call), otherwise
    /// found or created through `directory` and recorded.
    public func linkedUser(for user: UserRecord, in directory: some ProviderUserDirectory, requestID: String? = nil)
        async throws -> ProviderLink
    {
        if let link = try await links.link(appID: appID, adapter: adapter, userID: user.id),
            link.state == .linked, link.externalID != nil
        {
            return link
        }
        return try await flights.run(user.id) {
            try await establish(for: user, in: directory, requestID: requestID)
        }
    }

    /// Replaces a linked provider user the provider no longer knows (deleted out of band): the link goes back to
    /// `creating` and a new user is found or created once; the replacement is audited.
    public func relink(
        _ stale: ProviderLink, for user: UserRecord, in directory: some ProviderUserDirectory, requestID: String? = nil
    ) async throws -> ProviderLink {
        try await flights.run(user.id) {
            var reset = stale
            reset.state = .creating
            reset.externalID = nil
            reset.syncedProfileDigest = nil
            reset.updatedAt = clock.now
            if try await links.update(reset, expecting: .linked) {
                await audit.record(
                    "provider_user.recreated", appID: appID, target: "user:\(user.id.rawValue)",
                    details: [("adapter", .string(adapter.rawValue)), ("missing", .string(stale.externalID ?? ""))],
                    requestID: requestID)
            }
            return try await establish(for: user, in: directory, requestID: requestID)
        }
    }

    /// Records that the profile with `digest` was sent to the provider, so it is sent once per change.
    public func recordProfileSync(_ link: ProviderLink, digest: String) async throws -> ProviderLink {
        var synced = link
        synced.syncedProfileDigest = digest
        synced.updatedAt = clock.now
        _ = try await links.update(synced, expecting: .linked)
        return synced
    }

    private func establish(for user: UserRecord, in directory: some ProviderUserDirectory, requestID: String?)
        async throws -> ProviderLink
    {
        try faults.reach(.beforeCommit)
        let (link, inserted) = try await links.insertIfAbsent(
            ProviderLink(
                appID: appID, adapter: adapter, userID: user.id, state: .creating, externalID: nil,
                syncedProfileDigest: nil, updatedAt: clock.now))
        if link.state == .linked, link.externalID != nil { return link }
        try faults.reach(.afterCommitBeforeProvider)

        // A `creating` row this call did not insert may mean the user already exists at the provider.
        var externalID = inserted ? nil : try await directory.find(for: user)
        var syncedProfileDigest: String?
        if externalID == nil {
            switch try await directory.create(for: user) {
            case .created(let id):
                externalID = id
                syncedProfileDigest = directory.profileDigest(for: user)
            case .alreadyExists: externalID = try await directory.find(for: user)
            }
        }
        guard let externalID else {
            throw TelegateError(
                .upstreamInvalidResponse, status: 502,
                "\(provider) reported an existing user for this account but could not find it")
        }
        try faults.reach(.afterProviderBeforeResponse)

        var linked = link
        linked.state = .linked
        linked.externalID = externalID
        linked.syncedProfileDigest = syncedProfileDigest
        linked.updatedAt = clock.now
        if try await links.update(linked, expecting: .creating) { return linked }
        // Another process recorded the link first; the provider's uniqueness makes it the same user. (An admin
        // unlinking the user at this very moment leaves nothing to return; the client retries.)
        guard let current = try await links.link(appID: appID, adapter: adapter, userID: user.id),
            current.state == .linked
        else { throw TelegateError.internalError() }
        return current
    }
}
