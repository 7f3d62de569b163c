import StrictJSON
import TelegateCore

/// The routes every collection of an app's rows shares (its bots, adapters and OAuth clients): list them at
/// `/apps/{app}/<name>s`, get or remove one at `/apps/{app}/<name>s/{<name>}`, with the same scoping, the same
/// not-found error; and add or change one. Every change is saved through ``AdminBackend/save(_:call:action:target:before:after:)``
/// and audited the same way: `<name>.added`, `<name>.updated` or `<name>.removed`, target `<name>:<id>`, the row's
/// JSON before and after.
struct AppRowRoutes<Row: Sendable & Equatable>: Sendable {
    let backend: AdminBackend
    /// The row's name, singular: the path parameter, the audit prefix and, capitalized, the operation ids' noun
    /// (`bot`: `/apps/{app}/bots/{bot}`, `bot.removed`, `listBots`).
    let name: String
    /// Where an app keeps these rows.
    let rows: WritableKeyPath<StoredApp, [Row]> & Sendable
    /// A row's id, as the audit target names it.
    let id: @Sendable (Row) -> String
    /// Whether `row` is the one a path parameter names.
    let named: @Sendable (_ row: Row, _ parameter: String) -> Bool
    /// A row as the admin API answers with it.
    let json: @Sendable (Row) -> JSONValue
    /// The answer when the path names no row of the app.
    let notFound: TelegateError

    /// `/apps/{app}/<name>s`.
    var collectionPath: String { "/apps/{app}/\(name)s" }
    /// `/apps/{app}/<name>s/{<name>}`.
    var rowPath: String { "\(collectionPath)/{\(name)}" }

    private var noun: String { name.prefix(1).uppercased() + name.dropFirst() }

    /// `GET /apps/{app}/<name>s`: every row of the app.
    func list(_ summary: String) -> AdminRoute {
        AdminRoute(.get, collectionPath, "list\(noun)s", summary) { call in
            AdminJSON.list(try await backend.app(call)[keyPath: rows].map(json))
        }
    }

    /// `GET /apps/{app}/<name>s/{<name>}`: one row.
    func get(_ summary: String) -> AdminRoute {
        AdminRoute(.get, rowPath, "get\(noun)", summary) { call in
            let app = try await backend.app(call)
            return json(app[keyPath: rows][try index(call, in: app)])
        }
    }

    /// `DELETE /apps/{app}/<name>s/{<name>}`: removes one row, audited.
    func remove(_ summary: String) -> AdminRoute {
        AdminRoute(.delete, rowPath, "remove\(noun)", summary) { call in
            var app = try await backend.app(call)
            let removed = app[keyPath: rows].remove(at: try index(call, in: app))
            try await backend.save(
                app, call: call, action: "\(name).removed", target: target(removed), before: json(removed), after: nil)
            return nil
        }
    }

    /// Appends `row` to `app`, saved and audited as `<name>.added`.
    func add(_ row: Row, to app: StoredApp, call: AdminCall) async throws {
        var app = app
        app[keyPath: rows].append(row)
        try await backend.save(app, call: call, action: "\(name).added", target: target(row), before: nil, after: json(row))
    }

    /// Puts `row` in place of `app`'s row at `index`, saved and audited as `<name>.updated` when it differs from
    /// the row it replaces.
    func replace(at index: Int, in app: StoredApp, with row: Row, call: AdminCall) async throws {
        var app = app
        let before = app[keyPath: rows][index]
        app[keyPath: rows][index] = row
        if row != before {
            try await backend.save(
                app, call: call, action: "\(name).updated", target: target(row), before: json(before), after: json(row))
        }
    }

    /// Where in `app` the row the call's path names is; ``notFound`` when there is none.
    func index(_ call: AdminCall, in app: StoredApp) throws -> Int {
        let parameter = call.parameter(name)
        guard let index = app[keyPath: rows].firstIndex(where: { named($0, parameter) }) else { throw notFound }
        return index
    }

    private func target(_ row: Row) -> String { "\(name):\(id(row))" }
}
