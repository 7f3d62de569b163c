import Hummingbird
import StrictJSON
import TelegateCore

/// `/console/apps`: the apps (list, create) and one app's page (its settings, its bots, deleting it), each change
/// made by the admin operation the admin API's route runs (`createApp`, `updateApp`, `deleteApp`, `addBot`,
/// `removeBot`).
struct ConsoleAppPages: Sendable {
    let routes: ConsoleRoutes

    static let createFields = [ConsoleField("id", member: "id", "App id", hint: "A lowercase slug, such as poll.", required: true)]
        + settingsFields
    static let settingsFields = [
        ConsoleField(
            "cors_origins", member: "corsOrigins", "Allowed browser origins", .list,
            hint: "Exact origins separated by commas or spaces, such as https://web.telegram.org."),
        ConsoleField("init_data_max_age", member: "initDataMaxAge", "initData maximum age (seconds)", .number, hint: "At least 60."),
        ConsoleField("widget_max_age", member: "widgetMaxAge", "Login Widget data maximum age (seconds)", .number, hint: "At least 30."),
        ConsoleField(
            "session_idle_timeout", member: "sessionIdleTimeout", "Browser session idle timeout (seconds)", .number,
            hint: "For the app's OpenID Provider sessions."),
        ConsoleField("session_lifetime", member: "sessionLifetime", "Browser session lifetime (seconds)", .number),
    ]
    static let botFields = [
        ConsoleField(
            "token", member: "token", "Bot token", .secret,
            hint: "From @BotFather: 123456789:AAH…. It is kept sealed and never shown again. Leave empty for a bot given by id."),
        ConsoleField(
            "id", member: "id", "Or the bot id (without a token)", .number,
            hint: "For a bot whose token stays elsewhere: Telegate checks Telegram's Ed25519 signature only."),
        testEnvironmentField,
        ConsoleField("label", member: "label", "Label", hint: "For admins: prod, dev."),
    ]
    /// Whether a bot given by id lives in Telegram's test environment (`environment: test`).
    static let testEnvironmentField = ConsoleField(
        "test_environment", member: nil, "Test environment (a bot given by id)", .checkbox,
        hint: "Tick for a bot of Telegram's test servers; a bot with a token needs none.")
    static let confirmField = ConsoleField(
        "confirm", member: nil, "Type the app id to confirm", hint: "Deleting an app removes its bots, adapters and users.",
        required: true)

    func register(on router: Router<TelegateRequestContext>) {
        let prefix = ConsoleRoutes.prefix
        routes.page(prefix + "/apps", on: router) { visit, _ in try await list(visit, failure: nil) }
        routes.form(prefix + "/apps", on: router) { visit, form, _ in
            do {
                let body = try ConsoleField.body(Self.createFields, form: form)
                let app = try await visit.call(.post, "/apps", body: body)
                return .redirect("\(prefix)/apps/\(app?["id"]?.stringValue ?? "")?done=created")
            } catch let error as TelegateError where error.code != .adminForbidden {
                let failure = ConsoleFailure(error, form: "create-app", fields: Self.createFields, values: form)
                return .page(try await list(visit, failure: failure))
            }
        }
        routes.page(prefix + "/apps/:app", on: router) { visit, context in
            try await app(visit, id: context.parameters.get("app") ?? "", failure: nil)
        }
        routes.form(prefix + "/apps/:app", on: router) { visit, form, context in
            let id = ConsoleVisit.segment(context.parameters.get("app") ?? "")
            do {
                _ = try await visit.call(.patch, "/apps/\(id)", body: try ConsoleField.body(Self.settingsFields, form: form))
                return .redirect("\(prefix)/apps/\(id)?done=updated")
            } catch let error as TelegateError where error.code != .adminForbidden {
                let failure = ConsoleFailure(error, form: "settings", fields: Self.settingsFields, values: form)
                return .page(try await app(visit, id: id, failure: failure))
            }
        }
        routes.form(prefix + "/apps/:app/delete", on: router) { visit, form, context in
            let id = ConsoleVisit.segment(context.parameters.get("app") ?? "")
            do {
                guard form["confirm"]?.trimmingCharacters(in: .whitespaces) == id else {
                    throw TelegateError(.invalidField, "confirm must be the app id, \(id)", reason: "confirmation")
                }
                _ = try await visit.call(.delete, "/apps/\(id)")
                return .redirect("\(prefix)/apps?done=deleted")
            } catch let error as TelegateError where error.code != .adminForbidden {
                let failure = ConsoleFailure(error, form: "delete-app", fields: [Self.confirmField], values: form)
                return .page(try await app(visit, id: id, failure: failure))
            }
        }
        routes.form(prefix + "/apps/:app/bots", on: router) { visit, form, context in
            let id = ConsoleVisit.segment(context.parameters.get("app") ?? "")
            do {
                var body = try ConsoleField.body(Self.botFields, form: form).objectMembers ?? []
                if form[Self.testEnvironmentField.name] != nil { body.append(("environment", .string("test"))) }
                let bot = try await visit.call(.post, "/apps/\(id)/bots", body: .object(body))
                return .redirect("\(prefix)/apps/\(id)?done=bot_added&bot=\(bot?["id"]?.integerValue ?? 0)")
            } catch let error as TelegateError where error.code != .adminForbidden {
                let failure = ConsoleFailure(error, form: "add-bot", fields: Self.botFields, values: form)
                return .page(try await app(visit, id: id, failure: failure))
            }
        }
        routes.form(prefix + "/apps/:app/bots/:bot/remove", on: router) { visit, _, context in
            let id = ConsoleVisit.segment(context.parameters.get("app") ?? "")
            let bot = ConsoleVisit.segment(context.parameters.get("bot") ?? "")
            _ = try await visit.call(.delete, "/apps/\(id)/bots/\(bot)")
            return .redirect("\(prefix)/apps/\(id)?done=bot_removed&bot=\(bot)")
        }
    }

