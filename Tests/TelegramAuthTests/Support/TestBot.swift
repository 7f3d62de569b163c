import Crypto

@testable import TelegramAuth

/// A bot with a locally known token and Ed25519 key, for signing test proofs.
struct TestBot {
    static let now: Int64 = 1_790_000_000
    static let primary = TestBot(token: "7000000001:AAFZehRPBRs8Seg40oDjTMIW8uTGPuW1zfQ")
    static let other = TestBot(token: "7000000002:AAHI25aYtBXCsNOLbPXBYjbRxBpRhh0VmIU")

    let token: BotToken
    /// Stands in for Telegram's private key in third-party tests.
    let telegramKey = Curve25519.Signing.PrivateKey()

    init(token: String) {
        self.token = try! BotToken(token)
    }

    var botID: Int64 { token.botID }

    var hmacVerifier: InitDataVerifier {
        InitDataVerifier(botToken: token, clock: .fixed(Self.now))
    }

    var ed25519Verifier: InitDataVerifier {
        InitDataVerifier(botID: botID, publicKey: telegramKey.publicKey, clock: .fixed(Self.now))
    }

    static let sampleUser = TelegramUser(
        id: 279_058_397, firstName: "Vladislav + - ? /", lastName: "Kibenko", username: "vdkfrost",
        languageCode: "ru", isPremium: true, allowsWriteToPM: true,
        photoURL: "https://t.me/i/userpic/320/4FPEE4tmP3ATHa57u6MqTDih13LTOiMoKoLDRG4PnSA.svg")

    /// Fields like a real launch: user, chat instance and type, auth date.
    func launchFields(user: TelegramUser = sampleUser, authDate: Int64 = now - 60) -> [(key: String, value: String)] {
        [
            ("user", user.webAppJSON), ("chat_instance", "-8599080687359297588"), ("chat_type", "private"),
            ("auth_date", String(authDate)),
        ]
    }

    /// `fields` signed the way Telegram does: Ed25519 `signature`, then the HMAC `hash` covering it.
    func sign(_ fields: [(key: String, value: String)]) -> String {
        try! InitDataSigner(ed25519PrivateKey: telegramKey, botID: botID, botToken: token).sign(fields)
    }

    /// `fields` with only the HMAC `hash`.
    func signHMAC(_ fields: [(key: String, value: String)]) -> String {
        try! InitDataSigner(botToken: token).sign(fields)
    }

    /// The `hash` the token gives `fields` (no other field added).
    func hash(of fields: [(key: String, value: String)]) -> String {
        let parsed = try! ProofFields(pairs: fields)
        return Hex.encode(
            HMAC<SHA256>.authenticationCode(for: parsed.dataCheckString(excluding: .hash), using: token.webAppKey))
    }
}

extension Result where Failure == TelegramAuthError {
    /// The error code, or `nil` on success.
    var code: TelegramAuthError.Code? {
        if case .failure(let error) = self { return error.code }
        return nil
    }
}

/// Runs a verification and captures its outcome.
func outcome(_ body: () throws(TelegramAuthError) -> TelegramIdentity) -> Result<TelegramIdentity, TelegramAuthError> {
    Result { () throws(TelegramAuthError) in try body() }
}
