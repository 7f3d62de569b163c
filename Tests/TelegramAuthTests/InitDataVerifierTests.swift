import Crypto
import Testing

@testable import TelegramAuth

/// Catalogue section A: Mini App initData on the HMAC path.
@Suite("initData, HMAC mode")
struct InitDataVerifierTests {
    let bot = TestBot.primary

    @Test("A valid launch verifies and decodes every signed field")
    func validLaunch() throws {
        let identity = try bot.hmacVerifier.verify(bot.sign(bot.launchFields()))
        #expect(identity.user == TestBot.sampleUser)
        #expect(identity.chatInstance == "-8599080687359297588")
        #expect(identity.chatType == "private")
        #expect(identity.authDate == TestBot.now - 60)
        #expect(identity.fields.map(\.key) == ["user", "chat_instance", "chat_type", "auth_date"])
    }

    @Test("A1: replaying the same valid initData inside the max age gives the same identity")
    func replayIsIdempotent() throws {
        let initData = bot.sign(bot.launchFields())
        #expect(try bot.hmacVerifier.verify(initData).user == bot.hmacVerifier.verify(initData).user)
    }

    @Test("A2: auth_date older than the max age is expired, and never before the signature is checked")
    func expired() throws {
        let old = bot.sign(bot.launchFields(authDate: TestBot.now - 3601))
        #expect(outcome { () throws(TelegramAuthError) in try bot.hmacVerifier.verify(old) }.code == .expired)
        let tamperedOld = old.replacing("auth_date=", with: "auth_date=1")
        #expect(outcome { () throws(TelegramAuthError) in try bot.hmacVerifier.verify(tamperedOld) }.code == .signatureInvalid)
        let atLimit = bot.sign(bot.launchFields(authDate: TestBot.now - 3600))
        #expect(throws: Never.self) { try bot.hmacVerifier.verify(atLimit) }
    }

    @Test("A3: auth_date more than 60 s in the future is refused; within the skew it is accepted")
    func future() throws {
        let far = bot.sign(bot.launchFields(authDate: TestBot.now + 61))
        #expect(outcome { () throws(TelegramAuthError) in try bot.hmacVerifier.verify(far) }.code == .authDateInFuture)
        let near = bot.sign(bot.launchFields(authDate: TestBot.now + 60))
        #expect(throws: Never.self) { try bot.hmacVerifier.verify(near) }
    }

    @Test("A4: a malformed auth_date is refused", arguments: ["", "-1", "1e9", "+123", "0x10", "99999999999999999999", "1.5", "017", " 1"])
    func malformedAuthDate(_ value: String) throws {
        let fields: [(key: String, value: String)] = [("user", TestBot.sampleUser.webAppJSON), ("auth_date", value)]
        #expect(outcome { () throws(TelegramAuthError) in try bot.hmacVerifier.verify(bot.sign(fields)) }.code == .authDateMalformed)
    }

    @Test("A4: a missing auth_date is refused")
    func missingAuthDate() throws {
        let initData = bot.sign([("user", TestBot.sampleUser.webAppJSON)])
        #expect(outcome { () throws(TelegramAuthError) in try bot.hmacVerifier.verify(initData) }.code == .authDateMalformed)
    }

    @Test("A5-A7: a tampered value, an appended field or a removed field breaks the signature")
    func tampering() throws {
        let initData = bot.sign(bot.launchFields())
        let tampered = initData.replacing("%3A279058397", with: "%3A279058398")
        let appended = initData + "&admin=1"
        let withoutUser = initData.split(separator: "&").filter { !$0.hasPrefix("user=") }.joined(separator: "&")
        let withoutSignature = initData.split(separator: "&").filter { !$0.hasPrefix("signature=") }
            .joined(separator: "&")
        for mutated in [tampered, appended, withoutUser, withoutSignature] {
            #expect(outcome { () throws(TelegramAuthError) in try bot.hmacVerifier.verify(mutated) }.code == .signatureInvalid)
        }
    }

