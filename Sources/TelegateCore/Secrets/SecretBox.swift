import Crypto
import TelegramAuth

/// Seals secrets at rest with AES-256-GCM under the master key.
///
/// Each sealed value is bound to a context string (for example `bot:poll:7342037359`) as associated data, so a
/// sealed value copied into another row does not open. Format: `v1.` + base64url(nonce ‖ ciphertext ‖ tag).
public struct SecretBox: Sendable {
    private let key: SymmetricKey

    /// A box under `masterKey` (32 bytes).
    public init(masterKey: MasterKey) {
        self.key = masterKey.key
    }

    /// Seals `plaintext` for `context`.
    public func seal(_ plaintext: [UInt8], context: String) throws -> String {
        let box = try AES.GCM.seal(plaintext, using: key, authenticating: Array(context.utf8))
        guard let combined = box.combined else { throw TelegateError.internalError() }
        return "v1." + Base64.urlEncode(combined)
    }

    /// Seals text for `context`.
    public func seal(_ text: String, context: String) throws -> String {
        try seal(Array(text.utf8), context: context)
    }

    /// Opens a value sealed for `context`; fails if it was sealed under another key or context, or altered.
    public func open(_ sealed: String, context: String) throws -> [UInt8] {
        guard sealed.hasPrefix("v1."),
            let combined = Base64.decode(Array(sealed.utf8.dropFirst(3)), alphabet: .url, allowPadding: false, canonical: true),
            let box = try? AES.GCM.SealedBox(combined: combined),
            let plaintext = try? AES.GCM.open(box, using: key, authenticating: Array(context.utf8))
        else {
            throw TelegateError(
                .secretUnreadable,
                "a stored secret cannot be opened: wrong master key, or the value was altered")
        }
        return Array(plaintext)
    }

    /// Opens sealed text for `context`.
    public func openText(_ sealed: String, context: String) throws -> String {
        String(decoding: try open(sealed, context: context), as: UTF8.self)
    }
}

/// The 32-byte key that seals every secret at rest. Back it up with the database: without it, sealed secrets and
/// signing keys cannot be read.
public struct MasterKey: Sendable {
    let key: SymmetricKey

    /// Decodes a master key from base64 (standard or URL alphabet) of exactly 32 bytes.
    public init(base64: String) throws {
        let trimmed = base64.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let bytes = Base64.decode(Array(trimmed.utf8), alphabet: .either, allowPadding: true, canonical: false),
            bytes.count == 32
        else {
            throw TelegateError(
                .masterKeyInvalid, "the master key must be base64 of exactly 32 bytes")
        }
        self.key = SymmetricKey(data: bytes)
    }

    /// A new random master key.
    public static func generate() -> (key: MasterKey, base64: String) {
        let key = SymmetricKey(size: .bits256)
        let text = key.withUnsafeBytes { Base64.urlEncode($0) }
        return (try! MasterKey(base64: text), text)
    }

    /// A short fingerprint that identifies the key without revealing it.
    public var fingerprint: String {
        let digest = SHA256.hash(data: key.withUnsafeBytes { Array($0) } + Array("telegate-master-key".utf8))
        return Hex.encode(digest.prefix(6))
    }
}

extension SecretBox {
    /// A key for `purpose` derived from the master key (HKDF-SHA256), so no two uses share key material.
    public func derivedKey(purpose: String) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(
            inputKeyMaterial: key, salt: Array("telegate".utf8), info: Array(purpose.utf8), outputByteCount: 32)
    }

    /// A short keyed fingerprint of `secret` (HMAC under the master key), so admins can tell secrets apart and
    /// configuration can tell whether a secret changed, without storing or showing it.
    public func fingerprint(of secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array(("fingerprint:" + secret).utf8), using: key)
        return Hex.encode(mac.prefix(8))
    }
}
