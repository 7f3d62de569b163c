import StrictJSON

/// An app as configured: its settings with the bots, adapters, OAuth clients and webhook endpoints it declares. The configuration file, the admin
/// API, export and the runtime builder all read and write this one value, and ``validate()`` holds every rule.
///
/// Spelled in the file as `{id, corsOrigins, initData: {maxAge}, widget: {maxAge}, sessions: {idleTimeout, lifetime},
/// bots, adapters, clients, webhooks}` and in the admin API as `{id, corsOrigins, initDataMaxAge, widgetMaxAge,
/// sessionIdleTimeout, sessionLifetime}` (bots, adapters, clients and webhooks have their own routes).
public struct AppSpec: Sendable, Equatable {
    public var settings: AppSettings
    public var bots: [BotSpec]
    public var adapters: [AdapterSpec]
    /// The OAuth clients of the app's OpenID Provider.
    public var clients: [ClientSpec]
    /// The webhook endpoints the app's events are delivered to; the file names each by its `url`.
    public var webhooks: [WebhookSpec]

    /// Creates a spec.
    public init(
        settings: AppSettings, bots: [BotSpec] = [], adapters: [AdapterSpec] = [], clients: [ClientSpec] = [],
        webhooks: [WebhookSpec] = []
    ) {
        self.settings = settings
        self.bots = bots
        self.adapters = adapters
        self.clients = clients
        self.webhooks = webhooks
    }

    /// Checks every rule of an app, its bots, its adapters and its clients; a refusal is `422 invalid_field` naming the member.
    public func validate() throws(TelegateError) {
        for origin in settings.corsOrigins where origin == "*" || !(origin.hasPrefix("https://") || origin.hasPrefix("http://")) {
            throw .invalidSpec("corsOrigins entries must be exact origins like https://web.telegram.org")
        }
        guard settings.initDataMaxAge >= 60 else { throw .invalidSpec("initDataMaxAge must be at least 60 seconds") }
        guard settings.widgetMaxAge >= 30 else { throw .invalidSpec("widgetMaxAge must be at least 30 seconds") }
        guard settings.sessionIdleTimeout >= 60, settings.sessionLifetime >= settings.sessionIdleTimeout else {
            throw .invalidSpec("sessions.idleTimeout must be at least 60 seconds and at most sessions.lifetime")
        }
        for (index, bot) in bots.enumerated() {
            do throws(TelegateError) { try bot.validate() } catch { throw error.within("bots[\(index)]") }
        }
        for (index, adapter) in adapters.enumerated() {
            do throws(TelegateError) { try adapter.validate() } catch { throw error.within("adapters[\(index)]") }
        }
        if Set(adapters.map(\.name)).count != adapters.count {
            throw .invalidSpec("app \(settings.id) has two adapters with the same name")
        }
        for (index, client) in clients.enumerated() {
            do throws(TelegateError) { try client.validate() } catch { throw error.within("clients[\(index)]") }
        }
        if Set(clients.map(\.id)).count != clients.count {
            throw .invalidSpec("app \(settings.id) has two clients with the same id")
        }
        for (index, webhook) in webhooks.enumerated() {
            do throws(TelegateError) { try webhook.validate() } catch { throw error.within("webhooks[\(index)]") }
        }
        if Set(webhooks.map(\.url)).count != webhooks.count {
            throw .invalidSpec("app \(settings.id) lists the same webhook url twice; the file names an endpoint by its url")
        }
        if adapters.filter(\.isDefault).count > 1 || bots.filter(\.isDefault).count > 1 {
            throw .invalidSpec("app \(settings.id) may mark at most one bot and one adapter as default")
        }
    }
}

extension AppSpec: Codable {
    enum FileKeys: String, CodingKey, CaseIterable {
        case id, corsOrigins, bots, initData, widget, adapters, clients, sessions, webhooks
    }
    enum AdminKeys: String, CodingKey, CaseIterable {
        case id, corsOrigins, initDataMaxAge, widgetMaxAge, sessionIdleTimeout, sessionLifetime
    }
    enum MaxAgeKeys: String, CodingKey, CaseIterable { case maxAge }
    enum SessionKeys: String, CodingKey, CaseIterable { case idleTimeout, lifetime }

