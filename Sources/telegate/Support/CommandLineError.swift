/// A command-line input that cannot be used: a missing or malformed bot token, an unreadable file, a malformed
/// public key (exit status 2), described without echoing secrets.
enum CommandLineError: Error, CustomStringConvertible {
    case missingBotToken
    case malformedBotToken
    case unreadableFile(String)
    case malformedPublicKey

    var description: String {
        switch self {
        case .missingBotToken:
            "no bot token: set TELEGRAM_BOT_TOKEN or pass --bot-token-file PATH"
        case .malformedBotToken:
            "the bot token is malformed: it looks like 123456789:AAH… (the bot id, a colon, then letters, digits, - and _)"
        case .unreadableFile(let path):
            "cannot read \(path)"
        case .malformedPublicKey:
            "--telegram-public-key must be 64 hex characters (a raw 32-byte Ed25519 public key)"
        }
    }
}
