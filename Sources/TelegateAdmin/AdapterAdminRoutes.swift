import StrictJSON
import TelegateCore
import TelegateRuntime

/// `/adapter-kinds` and `/apps/{app}/adapters`: which provider kinds this build knows, and an app's adapters.
/// Secret fields are write-only: they are sent as values in `secrets` (or as references in `config`) and read back
/// as a reference, a fingerprint and the last four characters.
struct AdapterAdminRoutes {
    let backend: AdminBackend

    /// An app's adapters, named in paths by their name.
    private var adapters: AppRowRoutes<StoredAdapter> {
        AppRowRoutes(
            backend: backend, name: "adapter", rows: \.adapters, id: { $0.name.rawValue },
            named: { adapter, parameter in adapter.name.rawValue == parameter }, json: AdminJSON.adapter,
            notFound: TelegateError(.providerNotFound, "this app has no such adapter"))
    }

    var routes: [AdminRoute] {
        [
            AdminRoute(.get, "/adapter-kinds", "listAdapterKinds", "List the adapter kinds with their configuration schema") { _ in
                let registry = backend.services.registry
                return AdminJSON.list(
                    registry.kinds.compactMap { kind in
                        registry.type(for: kind).map { type -> JSONValue in
                            .object([
                                ("kind", .string(kind)), ("supportsOrganizations", .bool(type.supportsOrganizations)),
                                ("config", type.configSchema.json),
                            ])
                        }
                    })
            },
            adapters.list("List an app's adapters"),
            AdminRoute(
                .post, "/apps/{app}/adapters", "addAdapter", "Add an adapter",
                body: AdminBodySchema(
                    [
                        .member("name", .string, required: true, "The adapter's name in the app: a lowercase slug."),
                        .member("kind", .string, required: true, "The adapter kind (see /adapter-kinds)."),
                    ] + Self.settingsMembers, readOnly: ["fingerprint", "lastFour"]),
                status: 201
            ) { call in
                var app = try await backend.app(call)
                var spec = try SpecFormat.admin.decode(
                    AdapterSpec.self, from: .object(call.body.members.filter { $0.key != Self.secretsMember.name }))
                if app.adapters.contains(where: { $0.name == spec.name }) {
                    throw TelegateError(.adapterExists, "this app already has an adapter named \(spec.name)")
                }
                // The first adapter becomes the default.
                if !call.body.has("default") { spec.isDefault = app.adapters.isEmpty }
                try spec.validate()
                var warnings: [String] = []
                let adapter = try backend.rows.adapter(
                    spec, appID: app.settings.id, existing: nil, secretValues: try Self.secrets(call.body),
                    onWarning: { warnings.append($0) })
                if spec.isDefault { for index in app.adapters.indices { app.adapters[index].isDefault = false } }
                try await adapters.add(adapter, to: app, call: call)
                return Self.reply(adapter, warnings: warnings)
            },
            adapters.get("Get an adapter"),
            AdminRoute(
                .patch, "/apps/{app}/adapters/{adapter}", "updateAdapter",
                "Change the config members given (null removes one), the default flag, or rotate secrets; the rest stays",
                body: AdminBodySchema(Self.patchMembers, readOnly: ["name", "kind", "fingerprint", "lastFour"])
            ) { call in
                try await update(call) { before in
                    var config = before
                    for member in call.body.value("config")?.objectMembers ?? [] {
                        config.removeAll { $0.key == member.key }
                        if member.value != .null { config.append(member) }
                    }
                    return config
                }
            },
            AdminRoute(
                .put, "/apps/{app}/adapters/{adapter}", "replaceAdapter",
                "Replace an adapter's whole config (secret fields left out keep their value)",
                body: AdminBodySchema(Self.putMembers, readOnly: ["name", "kind", "fingerprint", "lastFour"])
            ) { call in
                try await update(call) { _ in call.body.value("config")?.objectMembers ?? [] }
            },
            adapters.remove("Remove an adapter"),
            AdminRoute(
                .post, "/apps/{app}/adapters/{adapter}/default", "setDefaultAdapter",
                "Make an adapter the one exchanges use when they name none"
            ) { call in
                var app = try await backend.app(call)
                let index = try adapters.index(call, in: app)
                let before = app.adapters.first(where: \.isDefault)?.name.rawValue
                for other in app.adapters.indices { app.adapters[other].isDefault = other == index }
                let after = app.adapters[index].name.rawValue
                if before != after {
                    try await backend.save(
                        app, call: call, action: "adapter.default_set", target: "adapter:\(after)",
                        before: .object([("default", before.map(JSONValue.string) ?? .null)]),
                        after: .object([("default", .string(after))]))
                }
                return AdminJSON.adapter(app.adapters[index])
            },
            AdminRoute(
                .post, "/apps/{app}/adapters/{adapter}/check", "checkAdapter",
                "Test the connection: the adapter reaches and authenticates to its provider"
            ) { call in
                let app = try await backend.app(call)
                let name = app.adapters[try adapters.index(call, in: app)].name
                guard let runtime = backend.runtimes.app(app.settings.id) else { throw AdminBackend.appNotFound }
                let adapter = try runtime.adapter(name.rawValue).1
                let health = await adapter.check()
                await backend.record(
                    health.ok ? "adapter.checked" : "adapter.check_failed", call: call, appID: app.settings.id,
                    target: "adapter:\(name)", extra: [("ok", .bool(health.ok)), ("message", .string(health.message))])
                var reply: [(key: String, value: JSONValue)] = [("ok", .bool(health.ok)), ("message", .string(health.message))]
                // The check's own call has just been recorded: what it learned about reaching the provider.
                if let state = backend.services.reachability.state(of: .init(app: app.settings.id, adapter: name)) {
                    reply.append(("reachability", .string(state.isHealthy ? state.name : "\(state.name): \(state.message)")))
                }
                return .object(reply)
            },
        ]
    }

