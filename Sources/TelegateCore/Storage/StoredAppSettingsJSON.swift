import StrictJSON

/// How every engine stores ``AppSettings``: one JSON document in the app row, so a new setting needs no migration.
public enum StoredAppSettingsJSON {
    /// The document for `settings`.
    public static func encode(_ settings: AppSettings) -> String {
        JSONValue.object([
            ("corsOrigins", .array(settings.corsOrigins.map { .string($0) })),
            ("initDataMaxAge", .integer(settings.initDataMaxAge)), ("widgetMaxAge", .integer(settings.widgetMaxAge)),
        ]).serialized
    }

    /// The settings of app `id` from its stored document; absent members take their defaults.
    public static func decode(_ json: JSONValue, id: AppID) -> AppSettings {
        AppSettings(
            id: id, corsOrigins: json["corsOrigins"]?.arrayElements?.compactMap(\.stringValue) ?? [],
            initDataMaxAge: json["initDataMaxAge"]?.integerValue ?? 3600,
            widgetMaxAge: json["widgetMaxAge"]?.integerValue ?? 300)
    }
}
