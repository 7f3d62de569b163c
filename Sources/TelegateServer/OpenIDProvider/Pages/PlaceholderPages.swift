import Foundation
import HTTPTypes
import TelegateCore

/// The smallest renderers of the hosted pages, with the entry points the full pages keep; replaced by them.

/// The language a hosted page is written in.
enum PageLocale: String, CaseIterable, Sendable {
    case en
    case ru

    /// The first supported language of `ui_locales`, then `Accept-Language`, else English.
    init(uiLocales: String?, acceptLanguage: String?) {
        let tags = (uiLocales?.split(separator: " ") ?? []) + (acceptLanguage?.split(separator: ",") ?? [])
        self =
            tags.lazy.compactMap { tag in
                Self(rawValue: tag.split(separator: ";").first?.split(separator: "-").first?.trimmingCharacters(in: .whitespaces).lowercased() ?? "")
            }.first ?? .en
    }
}

/// What every hosted page needs besides its own content.
struct PageContext: Sendable {
    var appID: String
    var locale: PageLocale
    var scriptNonce: String

    init(appID: String, locale: PageLocale, scriptNonce: String) {
        self.appID = appID
        self.locale = locale
        self.scriptNonce = scriptNonce
    }

    /// A fresh nonce for one response.
    static func freshScriptNonce() -> String {
        SecureRandom.bytes(16).map { String($0 >> 4, radix: 16) + String($0 & 15, radix: 16) }.joined()
    }
}

/// The ways the login page offers.
struct LoginMethods: Sendable {
    var miniApp: Bool
    var telegramRedirect: (botID: Int64, origin: String, returnTo: String)?
    var widget: (botUsername: String, authURL: String?)?
    var telegramOIDC: String?

    init(
        miniApp: Bool = true, telegramRedirect: (botID: Int64, origin: String, returnTo: String)? = nil,
        widget: (botUsername: String, authURL: String?)? = nil, telegramOIDC: String? = nil
    ) {
        self.miniApp = miniApp
        self.telegramRedirect = telegramRedirect
        self.widget = widget
        self.telegramOIDC = telegramOIDC
    }
}

/// The response headers of a hosted page.
enum PageHeaders {
    static func contentSecurityPolicy(scriptNonce: String) -> String {
        "default-src 'none'; script-src 'nonce-\(scriptNonce)' https://telegram.org; style-src 'unsafe-inline'; "
            + "img-src https: data:; frame-src https://oauth.telegram.org; form-action 'self' https: http://127.0.0.1:* http://localhost:*; "
            + "frame-ancestors 'self' https://web.telegram.org https://*.telegram.org; base-uri 'none'"
    }

    static func fields(scriptNonce: String) -> HTTPFields {
        [
            .contentType: "text/html; charset=utf-8",
            .contentSecurityPolicy: contentSecurityPolicy(scriptNonce: scriptNonce),
            .cacheControl: "no-store",
            HTTPField.Name("X-Content-Type-Options")!: "nosniff",
            HTTPField.Name("Referrer-Policy")!: "strict-origin",
        ]
    }
}

private func escaped(_ text: String) -> String {
    var output = ""
    for character in text {
        switch character {
        case "&": output += "&amp;"
        case "<": output += "&lt;"
        case ">": output += "&gt;"
        case "\"": output += "&quot;"
        case "'": output += "&#39;"
        default: output.append(character)
        }
    }
    return output
}

private func form(id: String, action: String, fields: [(name: String, value: String)], extra: String) -> String {
    let inputs = fields.map { "<input type=\"hidden\" name=\"\(escaped($0.name))\" value=\"\(escaped($0.value))\">" }.joined()
    return "<form id=\"\(id)\" method=\"post\" action=\"\(escaped(action))\">\(inputs)\(extra)</form>"
}

private func document(_ title: String, _ body: String) -> String {
    "<!doctype html><html><head><meta charset=\"utf-8\"><title>\(escaped(title))</title></head><body>\(body)</body></html>"
}

/// The login page: the form `#telegate-login` carrying the request.
struct LoginPage {
    let context: PageContext
    let formAction: String
    let hiddenFields: [(name: String, value: String)]
    let methods: LoginMethods

    init(context: PageContext, formAction: String, hiddenFields: [(name: String, value: String)], methods: LoginMethods) {
        self.context = context
        self.formAction = formAction
        self.hiddenFields = hiddenFields
        self.methods = methods
    }

    func render() -> String {
        document("Log in with Telegram", form(id: "telegate-login", action: formAction, fields: hiddenFields, extra: ""))
    }
}

/// The consent page: the form `#telegate-consent` posting the request back with `consent=allow|deny`.
struct ConsentPage {
    static let decisionField = "consent"
    static let allowValue = "allow"
    static let denyValue = "deny"

    let context: PageContext
    let clientID: String
    let scopes: [String]
    let formAction: String
    let hiddenFields: [(name: String, value: String)]

    init(context: PageContext, clientID: String, scopes: [String], formAction: String, hiddenFields: [(name: String, value: String)]) {
        self.context = context
        self.clientID = clientID
        self.scopes = scopes
        self.formAction = formAction
        self.hiddenFields = hiddenFields
    }

    func render() -> String {
        let buttons =
            "<button name=\"consent\" value=\"allow\">Allow</button><button name=\"consent\" value=\"deny\">Deny</button>"
        return document(
            "Consent",
            "<p>\(escaped(clientID)): \(escaped(scopes.joined(separator: " ")))</p>"
                + form(id: "telegate-consent", action: formAction, fields: hiddenFields, extra: buttons))
    }
}

/// The error page.
struct ErrorPage {
    let context: PageContext
    let status: Int
    let code: String
    let message: String

    init(context: PageContext, status: Int, code: String, message: String) {
        self.context = context
        self.status = status
        self.code = code
        self.message = message
    }

    func render() -> String {
        document("Error", "<h1>\(escaped(code))</h1><p>\(escaped(message))</p>")
    }
}
