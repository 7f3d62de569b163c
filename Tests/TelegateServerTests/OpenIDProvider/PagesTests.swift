import Foundation
import Testing

@testable import TelegateServer

/// The hosted login, consent and error pages as a browser or a script reads them.
@Suite("Hosted pages")
struct PagesTests {
    static let hostile = "<img src=x onerror=alert(1)>\"'</script><script>alert(2)</script>&amp;"
    static let nonce = "4f1c0a9b8e7d6c5b4a3f2e1d0c9b8a7f"

    static func context(_ locale: PageLocale = .en, appID: String = "site") -> PageContext {
        PageContext(appID: appID, locale: locale, scriptNonce: nonce)
    }

    /// The hidden fields the authorization endpoint puts on the form, with typical lengths.
    static let requestFields: [(name: String, value: String)] = [
        ("client_id", "django"), ("redirect_uri", "https://site.example/accounts/oidc/telegate/login/callback/"),
        ("response_type", "code"), ("scope", "openid profile telegram offline_access"),
        ("state", String(repeating: "s", count: 64)), ("nonce", String(repeating: "n", count: 64)),
        ("code_challenge", String(repeating: "c", count: 43)), ("code_challenge_method", "S256"), ("prompt", ""),
        ("max_age", "3600"), ("login_hint", "@durov"), ("ui_locales", "ru en"), ("csrf", String(repeating: "x", count: 43)),
    ]

    static let allMethods = LoginMethods(
        telegramRedirect: (botID: 123_456_789, origin: "https://id.example", returnTo: "https://id.example/apps/site/authorize?client_id=django&state=a%20b"),
        widget: (botUsername: "site_bot", authURL: nil), telegramOIDC: "https://id.example/apps/site/upstream/telegram")

    static func loginPage(
        _ locale: PageLocale = .en, fields: [(name: String, value: String)] = requestFields, methods: LoginMethods = allMethods
    ) -> String {
        LoginPage(context: context(locale), formAction: "https://id.example/apps/site/authorize", hiddenFields: fields, methods: methods).render()
    }

    // MARK: escaping

    @Test("One escaping function makes markup, quotes and </script> inert text in content and attributes")
    func escaping() {
        #expect(HTMLText.escaped("<img src=x onerror=alert(1)>") == "&lt;img src=x onerror=alert(1)&gt;")
        #expect(HTMLText.escaped("\"'") == "&quot;&#39;")
        #expect(HTMLText.escaped("</script>") == "&lt;/script&gt;")
        #expect(HTMLText.escaped("&amp;") == "&amp;amp;")
        #expect(HTMLText.escaped("Дуров 🚀") == "Дуров 🚀")
        #expect(HTMLParse.unescaped(HTMLText.escaped(Self.hostile)) == Self.hostile)
    }

    @Test("Hostile values in every field of the login page stay text: no element, no attribute, no script is added")
    func hostileLoginPage() throws {
        let fields = Self.requestFields.map { ($0.name, Self.hostile) } + [(Self.hostile, "x")]
        let methods = LoginMethods(
            telegramRedirect: (botID: 1, origin: Self.hostile, returnTo: Self.hostile),
            widget: (botUsername: Self.hostile, authURL: Self.hostile), telegramOIDC: Self.hostile)
        let page = LoginPage(
            context: Self.context(appID: Self.hostile), formAction: Self.hostile, hiddenFields: fields, methods: methods
        ).render()
        #expect(!page.contains("<img"))
        #expect(!page.contains("alert(2)</script>"))
        let tags = HTMLParse.tags(page)
        #expect(!tags.contains { $0.name == "img" })
        #expect(tags.filter { $0.name == "script" }.count == 3)  // telegram-web-app.js, the widget, the page's own
        #expect(!tags.contains { $0.attributes["onerror"] != nil || $0.attributes["onload"] != nil })
        let form = try #require(HTMLParse.form(page, id: "telegate-login"))
        #expect(form.action == Self.hostile)
        #expect(form.fields.map(\.name) == fields.map(\.0))
        #expect(form.fields.map(\.value) == fields.map(\.1))
        let widget = try #require(tags.first { $0.attributes["data-telegram-login"] != nil })
        #expect(widget.attributes["data-telegram-login"] == Self.hostile)
        #expect(widget.attributes["data-auth-url"] == Self.hostile)
    }