    static let settingsMembers: [AdminBodySchema.Member] = [
        defaultMember,
        .member("config", .object, "The configuration (see the kind's schema); secret fields as env:/file: references."),
        secretsMember,
    ]

    static let patchMembers: [AdminBodySchema.Member] = [
        defaultMember,
        .member(
            "config", .object,
            "Config members to change: each replaces the stored member of that name, null removes it (back to its default); members not named are kept."),
        secretsMember,
    ]

    static let putMembers: [AdminBodySchema.Member] = [
        .member("default", .boolean, "Whether exchanges that name no provider use this adapter (unchanged when left out)."),
        .member(
            "config", .object, required: true,
            "The whole new configuration; members left out take their defaults, secret fields left out keep their value."),
        secretsMember,
    ]

    private static let defaultMember = AdminBodySchema.Member.member(
        "default", .boolean, "Whether exchanges that name no provider use this adapter.")
    private static let secretsMember = AdminBodySchema.Member.member(
        "secrets", .object, "Secret field values (write-only), by field name; they win over references.")

    /// Changes an adapter: `config` turns its stored config (without the fingerprints) into the new one; secret
    /// fields the new one leaves out keep their value, unless the body names them (a `null` removes one).
    /// Validated, sealed, saved and audited like every change.
    private func update(
        _ call: AdminCall, config: ([(key: String, value: JSONValue)]) -> [(key: String, value: JSONValue)]
    ) async throws -> JSONValue {
        var app = try await backend.app(call)
        let index = try adapters.index(call, in: app)
        let before = app.adapters[index]
        let secretValues = try Self.secrets(call.body)
        var spec = AdapterSpec(before)
        var members = config(spec.config.objectMembers ?? [])
        let named = Set((call.body.value("config")?.objectMembers ?? []).map(\.key)).union(secretValues.keys)
        for field in backend.services.registry.type(for: before.kind)?.configSchema.secretFields ?? []
        where !named.contains(field) && !members.contains(where: { $0.key == field }) {
            if let kept = before.config[field] { members.append((field, kept)) }
        }
        spec.config = .object(members)
        spec.isDefault = call.body.bool("default") ?? before.isDefault
        try spec.validate()
        var warnings: [String] = []
        let adapter = try backend.rows.adapter(
            spec, appID: app.settings.id, existing: before, secretValues: secretValues, onWarning: { warnings.append($0) })
        if spec.isDefault, !before.isDefault { for other in app.adapters.indices { app.adapters[other].isDefault = false } }
        try await adapters.replace(at: index, in: app, with: adapter, call: call)
        return Self.reply(adapter, warnings: warnings)
    }

    /// An adapter as saved, with the warnings of saving it (a URL whose host does not resolve yet).
    private static func reply(_ adapter: StoredAdapter, warnings: [String]) -> JSONValue {
        let members = AdminJSON.adapter(adapter).objectMembers ?? []
        return warnings.isEmpty ? .object(members) : .object(members + [("warnings", .array(warnings.map(JSONValue.string)))])
    }

    private static func secrets(_ body: AdminBody) throws -> [String: String] {
        var values: [String: String] = [:]
        for member in body.value("secrets")?.objectMembers ?? [] {
            guard let text = member.value.stringValue, !text.isEmpty else {
                throw TelegateError(.invalidField, "secrets.\(member.key.prefix(40)) must be a string", reason: "wrong_type")
            }
            values[member.key] = text
        }
        return values
    }
}
