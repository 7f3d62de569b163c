import SimulatorKit
import StrictJSON
import TelegateCore
import Testing

/// An adapter's test harness as the provider identity contract drives it: a live Telegate whose adapter under test
/// talks to its provider's simulator.
public protocol ProviderIdentityHarness: Sendable {
    /// What the contract needs to know of the provider's operations and the adapter's labels.
    associatedtype Profile: ProviderIdentityProfile
    /// The simulator's call counts and faults.
    var providerControl: SimulatorControl { get }
    /// Exchanges a fresh proof of Telegram user `telegramID`, named `firstName`, through the adapter under test.
    func identityExchange(telegramID: Int64, firstName: String) async throws -> ProviderIdentityReply
    /// Every audit event recorded so far.
    func auditEvents() async throws -> [AuditEvent]
    /// The server's `/metrics` text.
    func metricsText() async throws -> String
}

/// The simulator operations (``SimulatorControl`` names) and labels of one adapter, for the contract.
public protocol ProviderIdentityProfile {
    /// The app and adapter names, as in metric labels and audit events.
    static var app: String { get }
    static var adapter: String { get }
    /// The creation of a provider user (`create_user`).
    static var create: String { get }
    /// The lookup of a provider user created earlier (`list_users`, `search_users`).
    static var lookup: String { get }
    /// The first profile update a changed Telegram profile sends (`update_metadata`, `update_user`).
    static var profileUpdate: String { get }
    /// The call whose answer becomes the client's credential (`sign_in_token`, `token_exchange`).
    static var handOut: String { get }
    /// Every call that issues something at the provider (tickets, subject tokens, token exchanges).
    static var credentials: Set<String> { get }
    /// Every call that changes an existing provider user (profile, metadata, identities).
    static var writes: Set<String> { get }
}

/// What an exchange answered, as the contract reads it.
public struct ProviderIdentityReply: Sendable {
    /// The HTTP status.
    public let status: Int
    /// The JSON body.
    public let body: JSONValue
    /// The provider user the credential is for, as the harness reads it from the credential (Clerk's
    /// `clerkUserId`, a Logto access token's `sub`); `nil` without a credential.
    public let accountID: String?

    /// Creates a reply.
    public init(status: Int, body: JSONValue, accountID: String?) {
        self.status = status
        self.body = body
        self.accountID = accountID
    }
}

/// The contract every adapter that calls a provider passes: a provider that answers about somebody else's user
/// gets nothing issued for it. Each adapter's test suite runs every ``Scenario`` against its own harness and
/// simulator; the simulator acts out ``SimulatorFault/Misbehaviour`` by answering with the oldest other user —
/// here always the victim, who signed in first.
///
/// Each scenario checks: the exchange is `502 provider_identity_mismatch` without a credential; no write call
/// reached the provider (and, before a link exists, no credential call); exactly one `provider.identity_mismatch`
/// audit event, naming the victim's provider user and carrying ids only; the mismatch counted in
/// `telegate_provider_identity_mismatches_total`; and once the provider behaves again the user gets a credential
/// for a provider user of their own, never the victim's.
public enum ProviderIdentityContract {
    /// A way the provider is wrong about whose user is whose.
    public enum Scenario: String, CaseIterable, Sendable, CustomTestStringConvertible {
        /// A first login: the creation answers "already exists" and the lookup finds the victim's user.
        case duplicateThenForeignLookup
        /// A first login: the creation answers with the victim's user.
        case creationAnswersForeignAccount
        /// A returning user: the call whose answer becomes the credential answers about the victim's user.
        case warmLoginAnswersForeignAccount
        /// A returning user with a changed profile: the profile update reports updating the victim's user.
        case profileUpdateAnswersForeignAccount

        public var testDescription: String {
            switch self {
            case .duplicateThenForeignLookup: "creation answers duplicate, lookup answers another user's account"
            case .creationAnswersForeignAccount: "creation answers with another user's account"
            case .warmLoginAnswersForeignAccount: "warm login: the credential is for another user's account"
            case .profileUpdateAnswersForeignAccount: "profile update reports another user's account"
            }
        }
    }

    /// The Telegram user whose provider user the misbehaving provider hands out.
    public static let victim: Int64 = 700_000_001
    /// The Telegram user who signs in while the provider misbehaves.
    public static let user: Int64 = 700_000_002

