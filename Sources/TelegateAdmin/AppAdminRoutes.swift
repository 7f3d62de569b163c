import StrictJSON
import TelegateCore

/// `/apps`: create, list, read, update and delete apps.
struct AppAdminRoutes {
    let backend: AdminBackend

    static let settingsMembers: [AdminBodySchema.Member] = [
        .member("corsOrigins", .stringList, "Exact browser origins allowed to call the app."),
        .member("initDataMaxAge", .integer, "Maximum age of Mini App initData, seconds (at least 60)."),
        .member("widgetMaxAge", .integer, "Maximum age of Login Widget data, seconds (at least 30)."),
    ]

    var routes: [AdminRoute] {
        [
            AdminRoute(.get, "/apps", "listApps", "List apps") { call in
                let apps = try await backend.services.storage.configuration.apps()
                return AdminJSON.list(apps.filter { call.principal.maySee($0.settings.id) }.map(AdminJSON.app))
            },
            AdminRoute(
                .post, "/apps", "createApp", "Create an app", scope: .global,
                body: AdminBodySchema(
                    [.member("id", .string, required: true, "The app id: a lowercase slug.")] + Self.settingsMembers,
                    readOnly: ["bots", "adapters"]),
                status: 201
            ) { call in
                let body = call.body
                guard let id = body.string("id").flatMap(AppID.init(rawValue:)) else {
                    throw TelegateError(.invalidField, status: 422, "id must be a lowercase slug like poll", reason: "invalid_value")
                }
                if try await backend.services.storage.configuration.app(id) != nil {
                    throw TelegateError(.init("app_exists"), status: 409, "an app with this id exists")
                }
                let app = StoredApp(settings: try Self.settings(body, base: AppSettings(id: id)))
                let after = AdminJSON.appSettings(app.settings)
                try await backend.save(app, call: call, action: "app.created", target: "app:\(id)", before: nil, after: after)
                return AdminJSON.app(app)
            },
            AdminRoute(.get, "/apps/{app}", "getApp", "Get an app with its bots and adapters") { call in
                AdminJSON.app(try await backend.app(call))
            },
            AdminRoute(
                .patch, "/apps/{app}", "updateApp", "Update an app's settings",
                body: AdminBodySchema(Self.settingsMembers, readOnly: ["id", "bots", "adapters"])
            ) { call in
                var app = try await backend.app(call)
                let body = call.body
                let before = AdminJSON.appSettings(app.settings)
                app.settings = try Self.settings(body, base: app.settings)
                let after = AdminJSON.appSettings(app.settings)
                if before != after {
                    try await backend.save(
                        app, call: call, action: "app.updated", target: "app:\(app.settings.id)", before: before, after: after)
                }
                return AdminJSON.app(app)
            },
            AdminRoute(.delete, "/apps/{app}", "deleteApp", "Delete an app and everything that belongs to it") { call in
                let app = try await backend.app(call)
                _ = try await backend.services.storage.configuration.deleteApp(app.settings.id)
                await backend.applyHere()
                await backend.record(
                    "app.deleted", call: call, appID: app.settings.id, target: "app:\(app.settings.id)",
                    before: AdminJSON.appSettings(app.settings), after: nil)
                return nil
            },
        ]
    }

    /// `base` with the settings the body names, validated.
    static func settings(_ body: AdminBody, base: AppSettings) throws -> AppSettings {
        var settings = base
        if let origins = body.strings("corsOrigins") {
            for origin in origins where origin == "*" || !(origin.hasPrefix("https://") || origin.hasPrefix("http://")) {
                throw TelegateError(
                    .invalidField, status: 422, "corsOrigins entries must be exact origins like https://web.telegram.org",
                    reason: "invalid_value")
            }
            settings.corsOrigins = origins
        }
        if let maxAge = body.integer("initDataMaxAge") {
            guard maxAge >= 60 else {
                throw TelegateError(.invalidField, status: 422, "initDataMaxAge must be at least 60 seconds", reason: "invalid_value")
            }
            settings.initDataMaxAge = maxAge
        }
        if let maxAge = body.integer("widgetMaxAge") {
            guard maxAge >= 30 else {
                throw TelegateError(.invalidField, status: 422, "widgetMaxAge must be at least 30 seconds", reason: "invalid_value")
            }
            settings.widgetMaxAge = maxAge
        }
        return settings
    }
}
