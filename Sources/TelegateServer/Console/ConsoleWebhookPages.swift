import Foundation
import Hummingbird
import StrictJSON
import TelegateCore

/// `/console/apps/{app}/webhooks`: an app's webhook endpoints (list, add, change, rotate the secret, send a test
/// event, remove) and one endpoint's page with its deliveries (``ConsoleWebhookDeliveries``), each change made by
/// the admin operation the admin API's route runs (`addWebhook`, `updateWebhook`, `testWebhook`, `removeWebhook`). A
/// secret Telegate generates is shown once, on the page answering the form that created or rotated it.
struct ConsoleWebhookPages: Sendable {
    let routes: ConsoleRoutes

    static let urlField = ConsoleField(
        "url", member: "url", "URL", hint: "Where events are posted: https, no credentials, no fragment.", required: true)
    /// Stands for the event checkboxes (one per subscribable event type), so an error about `events` sits beside them.
    static let eventsField = ConsoleField("events", member: "events", "Events", .list)
    static let settingsFields = [
        urlField,
        ConsoleField("description", member: "description", "Description", hint: "A note for admins, at most 200 characters."),
        ConsoleField(
            "allow_insecure_loopback", member: "allowInsecureLoopback", "Allow plain http to a loopback address (development only)",
            .checkbox),
        ConsoleField(
            "allow_private_networks", member: "allowPrivateNetworks", "Allow hosts in private networks (and loopback over https)",
            .checkbox),
    ]
    static let secretReferenceField = ConsoleField(
        "secret_reference", member: "secretReference", "Secret reference",
        hint: "env:NAME or file:PATH where the whsec_ secret is kept. Empty: Telegate generates one and shows it once.")
    static let createFields = settingsFields + [secretReferenceField]
    static let confirmField = ConsoleField(
        "confirm", member: nil, "Type the endpoint id to confirm", hint: "Its pending deliveries are removed with it.",
        required: true)

