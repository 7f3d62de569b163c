import Foundation
import Testing

@testable import TelegramAuth

/// Generative tests: random users round-trip through the signers and verifiers, and no single-byte change to a
/// signed string survives verification unless it encodes the very same fields.
@Suite("Properties")
struct PropertyTests {
    /// Iterations, raised in CI runs through `TELEGATE_PROPERTY_ITERATIONS`.
    static let iterations = Int(ProcessInfo.processInfo.environment["TELEGATE_PROPERTY_ITERATIONS"] ?? "") ?? 200

    @Test("Random users signed with the token verify and decode to themselves (HMAC and Ed25519)")
    func roundTrip() throws {
        var generator = SeededGenerator(seed: 0x7e1e_6a7e)
        let bot = TestBot.primary
        for _ in 0..<Self.iterations {
            let user = TelegramUser.random(using: &generator)
            let initData = bot.sign(bot.launchFields(user: user))
            #expect(try bot.hmacVerifier.verify(initData).user == user)
            #expect(try bot.ed25519Verifier.verify(initData).user == user)
            // Widget values are raw text, where Telegram sends no tab (its clients turn one in a name into a space).
            var widgetUser = user
            widgetUser.firstName = user.firstName.replacing("\t", with: " ")
            widgetUser.lastName = user.lastName?.replacing("\t", with: " ")
            widgetUser.photoURL = user.photoURL?.replacing("\t", with: " ")
            let widget = WidgetSigner(botToken: bot.token.secretText)
            let widgetData = try widget.queryString(user: widgetUser, authDate: TestBot.now)
            let verified = try WidgetVerifier(botToken: bot.token.secretText, clock: .fixed(TestBot.now)).verify(widgetData).user
            #expect(verified.id == user.id && verified.firstName == widgetUser.firstName && verified.lastName == widgetUser.lastName)
        }
    }

    @Test("Every single-byte mutation of HMAC-signed initData fails, unless it encodes identical fields")
    func hmacMutations() throws {
        let bot = TestBot.primary
        try assertMutationsFail(bot.sign(bot.launchFields())) { text throws(TelegramAuthError) in
            _ = try bot.hmacVerifier.verify(text)
        }
    }

    @Test("Every single-byte mutation of Ed25519-signed initData fails, unless it encodes identical fields")
    func ed25519Mutations() throws {
        let bot = TestBot.primary
        let signer = InitDataSigner(ed25519PrivateKey: bot.telegramKey, botID: bot.botID)
        try assertMutationsFail(try signer.sign(bot.launchFields())) { text throws(TelegramAuthError) in
            _ = try bot.ed25519Verifier.verify(text)
        }
    }

    private func assertMutationsFail(_ signed: String, verify: (String) throws(TelegramAuthError) -> Void) throws {
        let original = try FormURLEncodedParser.parse(signed, limits: .standard).pairs
        let bytes = Array(signed.utf8)
        // Separators, escape starts, hex digits of both cases, letters, and bytes that break UTF-8.
        let replacements = Array("&=%;+ \n0Aaf9Fz\\_-".utf8) + [0x00, 0x80, 0xC3, 0xFF]
        var accepted = 0
        for position in bytes.indices {
            for replacement in replacements where replacement != bytes[position] {
                var mutated = bytes
                mutated[position] = replacement
                let text = String(decoding: mutated, as: UTF8.self)
                guard (try? verify(text)) != nil else { continue }
                accepted += 1
                let fields = try FormURLEncodedParser.parse(text, limits: .standard).pairs
                #expect(fields.map(\.key) == original.map(\.key) && fields.map(\.value) == original.map(\.value),
                    "mutation at \(position) to \(replacement) verified with different fields")
            }
        }
        // Only hex-case flips inside percent-escapes (%7B vs %7b) may survive.
        #expect(accepted <= bytes.count)
    }
}

/// A small deterministic generator (SplitMix64), so failures reproduce.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension TelegramUser {
    /// Names drawn from the characters that break hand-written validators.
    static func random(using generator: inout SeededGenerator) -> TelegramUser {
        let alphabet: [String] = [
            "a", "Z", "0", " ", "+", "&", "=", "%", "\\", "/", "\"", "'", ";", "#", "?", "é", "Я", "中", "🎉", "👨‍👩‍👧",
            "\u{202E}", "\u{200B}", "<", ">", "\t", "%2B", "&amp;",
        ]
        func text(maxLength: Int) -> String {
            let length = Int.random(in: 0...maxLength, using: &generator)
            return (0..<length).map { _ in alphabet.randomElement(using: &generator)! }.joined()
        }
        return TelegramUser(
            id: Int64.random(in: 1...TelegramUser.maximumID, using: &generator), firstName: text(maxLength: 12),
            lastName: Bool.random(using: &generator) ? text(maxLength: 8) : nil,
            username: Bool.random(using: &generator) ? "user_\(UInt16.random(in: 0...9999, using: &generator))" : nil,
            languageCode: Bool.random(using: &generator) ? "en" : nil, isPremium: Bool.random(using: &generator),
            allowsWriteToPM: Bool.random(using: &generator),
            photoURL: Bool.random(using: &generator) ? "https://t.me/i/userpic/320/\(text(maxLength: 6)).svg" : nil)
    }
}