    @Test("A8: a duplicate key is refused before verification", arguments: ["user", "hash", "auth_date", "signature"])
    func duplicateKey(_ key: String) throws {
        let initData = bot.sign(bot.launchFields())
        let copy = try #require(initData.split(separator: "&").first { $0.hasPrefix(key + "=") })
        #expect(outcome { () throws(TelegramAuthError) in try bot.hmacVerifier.verify(initData + "&" + copy) }.code == .duplicateParameter)
        // Keys are compared after decoding: %68ash is hash.
        let encodedKey = "%" + String(key.utf8.first!, radix: 16) + key.dropFirst()
        let disguised = initData + "&" + encodedKey + copy.drop { $0 != "=" }
        #expect(outcome { () throws(TelegramAuthError) in try bot.hmacVerifier.verify(disguised) }.code == .duplicateParameter)
    }

    @Test("A9: a missing or empty hash is hash_missing")
    func missingHash() throws {
        let fields = bot.launchFields()
        let unsigned = TelegramEncoding.queryString(fields)
        #expect(outcome { () throws(TelegramAuthError) in try bot.hmacVerifier.verify(unsigned) }.code == .hashMissing)
        #expect(outcome { () throws(TelegramAuthError) in try bot.hmacVerifier.verify(unsigned + "&hash=") }.code == .hashMissing)
    }

    @Test("A10: a hash that is not 64 lowercase hex characters is signature_invalid, never a crash",
        arguments: ["zz", "invalid hash", "ÿÿ", String(repeating: "0", count: 63), String(repeating: "0", count: 65)])
    func badHash(_ hash: String) throws {
        let initData = TelegramEncoding.queryString(bot.launchFields() + [("hash", hash)])
        #expect(outcome { () throws(TelegramAuthError) in try bot.hmacVerifier.verify(initData) }.code == .signatureInvalid)
    }

    @Test("A10: the hash must be lowercase, as Telegram writes it")
    func uppercaseHash() throws {
        let fields = bot.launchFields()
        let upper = TelegramEncoding.queryString(fields + [("hash", bot.hash(of: fields).uppercased())])
        #expect(outcome { () throws(TelegramAuthError) in try bot.hmacVerifier.verify(upper) }.code == .signatureInvalid)
    }

    @Test("A12: reordered parameters and varied percent-encoding are the same credential")
    func equivalentEncodings() throws {
        let fields = bot.launchFields()
        let hash = bot.hash(of: fields)
        let reordered = TelegramEncoding.queryString([("hash", hash)] + fields.reversed())
        #expect(try bot.hmacVerifier.verify(reordered).user == TestBot.sampleUser)
        let lowercaseEscapes = TelegramEncoding.queryString(fields + [("hash", hash)]).replacing("%7B", with: "%7b")
        #expect(try bot.hmacVerifier.verify(lowercaseEscapes).user == TestBot.sampleUser)
        let plusForSpace = TelegramEncoding.queryString(fields + [("hash", hash)]).replacing("%20", with: "+")
        #expect(try bot.hmacVerifier.verify(plusForSpace).user == TestBot.sampleUser)
    }

    @Test("A13: invalid percent-encoding is malformed", arguments: ["%ZZ", "%", "%E0%A4", "%4"])
    func invalidPercentEncoding(_ junk: String) throws {
        let initData = bot.sign(bot.launchFields()) + "&x=" + junk
        #expect(outcome { () throws(TelegramAuthError) in try bot.hmacVerifier.verify(initData) }.code == .malformed)
    }

    @Test("A14: invalid UTF-8 after decoding is malformed, never replaced", arguments: ["%ED%A0%80", "%C0%80", "%FF", "%C3", "%F4%90%80%80"])
    func invalidUTF8(_ bytes: String) throws {
        let initData = bot.sign(bot.launchFields()) + "&x=" + bytes
        #expect(outcome { () throws(TelegramAuthError) in try bot.hmacVerifier.verify(initData) }.code == .malformed)
    }

