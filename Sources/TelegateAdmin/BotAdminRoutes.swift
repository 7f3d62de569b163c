import StrictJSON
import TelegateCore
import TelegateRuntime
import TelegramAuth

/// `/apps/{app}/bots`: the Telegram bots of an app. A bot is added with its token (HMAC mode; the token is
/// write-only, kept sealed with its derived keys, and sends the bot's messages) or with only its id and environment (Ed25519 mode).
struct BotAdminRoutes {
    let backend: AdminBackend

    /// An app's bots, named in paths by their id.
    private var bots: AppRowRoutes<StoredBot> {
        AppRowRoutes(
            backend: backend, name: "bot", rows: \.bots, id: { String($0.botID) },
            named: { bot, parameter in Int64(parameter) == bot.botID }, json: AdminJSON.bot,
            notFound: TelegateError(.botNotFound, "this app has no such bot"))
    }

    var routes: [AdminRoute] {
        [
            bots.list("List an app's bots"),
            AdminRoute(
                .post, "/apps/{app}/bots", "addBot", "Add a bot by token, or by id and environment",
                body: AdminBodySchema(
                    [
                        .member("token", .string, "The bot token (write-only); exclusive with id."),
                        .member("tokenReference", .string, "Where the token is kept (env:NAME or file:PATH), recorded for exports."),
                        .member("id", .integer, "The bot id, for Telegram-signed (Ed25519) verification without the token."),
                        .member("environment", .string, "production (default) or test, with id."),
                    ] + Self.settingsMembers, readOnly: ["mode", "fingerprint", "lastFour"]),
                status: 201
            ) { call in
                var app = try await backend.app(call)
                let bot = try newBot(call.body, app: app)
                if app.bots.contains(where: { $0.botID == bot.botID }) {
                    throw TelegateError(.botExists, "this app already has bot \(bot.botID)")
                }
                if bot.isDefault { for index in app.bots.indices { app.bots[index].isDefault = false } }
                try await bots.add(bot, to: app, call: call)
                return AdminJSON.bot(bot)
            },
            AdminRoute(
                .patch, "/apps/{app}/bots/{bot}", "updateBot", "Change a bot's label, username, default flag or Telegram Login settings",
                body: AdminBodySchema(Self.settingsMembers, readOnly: ["id", "mode", "token", "environment", "fingerprint", "lastFour"])
            ) { call in
                var app = try await backend.app(call)
                let index = try bots.index(call, in: app)
                let before = app.bots[index]
                let changed = SpecFormat.admin.encode(BotSpec(before, appID: app.settings.id)).patched(with: call.body.members)
                let spec = try SpecFormat.admin.decode(BotSpec.self, from: changed)
                try spec.validate()
                try backend.rows.checkBotAPI(spec)
                let bot = try backend.rows.oidcClientSecret(
                    spec.oidc.clientSecret, appID: app.settings.id, bot: spec.settings(of: before), existing: before)
                if bot.isDefault, !before.isDefault { for other in app.bots.indices { app.bots[other].isDefault = false } }
                try await bots.replace(at: index, in: app, with: bot, call: call)
                return AdminJSON.bot(bot)
            },
            bots.remove("Remove a bot"),
        ]
    }

    static let settingsMembers: [AdminBodySchema.Member] = [
        .member("label", .string, "A label for admins (prod, dev)."),
        .member(
            "username", .string,
            "The bot's @username without @ (site_bot), for Telegram's Login Widget on the hosted login page."),
        .member("default", .boolean, "Whether exchanges without a bot in the URL use this bot."),
        .member(
            "apiURL", .string,
            "The Bot API base URL the bot's messages go to (default https://api.telegram.org): a local Bot API server or a simulator."),
        .member("allowInsecureLoopback", .boolean, "Whether apiURL may be plain http to a loopback host."),
        .member("allowPrivateNetworks", .boolean, "Whether apiURL may resolve to a private-network address."),
        .member("oidcAlgorithms", .stringList, "Algorithms accepted for Telegram Login id_tokens (RS256, ES256, EdDSA)."),
        .member("requireNonce", .boolean, "Whether Telegram Login id_tokens must carry the login's nonce."),
        .member(
            "oidcClientSecret", .string,
            "Where the bot's Telegram Login client secret is kept (env:NAME or file:PATH); stored sealed, never returned."),
    ]

    /// The bot a body describes: its spec, with the token value (write-only) beside it. A token bot records where
    /// its token is kept: the given reference, or the one suggested for it. The first bot becomes the default.
    private func newBot(_ body: AdminBody, app: StoredApp) throws -> StoredBot {
        let appID = app.settings.id
        let token = body.string("token")
        var members = body.members.filter { $0.key != "token" && (token != nil || $0.key != "tokenReference") }
        if let token {
            // Telegram's tokens carry a 35-character secret; a short one is a copy-paste accident.
            guard (token.split(separator: ":", maxSplits: 1).last?.count ?? 0) >= 30 else {
                throw TelegateError(
                    .invalidBotToken,
                    "the bot token is malformed: it looks like 123456789:AAH… (bot id, colon, a secret of 30 or more characters)")
            }
            if !body.has("tokenReference") {
                let botID = Int64(token.split(separator: ":").first ?? "") ?? 0
                members.append(
                    ("tokenReference", .string(SecretReference.suggestedBotToken(appID: appID, botID: botID))))
            }
        }
        var spec = try SpecFormat.admin.decode(BotSpec.self, from: .object(members))
        if !body.has("default") { spec.isDefault = app.bots.isEmpty }
        try spec.validate()
        try backend.rows.checkBotAPI(spec)
        let bot: StoredBot
        switch (token, spec.id) {
        case (let token?, _):
            bot = spec.settings(
                of: try backend.rows.tokenBot(appID: appID, token: token, reference: spec.token?.description, existing: nil))
        case (nil, let id?):
            bot = spec.settings(of: StoredBot(botID: id, mode: .thirdParty(environment: spec.environment ?? .production)))
        case (nil, nil):
            throw TelegateError(.invalidField, "give either token or id", reason: "missing_field")
        }
        return try backend.rows.oidcClientSecret(spec.oidc.clientSecret, appID: appID, bot: bot, existing: nil)
    }
}
