/// A secret Telegate generated, shown on the one page that answers the form creating or rotating it (never through a
/// link, a redirect or a cookie, and never again afterwards).
enum ConsoleSecret {
    /// The secret in a read-only input to copy, with the notice that it is not shown again. `id` names the input.
    static func shownOnce(_ secret: String, id: String, label: String, use: String) -> String {
        """
        <section class="secret" aria-labelledby="\(ConsoleMarkup.text(id))-title">
        <h2 id="\(ConsoleMarkup.text(id))-title">\(ConsoleMarkup.text(label))</h2>
        <p class="notice" role="status">Copy it now: it is not shown again. \(ConsoleMarkup.text(use))</p>
        <div class="field"><label for="\(ConsoleMarkup.text(id))">\(ConsoleMarkup.text(label))</label>\
        <input type="text" id="\(ConsoleMarkup.text(id))" value="\(ConsoleMarkup.text(secret))" readonly \
        autocomplete="off" spellcheck="false"></div>
        </section>
        """
    }
}
