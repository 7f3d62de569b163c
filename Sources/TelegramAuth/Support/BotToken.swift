import Crypto

/// A bot token (`<bot id>:<secret>`), validated on construction and never printed.
public struct BotToken: Sendable, Hashable, CustomStringConvertible {
    /// The bot id: the integer before the colon, also the OIDC client id.
    public let botID: Int64
    private let value: String

    /// Validates `token`: decimal bot id, a colon, and a secret of URL-safe base64 characters.
    public init(_ token: String) throws(BotTokenError) {
        let parts = token.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, let id = Int64(parts[0]), id > 0, parts[0].allSatisfy(\.isASCII),
            !parts[1].isEmpty,
            parts[1].utf8.allSatisfy({ Self.isSecretCharacter($0) })
        else {
            throw BotTokenError()
        }
        self.botID = id
        self.value = token
    }

    /// The token text, for deriving keys. Keep it out of logs and messages.
    public var secretText: String { value }

    /// `HMAC-SHA256(key: "WebAppData", message: token)`: the key that signs Mini App `initData`.
    public var webAppKey: SymmetricKey { Self.webAppKey(forToken: value) }

    /// `SHA256(token)`: the key that signs Login Widget data.
    public var widgetKey: SymmetricKey { Self.widgetKey(forToken: value) }

    /// Redacted: only the bot id is shown.
    public var description: String { "BotToken(botID: \(botID), secret: <redacted>)" }

    static func webAppKey(forToken token: String) -> SymmetricKey {
        let code = HMAC<SHA256>.authenticationCode(
            for: Array(token.utf8), using: SymmetricKey(data: Array("WebAppData".utf8)))
        return SymmetricKey(data: Array(code))
    }

    static func widgetKey(forToken token: String) -> SymmetricKey {
        SymmetricKey(data: Array(SHA256.hash(data: Array(token.utf8))))
    }

    private static func isSecretCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
            return true
        default:
            return false
        }
    }
}

/// A bot token that is not `<bot id>:<secret>`. Carries no part of the rejected text.
public struct BotTokenError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String {
        "a bot token looks like 123456789:AAH… (the bot id, a colon, then letters, digits, - and _)"
    }
}
