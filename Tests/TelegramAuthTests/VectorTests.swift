import Crypto
import Foundation
import StrictJSON
import Testing

@testable import TelegramAuth

/// Every public vector, replayed with freshness disabled (they were issued years ago).
@Suite("Telegram's public test vectors")
struct VectorTests {
    /// The code each invalid public vector must be refused with.
    static let expectedCodes: [String: TelegramAuthError.Code] = [
        "hmac-bad-token-suffix": .signatureInvalid, "hmac-hash-missing": .hashMissing, "hmac-malformed": .malformed,
        "ed-wrong-bot-id": .signatureInvalid, "ed-tampered-signature": .signatureInvalid,
        "ed-signature-missing": .signatureMissing, "widget-wesleym-no-hash": .hashMissing,
        "widget-lipsar-mismatch": .signatureInvalid,
    ]

    private func expectRefused(_ vector: TelegramVector, _ body: () throws(TelegramAuthError) -> TelegramIdentity) {
        let error = #expect(throws: TelegramAuthError.self) { try body() }
        if let expected = Self.expectedCodes[vector.id] { #expect(error?.code == expected) }
    }

    @Test("initData HMAC vectors verify exactly when expected, with the expected data-check-string and key",
        arguments: TelegramVector.of(kind: "initdata-hmac"))
    func hmacVector(_ vector: TelegramVector) throws {
        let verifier = try InitDataVerifier(botToken: BotToken(#require(vector.botToken)), freshness: .disabled)
        if vector.expectValid == true {
            let identity = try verifier.verify(vector.input)
            #expect(identity.mode == .hmac)
            #expect(identity.proof == .initData)
            if let id = vector.expectedUserID { #expect(identity.user.id == id) }
            if let name = vector.expectedFirstName { #expect(identity.user.firstName == name) }
        } else {
            expectRefused(vector) { () throws(TelegramAuthError) in try verifier.verify(vector.input) }
        }
        if let expected = vector.expectedDataCheckString {
            let fields = try FormURLEncodedParser.parse(vector.input, limits: .standard)
            #expect(String(decoding: fields.dataCheckString(excluding: .hash), as: UTF8.self) == expected)
        }
        if let expected = vector.expectedSecretKeyHex {
            let key = try BotToken(#require(vector.botToken)).webAppKey
            #expect(key.withUnsafeBytes { Hex.encode($0) } == expected)
        }
    }

    @Test("Ed25519 vectors verify with only the bot id exactly when expected, over the expected message",
        arguments: TelegramVector.of(kind: "initdata-ed25519"))
    func ed25519Vector(_ vector: TelegramVector) throws {
        let botID = try #require(vector.botID)
        let customKey = try vector.publicKeyHex.map {
            try Curve25519.Signing.PublicKey(rawRepresentation: #require(Hex.decode($0)))
        }
        let verifier = InitDataVerifier(
            botID: botID, environment: vector.testEnvironment ? .test : .production, publicKey: customKey,
            freshness: .disabled)
        if vector.expectValid == true {
            let identity = try verifier.verify(vector.input)
            #expect(identity.mode == .ed25519)
            if let id = vector.expectedUserID { #expect(identity.user.id == id) }
        } else {
            expectRefused(vector) { () throws(TelegramAuthError) in try verifier.verify(vector.input) }
        }
        if let expected = vector.expectedSignedMessage {
            let fields = try FormURLEncodedParser.parse(vector.input, limits: .standard)
            let message = fields.dataCheckString(
                excluding: [.hash, .signature], prefix: Array("\(botID):WebAppData\n".utf8))
            #expect(String(decoding: message, as: UTF8.self) == expected)
        }
    }

    @Test("Telegram-issued HMAC vectors also verify with Telegram's Ed25519 signature and no token")
    func telegramSignedVectorsVerifyBothWays() throws {
        let realOnes = TelegramVector.of(kind: "initdata-hmac").filter {
            $0.realTelegramSigned
        }
        #expect(!realOnes.isEmpty)
        for vector in realOnes {
            let verifier = InitDataVerifier(botID: try #require(vector.botID), freshness: .disabled)
            #expect(try verifier.verify(vector.input).user.id == vector.expectedUserID)
        }
    }

    @Test("Login Widget vectors verify exactly when expected", arguments: TelegramVector.of(kind: "widget"))
    func widgetVector(_ vector: TelegramVector) throws {
        let verifier = WidgetVerifier(botToken: try #require(vector.botToken), freshness: .disabled)
        if vector.expectValid == true {
            let identity = try verifier.verify(vector.input)
            #expect(identity.proof == .widget)
            if let id = vector.expectedUserID { #expect(identity.user.id == id) }
            if let name = vector.expectedFirstName { #expect(identity.user.firstName == name) }
        } else {
            expectRefused(vector) { () throws(TelegramAuthError) in try verifier.verify(vector.input) }
        }
        if let expected = vector.expectedDataCheckString {
            let payload = try WidgetPayload(vector.input)
            #expect(String(decoding: payload.fields.dataCheckString(excluding: .hash), as: UTF8.self) == expected)
        }
    }

    @Test("The allauth tgAuthResult vector from 2044 is refused once freshness is on")
    func futureWidgetVectorIsRefused() throws {
        let vector = TelegramVector.named("widget-allauth-tgauthresult")
        let verifier = WidgetVerifier(botToken: try #require(vector.botToken), clock: .fixed(1_795_000_000))
        let error = #expect(throws: TelegramAuthError.self) { try verifier.verify(vector.input) }
        #expect(error?.code == .authDateInFuture)
    }

    @Test("D18: the documented id_token claims map to the Telegram id, never to sub")
    func oidcClaimsFixture() throws {
        let vector = TelegramVector.named("oidc-docs-example-claims")
        let claims = try JSONValue.parse(Array(vector.input.utf8))
        #expect(claims["id"]?.integerValue == 987_654_321)
        #expect(claims["sub"]?.stringValue == "1234123412341234123")
        #expect(claims["aud"]?.stringValue == "123456789")
    }

    @Test("The JWKS snapshot yields its RSA, P-256 and Ed25519 keys and skips the secp256k1 one")
    func jwksSnapshot() async throws {
        let vector = TelegramVector.named("oidc-jwks-snapshot")
        let jwks = try JSONValue.parse(Array(vector.input.utf8))
        guard case .array(let entries)? = jwks["keys"] else {
            Issue.record("snapshot has no keys array")
            return
        }
        var usable: [String: JWSAlgorithm] = [:]
        for entry in entries {
            if let key = await VerificationKey.parse(entry) { usable[key.kid] = key.algorithm }
        }
        #expect(usable == ["oidc-1": .rs256, "oidc-es256-1": .es256, "oidc-eddsa-1": .edDSA])
    }
}
