import Crypto
import Testing

@testable import TelegramAuth

/// `explain`: each known mistake, reproduced, is named; the verdict never changes.
@Suite("Diagnostics")
struct ProofDiagnosisTests {
    let bot = TestBot.primary

    private func diagnosis(botToken: String? = TestBot.primary.token.secretText, botID: Int64? = nil,
        publicKey: Curve25519.Signing.PublicKey? = nil, environment: TelegramEnvironment = .production) -> ProofDiagnosis {
        ProofDiagnosis(botToken: botToken, botID: botID, environment: environment, customPublicKey: publicKey,
            freshness: .initData, clock: .fixed(TestBot.now))
    }

    /// Verifies in HMAC mode, expects failure, and returns the hint codes.
    private func hintCodes(_ text: String, mode: TelegramIdentity.Mode = .hmac, verifier: InitDataVerifier? = nil,
        diagnosis: ProofDiagnosis? = nil) -> [String] {
        let verifier = verifier ?? bot.hmacVerifier
        guard case .failure(let error) = outcome({ () throws(TelegramAuthError) in try verifier.verify(text) }) else {
            Issue.record("the input verified; diagnostics only run after a failure")
            return []
        }
        return (diagnosis ?? self.diagnosis()).explainInitData(text, failure: error, mode: mode).map(\.code)
    }

    /// A hash computed by a faulty signer over `fields`.
    private func signed(_ fields: [(key: String, value: String)], key: SymmetricKey, checkFields: [(key: String, value: String)]? = nil) -> String {
        let check = try! ProofFields(pairs: checkFields ?? fields)
        let mac = HMAC<SHA256>.authenticationCode(for: check.dataCheckString(excluding: [.hash]), using: key)
        return TelegramEncoding.queryString(fields + [("hash", Hex.encode(mac))])
    }

    @Test("Widget-signed data passed as initData names the key mix-up")
    func widgetKeyUsed() throws {
        let widgetData = try WidgetSigner(botToken: bot.token.secretText).queryString(user: TestBot.sampleUser, authDate: TestBot.now)
        #expect(hintCodes(widgetData).contains("widget_key_used"))
    }

    @Test("initData passed as widget data names the reverse mix-up")
    func webAppKeyUsed() throws {
        let initData = bot.signHMAC(bot.launchFields())
        let verifier = WidgetVerifier(botToken: bot.token.secretText, clock: .fixed(TestBot.now))
        guard case .failure(let error) = outcome({ () throws(TelegramAuthError) in try verifier.verify(initData) }) else {
            Issue.record("verified")
            return
        }
        #expect(diagnosis().explainWidget(initData, failure: error).map(\.code) == ["webapp_key_used"])
    }

    @Test("A hash computed without the signature field is named")
    func signatureExcluded() throws {
        let fields = bot.launchFields() + [("signature", "c2lnbmF0dXJl")]
        let text = signed(fields, key: bot.token.webAppKey, checkFields: bot.launchFields())
        #expect(hintCodes(text).contains("signature_excluded"))
    }

    @Test("Dropped empty values are named")
    func emptyValuesDropped() throws {
        let fields = bot.launchFields() + [("signature", "")]
        #expect(hintCodes(signed(fields, key: bot.token.webAppKey, checkFields: bot.launchFields())).contains("empty_values_dropped"))
    }

