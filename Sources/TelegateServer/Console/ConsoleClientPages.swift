import Foundation
import Hummingbird
import StrictJSON
import TelegateCore

/// `/console/apps/{app}/clients`: the OAuth clients of an app's OpenID Provider (list, add, change, rotate the secret,
/// remove), each change made by the admin operation the admin API's route runs (`addClient`, `updateClient`,
/// `rotateClientSecret`, `removeClient`). A secret Telegate generates is shown once, on the page answering the form
/// that created or rotated it.
struct ConsoleClientPages: Sendable {
    let routes: ConsoleRoutes

    static let createFields =
        [
            ConsoleField("id", member: "id", "Client id", hint: "The client_id: a lowercase slug, such as web.", required: true),
            ConsoleField(
                "public", member: "public", "Public client (a browser or mobile app: no secret, PKCE required)", .checkbox),
        ] + settingsFields + [secretReferenceField]
    static let settingsFields = [
        ConsoleField(
            "redirect_uris", member: "redirectURIs", "Redirect URIs", .list,
            hint: "Matched exactly, separated by commas or spaces: https (http only for localhost), no fragment.",
            required: true),
        ConsoleField(
            "post_logout_redirect_uris", member: "postLogoutRedirectURIs", "Post-logout redirect URIs", .list,
            hint: "Where RP-initiated logout may return, matched exactly."),
        ConsoleField(
            "scopes", member: "scopes", "Scopes", .list,
            hint: "Of " + ClientSpec.supportedScopes.joined(separator: ", ") + "; openid is required."),
        ConsoleField("consent", member: "consent", "Consent", hint: "skip (the app's own client) or required (ask once)."),
        ConsoleField(
            "token_endpoint_auth_method", member: "tokenEndpointAuthMethod", "Token endpoint authentication",
            hint: "client_secret_basic or client_secret_post (empty: both), or none for a public client."),
        ConsoleField("id_token_algorithm", member: "idTokenAlgorithm", "ID token algorithm", hint: "RS256, ES256 or EdDSA."),
    ]
    static let secretReferenceField = ConsoleField(
        "secret_reference", member: "secretReference", "Secret reference",
        hint: "env:NAME or file:PATH where the secret is kept. Empty: Telegate generates one and shows it once.")
    static let confirmField = ConsoleField(
        "confirm", member: nil, "Type the client id to confirm",
        hint: "Websites using this client can no longer sign users in.", required: true)

