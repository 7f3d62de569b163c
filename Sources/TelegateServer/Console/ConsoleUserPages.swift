import Foundation
import Hummingbird
import StrictJSON
import TelegateCore

/// `/console/apps/{app}/users`: finding an app's users (by Telegram id, username or local id, a page at a time) and
/// one user's page (profile, provider links, sessions; disable, enable, erase with typed confirmation), each by the
/// admin operation the admin API's route runs (`searchUsers`, `getUser`, `disableUser`, `enableUser`, `eraseUser`).
/// Every value that came from Telegram is escaped.
struct ConsoleUserPages: Sendable {
    let routes: ConsoleRoutes

    static let confirmField = ConsoleField(
        "confirm", member: nil, "Type the user id to confirm",
        hint: "Erasing removes the user's mapping, provider links and refresh tokens.", required: true)
    static let atProviderField = ConsoleField(
        "at_provider", member: nil, "Also delete the user at providers that support it", .checkbox)

    func register(on router: Router<TelegateRequestContext>) {
        let prefix = ConsoleRoutes.prefix
        routes.page(prefix + "/apps/:app/users", on: router) { visit, context in
            try await search(visit, app: ConsoleVisit.segment(context.parameters.get("app") ?? ""))
        }
        routes.page(prefix + "/apps/:app/users/:user", on: router) { visit, context in
            try await user(
                visit, app: ConsoleVisit.segment(context.parameters.get("app") ?? ""),
                id: ConsoleVisit.segment(context.parameters.get("user") ?? ""), failure: nil)
        }
        for (action, done) in [("disable", "disabled"), ("enable", "enabled")] {
            routes.form(prefix + "/apps/:app/users/:user/\(action)", on: router) { visit, _, context in
                let (app, id) = Self.target(context)
                _ = try await visit.call(.post, "/apps/\(app)/users/\(id)/\(action)")
                return .redirect("\(prefix)/apps/\(app)/users/\(id)?done=\(done)")
            }
        }
        routes.form(prefix + "/apps/:app/users/:user/erase", on: router) { visit, form, context in
            let (app, id) = Self.target(context)
            do {
                guard form["confirm"]?.trimmingCharacters(in: .whitespaces) == id else {
                    throw TelegateError(.invalidField, "confirm must be the user id, \(id)", reason: "confirmation")
                }
                let query = form[Self.atProviderField.name] != nil ? ["atProvider": "true"] : [:]
                _ = try await visit.call(.delete, "/apps/\(app)/users/\(id)", query: query)
                return .redirect("\(prefix)/apps/\(app)/users?done=erased")
            } catch let error as TelegateError where error.code != .adminForbidden {
                let failure = ConsoleFailure(error, form: "erase-user", fields: [Self.confirmField], values: form)
                return .page(try await user(visit, app: app, id: id, failure: failure))
            }
        }
    }

    private static func target(_ context: TelegateRequestContext) -> (app: String, user: String) {
        (ConsoleVisit.segment(context.parameters.get("app") ?? ""), ConsoleVisit.segment(context.parameters.get("user") ?? ""))
    }

    // MARK: Pages

    /// The search form and a page of users.
    private func search(_ visit: ConsoleVisit, app: String) async throws -> ConsolePage {
        let q = visit.query["q"] ?? ""
        var query = ["q": q]
        if let cursor = visit.query["cursor"] { query["cursor"] = cursor }
        let page = try await visit.call(.get, "/apps/\(app)/users", query: query)
        let users = page?["items"]?.arrayElements ?? []
        let base = "\(ConsoleRoutes.prefix)/apps/\(app)/users"
        var main = visit.query["done"] == "erased" ? ConsoleMarkup.notice("The user was erased.") : ""
        main += """
            <form method="get" action="\(ConsoleMarkup.text(base))" role="search" class="filters">
            <div class="field"><label for="q">Telegram id, username or user id</label>\
            <input type="search" id="q" name="q" value="\(ConsoleMarkup.text(q))" autocomplete="off"></div>
            <button type="submit" class="primary">Search</button>
            </form>
            """
        if users.isEmpty {
            main += ConsoleMarkup.empty(
                q.isEmpty
                    ? "No users yet. A user appears here after their first exchange with this app."
                    : "No user matches. Try the numeric Telegram id, the username without @, or the usr_ id.")
        } else {
            let rows = users.map { user -> [String] in
                let id = user["id"]?.stringValue ?? ""
                let name = [user["firstName"]?.stringValue, user["lastName"]?.stringValue].compactMap { $0 }.joined(separator: " ")
                return [
                    ConsoleMarkup.link("\(base)/\(id)", id), ConsoleMarkup.text(String(user["telegramId"]?.integerValue ?? 0)),
                    ConsoleMarkup.text(user["username"]?.stringValue.map { "@" + $0 } ?? ""), ConsoleMarkup.text(name),
                    ConsoleMarkup.text(user["status"]?.stringValue ?? ""),
                ]
            }
            main += ConsoleMarkup.table(
                caption: "Users of \(app)", headers: ["User", "Telegram id", "Username", "Name", "Status"], rows: rows)
        }
        if let next = page?["nextCursor"]?.stringValue {
            let href = "\(base)?q=\(Self.percentEncoded(q))&cursor=\(Self.percentEncoded(next))"
            main += "<p class=\"pager\">\(ConsoleMarkup.link(href, "Next page"))</p>"
        }
        return ConsolePage(title: "Users of \(app)", section: .apps, main: main)
    }

