import Foundation
import StrictJSON

/// What an app asks its bot to send a user, checked before anything is queued: `{text, parse_mode?, buttons?,
/// silent?}`. Its ``sendMessageParameters`` are the Bot API `sendMessage` parameters without `chat_id`, stored with
/// the queued message. A refusal is `422 invalid_field` naming the member.
public struct BotMessageRequest: Sendable, Equatable {
    /// Telegram's limit on a message's text, in UTF-16 code units after entity parsing (checked here before it).
    public static let maxTextLength = 4096
    /// The parse modes the Bot API knows.
    public static let parseModes = ["HTML", "MarkdownV2", "Markdown"]
    /// Inline keyboard limits: rows, buttons per row, characters of a button's text.
    static let maxRows = 100
    static let maxButtonsPerRow = 8
    static let maxButtonTextLength = 64

    /// The Bot API `sendMessage` parameters, `chat_id` excepted.
    public let sendMessageParameters: JSONValue

    /// Checks `body`, the members of a message request (other members, such as a batch's `users`, are the
    /// caller's and must be removed first).
    public init(_ body: JSONValue) throws(TelegateError) {
        guard case .object(let members) = body else { throw Self.invalid("the body must be a JSON object") }
        var parameters: [(key: String, value: JSONValue)] = []
        for (key, _) in members where !["text", "parse_mode", "buttons", "silent"].contains(key) {
            throw Self.invalid("\(key.prefix(40)) is not a member of a message; give text, parse_mode, buttons, silent")
        }
        guard let text = body["text"]?.stringValue else { throw Self.invalid("text is required: a string") }
        guard (1...Self.maxTextLength).contains(text.utf16.count) else {
            throw Self.invalid("text must be 1 to \(Self.maxTextLength) characters")
        }
        parameters.append(("text", .string(text)))
        if let mode = body["parse_mode"], mode != .null {
            guard let name = mode.stringValue, Self.parseModes.contains(name) else {
                throw Self.invalid("parse_mode must be one of \(Self.parseModes.joined(separator: ", "))")
            }
            parameters.append(("parse_mode", .string(name)))
        }
        if let buttons = body["buttons"], buttons != .null {
            parameters.append(("reply_markup", .object([("inline_keyboard", try Self.keyboard(buttons))])))
        }
        if let silent = body["silent"], silent != .null {
            guard case .bool(let flag) = silent else { throw Self.invalid("silent must be true or false") }
            if flag { parameters.append(("disable_notification", .bool(true))) }
        }
        sendMessageParameters = .object(parameters)
    }

    /// `buttons` as an inline keyboard: rows of `{text, url}`, `{text, web_app: {url}}` or `{text, callback_data}`.
    private static func keyboard(_ buttons: JSONValue) throws(TelegateError) -> JSONValue {
        guard case .array(let rows) = buttons, (1...maxRows).contains(rows.count) else {
            throw invalid("buttons must be 1 to \(maxRows) rows, each an array of buttons")
        }
        var keyboard: [JSONValue] = []
        for row in rows {
            guard case .array(let cells) = row, (1...maxButtonsPerRow).contains(cells.count) else {
                throw invalid("each row of buttons must hold 1 to \(maxButtonsPerRow) buttons")
            }
            var line: [JSONValue] = []
            for cell in cells { line.append(try button(cell)) }
            keyboard.append(.array(line))
        }
        return .array(keyboard)
    }

    private static func button(_ cell: JSONValue) throws(TelegateError) -> JSONValue {
        guard case .object(let members) = cell, let text = cell["text"]?.stringValue,
            (1...maxButtonTextLength).contains(text.count)
        else { throw invalid("each button needs a text of 1 to \(maxButtonTextLength) characters") }
        let actions = members.filter { $0.key != "text" }
        guard actions.count == 1, let (kind, value) = actions.first else {
            throw invalid("each button needs exactly one of url, web_app or callback_data")
        }
        switch kind {
        case "url":
            guard let url = value.stringValue, let scheme = URLComponents(string: url)?.scheme?.lowercased(),
                ["https", "http", "tg"].contains(scheme)
            else { throw invalid("a url button needs an https, http or tg URL") }
            return .object([("text", .string(text)), ("url", .string(url))])
        case "web_app":
            guard let url = value["url"]?.stringValue, let components = URLComponents(string: url),
                components.scheme?.lowercased() == "https", !(components.host ?? "").isEmpty
            else { throw invalid("a web_app button needs {url} with an https URL (the Mini App)") }
            return .object([("text", .string(text)), ("web_app", .object([("url", .string(url))]))])
        case "callback_data":
            guard let data = value.stringValue, (1...64).contains(data.utf8.count) else {
                throw invalid("callback_data must be 1 to 64 bytes")
            }
            return .object([("text", .string(text)), ("callback_data", .string(data))])
        default:
            throw invalid("each button needs exactly one of url, web_app or callback_data")
        }
    }

    private static func invalid(_ message: String) -> TelegateError {
        TelegateError(.invalidField, message, reason: "invalid_value")
    }
}
