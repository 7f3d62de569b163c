import StrictJSON
import TelegateCore

/// `/apps`: create, list, read, update and delete apps.
struct AppAdminRoutes {
    let backend: AdminBackend

    static let settingsMembers: [AdminBodySchema.Member] = [
        .member("corsOrigins", .stringList, "Exact browser origins allowed to call the app."),
        .member("initDataMaxAge", .integer, "Maximum age of Mini App initData, seconds (at least 60)."),
        .member("widgetMaxAge", .integer, "Maximum age of Login Widget data, seconds (at least 30)."),
        .member("sessionIdleTimeout", .integer, "How long an unused OpenID Provider browser session lasts, seconds."),
        .member("sessionLifetime", .integer, "How long an OpenID Provider browser session lasts at most, seconds."),
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
                let spec = try SpecFormat.admin.decode(AppSpec.self, from: .object(call.body.members))
                if try await backend.services.storage.configuration.app(spec.settings.id) != nil {
                    throw TelegateError(.appExists, "an app with this id exists")
                }
                try spec.validate()
                let app = StoredApp(settings: spec.settings)
                let after = AdminJSON.appSettings(app.settings)
                try await backend.save(
                    app, call: call, action: "app.created", target: "app:\(spec.settings.id)", before: nil, after: after)
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
                let before = AdminJSON.appSettings(app.settings)
                let spec = try SpecFormat.admin.decode(AppSpec.self, from: before.patched(with: call.body.members))
                try spec.validate()
                app.settings = spec.settings
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
}