    @Test("Structural rules: `;`, a part without `=`, an empty part or key, empty input", arguments: [
        "a=1;b=2", "a=1&b", "a=1&&b=2", "a=1&", "&a=1", "=1&a=2", "",
    ])
    func structure(_ text: String) throws {
        #expect(outcome { () throws(TelegramAuthError) in try bot.hmacVerifier.verify(text) }.code == .malformed)
    }

    @Test("A16: +, &, =, emoji and RTL marks inside names are accepted")
    func awkwardNames() throws {
        let user = TelegramUser(id: 5, firstName: "a+b&c=d %25 \u{202E}🎉", lastName: "")
        let identity = try bot.hmacVerifier.verify(bot.sign(bot.launchFields(user: user)))
        #expect(identity.user.firstName == user.firstName)
        #expect(identity.user.lastName == "")
    }

    @Test("A17: unknown keys are signed and kept", arguments: ["chat_join_request_query_id", "future_key"])
    func unknownKeys(_ key: String) throws {
        let identity = try bot.hmacVerifier.verify(bot.sign(bot.launchFields() + [(key, "xyz")]))
        #expect(identity.fields.contains { $0.key == key && $0.value == "xyz" })
    }

    @Test("Empty values are kept and signed")
    func emptyValues() throws {
        let identity = try bot.hmacVerifier.verify(bot.signHMAC(bot.launchFields() + [("signature", ""), ("query_id", "")]))
        #expect(identity.queryID == "")
    }

    @Test("A18: a malformed user is refused after the signature check", arguments: [
        "not json", "[1]", #"{"first_name":"x"}"#, #"{"id":0}"#, #"{"id":-5}"#, #"{"id":"5"}"#, #"{"id":1.5}"#,
        #"{"id":1e12}"#, #"{"id":4503599627370496}"#, #"{"id":1,"id":2}"#, #"{"id":1} x"#, #"{"id":1,"first_name":7}"#,
    ])
    func malformedUser(_ json: String) throws {
        let initData = bot.sign([("user", json), ("auth_date", String(TestBot.now))])
        #expect(outcome { () throws(TelegramAuthError) in try bot.hmacVerifier.verify(initData) }.code == .userMalformed)
        let unsigned = TelegramEncoding.queryString([("user", json), ("auth_date", String(TestBot.now)), ("hash", String(repeating: "0", count: 64))])
        #expect(outcome { () throws(TelegramAuthError) in try bot.hmacVerifier.verify(unsigned) }.code == .signatureInvalid)
    }

    @Test("A user id of 2^52 - 1 is the largest accepted")
    func largestUserID() throws {
        let user = TelegramUser(id: TelegramUser.maximumID, firstName: "Max")
        #expect(try bot.hmacVerifier.verify(bot.sign(bot.launchFields(user: user))).user.id == TelegramUser.maximumID)
    }

