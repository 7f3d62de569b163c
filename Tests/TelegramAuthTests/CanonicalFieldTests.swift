import Crypto
import StrictJSON
import Testing

@testable import TelegramAuth

/// Exact bytes: a proof is refused unless its bytes are exactly a form Telegram writes, even when its MAC holds.
@Suite("Canonical fields and exact bytes")
struct CanonicalFieldTests {
    let bot = TestBot.primary

    /// initData over `fields` with a correct HMAC `hash`, built by hand (the signers refuse to sign such fields):
    /// what someone holding the bot token, or replaying bytes a lenient decoder produced, could send.
    func signedByHand(_ fields: [(key: String, value: String)]) -> String {
        let dataCheckString = fields.sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }
            .map { "\($0.key)=\($0.value)" }.joined(separator: "\n")
        let mac = HMAC<SHA256>.authenticationCode(for: Array(dataCheckString.utf8), using: bot.token.webAppKey)
        return TelegramEncoding.queryString(fields + [("hash", Hex.encode(mac))])
    }

    func parseFailure(_ bytes: [UInt8]) -> TelegramAuthError? {
        do {
            _ = try ProofFields.parseForm(bytes: bytes)
            return nil
        } catch {
            return error
        }
    }

    func refusal(_ initData: String) -> TelegramAuthError? {
        guard case .failure(let error) = outcome({ () throws(TelegramAuthError) in try bot.hmacVerifier.verify(initData) })
        else { return nil }
        return error
    }

    @Test("The hand-made signature is right: canonical fields signed by hand verify")
    func handSigningVerifies() throws {
        let initData = signedByHand(bot.launchFields() + [("chat_join_request_query_id", "q1"), (String(repeating: "k", count: 64), "v")])
        #expect(try bot.hmacVerifier.verify(initData).user == TestBot.sampleUser)
    }

    @Test(
        "Signed keys outside ^[a-z0-9_]{1,64}$ are refused as noncanonical, though the MAC holds",
        arguments: ["X-Admin", "K\r", "ключ", String(repeating: "a", count: 200), String(repeating: "a", count: 65), "User", "a.b", "a b", "a=b"])
    func noncanonicalKeys(_ key: String) throws {
        let error = try #require(refusal(signedByHand(bot.launchFields() + [(key, "1")])))
        #expect(error.code == .malformed)
        #expect(error.reason == "noncanonical")
        #expect(!error.message.contains(key), "the key is not echoed")
    }

    @Test(
        "Signed values with control characters are refused as noncanonical, though the MAC holds",
        arguments: ["private\r", "a\rb", "\0", "tab\there", "line\nfeed", "del\u{7F}", "esc\u{1B}[2J"])
    func controlCharacterValues(_ value: String) throws {
        let fields = bot.launchFields().map { $0.key == "chat_type" ? ($0.key, value) : $0 }
        let error = try #require(refusal(signedByHand(fields)))
        #expect(error.code == .malformed)
        #expect(error.reason == "noncanonical")
    }

    @Test("A raw (not percent-encoded) carriage return or control byte is refused too")
    func rawControlBytes() throws {
        let initData = bot.sign(bot.launchFields())
        for raw in ["\r", "\u{1B}", "\t", "\n"] {
            let error = try #require(refusal(initData.replacing("chat_type=private", with: "chat_type=priv\(raw)ate")))
            #expect(error.code == .malformed)
            #expect(error.reason == "noncanonical")
        }
    }

    @Test("Control characters inside the user JSON are fine: Telegram escapes them, and the escapes are canonical")
    func escapedControlsInJSON() throws {
        let user = TelegramUser(id: 42, firstName: "Tab\tand\r\nnewline")
        let identity = try bot.hmacVerifier.verify(bot.sign(bot.launchFields(user: user)))
        #expect(identity.user.firstName == "Tab\tand\r\nnewline")
    }

    @Test("A14: invalid UTF-8 after percent-decoding is malformed, whatever the MAC", arguments: ["%FF", "%C0%80", "%ED%A0%80", "%E0%A4"])
    func invalidUTF8(_ escape: String) throws {
        let initData = bot.sign(bot.launchFields()).replacing("chat_type=private", with: "chat_type=private\(escape)")
        #expect(refusal(initData)?.code == .malformed)
    }

    @Test("A14: raw bytes that are not UTF-8 are refused, never decoded to U+FFFD first", arguments: [[0xFF], [0xC0, 0x80]] as [[UInt8]])
    func rawInvalidBytes(_ bad: [UInt8]) throws {
        // A value MAC'd over U+FFFD: the lenient decoding of `bad` would produce exactly these bytes.
        let replacement = String(repeating: "\u{FFFD}", count: bad.count)
        let initData = signedByHand(bot.launchFields() + [("query_id", "AA" + replacement)])
        #expect(try bot.hmacVerifier.verify(initData).queryID == "AA" + replacement)
        let encoded = TelegramEncoding.percentEncode(replacement)
        let bytes = Array(initData.replacing(encoded, with: "\u{0}").utf8).flatMap { $0 == 0 ? bad : [$0] }
        #expect(parseFailure(bytes)?.code == .malformed)
        #expect(parseFailure(Array(initData.utf8)) == nil)
    }

    @Test("Login Widget data: non-canonical keys and control characters are refused in every shape")
    func widget() throws {
        let token = "7000000001:AAFZehRPBRs8Seg40oDjTMIW8uTGPuW1zfQ"
        let verifier = WidgetVerifier(botToken: token, clock: .fixed(TestBot.now))
        let key = BotToken.widgetKey(forToken: token)
        func signed(_ fields: [(key: String, value: String)]) -> [(key: String, value: String)] {
            let dataCheckString = fields.sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }
                .map { "\($0.key)=\($0.value)" }.joined(separator: "\n")
            return fields + [("hash", Hex.encode(HMAC<SHA256>.authenticationCode(for: Array(dataCheckString.utf8), using: key)))]
        }
        let base: [(key: String, value: String)] = [("id", "5"), ("first_name", "Ann"), ("auth_date", String(TestBot.now))]
        #expect(try verifier.verify(TelegramEncoding.queryString(signed(base))).user.id == 5)
        for fields in [base + [("X-Admin", "1")], base.map { $0.key == "first_name" ? ($0.key, "Ann\r") : $0 }] {
            let signedFields = signed(fields)
            let json = "{" + signedFields.map { TelegramEncoding.jsonString($0.key) + ":" + TelegramEncoding.jsonString($0.value) }
                .joined(separator: ",") + "}"
            for input in [TelegramEncoding.queryString(signedFields), json, Base64.urlEncode(Array(json.utf8))] {
                guard case .failure(let error) = outcome({ () throws(TelegramAuthError) in try verifier.verify(input) }) else {
                    Issue.record("non-canonical widget data verified: \(input.prefix(60))")
                    continue
                }
                #expect(error.code == .malformed)
                #expect(error.reason == "noncanonical")
            }
        }
    }

    @Test("A lone surrogate escape in JSON is refused, not turned into U+FFFD; a surrogate pair is one character")
    func loneSurrogates() throws {
        for escape in [#"\ud800"#, #"\udc00"#, #"\ud83c"#, #"a\ud800\u0041"#] {
            #expect(throws: JSONSyntaxError.self) { try JSONValue.parse(Array("\"\(escape)\"".utf8)) }
        }
        #expect(try JSONValue.parse(Array(#""\ud83c\udf89""#.utf8)) == .string("🎉"))
        let widget = #"{"id":5,"first_name":"\ud800","auth_date":1790000000,"hash":"00"}"#
        let verifier = WidgetVerifier(botToken: "7000000001:AAFZehRPBRs8Seg40oDjTMIW8uTGPuW1zfQ", clock: .fixed(TestBot.now))
        #expect(outcome { () throws(TelegramAuthError) in try verifier.verify(widget) }.code == .malformed)
    }

    @Test("--explain names a non-canonical proof")
    func diagnosisHint() throws {
        let initData = signedByHand(bot.launchFields() + [("X-Admin", "1")])
        let error = try #require(refusal(initData))
        let diagnosis = ProofDiagnosis(botToken: bot.token.secretText, botID: nil, freshness: .initData, clock: .fixed(TestBot.now))
        #expect(diagnosis.explainInitData(initData, failure: error, mode: .hmac).map(\.code).contains("noncanonical"))
        #expect(diagnosis.explainWidget(initData, failure: error).map(\.code).contains("noncanonical"))
    }
}