    func register(on router: Router<TelegateRequestContext>) {
        let prefix = ConsoleRoutes.prefix
        routes.page(prefix + "/apps/:app/webhooks", on: router) { visit, context in
            try await list(visit, app: Self.app(context), failure: nil)
        }
        routes.form(prefix + "/apps/:app/webhooks", on: router) { visit, form, context in
            let app = Self.app(context)
            do {
                let webhook = try await visit.call(.post, "/apps/\(app)/webhooks", body: try Self.body(Self.createFields, form: form))
                let id = ConsoleVisit.segment(webhook?["id"]?.stringValue ?? "")
                guard let secret = webhook?["secret"]?.stringValue else {
                    return .redirect("\(prefix)/apps/\(app)/webhooks/\(id)?done=created")
                }
                return .page(
                    try await endpoint(
                        visit, app: app, id: id, failure: nil,
                        notice: ConsoleMarkup.notice("The endpoint was added.")
                            + ConsoleSecret.shownOnce(
                                secret, id: "webhook-secret", label: "Signing secret",
                                use: "The receiver checks each delivery's webhook-signature with it.")))
            } catch let error as TelegateError where error.code != .adminForbidden {
                let failure = ConsoleFailure(error, form: "add-webhook", fields: Self.createFields + [Self.eventsField], values: form)
                return .page(try await list(visit, app: app, failure: failure))
            }
        }
        routes.page(prefix + "/apps/:app/webhooks/:webhook", on: router) { visit, context in
            try await endpoint(
                visit, app: Self.app(context), id: Self.webhook(context), failure: nil, notice: Self.notice(visit.query))
        }
        routes.form(prefix + "/apps/:app/webhooks/:webhook", on: router) { visit, form, context in
            let (app, id) = (Self.app(context), Self.webhook(context))
            do {
                _ = try await visit.call(
                    .patch, "/apps/\(app)/webhooks/\(id)", body: try Self.body(Self.settingsFields, form: form))
                return .redirect("\(prefix)/apps/\(app)/webhooks/\(id)?done=updated")
            } catch let error as TelegateError where error.code != .adminForbidden {
                let failure = ConsoleFailure(
                    error, form: "webhook-settings", fields: Self.settingsFields + [Self.eventsField], values: form)
                return .page(try await endpoint(visit, app: app, id: id, failure: failure, notice: ""))
            }
        }
        routes.form(prefix + "/apps/:app/webhooks/:webhook/secret", on: router) { visit, form, context in
            let (app, id) = (Self.app(context), Self.webhook(context))
            do {
                var body = try ConsoleField.body([Self.secretReferenceField], form: form)
                if body.objectMembers?.isEmpty ?? true { body = .object([("rotateSecret", .bool(true))]) }
                let webhook = try await visit.call(.patch, "/apps/\(app)/webhooks/\(id)", body: body)
                guard let secret = webhook?["secret"]?.stringValue else {
                    return .redirect("\(prefix)/apps/\(app)/webhooks/\(id)?done=rotated")
                }
                return .page(
                    try await endpoint(
                        visit, app: app, id: id, failure: nil,
                        notice: ConsoleSecret.shownOnce(
                            secret, id: "webhook-secret", label: "New signing secret",
                            use: "The previous secret keeps signing next to it for 24 hours.")))
            } catch let error as TelegateError where error.code != .adminForbidden {
                let failure = ConsoleFailure(error, form: "rotate-secret", fields: [Self.secretReferenceField], values: form)
                return .page(try await endpoint(visit, app: app, id: id, failure: failure, notice: ""))
            }
        }
        for (action, enabled) in [("enable", true), ("disable", false)] {
            routes.form(prefix + "/apps/:app/webhooks/:webhook/\(action)", on: router) { visit, _, context in
                let (app, id) = (Self.app(context), Self.webhook(context))
                _ = try await visit.call(.patch, "/apps/\(app)/webhooks/\(id)", body: .object([("enabled", .bool(enabled))]))
                return .redirect("\(prefix)/apps/\(app)/webhooks/\(id)?done=\(action)d")
            }
        }
        routes.form(prefix + "/apps/:app/webhooks/:webhook/test", on: router) { visit, _, context in
            let (app, id) = (Self.app(context), Self.webhook(context))
            let sent = try await visit.call(.post, "/apps/\(app)/webhooks/\(id)/test")
            let event = ConsoleVisit.segment(sent?["event"]?.stringValue ?? "")
            return .redirect("\(prefix)/apps/\(app)/webhooks/\(id)?done=tested&event=\(event)")
        }
        routes.form(prefix + "/apps/:app/webhooks/:webhook/delete", on: router) { visit, form, context in
            let (app, id) = (Self.app(context), Self.webhook(context))
            do {
                guard form["confirm"]?.trimmingCharacters(in: .whitespaces) == id else {
                    throw TelegateError(.invalidField, "confirm must be the endpoint id, \(id)", reason: "confirmation")
                }
                _ = try await visit.call(.delete, "/apps/\(app)/webhooks/\(id)")
                return .redirect("\(prefix)/apps/\(app)/webhooks?done=removed")
            } catch let error as TelegateError where error.code != .adminForbidden {
                let failure = ConsoleFailure(error, form: "remove-webhook", fields: [Self.confirmField], values: form)
                return .page(try await endpoint(visit, app: app, id: id, failure: failure, notice: ""))
            }
        }
        ConsoleWebhookDeliveries(routes: routes).register(on: router)
    }

    static func app(_ context: TelegateRequestContext) -> String {
        ConsoleVisit.segment(context.parameters.get("app") ?? "")
    }

    static func webhook(_ context: TelegateRequestContext) -> String {
        ConsoleVisit.segment(context.parameters.get("webhook") ?? "")
    }

    /// The admin API body of `fields` and the ticked event checkboxes.
    private static func body(_ fields: [ConsoleField], form: [String: String]) throws -> JSONValue {
        let events = EventType.subscribable.filter { form[checkbox($0)] != nil }.map { JSONValue.string($0.rawValue) }
        return .object((try ConsoleField.body(fields, form: form).objectMembers ?? []) + [("events", .array(events))])
    }

    /// The form name of an event type's checkbox (`user.created`: `event_user_created`).
    private static func checkbox(_ type: EventType) -> String {
        "event_" + type.rawValue.replacingOccurrences(of: ".", with: "_")
    }

    // MARK: Pages