    // MARK: Pages

    /// The apps the caller may see, and the form creating one.
    private func list(_ visit: ConsoleVisit, failure: ConsoleFailure?) async throws -> ConsolePage {
        let apps = try await visit.call(.get, "/apps")?["items"]?.arrayElements ?? []
        var main = visit.query["done"] == "deleted" ? ConsoleMarkup.notice("The app was deleted.") : ""
        if apps.isEmpty {
            main += ConsoleMarkup.empty(
                visit.mayCreateApps
                    ? "No apps yet. Create one below, then add its bot and look up its users."
                    : "No apps to show. An admin with a writable token creates apps (or telegate admin apps create).")
        } else {
            let rows = apps.map { app -> [String] in
                let id = app["id"]?.stringValue ?? ""
                return [
                    ConsoleMarkup.link("\(ConsoleRoutes.prefix)/apps/\(id)", id),
                    String(app["bots"]?.arrayElements?.count ?? 0), String(app["adapters"]?.arrayElements?.count ?? 0),
                    ConsoleMarkup.link("\(ConsoleRoutes.prefix)/apps/\(id)/users", "Users"),
                ]
            }
            main += ConsoleMarkup.table(caption: "Apps", headers: ["App", "Bots", "Adapters", "Users"], rows: rows)
        }
        if visit.mayCreateApps {
            let inputs = Self.createFields.map { ConsoleMarkup.input($0, form: "create-app", failure: failure) }.joined()
            main += "<h2 id=\"create\">Create an app</h2>"
                + ConsoleMarkup.form(
                    id: "create-app", action: "\(ConsoleRoutes.prefix)/apps", csrf: visit.csrf, content: inputs,
                    submit: "Create app", failure: failure)
        }
        return ConsolePage(title: "Apps", section: .apps, main: main, status: failure?.error.status ?? 200)
    }