    @Test("The consent and error pages escape the client id, unknown scopes, the code and the message")
    func hostileConsentAndErrorPages() throws {
        let consent = ConsentPage(
            context: Self.context(appID: Self.hostile), userName: Self.hostile, clientID: Self.hostile,
            scopes: ["openid", Self.hostile], formAction: Self.hostile, hiddenFields: [("state", Self.hostile)]
        ).render()
        let error = ErrorPage(context: Self.context(appID: Self.hostile), status: 400, code: Self.hostile, message: Self.hostile).render()
        for page in [consent, error] {
            #expect(!page.contains("<img"))
            #expect(!page.contains("<script>"))
            #expect(!HTMLParse.tags(page).contains { $0.name == "img" })
        }
        #expect(consent.contains("<b>" + HTMLText.escaped(Self.hostile) + "</b>"))
        #expect(consent.contains("<p id=\"telegate-user\">Continue as <b>" + HTMLText.escaped(Self.hostile) + "</b></p>"))
        #expect(consent.contains("<li>" + HTMLText.escaped(Self.hostile) + "</li>"))
        #expect(try #require(HTMLParse.form(consent, id: "telegate-consent")).fields.first?.value == Self.hostile)
        #expect(error.contains("<code>" + HTMLText.escaped(Self.hostile) + "</code>"))
    }

    // MARK: the form contract

    @Test("The login form's action and hidden fields read back exactly from a simple HTML parse, in order")
    func formContract() throws {
        let fields = Self.requestFields + [("bot_id", "123456789"), ("state", "a&b=\"c\" <d> 'e' Дуров")]
        let form = try #require(HTMLParse.form(Self.loginPage(fields: fields), id: "telegate-login"))
        #expect(form.method == "post")
        #expect(form.action == "https://id.example/apps/site/authorize")
        #expect(form.fields.map(\.name) == fields.map(\.name))
        #expect(form.fields.map(\.value) == fields.map(\.value))
    }

