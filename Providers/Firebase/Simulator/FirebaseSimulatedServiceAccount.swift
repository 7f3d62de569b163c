import Foundation
import StrictJSON
import _CryptoExtras

/// A Google service account the simulated Google knows: its email, the project it belongs to, and its key pair
/// (generated, never a real account's). Its ``keyJSON`` is the file the Firebase console would download.
public struct FirebaseSimulatedServiceAccount: Sendable {
    public let email: String
    public let projectID: String
    public let keyID: String
    let privateKey: _RSA.Signing.PrivateKey

    /// A new account `firebase-adminsdk-xxxxx@<project>.iam.gserviceaccount.com` of `projectID` with a 2048-bit key.
    public init(projectID: String) throws {
        self.projectID = projectID
        self.email = "firebase-adminsdk-\(FirebaseRandom.id(length: 5))@\(projectID).iam.gserviceaccount.com"
        self.keyID = FirebaseRandom.hex(length: 40)
        self.privateKey = try _RSA.Signing.PrivateKey(keySize: .bits2048)
    }

    /// The public key Google checks custom tokens of this account with.
    var publicKey: _RSA.Signing.PublicKey { privateKey.publicKey }

    /// The public key as PEM (`PUBLIC KEY`).
    public var publicKeyPEM: String { privateKey.publicKey.pemRepresentation }

    /// The key JSON (`type: service_account`, PKCS#8 `private_key`), as the Firebase console downloads it.
    public var keyJSON: String {
        JSONValue.object([
            ("type", .string("service_account")), ("project_id", .string(projectID)), ("private_key_id", .string(keyID)),
            ("private_key", .string(privateKey.pkcs8PEMRepresentation)), ("client_email", .string(email)),
            ("client_id", .string(FirebaseRandom.digits(length: 21))),
            ("auth_uri", .string("https://accounts.google.com/o/oauth2/auth")),
            ("token_uri", .string("https://oauth2.googleapis.com/token")),
        ]).serialized
    }
}

/// Random identifiers shaped like Google's.
enum FirebaseRandom {
    /// `length` characters of `[a-z0-9]`.
    static func id(length: Int) -> String { pick(length, from: "abcdefghijklmnopqrstuvwxyz0123456789") }
    /// `length` lowercase hexadecimal digits.
    static func hex(length: Int) -> String { pick(length, from: "0123456789abcdef") }
    /// `length` decimal digits, the first not zero.
    static func digits(length: Int) -> String { pick(1, from: "123456789") + pick(length - 1, from: "0123456789") }
    /// `length` characters of `[A-Za-z0-9_-]`.
    static func token(length: Int) -> String {
        pick(length, from: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
    }

    private static func pick(_ length: Int, from alphabet: String) -> String {
        let characters = Array(alphabet)
        return String((0..<length).map { _ in characters.randomElement()! })
    }
}