    @Test("Lenient flags: is_premium as the string \"true\" still decodes")
    func lenientFlags() throws {
        let initData = bot.sign([("user", #"{"id":7,"first_name":"A","is_premium":"true","allows_write_to_pm":null}"#), ("auth_date", String(TestBot.now))])
        let user = try bot.hmacVerifier.verify(initData).user
        #expect(user.isPremium)
        #expect(!user.allowsWriteToPM)
    }

    @Test("No user field is user_malformed")
    func noUser() throws {
        let initData = bot.sign([("query_id", "q"), ("auth_date", String(TestBot.now))])
        #expect(outcome { () throws(TelegramAuthError) in try bot.hmacVerifier.verify(initData) }.code == .userMalformed)
    }

    @Test("A19: oversized input is refused before parsing")
    func oversized() throws {
        let huge = String(repeating: "a", count: 8193)
        #expect(outcome { () throws(TelegramAuthError) in try bot.hmacVerifier.verify("x=" + huge) }.code == .payloadTooLarge)
        let manyFields = (0..<33).map { "k\($0)=v" }.joined(separator: "&")
        #expect(outcome { () throws(TelegramAuthError) in try bot.hmacVerifier.verify(manyFields) }.code == .payloadTooLarge)
        let longValue = "x=" + String(repeating: "a", count: 4097)
        #expect(outcome { () throws(TelegramAuthError) in try bot.hmacVerifier.verify(longValue) }.code == .payloadTooLarge)
    }

    @Test("A20: initData signed for bot A is refused by bot B's verifier")
    func otherBot() throws {
        let initData = TestBot.other.sign(TestBot.other.launchFields())
        #expect(outcome { () throws(TelegramAuthError) in try bot.hmacVerifier.verify(initData) }.code == .signatureInvalid)
    }

    @Test("A verifier built from the derived key alone behaves like one built from the token")
    func derivedKeyOnly() throws {
        let verifier = InitDataVerifier(webAppKey: bot.token.webAppKey, botID: bot.botID, clock: .fixed(TestBot.now))
        #expect(try verifier.verify(bot.sign(bot.launchFields())).user == TestBot.sampleUser)
    }

    @Test("Chat and receiver JSON are decoded")
    func chatAndReceiver() throws {
        let vector = TelegramVector.named("hmac-tma-sign-all-fields")
        let identity = try InitDataVerifier(botToken: BotToken(#require(vector.botToken)), freshness: .disabled).verify(vector.input)
        #expect(identity.chat == TelegramChat(id: 1, type: "group", title: "chat-title", username: "my-chat", photoURL: "chat-photo"))
        #expect(identity.receiver?.id == 991)
        #expect(identity.receiver?.isPremium == true)
        #expect(identity.startParam == "debug")
        #expect(identity.canSendAfter == 10000)
        #expect(identity.user.isBot)
    }

    @Test("A JSON object or a JWT given as initData is the wrong kind of proof")
    func wrongKind() throws {
        #expect(outcome { () throws(TelegramAuthError) in try bot.hmacVerifier.verify(#"{"user":{"id":1}}"#) }.code == .wrongProofKind)
        #expect(outcome { () throws(TelegramAuthError) in try bot.hmacVerifier.verify("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln") }.code == .wrongProofKind)
    }

    @Test("Error messages never echo the hash or the signature")
    func messagesCarryNoProofMaterial() throws {
        let initData = bot.sign(bot.launchFields())
        let fields = try FormURLEncodedParser.parse(initData, limits: .standard)
        let hash = try #require(fields["hash"])
        let signature = try #require(fields["signature"])
        let tampered = initData.replacing("auth_date=", with: "auth_date=9")
        guard case .failure(let error) = outcome({ () throws(TelegramAuthError) in try bot.hmacVerifier.verify(tampered) }) else {
            Issue.record("tampered data verified")
            return
        }
        #expect(!error.description.contains(hash))
        #expect(!error.description.contains(signature))
    }
}

/// Fields that would make a data-check-string ambiguous.
@Suite("Data-check-string ambiguity")
struct AmbiguityTests {
    let bot = TestBot.primary

    @Test("Two adjacent fields cannot be merged into one value with a line feed")
    func mergedFields() throws {
        let initData = bot.sign(bot.launchFields())
        let merged = initData.replacing("&chat_type=", with: "%0Achat_type%3D")
        #expect(outcome { () throws(TelegramAuthError) in try bot.hmacVerifier.verify(merged) }.code == .malformed)
    }

    @Test("A key may not contain = and no key or value may contain a line feed", arguments: ["a%3Db=c", "a%0A=b", "a=b%0Ac"])
    func forbiddenCharacters(_ part: String) throws {
        #expect(outcome { () throws(TelegramAuthError) in try bot.hmacVerifier.verify("x=1&" + part) }.code == .malformed)
    }
}