    @Test("Without JavaScript the Telegram redirect is a plain link to oauth.telegram.org/auth returning to the page")
    func redirectLink() throws {
        let page = Self.loginPage()
        let links = HTMLParse.tags(page).filter { $0.name == "a" }.compactMap { $0.attributes["href"] }
        let expected = "https://oauth.telegram.org/auth?bot_id=123456789&origin=https%3A%2F%2Fid.example&embed=0"
            + "&request_access=write&return_to=https%3A%2F%2Fid.example%2Fapps%2Fsite%2Fauthorize%3Fclient_id%3Ddjango%26state%3Da%2520b"
        #expect(links.contains(expected))
        #expect(links.contains("https://id.example/apps/site/upstream/telegram"))
        let noScript = page.replacingOccurrences(of: #"<script[^>]*>.*?</script>"#, with: "", options: .regularExpression)
        #expect(noScript.contains(HTMLText.escaped(expected)))
    }

    @Test("The widget runs in callback mode without data-onauth (eval) and in redirect mode with data-auth-url")
    func widgetModes() throws {
        let callback = HTMLParse.tags(Self.loginPage())
        let container = try #require(callback.first { $0.attributes["id"] == "telegate-widget" })
        #expect(container.attributes["data-callback"] != nil)
        #expect(container.attributes["data-origin"] == "https://oauth.telegram.org")
        #expect(!callback.contains { $0.attributes["data-onauth"] != nil })
        let redirect = HTMLParse.tags(
            Self.loginPage(methods: LoginMethods(widget: (botUsername: "site_bot", authURL: "https://id.example/apps/site/authorize?x=1"))))
        #expect(!redirect.contains { $0.attributes["data-callback"] != nil })
        #expect(redirect.first { $0.attributes["data-telegram-login"] == "site_bot" }?.attributes["data-auth-url"] == "https://id.example/apps/site/authorize?x=1")
    }

    @Test("A page with no browser login says to open it from Telegram, and still checks for Mini App initData")
    func miniAppOnly() {
        let page = Self.loginPage(methods: LoginMethods())
        #expect(page.contains(PageStrings.english.openInTelegram))
        #expect(page.contains("data-mini-app"))
        #expect(page.contains(PageShell.webAppScriptURL))
        #expect(!page.contains("telegram-widget.js"))
    }

    // MARK: locales

    @Test("English and Russian pages carry their own strings and lang")
    func locales() {
        for (locale, strings) in [(PageLocale.en, PageStrings.english), (.ru, .russian)] {
            let login = Self.loginPage(locale)
            #expect(login.contains("<html lang=\"\(locale.rawValue)\">"))
            #expect(login.contains(strings.loginTitle))
            #expect(login.contains(strings.telegramRedirectButton))
            let consent = ConsentPage(
                context: Self.context(locale), userName: "Ana Lee", clientID: "django",
                scopes: ["openid", "profile", "telegram", "offline_access"], formAction: "/apps/site/authorize", hiddenFields: []
            ).render()
            #expect(consent.contains(strings.consentUser.replacingOccurrences(of: "{name}", with: "<b>Ana Lee</b>")))
            for scope in ["openid", "profile", "telegram", "offline_access"] {
                #expect(consent.contains("<li>" + HTMLText.escaped(strings.scopes[scope] ?? "missing") + "</li>"))
            }
            #expect(ErrorPage(context: Self.context(locale), status: 400, code: "invalid_request", message: "m").render().contains(strings.errorTitle))
        }
        #expect(Self.loginPage(.ru).contains("Войти через Telegram"))
        #expect(Set(PageStrings.english.scopes.keys) == Set(PageStrings.russian.scopes.keys))
    }

    @Test("The locale comes from ui_locales first, then Accept-Language by quality, else English", arguments: [
        ("fr ru", "en", PageLocale.ru), ("ru-RU", nil, .ru), ("de", "ru", .ru), (nil, "de;q=1, ru;q=0.8, en;q=0.5", .ru),
        (nil, "en;q=0.1, ru-RU;q=0.9", .ru), (nil, "ru;q=0, en-GB", .en), (nil, "RU", .ru), (nil, nil, .en), ("fr", "de, *", .en),
        ("en ru", "ru", .en),
    ] as [(String?, String?, PageLocale)])
    func localeNegotiation(uiLocales: String?, acceptLanguage: String?, expected: PageLocale) {
        #expect(PageLocale(uiLocales: uiLocales, acceptLanguage: acceptLanguage) == expected)
    }

    // MARK: consent

    @Test("The consent form posts the request back with consent=allow or consent=deny")
    func consentForm() throws {
        let page = ConsentPage(
            context: Self.context(), userName: "", clientID: "django", scopes: ["openid"], formAction: "/apps/site/authorize",
            hiddenFields: Self.requestFields
        ).render()
        let form = try #require(HTMLParse.form(page, id: "telegate-consent"))
        #expect(form.action == "/apps/site/authorize")
        #expect(form.fields.map(\.name) == Self.requestFields.map(\.name))
        let buttons = HTMLParse.tags(page).filter { $0.name == "button" }
        #expect(buttons.map { $0.attributes["name"] } == ["consent", "consent"])
        #expect(buttons.map { $0.attributes["value"] } == ["allow", "deny"])
        #expect(!page.contains("telegate-user"), "no name, no \"Continue as\" line")
    }

    // MARK: budget and CSP

    @Test("Each page is at most 30 KB without Telegram's own scripts")
    func sizeBudget() {
        let pages = [
            Self.loginPage(), Self.loginPage(.ru),
            ConsentPage(
                context: Self.context(.ru), userName: String(repeating: "Я", count: 128), clientID: "django",
                scopes: ["openid", "profile", "telegram", "offline_access"], formAction: "/apps/site/authorize", hiddenFields: Self.requestFields
            ).render(),
            ErrorPage(context: Self.context(.ru), status: 400, code: "invalid_request", message: String(repeating: "m", count: 200)).render(),
        ]
        for page in pages {
            #expect(page.utf8.count <= 30 * 1024, "\(page.utf8.count) bytes")
        }
    }

    @Test("Every script carries the nonce the CSP names, and the only scripts loaded are Telegram's")
    func contentSecurityPolicy() throws {
        let headers = PageHeaders.fields(scriptNonce: Self.nonce)
        let policy = try #require(headers[.contentSecurityPolicy])
        #expect(policy == PageHeaders.contentSecurityPolicy(scriptNonce: Self.nonce))
        #expect(policy.contains("script-src 'nonce-\(Self.nonce)' https://telegram.org;"))
        #expect(policy.contains("frame-ancestors 'self' https://web.telegram.org https://*.telegram.org"))
        #expect(!policy.contains("unsafe-eval"))
        #expect(headers[.contentType] == "text/html; charset=utf-8")
        #expect(headers[.cacheControl] == "no-store")
        let scripts = HTMLParse.tags(Self.loginPage()).filter { $0.name == "script" }
        #expect(scripts.count == 3)
        for script in scripts {
            #expect(script.attributes["nonce"] == Self.nonce)
            if let source = script.attributes["src"] {
                #expect(source.hasPrefix("https://telegram.org/js/"))
            }
        }
        #expect(Self.loginPage().contains("<script nonce=\"\(Self.nonce)\">\(LoginScript.source)</script>"))
        let fresh = PageContext.freshScriptNonce()
        #expect(fresh.count == 32 && fresh != PageContext.freshScriptNonce())
    }
}
