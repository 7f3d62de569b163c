import Crypto

/// The stored form of an OAuth client secret: HMAC-SHA256 under a key derived from the master key and bound to the
/// app and client, so a copy of the database alone cannot be used to test guesses, and a digest copied to another
/// client does not match.
public struct ClientSecretDigester: Sendable {
    private let key: SymmetricKey

    /// A digester under `box`'s master key.
    public init(box: SecretBox) {
        self.key = box.derivedKey(purpose: "oauth-client-secret")
    }

    /// The digest to store for `secret`.
    public func digest(_ secret: String, appID: AppID, clientID: ClientID) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Self.message(secret, appID, clientID), using: key))
    }

    /// Whether `presented` is the secret `digest` was made from; compared in constant time.
    public func matches(_ presented: String, digest: [UInt8], appID: AppID, clientID: ClientID) -> Bool {
        HMAC<SHA256>.isValidAuthenticationCode(digest, authenticating: Self.message(presented, appID, clientID), using: key)
    }

    private static func message(_ secret: String, _ appID: AppID, _ clientID: ClientID) -> [UInt8] {
        Array("\(appID.rawValue)\u{0}\(clientID.rawValue)\u{0}\(secret)".utf8)
    }
}
