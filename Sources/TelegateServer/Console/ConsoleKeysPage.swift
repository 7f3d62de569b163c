import Hummingbird
import StrictJSON
import TelegateCore

/// `/console/apps/{app}/keys`: the signing keys of an app's built-in issuer (public parts only), rotating them and
/// retiring a retired key now, each by the admin operation the admin API's route runs (`listKeys`, `rotateKeys`,
/// `retireKey`).
struct ConsoleKeysPage: Sendable {
    let routes: ConsoleRoutes

    static let rotateField = ConsoleField(
        "confirm", member: nil, "I understand: the successor starts signing now", .checkbox,
        hint: "The old key stays published until every token it signed has expired.", required: true)
    static let retireField = ConsoleField(
        "kid", member: nil, "Type the kid of the retired key", hint: "It leaves the JWKS now; tokens it signed stop verifying.",
        required: true)

    func register(on router: Router<TelegateRequestContext>) {
        let prefix = ConsoleRoutes.prefix
        routes.page(prefix + "/apps/:app/keys", on: router) { visit, context in
            try await page(visit, app: context.parameters.get("app") ?? "", failure: nil)
        }
        routes.form(prefix + "/apps/:app/keys/rotate", on: router) { visit, form, context in
            let app = ConsoleVisit.segment(context.parameters.get("app") ?? "")
            do {
                guard form["confirm"] != nil else {
                    throw TelegateError(.invalidField, "confirm: tick the box to rotate", reason: "confirmation")
                }
                _ = try await visit.call(.post, "/apps/\(app)/keys/rotate", body: .object([]))
                return .redirect("\(prefix)/apps/\(app)/keys?done=rotated")
            } catch let error as TelegateError where error.code != .adminForbidden {
                let failure = ConsoleFailure(error, form: "rotate-keys", fields: [Self.rotateField], values: form)
                return .page(try await page(visit, app: app, failure: failure))
            }
        }
        routes.form(prefix + "/apps/:app/keys/retire", on: router) { visit, form, context in
            let app = ConsoleVisit.segment(context.parameters.get("app") ?? "")
            do {
                let typed = form["kid"]?.trimmingCharacters(in: .whitespaces) ?? ""
                let kid = ConsoleVisit.segment(typed)
                guard !kid.isEmpty, kid == typed else {
                    throw TelegateError(.signingKeyNotFound, "the app publishes no signing key with kid \(typed)")
                }
                _ = try await visit.call(.post, "/apps/\(app)/keys/\(kid)/retire")
                return .redirect("\(prefix)/apps/\(app)/keys?done=retired")
            } catch let error as TelegateError where error.code != .adminForbidden {
                let failure = ConsoleFailure(error, form: "retire-key", fields: [Self.retireField], values: form)
                return .page(try await page(visit, app: app, failure: failure))
            }
        }
    }

    private func page(_ visit: ConsoleVisit, app rawApp: String, failure: ConsoleFailure?) async throws -> ConsolePage {
        let app = ConsoleVisit.segment(rawApp)
        let keys = try await visit.call(.get, "/apps/\(app)/keys")?["items"]?.arrayElements ?? []
        let base = "\(ConsoleRoutes.prefix)/apps/\(app)"
        var main = ""
        switch visit.query["done"] {
        case "rotated": main += ConsoleMarkup.notice("The keys were rotated: the successors sign now.")
        case "retired": main += ConsoleMarkup.notice("The key was retired: it is no longer published.")
        default: break
        }
        main += "<p>\(ConsoleMarkup.link(base, "Back to app \(app)")) · "
            + "\(ConsoleMarkup.link("/apps/\(app)/.well-known/jwks.json", "Published JWKS"))</p>"
        main += "<p>Every key is published (<em>next</em>) one rotation before it signs (<em>active</em>); a "
            + "<em>retired</em> key stays published until the tokens it signed have expired. Other instances see a "
            + "change within 30 seconds.</p>"
        if keys.isEmpty {
            main += ConsoleMarkup.empty(
                "No signing keys yet. The first exchange through an adapter that signs tokens creates them (or rotate below).")
        } else {
            let rows = keys.map { key -> [String] in
                [
                    "<code>\(ConsoleMarkup.text(key["kid"]?.stringValue ?? ""))</code>",
                    ConsoleMarkup.text(key["algorithm"]?.stringValue ?? ""), ConsoleMarkup.text(key["state"]?.stringValue ?? ""),
                    ConsoleMarkup.time(key["createdAt"]?.integerValue), ConsoleMarkup.time(key["retiresAt"]?.integerValue),
                ]
            }
            main += ConsoleMarkup.table(
                caption: "Signing keys (public parts only)", headers: ["Kid", "Algorithm", "State", "Created", "Leaves the JWKS"],
                rows: rows)
        }
        if visit.mayWrite {
            main += "<h2>Rotate</h2>"
                + ConsoleMarkup.form(
                    id: "rotate-keys", action: base + "/keys/rotate", csrf: visit.csrf,
                    content: ConsoleMarkup.input(Self.rotateField, form: "rotate-keys", failure: failure),
                    submit: "Rotate keys", failure: failure)
            main += "<h2>Retire a key now</h2>"
            let retired = keys.filter { $0["state"]?.stringValue == "retired" }
            if retired.isEmpty, failure?.form != "retire-key" {
                main += ConsoleMarkup.empty(
                    "No retired key is published. To stop trusting the active key (say it leaked), rotate first, then retire it here.")
            } else {
                main += ConsoleMarkup.form(
                    id: "retire-key", action: base + "/keys/retire", csrf: visit.csrf,
                    content: ConsoleMarkup.input(Self.retireField, form: "retire-key", failure: failure),
                    submit: "Retire key", danger: true, failure: failure)
            }
        }
        return ConsolePage(title: "Signing keys of \(app)", section: .apps, main: main, status: failure?.error.status ?? 200)
    }
}
