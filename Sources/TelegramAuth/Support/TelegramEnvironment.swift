import Crypto

/// Which Telegram environment a bot lives in. It decides the public key for third-party (Ed25519) validation;
/// it is bot configuration, never something a request may choose.
public enum TelegramEnvironment: String, Sendable, Hashable, CaseIterable {
    /// The production environment.
    case production
    /// The test environment (separate accounts, HTTP allowed for Mini Apps).
    case test

    /// Telegram's Ed25519 public key for this environment (from core.telegram.org/bots/webapps).
    public var publicKey: Curve25519.Signing.PublicKey {
        // The constants are valid 32-byte keys, so construction cannot fail.
        try! Curve25519.Signing.PublicKey(rawRepresentation: Hex.decode(publicKeyHex)!)
    }

    /// The public key as 64 hex characters.
    public var publicKeyHex: String {
        switch self {
        case .production: "e7bf03a2fa4602af4580703d88dda5bb59f32ed8b02a56c187fe7d34caed242d"
        case .test: "40055058a4ee38156a06562e52eece92a771bcd8346a8c4615cb7376eddf72ec"
        }
    }
}
