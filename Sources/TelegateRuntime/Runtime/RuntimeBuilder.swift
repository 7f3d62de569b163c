import ProviderKit
import StrictJSON
import TelegateCore
import TelegateIssuer
import TelegramAuth

/// Compiles stored rows into an ``AppRuntime``: opens sealed keys and secrets, builds verifiers and adapters.
public struct RuntimeBuilder: Sendable {
    private let services: TelegateServices

    /// Creates a builder.
    public init(services: TelegateServices) {
        self.services = services
    }

    /// Builds the runtime of `app`, reusing `keyRing` when the app already had one.
    public func build(_ app: StoredApp, keyRing existing: KeyRing? = nil) throws -> AppRuntime {
        let appID = app.settings.id
        let keyRing =
            existing
            ?? KeyRing(
                appID: appID, store: services.storage.signingKeys, box: services.secretBox, clock: services.clock,
                refreshInterval: services.keyRefreshInterval)
        var bots: [Int64: BotRuntime] = [:]
        for bot in app.bots {
            bots[bot.botID] = BotRuntime(
                settings: try settings(of: bot, appID: appID), app: app.settings, telegramKeys: services.telegramKeys,
                clock: services.clock, time: services.time)
        }
        let defaultBot = app.bots.first(where: \.isDefault)?.botID ?? (app.bots.count == 1 ? app.bots[0].botID : nil)
        var adapters: [AdapterName: any ProviderAdapter] = [:]
        var outbound: [AdapterName: (policy: OutboundURLPolicy, urls: [String])] = [:]
        for adapter in app.adapters {
            let (built, urls) = try makeAdapter(adapter, appID: appID, keyRing: keyRing)
            adapters[adapter.name] = built
            outbound[adapter.name] = urls
        }
        let defaultAdapter =
            app.adapters.first(where: \.isDefault)?.name ?? (app.adapters.count == 1 ? app.adapters[0].name : nil)
        let digester = ClientSecretDigester(box: services.secretBox)
        var clients = Dictionary(
            app.clients.map { ($0.spec.id, RegisteredClient(appID: appID, spec: $0.spec, secretDigest: $0.secretDigest, digester: digester)) },
            uniquingKeysWith: { first, _ in first })
        for spec in services.builtInClients[appID] ?? [] {
            clients[spec.id] = RegisteredClient(appID: appID, spec: spec, secretDigest: nil, digester: digester)
        }
        return AppRuntime(
            settings: app.settings, issuer: services.issuer(for: appID), keyRing: keyRing, bots: bots,
            defaultBotID: defaultBot, adapters: adapters, defaultAdapter: defaultAdapter, outbound: outbound, clients: clients,
            subscribedEvents: Set(app.webhooks.filter { $0.disabled == nil }.flatMap(\.events)))
    }

    private func settings(of bot: StoredBot, appID: AppID) throws -> BotSettings {
        let verification: BotSettings.Verification
        switch bot.mode {
        case .token(let sealedKeys, _, _, _):
            let keys = try services.secretBox.open(sealedKeys, context: Self.botKeyContext(appID, bot.botID))
            guard keys.count == 64 else { throw TelegateError.internalError() }
            verification = .token(
                .init(webAppKey: .init(data: Array(keys[0..<32])), widgetKey: .init(data: Array(keys[32..<64]))))
        case .thirdParty(let environment):
            verification = .thirdParty(environment: environment)
        }
        let clientSecret = try bot.oidcClientSecret.map {
            try services.secretBox.openText($0.sealed, context: Self.botOIDCSecretContext(appID, bot.botID))
        }
        return BotSettings(
            botID: bot.botID, verification: verification, spec: BotSpec(settingsOf: bot), oidcClientSecret: clientSecret)
    }

    /// The adapter, and the URLs it connects to with the policy they are checked against (`nil` without any).
    private func makeAdapter(_ stored: StoredAdapter, appID: AppID, keyRing: KeyRing) throws
        -> (any ProviderAdapter, (policy: OutboundURLPolicy, urls: [String])?)
    {
        guard let type = services.registry.type(for: stored.kind) else {
            throw TelegateError(.invalidConfig, "unknown adapter kind \"\(stored.kind)\"")
        }
        var members = stored.config.objectMembers ?? []
        members.removeAll { $0.key == StoredAdapter.fingerprintKey }
        let values = try type.configSchema.validate(.object(members))
        var secrets: [String: String] = [:]
        if let sealed = stored.sealedSecrets {
            let text = try services.secretBox.openText(sealed, context: Self.adapterSecretContext(appID, stored.name))
            for member in (try? JSONValue.parse(text))?.objectMembers ?? [] {
                secrets[member.key] = member.value.stringValue
            }
        }
        let context = AdapterContext(
            appID: appID, adapterName: stored.name, issuer: services.issuer(for: appID), keyRing: keyRing,
            refreshTokens: services.refreshTokens, links: services.storage.links, httpClient: services.httpClient,
            audit: services.audit, clock: services.clock,
            logger: {
                var logger = services.logger
                logger[metadataKey: "app"] = "\(appID)"
                logger[metadataKey: "adapter"] = "\(stored.name)"
                return logger
            }(), metrics: services.metrics, faults: services.faults, reachability: services.reachability)
        let config = AdapterConfig(values: values, secrets: secrets)
        let urls = type.configSchema.urls(in: values).map(\.url)
        return (try type.init(config: config, context: context), urls.isEmpty ? nil : (config.urlPolicy, urls))
    }

    /// The sealing context of a bot's derived keys.
    public static func botKeyContext(_ appID: AppID, _ botID: Int64) -> String { "bot:\(appID):\(botID)" }

    /// The sealing context of a bot's token, kept so the bot can send messages.
    public static func botTokenContext(_ appID: AppID, _ botID: Int64) -> String { "bot-token:\(appID):\(botID)" }

    /// The sealing context of a bot's Telegram Login client secret.
    public static func botOIDCSecretContext(_ appID: AppID, _ botID: Int64) -> String { "bot-oidc:\(appID):\(botID)" }

    /// The sealing context of an adapter's secrets.
    public static func adapterSecretContext(_ appID: AppID, _ name: AdapterName) -> String { "adapter:\(appID):\(name)" }
}
