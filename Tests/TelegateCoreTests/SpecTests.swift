import StrictJSON
import Testing

@testable import TelegateCore

/// One typed spec per concept: the file and the admin API read the same values, keep member order, refuse what
/// they do not know, and one rule set validates them.
@Suite("Specs")
struct SpecTests {
    static let file: JSONValue = .object([
        ("id", .string("poll")), ("corsOrigins", .array([.string("https://web.telegram.org")])),
        ("initData", .object([("maxAge", .integer(120))])), ("widget", .object([("maxAge", .integer(300))])),
        (
            "bots",
            .array([
                .object([
                    ("token", .string("env:POLL_BOT_TOKEN")), ("label", .string("prod")), ("username", .string("poll_bot")),
                    ("default", .bool(true)),
                    ("oidc", .object([("algorithms", .array([.string("RS256"), .string("ES256")])), ("requireNonce", .bool(true))])),
                ]),
                .object([
                    ("id", .integer(7_342_037_359)), ("environment", .string("test")), ("default", .bool(false)),
                    ("oidc", .object([("algorithms", .array([.string("EdDSA")])), ("requireNonce", .bool(false))])),
                ]),
            ])
        ),
        (
            "adapters",
            .array([
                .object([
                    ("name", .string("convex")), ("kind", .string("oidc")), ("default", .bool(true)),
                    ("config", .object([("audience", .string("convex")), ("algorithm", .string("RS256"))])),
                ])
            ])
        ),
    ])

    @Test("An app read from the file spelling writes back the same members in the same order")
    func fileRoundTrip() throws {
        let app = try SpecFormat.file.decoder.decode(AppSpec.self, from: Self.file)
        try app.validate()
        #expect(app.settings.initDataMaxAge == 120)
        #expect(app.bots[0].token == .environment("POLL_BOT_TOKEN"))
        #expect(app.bots[0].label == "prod")
        #expect(app.bots[0].username == "poll_bot")
        #expect(app.bots[0].oidc == BotLoginSettings(algorithms: [.rs256, .es256], requireNonce: true))
        let numbered = Self.file.patched(with: [("bots", .array([.object([("id", .integer(1)), ("label", .number("2024"))])]))])
        #expect(try SpecFormat.file.decoder.decode(AppSpec.self, from: numbered).bots[0].label == "2024")
        #expect(app.bots[1].environment == .test)
        #expect(app.adapters[0].config["audience"] == .string("convex"))
        #expect(SpecFormat.file.encode(app) == Self.file)
    }

    @Test("The admin spelling of an app's settings is flat, in the order the API has always answered")
    func adminSpelling() throws {
        let app = AppSpec(settings: AppSettings(id: AppID(rawValue: "poll")!))
        #expect(
            SpecFormat.admin.encode(app).serialized
                == #"{"id":"poll","corsOrigins":[],"initDataMaxAge":3600,"widgetMaxAge":300,"sessionIdleTimeout":1209600,"sessionLifetime":7776000}"#)
        let patched = SpecFormat.admin.encode(app).patched(with: [("widgetMaxAge", .integer(10))])
        let refused = #expect(throws: TelegateError.self) { try SpecFormat.admin.decode(AppSpec.self, from: patched).validate() }
        #expect(refused?.message == "widgetMaxAge must be at least 30 seconds")
        #expect(refused?.code == .invalidField)
    }

    @Test("Unknown, duplicate and mistyped members are refused with their place")
    func strictness() throws {
        let decoder = SpecFormat.file.decoder
        let unknown = #expect(throws: JSONDecodingError.self) {
            try decoder.decode(AppSpec.self, from: .object([("id", .string("poll")), ("widgit", .object([]))]))
        }
        #expect(unknown?.problem == .unknownMember("widgit", allowed: ["id", "corsOrigins", "bots", "initData", "widget", "adapters", "clients", "sessions", "webhooks"]))
        let twice = #expect(throws: JSONDecodingError.self) {
            try decoder.decode(AppSpec.self, from: .object([("id", .string("poll")), ("id", .string("quiz"))]))
        }
        #expect(twice?.problem == .duplicateMember("id"))
        let mistyped = #expect(throws: JSONDecodingError.self) {
            try decoder.decode(
                AppSpec.self,
                from: .object([("id", .string("poll")), ("bots", .array([.object([("id", .string("x")), ("default", .string("yes"))])]))]))
        }
        #expect(mistyped?.dottedPath == "bots[0].id")
        #expect(mistyped?.problem == .wrongType(expected: "integer"))
    }

    @Test("A bot needs a token reference or an id, not both; an environment only with an id")
    func botRules() throws {
        #expect(throws: TelegateError.self) { try BotSpec().validate() }
        #expect(throws: TelegateError.self) { try BotSpec(token: .environment("T"), id: 1).validate() }
        #expect(throws: TelegateError.self) { try BotSpec(token: .environment("T"), environment: .test).validate() }
        #expect(throws: TelegateError.self) { try BotSpec(id: 0).validate() }
        try BotSpec(id: 7, environment: .test).validate()
        let twoDefaults = AppSpec(
            settings: AppSettings(id: AppID(rawValue: "poll")!), bots: [BotSpec(id: 1, isDefault: true), BotSpec(id: 2, isDefault: true)])
        #expect(throws: TelegateError.self) { try twoDefaults.validate() }
        let literal = #expect(throws: TelegateError.self) {
            try SpecFormat.admin.decode(BotSpec.self, from: .object([("tokenReference", .string("123:abc"))]))
        }
        #expect(literal?.code.rawValue == "literal_secret")
    }

    @Test("A bot's username follows Telegram's rule: 5 to 32 letters, digits or _, a letter first, bot last", arguments: [
        ("site_bot", true), ("SiteBot", true), ("a1bot", true), ("S_BOT", true), (String(repeating: "a", count: 29) + "bot", true),
        ("abot", false), (String(repeating: "a", count: 30) + "bot", false), ("@site_bot", false), ("1site_bot", false),
        ("_site_bot", false), ("site-bot", false), ("site_bots", false), ("site bot", false), ("сайт_bot", false),
        ("<b>_bot", false), ("", false),
    ])
    func botUsername(name: String, accepted: Bool) throws {
        let spec = BotSpec(token: .environment("T"), username: name)
        if accepted {
            try spec.validate()
        } else {
            let refused = #expect(throws: TelegateError.self) { try spec.validate() }
            #expect(refused?.code == .invalidField)
            #expect(refused?.message.hasPrefix("username must be") == true)
        }
    }

    @Test("The admin spelling of a bot is flat: username beside label, the Telegram Login settings as oidc… members")
    func botAdminSpelling() throws {
        let bot = BotSpec(
            id: 7, label: "prod", username: "poll_bot",
            oidc: BotLoginSettings(algorithms: [.edDSA], requireNonce: true, clientSecret: .environment("OIDC")))
        let admin = SpecFormat.admin.encode(bot)
        #expect(
            admin.serialized
                == #"{"id":7,"label":"prod","username":"poll_bot","default":false,"oidcAlgorithms":["EdDSA"],"requireNonce":true,"oidcClientSecret":"env:OIDC"}"#)
        #expect(try SpecFormat.admin.decode(BotSpec.self, from: admin) == bot)
        #expect(try SpecFormat.file.decoder.decode(BotSpec.self, from: SpecFormat.file.encode(bot)) == bot)
    }
}
