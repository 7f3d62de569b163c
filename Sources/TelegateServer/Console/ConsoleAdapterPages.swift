import Hummingbird
import StrictJSON
import TelegateCore

/// `/console/apps/{app}/adapters`: an app's provider adapters (list, add, edit, make default, remove) and "Test
/// connection", with forms generated from each kind's configuration schema (``ConsoleAdapterForm``). Every change
/// is made by the admin operation the admin API's route runs (`listAdapterKinds`, `addAdapter`, `getAdapter`,
/// `replaceAdapter`, `setDefaultAdapter`, `removeAdapter`, `checkAdapter`).
struct ConsoleAdapterPages: Sendable {
    let routes: ConsoleRoutes

    func register(on router: Router<TelegateRequestContext>) {
        let prefix = ConsoleRoutes.prefix
        routes.page(prefix + "/apps/:app/adapters", on: router) { visit, context in
            try await list(visit, app: context.parameters.get("app") ?? "", kind: visit.query["kind"], failure: nil)
        }
        routes.form(prefix + "/apps/:app/adapters", on: router) { visit, form, context in
            let id = ConsoleVisit.segment(context.parameters.get("app") ?? "")
            let kind = form["kind"] ?? ""
            let generated = try await Self.form(of: kind, visit: visit, editing: false)
            let fields = [ConsoleAdapterForm.nameField, ConsoleAdapterForm.defaultField] + (generated?.configFields ?? [])
            do {
                guard let generated else { throw TelegateError(.invalidField, "choose an adapter kind", reason: "missing_field") }
                let identity = try ConsoleField.body([ConsoleAdapterForm.nameField, ConsoleAdapterForm.defaultField], form: form)
                let body = JSONValue.object(
                    (identity.objectMembers ?? []) + [("kind", .string(kind)), ("config", try generated.config(in: form))])
                let adapter = try await visit.call(.post, "/apps/\(id)/adapters", body: body)
                let name = ConsoleVisit.segment(adapter?["name"]?.stringValue ?? "")
                return .redirect("\(prefix)/apps/\(id)/adapters/\(name)?done=added")
            } catch let error as TelegateError where error.code != .adminForbidden {
                let failure = ConsoleFailure(error, form: "add-adapter", fields: fields, values: form)
                return .page(try await list(visit, app: id, kind: kind, failure: failure))
            }
        }
        routes.page(prefix + "/apps/:app/adapters/:adapter", on: router) { visit, context in
            try await adapter(visit, context, check: nil, failure: nil)
        }
        routes.form(prefix + "/apps/:app/adapters/:adapter", on: router) { visit, form, context in
            let (id, name) = Self.ids(context)
            let current = try await visit.call(.get, "/apps/\(id)/adapters/\(name)")
            let generated = try await Self.form(of: current?["kind"]?.stringValue ?? "", visit: visit, editing: true)
            do {
                // A replacement: fields left empty take their defaults, secrets left empty keep their value.
                let body = JSONValue.object([("config", try generated?.config(in: form) ?? .object([]))])
                _ = try await visit.call(.put, "/apps/\(id)/adapters/\(name)", body: body)
                return .redirect("\(prefix)/apps/\(id)/adapters/\(name)?done=updated")
            } catch let error as TelegateError where error.code != .adminForbidden {
                let failure = ConsoleFailure(error, form: "edit-adapter", fields: generated?.configFields ?? [], values: form)
                return .page(try await adapter(visit, context, check: nil, failure: failure))
            }
        }
        routes.form(prefix + "/apps/:app/adapters/:adapter/default", on: router) { visit, _, context in
            let (id, name) = Self.ids(context)
            _ = try await visit.call(.post, "/apps/\(id)/adapters/\(name)/default")
            return .redirect("\(prefix)/apps/\(id)/adapters/\(name)?done=default_set")
        }
        routes.form(prefix + "/apps/:app/adapters/:adapter/remove", on: router) { visit, _, context in
            let (id, name) = Self.ids(context)
            _ = try await visit.call(.delete, "/apps/\(id)/adapters/\(name)")
            return .redirect("\(prefix)/apps/\(id)/adapters?done=removed")
        }
        routes.form(prefix + "/apps/:app/adapters/:adapter/check", on: router) { visit, _, context in
            let (id, name) = Self.ids(context)
            let result: JSONValue
            do {
                result = try await visit.call(.post, "/apps/\(id)/adapters/\(name)/check") ?? .null
            } catch let error as TelegateError where error.code != .adminForbidden && error.code != .providerNotFound {
                result = .object([("ok", .bool(false)), ("message", .string("\(error.message) (\(error.code.rawValue))"))])
            }
            return .page(try await adapter(visit, context, check: result, failure: nil))
        }
    }