    public init(from decoder: any Decoder) throws {
        switch SpecFormat.of(decoder.userInfo) {
        case .file:
            let members = try decoder.container(keyedBy: FileKeys.self)
            var settings = AppSettings(id: try Self.id(members, .id))
            settings.corsOrigins = try members.decodeIfPresent([String].self, forKey: .corsOrigins) ?? []
            if members.contains(.initData), try !members.decodeNil(forKey: .initData) {
                let initData = try members.nestedContainer(keyedBy: MaxAgeKeys.self, forKey: .initData)
                settings.initDataMaxAge = try initData.decodeIfPresent(Int64.self, forKey: .maxAge) ?? settings.initDataMaxAge
            }
            if members.contains(.widget), try !members.decodeNil(forKey: .widget) {
                let widget = try members.nestedContainer(keyedBy: MaxAgeKeys.self, forKey: .widget)
                settings.widgetMaxAge = try widget.decodeIfPresent(Int64.self, forKey: .maxAge) ?? settings.widgetMaxAge
            }
            if members.contains(.sessions), try !members.decodeNil(forKey: .sessions) {
                let sessions = try members.nestedContainer(keyedBy: SessionKeys.self, forKey: .sessions)
                settings.sessionIdleTimeout =
                    try sessions.decodeIfPresent(Int64.self, forKey: .idleTimeout) ?? settings.sessionIdleTimeout
                settings.sessionLifetime = try sessions.decodeIfPresent(Int64.self, forKey: .lifetime) ?? settings.sessionLifetime
            }
            self.init(
                settings: settings, bots: try members.decodeIfPresent([BotSpec].self, forKey: .bots) ?? [],
                adapters: try members.decodeIfPresent([AdapterSpec].self, forKey: .adapters) ?? [],
                clients: try members.decodeIfPresent([ClientSpec].self, forKey: .clients) ?? [],
                webhooks: try members.decodeIfPresent([WebhookSpec].self, forKey: .webhooks) ?? [])
        case .admin:
            let members = try decoder.container(keyedBy: AdminKeys.self)
            var settings = AppSettings(id: try Self.id(members, .id))
            settings.corsOrigins = try members.decodeIfPresent([String].self, forKey: .corsOrigins) ?? []
            settings.initDataMaxAge = try members.decodeIfPresent(Int64.self, forKey: .initDataMaxAge) ?? settings.initDataMaxAge
            settings.widgetMaxAge = try members.decodeIfPresent(Int64.self, forKey: .widgetMaxAge) ?? settings.widgetMaxAge
            settings.sessionIdleTimeout =
                try members.decodeIfPresent(Int64.self, forKey: .sessionIdleTimeout) ?? settings.sessionIdleTimeout
            settings.sessionLifetime = try members.decodeIfPresent(Int64.self, forKey: .sessionLifetime) ?? settings.sessionLifetime
            self.init(settings: settings)
        }
    }

    private static func id<Key: CodingKey>(_ members: KeyedDecodingContainer<Key>, _ key: Key) throws -> AppID {
        try members.decode(key, as: AppID.init(rawValue:), rule: "must be a lowercase slug like poll (letters, digits, -)")
    }

    /// The file spelling leaves out an empty `corsOrigins`, empty `clients` and `webhooks`, and default `sessions`; the admin spelling
    /// writes the settings only.
    public func encode(to encoder: any Encoder) throws {
        switch SpecFormat.of(encoder.userInfo) {
        case .file:
            var members = encoder.container(keyedBy: FileKeys.self)
            try members.encode(settings.id.rawValue, forKey: .id)
            if !settings.corsOrigins.isEmpty { try members.encode(settings.corsOrigins, forKey: .corsOrigins) }
            var initData = members.nestedContainer(keyedBy: MaxAgeKeys.self, forKey: .initData)
            try initData.encode(settings.initDataMaxAge, forKey: .maxAge)
            var widget = members.nestedContainer(keyedBy: MaxAgeKeys.self, forKey: .widget)
            try widget.encode(settings.widgetMaxAge, forKey: .maxAge)
            if settings.sessionIdleTimeout != AppSettings.defaultSessionIdleTimeout
                || settings.sessionLifetime != AppSettings.defaultSessionLifetime
            {
                var sessions = members.nestedContainer(keyedBy: SessionKeys.self, forKey: .sessions)
                try sessions.encode(settings.sessionIdleTimeout, forKey: .idleTimeout)
                try sessions.encode(settings.sessionLifetime, forKey: .lifetime)
            }
            try members.encode(bots, forKey: .bots)
            try members.encode(adapters, forKey: .adapters)
            if !clients.isEmpty { try members.encode(clients, forKey: .clients) }
            if !webhooks.isEmpty { try members.encode(webhooks, forKey: .webhooks) }
        case .admin:
            var members = encoder.container(keyedBy: AdminKeys.self)
            try members.encode(settings.id.rawValue, forKey: .id)
            try members.encode(settings.corsOrigins, forKey: .corsOrigins)
            try members.encode(settings.initDataMaxAge, forKey: .initDataMaxAge)
            try members.encode(settings.widgetMaxAge, forKey: .widgetMaxAge)
            try members.encode(settings.sessionIdleTimeout, forKey: .sessionIdleTimeout)
            try members.encode(settings.sessionLifetime, forKey: .sessionLifetime)
        }
    }
}

extension AppSpec {
    /// The spec of a stored app: secrets as the references they were configured with.
    public init(_ app: StoredApp) {
        self.init(
            settings: app.settings, bots: app.bots.map { BotSpec($0, appID: app.settings.id) },
            adapters: app.adapters.map(AdapterSpec.init), clients: app.clients.map(\.spec),
            webhooks: app.webhooks.map(\.spec))
    }
}