    func register(on router: Router<TelegateRequestContext>) {
        let prefix = ConsoleRoutes.prefix
        routes.page(prefix + "/apps/:app/clients", on: router) { visit, context in
            try await list(visit, app: Self.app(context), failure: nil)
        }
        routes.form(prefix + "/apps/:app/clients", on: router) { visit, form, context in
            let app = Self.app(context)
            do {
                let client = try await visit.call(.post, "/apps/\(app)/clients", body: try ConsoleField.body(Self.createFields, form: form))
                let id = ConsoleVisit.segment(client?["id"]?.stringValue ?? "")
                guard let secret = client?["clientSecret"]?.stringValue else {
                    return .redirect("\(prefix)/apps/\(app)/clients/\(id)?done=created")
                }
                return .page(
                    try await detail(
                        visit, app: app, id: id, failure: nil,
                        notice: ConsoleMarkup.notice("The client was added.")
                            + ConsoleSecret.shownOnce(
                                secret, id: "client-secret", label: "Client secret",
                                use: "Give it to the client's server; only its digest is kept.")))
            } catch let error as TelegateError where error.code != .adminForbidden {
                let failure = ConsoleFailure(error, form: "add-client", fields: Self.createFields, values: form)
                return .page(try await list(visit, app: app, failure: failure))
            }
        }
        routes.page(prefix + "/apps/:app/clients/:client", on: router) { visit, context in
            try await detail(visit, app: Self.app(context), id: Self.client(context), failure: nil, notice: notice(visit.query))
        }
        routes.form(prefix + "/apps/:app/clients/:client", on: router) { visit, form, context in
            let (app, id) = (Self.app(context), Self.client(context))
            do {
                _ = try await visit.call(
                    .patch, "/apps/\(app)/clients/\(id)", body: try ConsoleField.body(Self.settingsFields, form: form))
                return .redirect("\(prefix)/apps/\(app)/clients/\(id)?done=updated")
            } catch let error as TelegateError where error.code != .adminForbidden {
                let failure = ConsoleFailure(error, form: "client-settings", fields: Self.settingsFields, values: form)
                return .page(try await detail(visit, app: app, id: id, failure: failure, notice: ""))
            }
        }
        routes.form(prefix + "/apps/:app/clients/:client/secret", on: router) { visit, form, context in
            let (app, id) = (Self.app(context), Self.client(context))
            do {
                let body = try ConsoleField.body([Self.secretReferenceField], form: form)
                let client = try await visit.call(.post, "/apps/\(app)/clients/\(id)/secret", body: body)
                guard let secret = client?["clientSecret"]?.stringValue else {
                    return .redirect("\(prefix)/apps/\(app)/clients/\(id)?done=rotated")
                }
                return .page(
                    try await detail(
                        visit, app: app, id: id, failure: nil,
                        notice: ConsoleSecret.shownOnce(
                            secret, id: "client-secret", label: "New client secret",
                            use: "The previous secret no longer works.")))
            } catch let error as TelegateError where error.code != .adminForbidden {
                let failure = ConsoleFailure(error, form: "rotate-secret", fields: [Self.secretReferenceField], values: form)
                return .page(try await detail(visit, app: app, id: id, failure: failure, notice: ""))
            }
        }
        routes.form(prefix + "/apps/:app/clients/:client/delete", on: router) { visit, form, context in
            let (app, id) = (Self.app(context), Self.client(context))
            do {
                guard form["confirm"]?.trimmingCharacters(in: .whitespaces) == id else {
                    throw TelegateError(.invalidField, "confirm must be the client id, \(id)", reason: "confirmation")
                }
                _ = try await visit.call(.delete, "/apps/\(app)/clients/\(id)")
                return .redirect("\(prefix)/apps/\(app)/clients?done=removed")
            } catch let error as TelegateError where error.code != .adminForbidden {
                let failure = ConsoleFailure(error, form: "remove-client", fields: [Self.confirmField], values: form)
                return .page(try await detail(visit, app: app, id: id, failure: failure, notice: ""))
            }
        }
    }

    private static func app(_ context: TelegateRequestContext) -> String {
        ConsoleVisit.segment(context.parameters.get("app") ?? "")
    }

    private static func client(_ context: TelegateRequestContext) -> String {
        ConsoleVisit.segment(context.parameters.get("client") ?? "")
    }

    // MARK: Pages

    /// The app's clients and the form adding one.
    private func list(_ visit: ConsoleVisit, app: String, failure: ConsoleFailure?) async throws -> ConsolePage {
        let clients = try await visit.call(.get, "/apps/\(app)/clients")?["items"]?.arrayElements ?? []
        let base = "\(ConsoleRoutes.prefix)/apps/\(app)/clients"
        var main = visit.query["done"] == "removed" ? ConsoleMarkup.notice("The client was removed.") : ""
        main += "<p>\(ConsoleMarkup.link("\(ConsoleRoutes.prefix)/apps/\(app)", "Back to app \(app)"))</p>"
        if clients.isEmpty {
            main += ConsoleMarkup.empty(
                visit.mayWrite
                    ? "No OAuth clients yet. Add one below to let a website sign users in through this app's OpenID Provider."
                    : "No OAuth clients yet. An admin with a writable token adds them.")
        } else {
            let rows = clients.map { client -> [String] in
                let id = client["id"]?.stringValue ?? ""
                return [
                    ConsoleMarkup.link("\(base)/\(id)", id), ConsoleMarkup.text(Self.kind(client)),
                    ConsoleMarkup.text(ConsoleField.text(of: client["redirectURIs"])),
                    ConsoleMarkup.text(ConsoleField.text(of: client["scopes"])),
                    ConsoleMarkup.text(client["consent"]?.stringValue ?? ""),
                    ConsoleMarkup.text(client["tokenEndpointAuthMethod"]?.stringValue ?? ""),
                ]
            }
            main += ConsoleMarkup.table(
                caption: "OAuth clients of \(app)",
                headers: ["Client id", "Type", "Redirect URIs", "Scopes", "Consent", "Token authentication"], rows: rows)
        }
        if visit.mayWrite {
            let inputs = Self.createFields.map { field in
                ConsoleMarkup.input(
                    field, form: "add-client",
                    value: field.member == "scopes" ? ClientSpec.supportedScopes.joined(separator: ", ") : "", failure: failure)
            }.joined()
            main += "<h2>Add a client</h2>"
                + ConsoleMarkup.form(
                    id: "add-client", action: base, csrf: visit.csrf, content: inputs, submit: "Add client", failure: failure)
        }
        return ConsolePage(title: "OAuth clients of \(app)", section: .apps, main: main, status: failure?.error.status ?? 200)
    }

