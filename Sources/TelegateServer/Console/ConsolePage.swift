/// A rendered console page: its title, the header's section, the content markup and the status to answer with.
struct ConsolePage: Sendable {
    var title: String
    var section: ConsoleLayout.Section?
    /// Markup, already escaped.
    var main: String
    var status: Int = 200
    /// Where the page moves on to at once (a `refresh` meta element), if anywhere.
    var refresh: String? = nil
}

/// What a console form post leads to: another page (`303 See Other`, after a change went through), or a page
/// answered at once (the form again, with the admin layer's error beside the field it concerns).
enum ConsoleOutcome: Sendable {
    case redirect(String)
    case page(ConsolePage)
}
