import Foundation
import StrictJSON

/// A `reply_markup` read the way the Bot API reads it. An inline keyboard is checked button by button: each needs
/// `text` and an action, the first present of `url`, `callback_data`, `callback_game`, `pay`, `switch_inline_query`,
/// `switch_inline_query_chosen_chat`, `switch_inline_query_current_chat`, `login_url`, `web_app` and `copy_text`
/// (a button with none is a "text button", which an inline keyboard refuses); a `url` must be an http(s) or `tg`
/// link, a `web_app.url` an https one, and `callback_data` at most 64 bytes. Reply keyboards, `remove_keyboard` and
/// `force_reply` are accepted as sent.
enum BotReplyMarkup {
    /// The most bytes `callback_data` may have.
    static let maximumCallbackDataBytes = 64

    /// The actions an inline button may have, in the order Telegram looks for them.
    private static let actions = [
        "url", "callback_data", "callback_game", "pay", "switch_inline_query", "switch_inline_query_chosen_chat",
        "switch_inline_query_current_chat", "login_url", "web_app", "copy_text",
    ]

    /// The markup in `text`, as the message will carry it.
    static func read(_ text: String) throws(BotAPIError) -> JSONValue {
        guard let markup = try? JSONValue.parse(text) else {
            throw .badRequest("Can't parse reply keyboard markup JSON object")
        }
        guard markup.objectMembers != nil else { throw .badRequest("Object expected as reply markup") }
        guard let keyboard = markup["inline_keyboard"] else { return markup }
        guard let rows = keyboard.arrayElements else { throw .badRequest("Field \"inline_keyboard\" must be of type Array") }
        for row in rows {
            guard let buttons = row.arrayElements else {
                throw .badRequest("Field \"inline_keyboard\" of the InlineKeyboardMarkup must be an Array of Arrays")
            }
            for button in buttons { try check(button) }
        }
        return markup
    }

    private static func check(_ button: JSONValue) throws(BotAPIError) {
        func refuse(_ detail: String) -> BotAPIError { .badRequest("Can't parse inline keyboard button: " + detail) }
        guard button.objectMembers != nil else { throw refuse("InlineKeyboardButton must be an Object") }
        guard let text = button["text"] else { throw refuse("Can't find field \"text\"") }
        guard text.stringValue != nil else { throw refuse("Field \"text\" must be of type String") }
        let action = actions.first { name in
            guard let value = button[name] else { return false }
            // An empty `url` or `callback_data` counts as absent, as Telegram reads them.
            return !((name == "url" || name == "callback_data") && value.stringValue == "")
        }
        switch action {
        case nil: throw refuse("Text buttons are unallowed in the inline keyboard")
        case "url":
            guard let url = button["url"]?.stringValue else { throw refuse("Field \"url\" must be of type String") }
            if let problem = problem(with: url, httpsOnly: false) {
                throw .badRequest("Inline keyboard button URL '\(url)' is invalid: \(problem)")
            }
        case "callback_data":
            guard let data = button["callback_data"]?.stringValue else {
                throw refuse("Field \"callback_data\" must be of type String")
            }
            if data.utf8.count > maximumCallbackDataBytes { throw .badRequest("BUTTON_DATA_INVALID") }
        case "web_app":
            guard let webApp = button["web_app"], webApp.objectMembers != nil else {
                throw refuse("Field \"web_app\" must be of type Object")
            }
            guard let url = webApp["url"] else { throw refuse("Can't find field \"url\"") }
            guard let text = url.stringValue else { throw refuse("Field \"url\" must be of type String") }
            if let problem = problem(with: text, httpsOnly: true) {
                throw .badRequest("Inline keyboard button Web App URL '\(text)' is invalid: \(problem)")
            }
        default:
            break
        }
    }

    /// Why `text` is not a link a button may open, or `nil` when it is one.
    private static func problem(with text: String, httpsOnly: Bool) -> String? {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            return "Wrong HTTP URL"
        }
        if httpsOnly {
            guard scheme == "https" else { return "Only HTTPS links are allowed" }
        } else if scheme == "tg" {
            return nil
        } else if scheme != "http" && scheme != "https" {
            return "Unsupported URL protocol"
        }
        guard let host = components.host, !host.isEmpty else { return "Wrong HTTP URL" }
        return nil
    }
}
