/// The page the end-session endpoint shows when no client asked to be returned to: a heading and one sentence,
/// nothing from the request.
struct SignedOutPage {
    let context: PageContext

    /// The whole document.
    func render() -> String {
        let strings = PageStrings.table(for: context.locale)
        let main = """
            <h1>\(HTMLText.escaped(strings.signedOutTitle))</h1>
            <p>\(HTMLText.escaped(strings.signedOutLead))</p>
            """
        return PageShell.document(context: context, title: strings.signedOutTitle, main: main)
    }
}