    @Test("A hash over a literal + is named")
    func plusDecodedDifferently() throws {
        let fields: [(key: String, value: String)] = [("user", #"{"id":5,"first_name":"a+b"}"#), ("auth_date", String(TestBot.now))]
        let mac = HMAC<SHA256>.authenticationCode(for: try ProofFields(pairs: fields).dataCheckString(excluding: .hash), using: bot.token.webAppKey)
        // The client wrote the + unencoded, so it now reads as a space.
        let text = "user=" + TelegramEncoding.percentEncode(fields[0].value).replacing("%2B", with: "+") + "&auth_date=\(TestBot.now)&hash=" + Hex.encode(mac)
        #expect(hintCodes(text).contains("plus_decoded_differently"))
    }

    @Test("Re-serialized user JSON (unescaped slashes) is named and confirmed")
    func reserialized() throws {
        let initData = bot.signHMAC(bot.launchFields())
        let mangled = initData.replacing("%5C%2F", with: "%2F")
        let hints = diagnosis().explainInitData(mangled, failure: TelegramAuthError(.signatureInvalid, ""), mode: .hmac)
        let hint = try #require(hints.first { $0.code == "user_reserialized" })
        #expect(hint.message.hasPrefix("Restoring"))
    }

    @Test("HTML escaping and double URL encoding are named and confirmed")
    func transport() throws {
        let initData = bot.signHMAC(bot.launchFields())
        #expect(hintCodes(initData.replacing("&", with: "&amp;")).contains("html_escaped"))
        #expect(hintCodes(TelegramEncoding.percentEncode(initData)).contains("double_encoded"))
    }

    @Test("initDataUnsafe JSON, a JWT, the tma prefix and the launch parameter are named")
    func shapes() throws {
        let initData = bot.signHMAC(bot.launchFields())
        #expect(hintCodes(#"{"user":{"id":1},"auth_date":1,"hash":"ab"}"#).contains("init_data_unsafe_sent"))
        #expect(hintCodes("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln").contains("jwt_given"))
        #expect(hintCodes("tma " + initData).contains("authorization_scheme_included"))
        #expect(hintCodes("tgWebAppData=" + TelegramEncoding.percentEncode(initData)).contains("launch_parameter_sent"))
    }

    @Test("Signer mistakes: the hex text of the key, swapped HMAC arguments")
    func keyDerivationMistakes() throws {
        let fields = bot.launchFields()
        let hexKey = SymmetricKey(data: Array(bot.token.webAppKey.withUnsafeBytes { Hex.encode($0) }.utf8))
        #expect(hintCodes(signed(fields, key: hexKey)).contains("hex_secret_used"))
        let swapped = HMAC<SHA256>.authenticationCode(for: Array("WebAppData".utf8), using: SymmetricKey(data: Array(bot.token.secretText.utf8)))
        #expect(hintCodes(signed(fields, key: SymmetricKey(data: Array(swapped)))).contains("hmac_arguments_swapped"))
    }

    @Test("Genuine data with the wrong token says the token is wrong; foreign data says so too")
    func tokenMismatch() throws {
        let impostor = try BotToken("\(bot.botID):AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
        let verifier = InitDataVerifier(botToken: impostor, clock: .fixed(TestBot.now))
        let genuine = bot.sign(bot.launchFields())
        let codes = hintCodes(genuine, verifier: verifier,
            diagnosis: diagnosis(botToken: impostor.secretText, publicKey: bot.telegramKey.publicKey))
        #expect(codes == ["token_mismatch"])
        let foreign = TestBot.other.sign(TestBot.other.launchFields())
        #expect(hintCodes(foreign, diagnosis: diagnosis(publicKey: bot.telegramKey.publicKey)) == ["other_bot_or_modified"])
    }

    @Test("Ed25519 data signed with the other environment's key is named")
    func otherEnvironment() throws {
        let vector = TelegramVector.named("ed-real-7342037359-a")
        let verifier = InitDataVerifier(botID: 7_342_037_359, environment: .test, freshness: .disabled)
        let codes = hintCodes(vector.input, mode: .ed25519, verifier: verifier,
            diagnosis: diagnosis(botToken: nil, botID: 7_342_037_359, environment: .test))
        #expect(codes == ["other_environment"])
    }

    @Test("Expiry is explained with how much too old; future dates point at the clock")
    func freshness() throws {
        let old = bot.sign(bot.launchFields(authDate: TestBot.now - 7200))
        let hint = try #require(diagnosis().explainInitData(old, failure: TelegramAuthError(.expired, ""), mode: .hmac).first)
        #expect(hint.code == "expired")
        #expect(hint.message.contains("2h old") && hint.message.contains("1h past"))
        let future = bot.sign(bot.launchFields(authDate: TestBot.now + 600))
        #expect(hintCodes(future) == ["clock_skew"])
    }

    @Test("Mode mix-ups: a signature without hash, a hash without signature")
    func modeMixUps() throws {
        let ed25519Only = try InitDataSigner(ed25519PrivateKey: bot.telegramKey, botID: bot.botID).sign(bot.launchFields())
        #expect(hintCodes(ed25519Only) == ["use_ed25519"])
        let hmacOnly = bot.signHMAC(bot.launchFields())
        #expect(hintCodes(hmacOnly, mode: .ed25519, verifier: bot.ed25519Verifier, diagnosis: diagnosis(botID: bot.botID)) == ["use_hmac"])
    }

    @Test("Diagnosis never turns a failure into success: hints come only with the original error")
    func verdictStands() throws {
        let widgetData = try WidgetSigner(botToken: bot.token.secretText).queryString(user: TestBot.sampleUser, authDate: TestBot.now)
        #expect(outcome { () throws(TelegramAuthError) in try bot.hmacVerifier.verify(widgetData) }.code == .signatureInvalid)
        _ = diagnosis().explainInitData(widgetData, failure: TelegramAuthError(.signatureInvalid, ""), mode: .hmac)
        #expect(outcome { () throws(TelegramAuthError) in try bot.hmacVerifier.verify(widgetData) }.code == .signatureInvalid)
    }
}
