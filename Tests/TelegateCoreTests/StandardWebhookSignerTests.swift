import TelegateCore
import Testing

/// Standard Webhooks signatures: the spec's own example, secret parsing, and one signature per secret in rotation.
@Suite("Standard Webhooks signer")
struct StandardWebhookSignerTests {
    static let specSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

    @Test("The spec's example message signs to the spec's signature")
    func knownAnswer() throws {
        let signer = try #require(StandardWebhookSigner(secrets: [Self.specSecret]))
        let signature = signer.signature(
            id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: Array(#"{"test": 2432232314}"#.utf8))
        #expect(signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    }

    @Test("During a rotation the request carries one signature per secret, the current one first")
    func rotation() throws {
        let next = "whsec_" + "bmV4dCBzZWNyZXQgb2YgdGhpcnR5LXR3byBieXRlcyE="
        let body = Array(#"{"type":"webhook.test"}"#.utf8)
        let both = try #require(StandardWebhookSigner(secrets: [next, Self.specSecret]))
        let current = try #require(StandardWebhookSigner(secrets: [next]))
        let previous = try #require(StandardWebhookSigner(secrets: [Self.specSecret]))
        #expect(
            both.signature(id: "evt_1", timestamp: 7, body: body)
                == current.signature(id: "evt_1", timestamp: 7, body: body) + " "
                + previous.signature(id: "evt_1", timestamp: 7, body: body))
        let headers = both.headers(id: "evt_1", timestamp: 7, body: body)
        #expect(headers.map(\.name) == ["webhook-id", "webhook-timestamp", "webhook-signature"])
        #expect(headers.map(\.value).prefix(2) == ["evt_1", "7"])
    }

    @Test("Only whsec_ secrets of 24 to 64 bytes of standard base64 are keys", arguments: [
        "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",  // no prefix
        "whsec_",  // empty
        "whsec_c2hvcnQ=",  // 5 bytes
        "whsec_not base64!",
        "whsec_" + String(repeating: "QUFB", count: 22),  // 66 bytes
    ])
    func refusesMalformedSecrets(secret: String) {
        #expect(WebhookSecret.key(of: secret) == nil)
        #expect(StandardWebhookSigner(secrets: [Self.specSecret, secret]) == nil)
    }

    @Test("No secret signs nothing")
    func noSecret() {
        #expect(StandardWebhookSigner(secrets: []) == nil)
    }
}
