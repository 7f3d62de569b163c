import TelegateAdmin

/// The document every console page shares: the head (the one stylesheet and the one script, both served by the
/// console), a skip link, the header with the sections and the signed-in admin, and the page's content.
enum ConsoleLayout {
    /// The sections of the header's navigation.
    enum Section: String {
        case apps, audit
        case overview
    }

    /// The whole document; `main` is markup the caller has already escaped; `refresh`, a path the page moves on to.
    static func document(title: String, visit: ConsoleVisit?, section: Section?, main: String, refresh: String? = nil)
        -> String
    {
        """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width,initial-scale=1">
        <meta name="color-scheme" content="light dark">
        <meta name="referrer" content="same-origin">
        <link rel="icon" href="data:,">
        <title>\(ConsoleMarkup.text(title)) · Telegate console</title>
        <link rel="stylesheet" href="\(ConsoleRoutes.prefix)/console.css">
        <script src="\(ConsoleRoutes.prefix)/console.js" defer></script>
        \(refresh.map { "<meta http-equiv=\"refresh\" content=\"0;url=\(ConsoleMarkup.text($0))\">" } ?? "")
        </head>
        <body>
        <a class="skip" href="#main">Skip to content</a>
        <header>
        <a class="brand" href="\(ConsoleRoutes.prefix)">Telegate console</a>
        \(visit.map { navigation($0, section: section) } ?? "")
        </header>
        <main id="main" tabindex="-1">
        <h1>\(ConsoleMarkup.text(title))</h1>
        \(main)
        </main>
        </body>
        </html>

        """
    }

    private static func navigation(_ visit: ConsoleVisit, section: Section?) -> String {
        let principal = visit.principal
        var links: [(Section, String, String)] = []
        if let app = principal.appID {
            links.append((.apps, "\(ConsoleRoutes.prefix)/apps/\(app)", "App \(app)"))
        } else {
            links.append((.apps, "\(ConsoleRoutes.prefix)/apps", "Apps"))
        }
        links.append((.audit, "\(ConsoleRoutes.prefix)/audit", "Audit log"))
        links.append((.overview, "\(ConsoleRoutes.prefix)/overview", "Overview"))
        let items = links.map { linked, href, label in
            let current = linked == section ? " aria-current=\"page\"" : ""
            return "<li><a href=\"\(ConsoleMarkup.text(href))\"\(current)>\(ConsoleMarkup.text(label))</a></li>"
        }.joined()
        var rights: [String] = []
        if principal.readOnly { rights.append("read-only") }
        if let app = principal.appID { rights.append("app \(app)") }
        let who = principal.actor + (rights.isEmpty ? "" : " (\(rights.joined(separator: ", ")))")
        return """
            <nav aria-label="Sections"><ul>\(items)</ul></nav>
            <div class="who"><span>\(ConsoleMarkup.text(who))</span>
            <form method="post" action="\(ConsoleRoutes.prefix)/logout" class="logout">\
            <input type="hidden" name="\(ConsoleRoutes.csrfField)" value="\(ConsoleMarkup.text(visit.csrf))">\
            <button type="submit">Log out</button></form></div>
            """
    }
}