    /// The app's endpoints and the form adding one.
    private func list(_ visit: ConsoleVisit, app: String, failure: ConsoleFailure?) async throws -> ConsolePage {
        let webhooks = try await visit.call(.get, "/apps/\(app)/webhooks")?["items"]?.arrayElements ?? []
        let base = "\(ConsoleRoutes.prefix)/apps/\(app)/webhooks"
        var main = visit.query["done"] == "removed" ? ConsoleMarkup.notice("The endpoint was removed.") : ""
        main += "<p>\(ConsoleMarkup.link("\(ConsoleRoutes.prefix)/apps/\(app)", "Back to app \(app)"))</p>"
        if webhooks.isEmpty {
            main += ConsoleMarkup.empty(
                visit.mayWrite
                    ? "No webhook endpoints yet. Add one below to receive the app's user events."
                    : "No webhook endpoints yet. An admin with a writable token adds them.")
        } else {
            let rows = webhooks.map { webhook -> [String] in
                let id = webhook["id"]?.stringValue ?? ""
                return [
                    ConsoleMarkup.link("\(base)/\(id)", id), ConsoleMarkup.text(webhook["url"]?.stringValue ?? ""),
                    ConsoleMarkup.text(ConsoleField.text(of: webhook["events"])), ConsoleMarkup.text(Self.state(webhook)),
                    ConsoleMarkup.text(webhook["description"]?.stringValue ?? ""),
                ]
            }
            main += ConsoleMarkup.table(
                caption: "Webhook endpoints of \(app)", headers: ["Endpoint", "URL", "Events", "State", "Description"], rows: rows)
        }
        if visit.mayWrite {
            let inputs =
                ConsoleMarkup.input(Self.urlField, form: "add-webhook", failure: failure)
                + Self.events(form: "add-webhook", checked: [], failure: failure)
                + Self.createFields.dropFirst().map { ConsoleMarkup.input($0, form: "add-webhook", failure: failure) }.joined()
            main += "<h2>Add an endpoint</h2>"
                + ConsoleMarkup.form(
                    id: "add-webhook", action: base, csrf: visit.csrf, content: inputs, submit: "Add endpoint", failure: failure)
        }
        return ConsolePage(title: "Webhooks of \(app)", section: .apps, main: main, status: failure?.error.status ?? 200)
    }

    /// One endpoint: its settings (and the form changing them), its deliveries, rotating its secret, a test event,
    /// removing it. `notice` comes first (a generated secret, right after the form that made it).
    func endpoint(_ visit: ConsoleVisit, app: String, id: String, failure: ConsoleFailure?, notice: String)
        async throws -> ConsolePage
    {
        guard let webhook = try await visit.call(.get, "/apps/\(app)/webhooks/\(id)") else {
            throw TelegateError(.webhookNotFound, "this app has no such webhook")
        }
        let base = "\(ConsoleRoutes.prefix)/apps/\(app)/webhooks/\(id)"
        var main = notice
        main += "<p>\(ConsoleMarkup.link("\(ConsoleRoutes.prefix)/apps/\(app)/webhooks", "Back to the webhooks of \(app)"))</p>"
        var facts = [("Endpoint id", id), ("State", Self.state(webhook))]
        if let reference = webhook["secretReference"]?.stringValue { facts.append(("Secret", "kept at \(reference)")) }
        if let expires = webhook["previousSecretExpiresAt"]?.integerValue {
            facts.append(("Previous secret signs until", ConsoleTime.utc(expires)))
        }
        main += "<section><dl>"
            + facts.map { "<dt>\(ConsoleMarkup.text($0.0))</dt><dd>\(ConsoleMarkup.text($0.1))</dd>" }.joined()
            + "</dl></section>"
        main += "<h2>Settings</h2>"
        let subscribed = Set(webhook["events"]?.arrayElements?.compactMap(\.stringValue) ?? [])
        if visit.mayWrite {
            let values = Self.settingsFields.map { field in
                field.kind == .checkbox
                    ? (webhook[field.member ?? ""]?.boolValue == true ? "on" : "")
                    : ConsoleField.text(of: field.member.flatMap { webhook[$0] })
            }
            let inputs =
                ConsoleMarkup.input(Self.urlField, form: "webhook-settings", value: values[0], failure: failure)
                + Self.events(form: "webhook-settings", checked: subscribed, failure: failure)
                + zip(Self.settingsFields, values).dropFirst().map { field, value in
                    ConsoleMarkup.input(field, form: "webhook-settings", value: value, failure: failure)
                }.joined()
            main += ConsoleMarkup.form(
                id: "webhook-settings", action: base, csrf: visit.csrf, content: inputs, submit: "Save endpoint",
                failure: failure)
        } else {
            let rows = [
                ("URL", webhook["url"]?.stringValue ?? ""), ("Events", subscribed.sorted().joined(separator: ", ")),
                ("Description", webhook["description"]?.stringValue ?? ""),
            ].map { "<dt>\(ConsoleMarkup.text($0.0))</dt><dd>\(ConsoleMarkup.text($0.1))</dd>" }.joined()
            main += "<section><dl>\(rows)</dl></section>"
        }
        main += try await ConsoleWebhookDeliveries.section(visit, app: app, webhook: id, failure: failure)
        if visit.mayWrite {
            let disabled = webhook["disabledAt"] != nil
            main += "<h2>Deliveries on or off</h2>"
                + ConsoleMarkup.form(
                    id: disabled ? "enable-webhook" : "disable-webhook", action: base + (disabled ? "/enable" : "/disable"),
                    csrf: visit.csrf,
                    content: disabled
                        ? "<p>The endpoint is disabled: nothing new is queued for it and its pending deliveries wait.</p>"
                        : "<p>Disabling stops deliveries: nothing new is queued and pending deliveries wait until it is enabled.</p>",
                    submit: disabled ? "Enable endpoint" : "Disable endpoint", danger: !disabled)
            main += "<h2>Send a test event</h2>"
                + ConsoleMarkup.form(
                    id: "test-webhook", action: base + "/test", csrf: visit.csrf,
                    content: "<p>Queues a webhook.test event for this endpoint only; it appears in the deliveries above.</p>",
                    submit: "Send test event")
            main += "<h2>Rotate the signing secret</h2>"
                + ConsoleMarkup.form(
                    id: "rotate-secret", action: base + "/secret", csrf: visit.csrf,
                    content: "<p>The previous secret keeps signing next to the new one for 24 hours.</p>"
                        + ConsoleMarkup.input(Self.secretReferenceField, form: "rotate-secret", failure: failure),
                    submit: "Rotate secret", failure: failure)
            main += "<h2>Remove this endpoint</h2>"
                + ConsoleMarkup.form(
                    id: "remove-webhook", action: base + "/delete", csrf: visit.csrf,
                    content: ConsoleMarkup.input(Self.confirmField, form: "remove-webhook", failure: failure),
                    submit: "Remove endpoint", danger: true, failure: failure, confirm: id)
        }
        return ConsolePage(title: "Webhook \(id)", section: .apps, main: main, status: failure?.error.status ?? 200)
    }

