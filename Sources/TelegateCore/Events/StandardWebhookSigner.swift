import Crypto
import Foundation

/// Signs a webhook request the way Standard Webhooks (standardwebhooks.com) specifies, so receivers verify it with any
/// of the spec's libraries: `webhook-signature` is `v1,` and the standard base64 of HMAC-SHA256 under the secret's key
/// of `"<webhook-id>.<webhook-timestamp>.<body>"`.
///
/// During a secret rotation an endpoint has two secrets; the request then carries one signature per secret, separated
/// by a space, and a receiver holding either secret accepts it.
public struct StandardWebhookSigner: Sendable {
    /// The signing keys, the current secret's first.
    private let keys: [SymmetricKey]

    /// A signer with the keys of `secrets` (`whsec_` and base64, the current secret first); `nil` when there is none
    /// or one is not a `whsec_` secret of 24 to 64 bytes.
    public init?(secrets: [String]) {
        let keys = secrets.compactMap(WebhookSecret.key(of:))
        guard !keys.isEmpty, keys.count == secrets.count else { return nil }
        self.keys = keys.map { SymmetricKey(data: $0) }
    }

    /// The `webhook-signature` value for message `id` sent at `timestamp` (Unix seconds) with `body`: one `v1,…`
    /// signature per key, space-separated.
    public func signature(id: String, timestamp: Int64, body: some Collection<UInt8>) -> String {
        var message = Array("\(id).\(timestamp).".utf8)
        message.append(contentsOf: body)
        return keys.map { key in
            "v1," + Data(HMAC<SHA256>.authenticationCode(for: message, using: key)).base64EncodedString()
        }.joined(separator: " ")
    }

    /// The three Standard Webhooks headers of a request: `webhook-id`, `webhook-timestamp` and `webhook-signature`.
    public func headers(id: String, timestamp: Int64, body: some Collection<UInt8>) -> [(name: String, value: String)] {
        [
            ("webhook-id", id), ("webhook-timestamp", String(timestamp)),
            ("webhook-signature", signature(id: id, timestamp: timestamp, body: body)),
        ]
    }
}
