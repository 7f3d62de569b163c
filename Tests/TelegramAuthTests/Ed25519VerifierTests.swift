import Crypto
import Testing

@testable import TelegramAuth

/// Catalogue section B: third-party validation with only the bot id.
@Suite("initData, Ed25519 third-party mode")
struct Ed25519VerifierTests {
    let bot = TestBot.primary

    @Test("Data signed Telegram-style verifies with only the bot id and Telegram's key")
    func valid() throws {
        #expect(try bot.ed25519Verifier.verify(bot.sign(bot.launchFields())).user == TestBot.sampleUser)
    }

    @Test("The hash does not take part: a wrong hash still verifies, a missing one too")
    func hashIgnored() throws {
        let initData = bot.sign(bot.launchFields())
        let wrongHash = initData.replacing(#/hash=[0-9a-f]+/#, with: "hash=" + String(repeating: "0", count: 64))
        #expect(throws: Never.self) { try bot.ed25519Verifier.verify(wrongHash) }
        let noHash = initData.split(separator: "&").filter { !$0.hasPrefix("hash=") }.joined(separator: "&")
        #expect(throws: Never.self) { try bot.ed25519Verifier.verify(noHash) }
    }

    @Test("B1: a valid signature for a different bot id is refused")
    func otherBotID() throws {
        let verifier = InitDataVerifier(botID: bot.botID + 1, publicKey: bot.telegramKey.publicKey, clock: .fixed(TestBot.now))
        #expect(outcome { () throws(TelegramAuthError) in try verifier.verify(bot.sign(bot.launchFields())) }.code == .signatureInvalid)
    }

    @Test("B2: a missing or empty signature is signature_missing")
    func missingSignature() throws {
        let hmacOnly = bot.signHMAC(bot.launchFields())
        #expect(outcome { () throws(TelegramAuthError) in try bot.ed25519Verifier.verify(hmacOnly) }.code == .signatureMissing)
        let empty = TelegramEncoding.queryString(bot.launchFields() + [("signature", "")])
        #expect(outcome { () throws(TelegramAuthError) in try bot.ed25519Verifier.verify(empty) }.code == .signatureMissing)
    }

    @Test("B3: a signature that is not canonical unpadded base64url of 64 bytes is refused", arguments: [
        "!!!!", String(repeating: "A", count: 85), String(repeating: "A", count: 88), "abc+def/",
    ])
    func malformedSignature(_ signature: String) throws {
        let initData = TelegramEncoding.queryString(bot.launchFields() + [("signature", signature)])
        #expect(outcome { () throws(TelegramAuthError) in try bot.ed25519Verifier.verify(initData) }.code == .signatureInvalid)
    }

    @Test("B3: the standard base64 alphabet is refused even when the bytes are right")
    func standardAlphabet() throws {
        let initData = bot.sign(bot.launchFields())
        let fields = try FormURLEncodedParser.parse(initData, limits: .standard)
        let signature = try #require(fields["signature"])
        guard signature.contains("-") || signature.contains("_") else { return }
        let standard = signature.replacing("-", with: "+").replacing("_", with: "/")
        let rewritten = TelegramEncoding.queryString(fields.pairs.map { $0.key == "signature" ? ($0.key, standard) : $0 })
        #expect(outcome { () throws(TelegramAuthError) in try bot.ed25519Verifier.verify(rewritten) }.code == .signatureInvalid)
    }

    @Test("B4: a non-canonical signature (S + L) is refused")
    func malleableSignature() throws {
        let initData = bot.sign(bot.launchFields())
        let fields = try FormURLEncodedParser.parse(initData, limits: .standard)
        let encoded = try #require(fields["signature"])
        var signature = try #require(Base64.decode(Array(encoded.utf8), alphabet: .url, allowPadding: false, canonical: true))
        // L = 2^252 + 27742317777372353535851937790883648493, little-endian.
        let order: [UInt8] = [
            0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
        ]
        var carry: UInt16 = 0
        for index in 0..<32 {
            let sum = UInt16(signature[32 + index]) + UInt16(order[index]) + carry
            signature[32 + index] = UInt8(truncatingIfNeeded: sum)
            carry = sum >> 8
        }
        let rewritten = TelegramEncoding.queryString(
            fields.pairs.map { $0.key == "signature" ? ($0.key, Base64.urlEncode(signature)) : $0 })
        #expect(outcome { () throws(TelegramAuthError) in try bot.ed25519Verifier.verify(rewritten) }.code == .signatureInvalid)
    }

    @Test("B5: production data is refused by a test-environment verifier and vice versa")
    func environments() throws {
        let vector = TelegramVector.named("ed-real-7342037359-a")
        let testVerifier = InitDataVerifier(botID: 7_342_037_359, environment: .test, freshness: .disabled)
        #expect(outcome { () throws(TelegramAuthError) in try testVerifier.verify(vector.input) }.code == .signatureInvalid)
        let prodVerifier = InitDataVerifier(botID: 7_342_037_359, environment: .production, freshness: .disabled)
        #expect(throws: Never.self) { try prodVerifier.verify(vector.input) }
    }

    @Test("B6: an Ed25519 verifier never falls back to the hash, an HMAC verifier never to the signature")
    func noFallback() throws {
        let broken = bot.sign(bot.launchFields()).replacing(#/signature=[A-Za-z0-9_-]+/#, with: "signature=" + String(repeating: "A", count: 86))
        // The hash is still right for the original data but does not cover the new signature; neither mode passes.
        #expect(outcome { () throws(TelegramAuthError) in try bot.ed25519Verifier.verify(broken) }.code == .signatureInvalid)
        #expect(outcome { () throws(TelegramAuthError) in try bot.hmacVerifier.verify(broken) }.code == .signatureInvalid)
    }

    @Test("B7: signature is excluded from the Ed25519 message and included in the HMAC one")
    func checkStrings() throws {
        let vector = TelegramVector.named("hmac-real-7342037359-a")
        let fields = try FormURLEncodedParser.parse(vector.input, limits: .standard)
        #expect(String(decoding: fields.dataCheckString(excluding: .hash), as: UTF8.self).contains("signature="))
        #expect(!String(decoding: fields.dataCheckString(excluding: [.hash, .signature]), as: UTF8.self).contains("signature="))
    }

    @Test("Telegram's public keys are the documented constants")
    func publicKeys() {
        #expect(TelegramEnvironment.production.publicKey.rawRepresentation.elementsEqual(Hex.decode(TelegramEnvironment.production.publicKeyHex)!))
        #expect(TelegramEnvironment.production.publicKeyHex == "e7bf03a2fa4602af4580703d88dda5bb59f32ed8b02a56c187fe7d34caed242d")
        #expect(TelegramEnvironment.test.publicKeyHex == "40055058a4ee38156a06562e52eece92a771bcd8346a8c4615cb7376eddf72ec")
    }
}
