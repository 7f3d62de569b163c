/// The consent page for clients marked `consent: required`: who is signing in (`#telegate-user`, "Continue as
/// <name>"), what the client asks for in plain words, and the form `#telegate-consent` that posts the request back
/// with `consent=allow` or `consent=deny` (the button pressed).
struct ConsentPage {
    /// The name of the field the pressed button submits.
    static let decisionField = "consent"
    /// Its value when the user grants the request.
    static let allowValue = "allow"
    /// Its value when the user refuses it.
    static let denyValue = "deny"

    let context: PageContext
    /// The signed-in user's display name, from Telegram: shown as text; an empty name shows no line.
    let userName: String
    let clientID: String
    let scopes: [String]
    let formAction: String
    let hiddenFields: [(name: String, value: String)]

    /// The whole document.
    func render() -> String {
        let strings = PageStrings.table(for: context.locale)
        let lead = HTMLText.escaped(strings.consentLead)
            .replacingOccurrences(of: "{client}", with: "<b>\(HTMLText.escaped(clientID))</b>")
        let user =
            userName.isEmpty
            ? ""
            : "<p id=\"telegate-user\">"
                + HTMLText.escaped(strings.consentUser).replacingOccurrences(of: "{name}", with: "<b>\(HTMLText.escaped(userName))</b>")
                + "</p>\n"
        let items = scopes.map { "<li>\(HTMLText.escaped(strings.scopes[$0] ?? $0))</li>" }.joined()
        let buttons = button(Self.allowValue, strings.allow, secondary: false) + "\n" + button(Self.denyValue, strings.deny, secondary: true)
        let main = """
            <h1>\(HTMLText.escaped(strings.consentTitle))</h1>
            \(user)<p>\(lead)</p>
            <ul>\(items)</ul>
            \(HiddenForm.markup(id: "telegate-consent", action: formAction, fields: hiddenFields, extra: buttons))
            """
        return PageShell.document(context: context, title: strings.consentTitle, main: main, tail: PageShell.webAppScript(context: context))
    }

    private func button(_ value: String, _ label: String, secondary: Bool) -> String {
        "<button class=\"button\(secondary ? " secondary" : "")\" type=\"submit\" name=\"\(Self.decisionField)\""
            + " value=\"\(value)\">\(HTMLText.escaped(label))</button>"
    }
}
