/// The page shown instead of a redirect when the client or its redirect URI cannot be trusted (RFC 6749 §4.1.2.1):
/// the stable code and a message, nothing else from the request.
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

    /// The whole document.
    func render() -> String {
        let strings = PageStrings.table(for: context.locale)
        let main = """
            <h1>\(HTMLText.escaped(strings.errorTitle))</h1>
            <p>\(HTMLText.escaped(message))</p>
            <p class="hint">\(HTMLText.escaped(strings.errorCode)): <code>\(HTMLText.escaped(code))</code> (\(status))</p>
            <p class="hint note">\(HTMLText.escaped(strings.errorHint))</p>
            """
        return PageShell.document(context: context, title: strings.errorTitle, main: main)
    }
}
