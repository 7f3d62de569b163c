import ArgumentParser
import Foundation
import TelegramAuth

/// Where the bot token comes from: `TELEGRAM_BOT_TOKEN` or a file, never the command line (which `ps` and shell
/// history would reveal).
struct BotTokenOptions: ParsableArguments {
    @Option(name: .customLong("bot-token-file"), help: "Read the bot token from this file instead of TELEGRAM_BOT_TOKEN.")
    var botTokenFile: String?

    /// The token text, or `nil` when none was provided.
    func rawToken() throws -> String? {
        if let botTokenFile {
            guard let data = FileManager.default.contents(atPath: botTokenFile) else {
                throw CommandLineError.unreadableFile(botTokenFile)
            }
            return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return ProcessInfo.processInfo.environment["TELEGRAM_BOT_TOKEN"]
    }

    /// The token text; fails when none was provided.
    func requiredRawToken() throws -> String {
        guard let token = try rawToken() else {
            throw CommandLineError.missingBotToken
        }
        return token
    }

    /// A validated bot token; fails when none was provided or it is malformed.
    func requiredToken() throws -> BotToken {
        do {
            return try BotToken(requiredRawToken())
        } catch is BotTokenError {
            throw CommandLineError.malformedBotToken
        }
    }
}
