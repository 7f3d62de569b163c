import StrictJSON

/// How every engine stores ``AppSettings``: one JSON document in the app row, so a new setting needs no migration.
/// The same document records which rows the configuration file declared (``DeclaredRows``).
public enum StoredAppSettingsJSON {
    /// The document for `app`: its settings, and the declared rows it still has.
    public static func encode(_ app: StoredApp) -> String {
        var members = members(of: app.settings)
        let declared = app.declared.present(in: app)
        if declared != DeclaredRows() {
            var rows: [(key: String, value: JSONValue)] = [
                ("bots", .array(declared.bots.sorted().map { .integer($0) })),
                ("adapters", .array(declared.adapters.sorted().map { .string($0.rawValue) })),
            ]
            if !declared.clients.isEmpty {
                rows.append(("clients", .array(declared.clients.sorted().map { .string($0.rawValue) })))
            }
            if !declared.webhooks.isEmpty {
                rows.append(("webhooks", .array(declared.webhooks.sorted().map { .string($0.rawValue) })))
            }
            members.append(("declared", .object(rows)))
        }
        return JSONValue.object(members).serialized
    }

    private static func members(of settings: AppSettings) -> [(key: String, value: JSONValue)] {
        [
            ("corsOrigins", .array(settings.corsOrigins.map { .string($0) })),
            ("initDataMaxAge", .integer(settings.initDataMaxAge)), ("widgetMaxAge", .integer(settings.widgetMaxAge)),
            ("sessionIdleTimeout", .integer(settings.sessionIdleTimeout)), ("sessionLifetime", .integer(settings.sessionLifetime)),
        ]
    }

    /// The settings of app `id` from its stored document; absent members take their defaults.
    public static func decode(_ json: JSONValue, id: AppID) -> AppSettings {
        AppSettings(
            id: id, corsOrigins: json["corsOrigins"]?.arrayElements?.compactMap(\.stringValue) ?? [],
            initDataMaxAge: json["initDataMaxAge"]?.integerValue ?? 3600,
            widgetMaxAge: json["widgetMaxAge"]?.integerValue ?? 300,
            sessionIdleTimeout: json["sessionIdleTimeout"]?.integerValue ?? AppSettings.defaultSessionIdleTimeout,
            sessionLifetime: json["sessionLifetime"]?.integerValue ?? AppSettings.defaultSessionLifetime)
    }

    /// The declared rows recorded in a stored document (none when absent).
    public static func declared(_ json: JSONValue) -> DeclaredRows {
        DeclaredRows(
            bots: Set(json["declared"]?["bots"]?.arrayElements?.compactMap(\.integerValue) ?? []),
            adapters: Set(
                json["declared"]?["adapters"]?.arrayElements?.compactMap { $0.stringValue.flatMap(AdapterName.init(rawValue:)) }
                    ?? []),
            clients: Set(
                json["declared"]?["clients"]?.arrayElements?.compactMap { $0.stringValue.flatMap(ClientID.init(rawValue:)) }
                    ?? []),
            webhooks: Set(
                json["declared"]?["webhooks"]?.arrayElements?.compactMap { $0.stringValue.flatMap(WebhookID.init(rawValue:)) }
                    ?? []))
    }
}