    // MARK: Pages

    /// The app's adapters, and (for a writer) the kinds to add one of, with the generated form of the chosen kind.
    private func list(_ visit: ConsoleVisit, app rawID: String, kind: String?, failure: ConsoleFailure?) async throws
        -> ConsolePage
    {
        let id = ConsoleVisit.segment(rawID)
        let adapters = try await visit.call(.get, "/apps/\(id)/adapters")?["items"]?.arrayElements ?? []
        let base = "\(ConsoleRoutes.prefix)/apps/\(id)/adapters"
        var main = visit.query["done"] == "removed" ? ConsoleMarkup.notice("The adapter was removed.") : ""
        main += "<p>\(ConsoleMarkup.link("\(ConsoleRoutes.prefix)/apps/\(id)", "Back to app \(id)"))</p>"
        if adapters.isEmpty {
            main += ConsoleMarkup.empty(
                visit.mayWrite
                    ? "No adapters yet. Add one below: choose the provider kind, fill in its form, then test the connection."
                    : "No adapters yet. An admin with a writable token adds them.")
        } else {
            let rows = adapters.map { adapter -> [String] in
                let name = adapter["name"]?.stringValue ?? ""
                return [
                    ConsoleMarkup.link("\(base)/\(ConsoleVisit.segment(name))", name),
                    ConsoleMarkup.text(adapter["kind"]?.stringValue ?? ""), adapter["default"]?.boolValue == true ? "yes" : "",
                ]
            }
            main += ConsoleMarkup.table(caption: "Adapters", headers: ["Adapter", "Kind", "Default"], rows: rows)
        }
        guard visit.mayWrite else {
            return ConsolePage(title: "Adapters of \(id)", section: .apps, main: main)
        }
        let kinds = try await visit.call(.get, "/adapter-kinds")?["items"]?.arrayElements ?? []
        main += "<h2 id=\"add\">Add an adapter</h2><p>Kind: "
            + kinds.compactMap { $0["kind"]?.stringValue }.map { name in
                name == kind
                    ? "<strong aria-current=\"true\">\(ConsoleMarkup.text(name))</strong>"
                    : ConsoleMarkup.link("\(base)?kind=\(ConsoleVisit.segment(name))#add", name)
            }.joined(separator: " · ") + "</p>"
        if let chosen = kinds.first(where: { $0["kind"]?.stringValue == kind }) {
            let generated = ConsoleAdapterForm(kind: chosen, editing: false)
            let identity = [
                ConsoleMarkup.input(ConsoleAdapterForm.nameField, form: "add-adapter", value: generated.kind, failure: failure),
                ConsoleMarkup.input(
                    ConsoleAdapterForm.defaultField, form: "add-adapter", value: adapters.isEmpty ? "on" : "", failure: failure),
            ].joined()
            let hidden = "<input type=\"hidden\" name=\"kind\" value=\"\(ConsoleMarkup.text(generated.kind))\">"
            main += "<h3>A \(ConsoleMarkup.text(generated.kind)) adapter</h3>"
                + ConsoleMarkup.form(
                    id: "add-adapter", action: base, csrf: visit.csrf,
                    content: hidden + identity
                        + generated.inputs(form: "add-adapter", values: generated.values(nil), failure: failure),
                    submit: "Add adapter", failure: failure)
        } else if let failure {
            main += "<p class=\"error\" role=\"alert\">\(ConsoleMarkup.errorText(failure.error))</p>"
        }
        return ConsolePage(title: "Adapters of \(id)", section: .apps, main: main, status: failure?.error.status ?? 200)
    }

