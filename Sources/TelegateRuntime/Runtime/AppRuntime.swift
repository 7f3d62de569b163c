import ProviderKit
import TelegateCore
import TelegateIssuer

/// An app compiled from its stored rows: verifiers and adapters built once, swapped whole on change, so a request
/// in flight keeps the instances it started with.
public struct AppRuntime: Sendable {
    public let settings: AppSettings
    /// The app's issuer URL.
    public let issuer: String
    public let keyRing: KeyRing
    let bots: [Int64: BotRuntime]
    let defaultBotID: Int64?
    let adapters: [AdapterName: any ProviderAdapter]
    let defaultAdapter: AdapterName?
    /// The URLs each adapter connects to, with the policy they are checked against (adapters without any are
    /// absent).
    let outbound: [AdapterName: (policy: OutboundURLPolicy, urls: [String])]
    /// The OAuth clients of the app's OpenID Provider.
    let clients: [ClientID: RegisteredClient]
    /// The event types some enabled webhook endpoint of the app subscribes to, so an opt-in event (`user.login`)
    /// costs no write when nobody asked for it.
    public let subscribedEvents: Set<EventType>

    /// The client with this `client_id`, if the app has it.
    public func client(_ id: String) -> RegisteredClient? {
        ClientID(rawValue: id).flatMap { clients[$0] }
    }

    /// The bot named by the route, or the default one.
    public func bot(_ botID: Int64?) throws -> BotRuntime {
        if let botID {
            guard let bot = bots[botID] else { throw Self.botNotFound }
            return bot
        }
        guard let id = defaultBotID, let bot = bots[id] else { throw noDefaultBot }
        return bot
    }

    /// The refusal of an exchange that names no bot when the app has no default: it names the bots to choose from.
    private var noDefaultBot: TelegateError {
        guard !bots.isEmpty else { return TelegateError(.botNotFound, "this app has no bot") }
        let ids = bots.keys.sorted().map(String.init)
        return TelegateError(
            .botNotFound,
            "this app has \(ids.count) bots (\(ids.joined(separator: ", "))) and none is marked default; name one in the URL: "
                + "/v1/apps/\(settings.id)/bots/\(ids[0])/exchange")
    }

    /// The adapter named in the request, or the default one.
    public func adapter(_ name: String?) throws -> (AdapterName, any ProviderAdapter) {
        let chosen = try name.map { raw in
            guard let name = AdapterName(rawValue: raw) else { throw Self.providerNotFound }
            return name
        } ?? defaultAdapter
        guard let chosen, let adapter = adapters[chosen] else { throw Self.providerNotFound }
        return (chosen, adapter)
    }

    /// The longest lifetime of any token the app's adapters sign: how long retired keys stay published.
    public var longestTokenLifetime: Int64 {
        adapters.values.compactMap { ($0 as? any SigningAdapter)?.longestTokenLifetime }.max() ?? 86_400
    }

    /// The algorithms the app's adapters sign with.
    public var signingAlgorithms: Set<SigningAlgorithm> {
        Set(adapters.values.compactMap { ($0 as? any SigningAdapter)?.signingAlgorithm })
    }

    /// The adapter names, sorted.
    public var adapterNames: [AdapterName] { adapters.keys.sorted() }

    private static var botNotFound: TelegateError {
        TelegateError(.botNotFound, "this app has no such bot")
    }

    private static var providerNotFound: TelegateError {
        TelegateError(.providerNotFound, "this app has no such provider")
    }
}
