import Foundation
import ProviderKit
import StrictJSON
import TelegateCore
import TelegateIssuer
import TelegramAuth

/// A Google service account of the Firebase project, read once from its key JSON (the file the Firebase console's
/// "Generate new private key" downloads): who signs custom tokens (`client_email`), with which key
/// (`private_key_id`, `private_key`), for which project (`project_id`).
///
/// A key JSON that cannot sign is refused with `invalid_config` naming what is wrong; no message repeats any part of
/// the key.
struct FirebaseServiceAccount: Sendable {
    /// `client_email`: the custom token's `iss` and `sub`.
    let email: String
    /// `project_id`.
    let projectID: String
    /// `token_uri`: where the account's OAuth access tokens come from, if the key names it.
    let tokenURI: String?
    /// Signs with `private_key`, `kid` = `private_key_id`.
    private let signer: TokenSigner

    init(json text: String) throws {
        guard let json = try? JSONValue.parse(Array(text.utf8)), json.objectMembers != nil else {
            throw AdapterConfigSchema.invalid("serviceAccount must be a service account key JSON object")
        }
        guard json["type"]?.stringValue == "service_account" else {
            throw AdapterConfigSchema.invalid("serviceAccount must be a key of type \"service_account\"")
        }
        func member(_ name: String) throws -> String {
            guard let value = json[name]?.stringValue, !value.isEmpty else {
                throw AdapterConfigSchema.invalid("serviceAccount has no \(name)")
            }
            return value
        }
        self.email = try member("client_email")
        self.projectID = try member("project_id")
        self.tokenURI = json["token_uri"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        let keyID = try member("private_key_id")
        let material: SigningKeyMaterial
        do {
            material = try SigningKeyMaterial(algorithm: .rs256, privateKeyBytes: try Self.der(pem: try member("private_key")))
        } catch let error as TelegateError {
            throw error
        } catch {
            throw AdapterConfigSchema.invalid("serviceAccount's private_key is not an RSA private key of at least 2048 bits")
        }
        self.signer = TokenSigner(kid: keyID, material: material)
    }

    /// A compact RS256 JWS of `claims` with header `{"alg": "RS256", "kid": private_key_id, "typ": "JWT"}`.
    func sign(_ claims: JSONValue) throws -> String {
        try signer.sign(claims: claims, type: "JWT")
    }

    /// The DER bytes of a PEM `PRIVATE KEY` (PKCS#8) or `RSA PRIVATE KEY` (PKCS#1) block.
    private static func der(pem: String) throws -> [UInt8] {
        let lines = pem.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let labels = ["PRIVATE KEY", "RSA PRIVATE KEY"]
        guard let first = lines.first, let last = lines.last, lines.count > 2,
            let label = labels.first(where: { first == "-----BEGIN \($0)-----" }), last == "-----END \(label)-----",
            let der = Base64.decode(Array(lines.dropFirst().dropLast().joined().utf8), alphabet: .standard, allowPadding: true, canonical: false)
        else {
            throw AdapterConfigSchema.invalid("serviceAccount's private_key must be a PEM \"PRIVATE KEY\" block")
        }
        return der
    }
}
