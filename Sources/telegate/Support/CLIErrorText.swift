import ArgumentParser
import TelegateCore

/// How the CLI reports a failure on standard error: `error: <message> (code: <code>)` for refusals that carry a
/// stable code, `error: <message>` otherwise, and argument errors with their usage.
enum CLIErrorText {
    /// The text for `error`.
    static func text(for error: any Error) -> String {
        if let error = error as? TelegateError {
            return "error: " + describe(message: error.message, code: error.code.rawValue, reason: error.reason)
        }
        let message = Telegate.fullMessage(for: error)
        return message.hasPrefix("Error: ") ? "error: " + message.dropFirst("Error: ".count) : message
    }

    /// `<message> (code: <code>, reason: <reason>)`, terminal-safe: a message may quote what a request held.
    static func describe(message: String, code: String, reason: String?) -> String {
        TerminalText.escaped("\(message) (code: \(code)\(reason.map { ", reason: \($0)" } ?? ""))")
    }
}