    /// Runs `scenario` against `harness`.
    public static func check<Harness: ProviderIdentityHarness>(
        _ scenario: Scenario, on harness: Harness, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let profile = Harness.Profile.self
        let control = harness.providerControl
        let victimReply = try await harness.identityExchange(telegramID: victim, firstName: "Victim")
        try #require(victimReply.status == 200, "the victim signs in first", sourceLocation: sourceLocation)
        let victimAccount = try #require(victimReply.accountID, sourceLocation: sourceLocation)

        var ownAccount: String?
        switch scenario {
        case .duplicateThenForeignLookup, .creationAnswersForeignAccount:
            break
        case .warmLoginAnswersForeignAccount, .profileUpdateAnswersForeignAccount:
            let first = try await harness.identityExchange(telegramID: user, firstName: "Ada")
            try #require(first.status == 200, sourceLocation: sourceLocation)
            ownAccount = first.accountID
        }
        control.resetCalls()
        let foreign = SimulatorFault.Effect.misbehave(.foreignAccount)
        var firstName = "Ada"
        switch scenario {
        case .duplicateThenForeignLookup:
            control.inject(SimulatorFault(.misbehave(.duplicate), operation: profile.create))
            control.inject(SimulatorFault(foreign, operation: profile.lookup))
        case .creationAnswersForeignAccount:
            control.inject(SimulatorFault(foreign, operation: profile.create))
        case .warmLoginAnswersForeignAccount:
            control.inject(SimulatorFault(foreign, operation: profile.handOut))
        case .profileUpdateAnswersForeignAccount:
            firstName = "Adelaide"
            control.inject(SimulatorFault(foreign, operation: profile.profileUpdate))
        }

        let refused = try await harness.identityExchange(telegramID: user, firstName: firstName)
        #expect(refused.status == 502, "\(refused.body)", sourceLocation: sourceLocation)
        #expect(refused.body["code"]?.stringValue == "provider_identity_mismatch", sourceLocation: sourceLocation)
        #expect(refused.body["credential"] == nil, "no credential", sourceLocation: sourceLocation)
        #expect(refused.accountID == nil, sourceLocation: sourceLocation)

        let calls = control.allCalls
        var allowedWrites: Set<String> = []
        if scenario == .profileUpdateAnswersForeignAccount {
            // The update the provider misanswered was sent to the user's own, linked provider user.
            allowedWrites.insert(profile.profileUpdate)
            #expect(calls[profile.profileUpdate] == 1, sourceLocation: sourceLocation)
        }
        for write in profile.writes.subtracting(allowedWrites) {
            #expect(calls[write, default: 0] == 0, "\(write) was called", sourceLocation: sourceLocation)
        }
        switch scenario {
        case .duplicateThenForeignLookup, .creationAnswersForeignAccount:
            for credential in profile.credentials {
                #expect(calls[credential, default: 0] == 0, "\(credential) was called", sourceLocation: sourceLocation)
            }
        case .profileUpdateAnswersForeignAccount:
            #expect(calls[profile.handOut, default: 0] == 0, "\(profile.handOut) was called", sourceLocation: sourceLocation)
        case .warmLoginAnswersForeignAccount:
            #expect(calls[profile.handOut] == 1, sourceLocation: sourceLocation)
        }

        let events = try await harness.auditEvents().filter { $0.action == "provider.identity_mismatch" }
        #expect(events.count == 1, "exactly one audit event", sourceLocation: sourceLocation)
        if let event = events.first {
            #expect(event.outcome == .failure, sourceLocation: sourceLocation)
            #expect(event.target?.hasPrefix("user:usr_") == true, sourceLocation: sourceLocation)
            #expect(event.details["adapter"]?.stringValue == profile.adapter, sourceLocation: sourceLocation)
            #expect(event.details["account"]?.stringValue == victimAccount, "names the victim's provider user", sourceLocation: sourceLocation)
            let keys = Set(event.details.objectMembers?.map(\.key) ?? [])
            #expect(keys == ["adapter", "step", "expected", "reported", "account"], "ids only", sourceLocation: sourceLocation)
        }
        let metric = #"telegate_provider_identity_mismatches_total{app="\#(profile.app)",adapter="\#(profile.adapter)"} 1"#
        #expect(try await harness.metricsText().contains(metric), sourceLocation: sourceLocation)

        control.clearFaults()
        let recovered = try await harness.identityExchange(telegramID: user, firstName: firstName)
        #expect(recovered.status == 200, "\(recovered.body)", sourceLocation: sourceLocation)
        #expect(recovered.accountID != nil && recovered.accountID != victimAccount, sourceLocation: sourceLocation)
        if let ownAccount {
            #expect(recovered.accountID == ownAccount, "still linked to the user's own provider user", sourceLocation: sourceLocation)
        }
    }
}
