import Crypto
import StrictJSON
import TelegateCore
import TelegateIssuer
import TelegramAuth
import Testing
import _CryptoExtras

/// Keys too weak to use are refused where they enter: the master key at start, stored signing keys when read.
@Suite("Key strength")
struct KeyStrengthTests {
    @Test("P4: a master key that is not exactly 32 bytes is refused, so Telegate does not start with it")
    func masterKeyLength() throws {
        for length in [0, 16, 31, 33, 64] {
            let text = Base64.urlEncode([UInt8](repeating: 7, count: length))
            #expect(throws: TelegateError.self, "\(length) bytes") { try MasterKey(base64: text) }
        }
        #expect(throws: TelegateError.self) { try MasterKey(base64: "not base64 at all!") }
        _ = try MasterKey(base64: Base64.urlEncode([UInt8](repeating: 7, count: 32)))
    }

    @Test("P4: signing keys are generated at full strength, and a weak or short stored key is refused when read")
    func signingKeyStrength() throws {
        let rsa = try SigningKeyMaterial.generate(.rs256)
        let modulus = try #require(rsa.publicJWK(kid: "k")["n"]?.stringValue)
        let modulusBytes = try #require(Base64.decode(modulus.utf8, alphabet: .url, allowPadding: false, canonical: false))
        #expect(modulusBytes.count * 8 >= 2048)
        #expect(try SigningKeyMaterial.generate(.es256).publicJWK(kid: "k")["crv"]?.stringValue == "P-256")
        #expect(try SigningKeyMaterial.generate(.edDSA).privateKeyBytes.count == 32)

        let weakRSA = try _RSA.Signing.PrivateKey(unsafeKeySize: .init(bitCount: 1024))
        #expect(throws: (any Error).self) {
            try SigningKeyMaterial(algorithm: .rs256, privateKeyBytes: Array(weakRSA.derRepresentation))
        }
        for algorithm in [SigningAlgorithm.es256, .edDSA] {
            for length in [0, 16, 31, 33] {
                #expect(throws: (any Error).self, "\(algorithm) \(length)") {
                    try SigningKeyMaterial(algorithm: algorithm, privateKeyBytes: [UInt8](repeating: 1, count: length))
                }
            }
        }
    }
}