    /// One user: profile, provider links, sessions, and the forms changing them.
    private func user(_ visit: ConsoleVisit, app: String, id: String, failure: ConsoleFailure?) async throws -> ConsolePage {
        guard let user = try await visit.call(.get, "/apps/\(app)/users/\(id)") else {
            throw TelegateError(.userNotFound, "this app has no such user")
        }
        let base = "\(ConsoleRoutes.prefix)/apps/\(app)/users/\(id)"
        var main = ""
        switch visit.query["done"] {
        case "disabled": main += ConsoleMarkup.notice("The user was disabled: exchanges are refused and every session ended.")
        case "enabled": main += ConsoleMarkup.notice("The user was enabled.")
        default: break
        }
        main += "<p>\(ConsoleMarkup.link("\(ConsoleRoutes.prefix)/apps/\(app)/users", "Back to the users of \(app)"))</p>"
        let profile: [(String, String?)] = [
            ("User id", user["id"]?.stringValue), ("Telegram id", user["telegramId"]?.integerValue.map(String.init)),
            ("Status", user["status"]?.stringValue), ("First name", user["firstName"]?.stringValue),
            ("Last name", user["lastName"]?.stringValue), ("Username", user["username"]?.stringValue.map { "@" + $0 }),
            ("Language", user["languageCode"]?.stringValue), ("Photo URL", user["photoUrl"]?.stringValue),
            ("Premium", user["isPremium"]?.boolValue.map { $0 ? "yes" : "no" }),
            ("Last proof", user["lastProof"]?.stringValue),
        ]
        let rows = profile.compactMap { label, value in
            value.map { "<dt>\(ConsoleMarkup.text(label))</dt><dd>\(ConsoleMarkup.text($0))</dd>" }
        }.joined()
        let times = [
            ("Last login", user["lastLoginAt"]), ("Created", user["createdAt"]), ("Updated", user["updatedAt"]),
            ("Sessions ended", user["sessionsRevokedAt"]),
        ].compactMap { label, value in
            value.map { "<dt>\(ConsoleMarkup.text(label))</dt><dd>\(ConsoleMarkup.time($0.integerValue))</dd>" }
        }.joined()
        main += "<h2>Profile</h2><section><dl>\(rows)\(times)</dl></section>"
        let links = user["links"]?.arrayElements ?? []
        main += "<h2>Provider links</h2>"
        main +=
            links.isEmpty
            ? ConsoleMarkup.empty("No provider links: the user has not been through an adapter that links provider users.")
            : ConsoleMarkup.table(
                caption: "Provider links", headers: ["Adapter", "State", "External id", "Updated"],
                rows: links.map { link in
                    [
                        ConsoleMarkup.text(link["adapter"]?.stringValue ?? ""), ConsoleMarkup.text(link["state"]?.stringValue ?? ""),
                        ConsoleMarkup.text(link["externalId"]?.stringValue ?? ""), ConsoleMarkup.time(link["updatedAt"]?.integerValue),
                    ]
                })
        let families = user["refreshFamilies"]?.arrayElements ?? []
        main += "<h2>Sessions</h2>"
        main +=
            families.isEmpty
            ? ConsoleMarkup.empty("No refresh-token sessions.")
            : ConsoleMarkup.table(
                caption: "Refresh-token families", headers: ["Adapter", "Created", "Expires", "Revoked"],
                rows: families.map { family in
                    [
                        ConsoleMarkup.text(family["adapter"]?.stringValue ?? ""), ConsoleMarkup.time(family["createdAt"]?.integerValue),
                        ConsoleMarkup.time(family["expiresAt"]?.integerValue),
                        ConsoleMarkup.text(family["revokeReason"]?.stringValue ?? (family["revokedAt"] == nil ? "" : "revoked")),
                    ]
                })
        main += try await ConsoleUserHistory.section(visit, app: app, id: id)
        if visit.mayWrite {
            let disabled = user["status"]?.stringValue == "disabled"
            main += "<h2>Access</h2>"
                + ConsoleMarkup.form(
                    id: disabled ? "enable-user" : "disable-user", action: base + (disabled ? "/enable" : "/disable"),
                    csrf: visit.csrf,
                    content: disabled
                        ? "<p>The user is disabled: exchanges are refused.</p>"
                        : "<p>Disabling refuses the user's exchanges and ends every session.</p>",
                    submit: disabled ? "Enable user" : "Disable user", danger: !disabled)
            main += "<h2>Erase</h2>"
                + ConsoleMarkup.form(
                    id: "erase-user", action: base + "/erase", csrf: visit.csrf,
                    content: ConsoleMarkup.input(Self.confirmField, form: "erase-user", failure: failure)
                        + ConsoleMarkup.input(Self.atProviderField, form: "erase-user"),
                    submit: "Erase user", danger: true, failure: failure, confirm: id)
        }
        return ConsolePage(title: "User \(id)", section: .apps, main: main, status: failure?.error.status ?? 200)
    }

    /// `value` for a URL's query.
    static func percentEncoded(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }
}
