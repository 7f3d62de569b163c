import TelegateCore
import TelegateServer

/// `server.console` of `telegate.yaml`: how admins may log in to the console besides admin tokens.
enum ConsoleLoginConfiguration {
    /// `server.console.telegramLogin`: `{app, admins: [{telegramId, name, readOnly, app}]}`, every key checked;
    /// `nil` when absent. Whether `app` exists is checked when an admin logs in (apps may come from the database).
    static func telegramLogin(_ console: ConfigurationFile.Object) throws -> ConsoleTelegramLogin? {
        guard let login = try console.object("telegramLogin", allowed: ["app", "admins"]) else { return nil }
        let path = login.path
        guard let app = try login.string("app") else { throw ConfigurationError("\(path).app is required") }
        guard let appID = AppID(rawValue: app) else { throw ConfigurationError("\(path).app must be an app id") }
        let admins = try (login.array("admins") ?? []).enumerated().map { index, value in
            let entry = try ConfigurationFile.Object(
                value, at: "\(path).admins[\(index)]", allowed: ["telegramId", "name", "readOnly", "app"])
            guard let telegramID = try entry.integer("telegramId") else {
                throw ConfigurationError("\(entry.path).telegramId is required")
            }
            guard let name = try entry.string("name") else { throw ConfigurationError("\(entry.path).name is required") }
            let scope = try entry.string("app").map { text in
                guard let id = AppID(rawValue: text) else { throw ConfigurationError("\(entry.path).app must be an app id") }
                return id
            }
            return ConsoleTelegramLogin.Admin(
                telegramID: telegramID, name: name, readOnly: try entry.bool("readOnly") ?? false, appID: scope)
        }
        guard !admins.isEmpty else { throw ConfigurationError("\(path).admins must list at least one admin") }
        let settings = ConsoleTelegramLogin(appID: appID, admins: admins)
        do {
            try settings.validate()
        } catch {
            throw ConfigurationError("\(path).\(error.message)")
        }
        return settings
    }
}