    /// One adapter: its settings (secrets only as set or not), "Test connection" with the last result, the
    /// generated form editing it, making it the default and removing it.
    private func adapter(
        _ visit: ConsoleVisit, _ context: TelegateRequestContext, check: JSONValue?, failure: ConsoleFailure?
    ) async throws -> ConsolePage {
        let (id, name) = Self.ids(context)
        guard let adapter = try await visit.call(.get, "/apps/\(id)/adapters/\(name)") else {
            throw TelegateError(.providerNotFound, "this app has no such adapter")
        }
        let base = "\(ConsoleRoutes.prefix)/apps/\(id)/adapters/\(name)"
        let kind = adapter["kind"]?.stringValue ?? ""
        let generated = try await Self.form(of: kind, visit: visit, editing: true)
        var main = notice(visit.query)
        main += "<p>\(ConsoleMarkup.link("\(ConsoleRoutes.prefix)/apps/\(id)/adapters", "All adapters of \(id)"))</p>"
        var settings = [("Kind", kind), ("Default", adapter["default"]?.boolValue == true ? "yes" : "no")]
        for field in generated?.configFields ?? [] where field.kind == .secret {
            let set = field.member.flatMap { adapter["config"]?[$0] } != nil
            settings.append((field.label, set ? "set (write-only)" : "not set"))
        }
        if !visit.mayWrite {
            let values = generated?.values(adapter["config"]) ?? [:]
            for field in generated?.configFields ?? [] where field.kind != .secret {
                settings.append((field.label, values[field.name] ?? ""))
            }
        }
        main += "<section><dl>"
            + settings.map { "<dt>\(ConsoleMarkup.text($0.0))</dt><dd>\(ConsoleMarkup.text($0.1))</dd>" }.joined()
            + "</dl></section>"
        guard visit.mayWrite else { return ConsolePage(title: "Adapter \(name) of \(id)", section: .apps, main: main) }
        main += "<h2>Test connection</h2>"
        if let check { main += Self.checkResult(check) }
        main += ConsoleMarkup.form(
            id: "check-adapter", action: base + "/check", csrf: visit.csrf,
            content: "<p>Calls the provider with this configuration and reports whether it answers and accepts the credentials.</p>",
            submit: "Test connection")
        if let generated {
            main += "<h2>Edit</h2>"
                + ConsoleMarkup.form(
                    id: "edit-adapter", action: base, csrf: visit.csrf,
                    content: generated.inputs(form: "edit-adapter", values: generated.values(adapter["config"]), failure: failure),
                    submit: "Save adapter", failure: failure)
        }
        if adapter["default"]?.boolValue != true {
            main += "<h2>Default</h2>"
                + ConsoleMarkup.form(
                    id: "default-adapter", action: base + "/default", csrf: visit.csrf,
                    content: "<p>Exchanges that name no adapter use the default one.</p>", submit: "Make default")
        }
        main += "<h2>Remove this adapter</h2>"
            + ConsoleMarkup.form(
                id: "remove-adapter", action: base + "/remove", csrf: visit.csrf,
                content: "<p>Exchanges naming it are refused afterwards; its users' links to the provider stay.</p>",
                submit: "Remove adapter", danger: true)
        return ConsolePage(
            title: "Adapter \(name) of \(id)", section: .apps, main: main, status: failure?.error.status ?? 200)
    }

    // MARK: Helpers

    /// The app and adapter ids of the path.
    private static func ids(_ context: TelegateRequestContext) -> (app: String, adapter: String) {
        (
            ConsoleVisit.segment(context.parameters.get("app") ?? ""),
            ConsoleVisit.segment(context.parameters.get("adapter") ?? "")
        )
    }

    /// The generated form of adapter kind `kind`, from the kinds this build knows; `nil` for an unknown kind.
    private static func form(of kind: String, visit: ConsoleVisit, editing: Bool) async throws -> ConsoleAdapterForm? {
        let kinds = try await visit.call(.get, "/adapter-kinds")?["items"]?.arrayElements ?? []
        return kinds.first { $0["kind"]?.stringValue == kind }.map { ConsoleAdapterForm(kind: $0, editing: editing) }
    }

    /// The check's answer: ok or failed, its message and what it learned about reaching the provider, as text.
    private static func checkResult(_ check: JSONValue) -> String {
        let ok = check["ok"]?.boolValue == true
        var message = (ok ? "Connection ok: " : "Connection failed: ") + (check["message"]?.stringValue ?? "")
        if let reachability = check["reachability"]?.stringValue { message += " (reachability: \(reachability))" }
        return ok
            ? "<p class=\"notice\" id=\"check-result\" role=\"status\">\(ConsoleMarkup.text(message))</p>"
            : "<p class=\"error\" id=\"check-result\" role=\"alert\">\(ConsoleMarkup.text(message))</p>"
    }

    /// The notice of the change that led here (`?done=`).
    private func notice(_ query: [String: String]) -> String {
        switch query["done"] {
        case "added": ConsoleMarkup.notice("The adapter was added. Test its connection next.")
        case "updated": ConsoleMarkup.notice("The adapter was saved.")
        case "default_set": ConsoleMarkup.notice("This adapter is now the default.")
        default: ""
        }
    }
}
