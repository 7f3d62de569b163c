import TelegramAuth

/// A Telegram Login that came back verified: who logged in, with which bot, for which authorization request.
public struct TelegramLoginCompletion: Sendable {
    /// The bot whose client id Telegram issued the ID token for.
    public let botID: Int64
    /// The identity the verified ID token names, handed to the authorization flow like a submitted proof.
    public let identity: TelegramIdentity
    /// The parameters of the authorization request the login was started for, to be validated again.
    public let parameters: [(name: String, value: String)]
}
