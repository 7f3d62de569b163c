/// The document every hosted page shares: the head, the one stylesheet and the card the page's content sits in.
///
/// Mobile first: one column, at most 400 px wide, buttons a thumb can hit. The colours are CSS variables: light by
/// default, dark under `prefers-color-scheme: dark`, and inside a Mini App Telegram's own theme, because
/// `telegram-web-app.js` publishes `Telegram.WebApp.themeParams` as `--tg-theme-*` variables that take precedence.
enum PageShell {
    /// Telegram's Mini App script: it exposes `Telegram.WebApp` (initData, theme) and its theme variables.
    static let webAppScriptURL = "https://telegram.org/js/telegram-web-app.js"

    /// The whole document: `main` is the card's markup, `tail` goes after it (the scripts). Both are markup the
    /// caller has already escaped.
    static func document(context: PageContext, title: String, main: String, tail: String = "") -> String {
        """
        <!doctype html>
        <html lang="\(context.locale.rawValue)">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width,initial-scale=1,viewport-fit=cover">
        <meta name="color-scheme" content="light dark">
        <title>\(HTMLText.escaped(title))</title>
        <style>\(stylesheet)</style>
        </head>
        <body>
        <main>
        <svg class="logo" viewBox="0 0 24 24" width="56" height="56" aria-hidden="true">\
        <circle cx="12" cy="12" r="12" fill="#2aabee"/><path fill="#fff" d="M5.4 11.8l11.7-4.5c.6-.2 1 .1.9.9l-2 \
        9.4c-.1.6-.6.8-1.1.5l-3-2.2-1.5 1.4c-.2.2-.3.3-.6.3l.2-3.1 5.7-5.1c.2-.2 0-.3-.4-.1l-7 4.4-3-.9c-.7-.2-.7-.6.1-1z"/>\
        </svg>
        <p class="app">\(HTMLText.escaped(context.appID))</p>
        \(main)
        </main>
        \(tail)
        </body>
        </html>

        """
    }

    /// The `<script>` element of Telegram's Mini App script, loaded before the page's own script runs.
    static func webAppScript(context: PageContext) -> String {
        "<script src=\"\(webAppScriptURL)\" nonce=\"\(HTMLText.escaped(context.scriptNonce))\"></script>"
    }

    /// Colours by role; inside a Mini App each one is Telegram's theme colour of the same role.
    private static let lightColours = palette(bg: "#f1f2f6", card: "#fff", text: "#111", hint: "#707579", accent: "#2481cc", line: "#e3e5e8")
    private static let darkColours = palette(bg: "#0f0f10", card: "#1c1c1e", text: "#f5f5f5", hint: "#98989e", accent: "#3e88f7", line: "#2c2c2e")

    private static func palette(bg: String, card: String, text: String, hint: String, accent: String, line: String) -> String {
        "--bg:var(--tg-theme-secondary-bg-color,\(bg));--card:var(--tg-theme-bg-color,\(card));"
            + "--text:var(--tg-theme-text-color,\(text));--hint:var(--tg-theme-hint-color,\(hint));"
            + "--accent:var(--tg-theme-button-color,\(accent));--accent-text:var(--tg-theme-button-text-color,#fff);"
            + "--link:var(--tg-theme-link-color,\(accent));--line:\(line)"
    }

    private static let stylesheet = """
        :root{color-scheme:light dark;\(lightColours)}\
        @media (prefers-color-scheme:dark){:root{\(darkColours)}}\
        *{box-sizing:border-box}\
        body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;padding:16px;\
        background:var(--bg);color:var(--text);\
        font:16px/1.45 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}\
        main{width:100%;max-width:400px;background:var(--card);border-radius:16px;padding:28px 24px;text-align:center}\
        .logo{display:block;margin:0 auto}\
        h1{font-size:22px;line-height:1.25;margin:8px 0}\
        p{margin:8px 0}\
        .app,.hint{color:var(--hint);font-size:14px}\
        .app{margin:12px 0 0;font-size:13px;overflow-wrap:anywhere}\
        .button{display:flex;align-items:center;justify-content:center;width:100%;min-height:48px;margin:12px 0 0;\
        padding:12px 16px;border:0;border-radius:12px;background:var(--accent);color:var(--accent-text);font:inherit;\
        font-weight:600;text-decoration:none;cursor:pointer}\
        .button.secondary{background:transparent;color:var(--link);box-shadow:inset 0 0 0 1px var(--line)}\
        .widget{display:flex;justify-content:center;min-height:40px;margin:16px 0 0}\
        ul{text-align:left;margin:16px 0;padding-left:20px}\
        li{margin:6px 0}\
        code{font:14px ui-monospace,SFMono-Regular,Menlo,monospace;overflow-wrap:anywhere}\
        .note{margin-top:20px;font-size:13px}\
        [hidden]{display:none!important}
        """
}