    /// A checkbox for each event type an endpoint may subscribe to, with the error about `events` beside them.
    private static func events(form: String, checked: Set<String>, failure: ConsoleFailure?) -> String {
        let refused = failure?.form == form
        let boxes = EventType.subscribable.map { type -> String in
            let name = checkbox(type)
            let id = "\(form)-\(name)"
            let on = refused ? failure?.value(form: form, field: name) != nil : checked.contains(type.rawValue)
            return "<div class=\"check\"><input type=\"checkbox\" id=\"\(id)\" name=\"\(name)\" value=\"on\"\(on ? " checked" : "")>"
                + "<label for=\"\(id)\">\(ConsoleMarkup.text(type.rawValue))</label></div>"
        }.joined()
        let error = failure?.message(form: form, field: eventsField.name).map {
            "<p class=\"error\" id=\"\(form)-events-error\" role=\"alert\">\(ConsoleMarkup.errorText($0))</p>"
        } ?? ""
        return "<fieldset><legend>Events delivered</legend>\(boxes)\(error)</fieldset>"
    }

    /// Whether deliveries go out: enabled, or disabled since when and why.
    private static func state(_ webhook: JSONValue) -> String {
        guard let at = webhook["disabledAt"]?.integerValue else { return "enabled" }
        return "disabled since \(ConsoleTime.utc(at)) (\(webhook["disabledReason"]?.stringValue ?? ""))"
    }

    /// The notice of the change that led here (`?done=`), with the event id of a test.
    private static func notice(_ query: [String: String]) -> String {
        let event = ConsoleVisit.segment(String((query["event"] ?? "").prefix(40)))
        let count = String((query["count"] ?? "").filter(\.isASCII).filter(\.isNumber).prefix(9))
        switch query["done"] {
        case "created": return ConsoleMarkup.notice("The endpoint was added.")
        case "updated": return ConsoleMarkup.notice("The endpoint was saved.")
        case "rotated": return ConsoleMarkup.notice("The secret was rotated to the value its reference holds now.")
        case "enabled": return ConsoleMarkup.notice("The endpoint was enabled: its pending deliveries go out.")
        case "disabled": return ConsoleMarkup.notice("The endpoint was disabled.")
        case "tested": return ConsoleMarkup.notice("Test event \(event) was queued.")
        case "replayed": return ConsoleMarkup.notice("\(count.isEmpty ? "0" : count) deliveries were queued again.")
        default: return ""
        }
    }
}