    /// One client: its settings (and the form changing them), rotating its secret, removing it. `notice` comes first
    /// (a generated secret, right after the form that made it).
    private func detail(_ visit: ConsoleVisit, app: String, id: String, failure: ConsoleFailure?, notice: String)
        async throws -> ConsolePage
    {
        guard let client = try await visit.call(.get, "/apps/\(app)/clients/\(id)") else {
            throw TelegateError(.clientNotFound, "this app has no such client")
        }
        let base = "\(ConsoleRoutes.prefix)/apps/\(app)/clients/\(id)"
        var main = notice
        main += "<p>\(ConsoleMarkup.link("\(ConsoleRoutes.prefix)/apps/\(app)/clients", "Back to the clients of \(app)"))</p>"
        let secret: String
        if let reference = client["secretReference"]?.stringValue {
            secret = "kept at \(reference)"
        } else {
            secret = client["hasSecret"]?.boolValue == true ? "generated by Telegate (only its digest is kept)" : "none"
        }
        let facts = [("Client id", id), ("Type", Self.kind(client)), ("Secret", secret)]
            .map { "<dt>\(ConsoleMarkup.text($0.0))</dt><dd>\(ConsoleMarkup.text($0.1))</dd>" }.joined()
        main += "<section><dl>\(facts)</dl></section>"
        main += "<h2>Settings</h2>"
        if visit.mayWrite {
            let inputs = Self.settingsFields.map { field in
                ConsoleMarkup.input(
                    field, form: "client-settings", value: ConsoleField.text(of: field.member.flatMap { client[$0] }),
                    failure: failure)
            }.joined()
            main += ConsoleMarkup.form(
                id: "client-settings", action: base, csrf: visit.csrf, content: inputs, submit: "Save client", failure: failure)
        } else {
            let rows = Self.settingsFields.map { field in
                "<dt>\(ConsoleMarkup.text(field.label))</dt>"
                    + "<dd>\(ConsoleMarkup.text(ConsoleField.text(of: field.member.flatMap { client[$0] })))</dd>"
            }.joined()
            main += "<section><dl>\(rows)</dl></section>"
        }
        if visit.mayWrite {
            if client["hasSecret"]?.boolValue == true {
                main += "<h2>Rotate the secret</h2>"
                    + ConsoleMarkup.form(
                        id: "rotate-secret", action: base + "/secret", csrf: visit.csrf,
                        content: "<p>The current secret stops working at once.</p>"
                            + ConsoleMarkup.input(Self.secretReferenceField, form: "rotate-secret", failure: failure),
                        submit: "Rotate secret", danger: true, failure: failure)
            }
            main += "<h2>Remove this client</h2>"
                + ConsoleMarkup.form(
                    id: "remove-client", action: base + "/delete", csrf: visit.csrf,
                    content: ConsoleMarkup.input(Self.confirmField, form: "remove-client", failure: failure),
                    submit: "Remove client", danger: true, failure: failure, confirm: id)
        }
        return ConsolePage(title: "OAuth client \(id)", section: .apps, main: main, status: failure?.error.status ?? 200)
    }

    /// Public (no secret, PKCE) or confidential.
    private static func kind(_ client: JSONValue) -> String {
        client["hasSecret"]?.boolValue == true || client["secretReference"] != nil ? "confidential" : "public"
    }

    /// The notice of the change that led here (`?done=`).
    private func notice(_ query: [String: String]) -> String {
        switch query["done"] {
        case "created": return ConsoleMarkup.notice("The client was added.")
        case "updated": return ConsoleMarkup.notice("The client was saved.")
        case "rotated": return ConsoleMarkup.notice("The secret was rotated to the value its reference holds now.")
        default: return ""
        }
    }
}