    /// One app: its settings (and the form changing them), its bots (adding and removing), deleting it.
    private func app(_ visit: ConsoleVisit, id rawID: String, failure: ConsoleFailure?) async throws -> ConsolePage {
        let id = ConsoleVisit.segment(rawID)
        guard let app = try await visit.call(.get, "/apps/\(id)") else { throw TelegateError(.appNotFound, "there is no such app") }
        let base = "\(ConsoleRoutes.prefix)/apps/\(id)"
        var main = notice(visit.query)
        main += "<p>\(ConsoleMarkup.link(base + "/users", "Find users")) · "
            + "\(ConsoleMarkup.link(base + "/adapters", "Adapters")) · "
            + "\(ConsoleMarkup.link(base + "/keys", "Signing keys")) · "
            + "\(ConsoleMarkup.link("\(ConsoleRoutes.prefix)/audit?app=\(id)", "Audit log of this app"))</p>"
        main += "<p>\(ConsoleMarkup.link(base + "/clients", "OAuth clients")) · \(ConsoleMarkup.link(base + "/webhooks", "Webhooks"))</p>"
        main += "<h2>Settings</h2>"
        if visit.mayWrite {
            let inputs = Self.settingsFields.map { field in
                ConsoleMarkup.input(
                    field, form: "settings", value: ConsoleField.text(of: field.member.flatMap { app[$0] }), failure: failure)
            }.joined()
            main += ConsoleMarkup.form(
                id: "settings", action: base, csrf: visit.csrf, content: inputs, submit: "Save settings", failure: failure)
        } else {
            let rows = Self.settingsFields.map { field in
                "<dt>\(ConsoleMarkup.text(field.label))</dt><dd>\(ConsoleMarkup.text(ConsoleField.text(of: field.member.flatMap { app[$0] })))</dd>"
            }.joined()
            main += "<section><dl>\(rows)</dl></section>"
        }
        main += "<h2>Bots</h2>" + bots(app["bots"]?.arrayElements ?? [], visit: visit, base: base)
        if visit.mayWrite {
            main += "<h2 id=\"add-bot-title\">Add a bot</h2>"
                + ConsoleMarkup.form(
                    id: "add-bot", action: base + "/bots", csrf: visit.csrf,
                    content: Self.botFields.map { ConsoleMarkup.input($0, form: "add-bot", failure: failure) }.joined(),
                    submit: "Add bot", failure: failure)
            main += "<h2>Delete this app</h2>"
                + ConsoleMarkup.form(
                    id: "delete-app", action: base + "/delete", csrf: visit.csrf,
                    content: ConsoleMarkup.input(Self.confirmField, form: "delete-app", failure: failure),
                    submit: "Delete app", danger: true, failure: failure, confirm: id)
        }
        return ConsolePage(title: "App \(id)", section: .apps, main: main, status: failure?.error.status ?? 200)
    }

    private func bots(_ bots: [JSONValue], visit: ConsoleVisit, base: String) -> String {
        guard !bots.isEmpty else {
            return ConsoleMarkup.empty(
                visit.mayWrite
                    ? "No bots yet. Add the app's bot below by pasting its token from @BotFather (or by its id alone)."
                    : "No bots yet. An admin with a writable token adds them.")
        }
        let rows = bots.map { bot -> [String] in
            let id = String(bot["id"]?.integerValue ?? 0)
            let verification =
                bot["mode"]?.stringValue == "token"
                ? "token …\(bot["token"]?["lastFour"]?.stringValue ?? "")" : "Ed25519 (\(bot["environment"]?.stringValue ?? ""))"
            var cells = [
                "<code>\(ConsoleMarkup.text(id))</code>", ConsoleMarkup.text(bot["label"]?.stringValue ?? ""),
                ConsoleMarkup.text(verification), bot["default"]?.boolValue == true ? "yes" : "",
            ]
            if visit.mayWrite {
                cells.append(
                    "<form class=\"inline\" method=\"post\" action=\"\(ConsoleMarkup.text("\(base)/bots/\(id)/remove"))\">"
                        + "<input type=\"hidden\" name=\"\(ConsoleRoutes.csrfField)\" value=\"\(ConsoleMarkup.text(visit.csrf))\">"
                        + "<button type=\"submit\" aria-label=\"Remove bot \(ConsoleMarkup.text(id))\">Remove</button></form>")
            }
            return cells
        }
        let headers = ["Bot id", "Label", "Verification", "Default"] + (visit.mayWrite ? ["Actions"] : [])
        return ConsoleMarkup.table(caption: "Bots", headers: headers, rows: rows)
    }

    /// The notice of the change that led here (`?done=`), with the bot id of a bot change.
    private func notice(_ query: [String: String]) -> String {
        // Only a bot id is shown from the link, so the notice cannot be made to say anything else.
        let bot = String((query["bot"] ?? "").filter(\.isASCII).filter(\.isNumber).prefix(20))
        switch query["done"] {
        case "created": return ConsoleMarkup.notice("The app was created. Add its bot next.")
        case "updated": return ConsoleMarkup.notice("The settings were saved.")
        case "bot_added":
            return ConsoleMarkup.notice("Bot \(bot) was added. Its token is kept sealed and is never shown again.")
        case "bot_removed": return ConsoleMarkup.notice("Bot \(bot) was removed.")
        default: return ""
        }
    }
}
