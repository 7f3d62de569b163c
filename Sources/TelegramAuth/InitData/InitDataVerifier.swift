import Crypto

/// Verifies Mini App `initData` for one bot, in exactly one mode.
///
/// - **HMAC** (the bot token holder): `hash = hex(HMAC-SHA256(key: HMAC-SHA256("WebAppData", token), dcs))` where
///   the data-check-string covers every field except `hash` (so `signature` is included). The derived key is
///   computed once, when the verifier is made.
/// - **Ed25519** (a third party with only the bot id): `signature` is Telegram's Ed25519 signature over
///   `"<bot_id>:WebAppData\n"` followed by every field except `hash` and `signature`.
///
/// A verifier never falls back from one mode to the other and never tries other bots: the bot comes from
/// configuration, the proof from the request.
public struct InitDataVerifier: Sendable {
    enum Check: Sendable {
        /// An HMAC already keyed with the derived key: each verification copies it instead of redoing the key
        /// schedule.
        case hmac(keyed: HMAC<SHA256>)
        case ed25519(publicKey: Curve25519.Signing.PublicKey, prefix: [UInt8])
    }

    let check: Check
    /// The bot the data must be signed for, when known.
    public let botID: Int64?
    let policy: VerificationPolicy

    /// An HMAC verifier for the bot that owns `botToken`.
    public init(
        botToken: BotToken, freshness: FreshnessPolicy = .initData, limits: ProofLimits = .standard,
        clock: WallClock = .system
    ) {
        self.init(webAppKey: botToken.webAppKey, botID: botToken.botID, freshness: freshness, limits: limits, clock: clock)
    }

    /// An HMAC verifier from the derived key `HMAC-SHA256("WebAppData", token)`, so the token itself need not be
    /// kept.
    public init(
        webAppKey: SymmetricKey, botID: Int64?, freshness: FreshnessPolicy = .initData,
        limits: ProofLimits = .standard, clock: WallClock = .system
    ) {
        self.check = .hmac(keyed: HMAC<SHA256>(key: webAppKey))
        self.botID = botID
        policy = VerificationPolicy(freshness: freshness, limits: limits, clock: clock)
    }

    /// A third-party (Ed25519) verifier for bot `botID`. `publicKey` replaces Telegram's key for `environment`;
    /// it exists for tests with locally generated keys.
    public init(
        botID: Int64, environment: TelegramEnvironment = .production,
        publicKey: Curve25519.Signing.PublicKey? = nil, freshness: FreshnessPolicy = .initData,
        limits: ProofLimits = .standard, clock: WallClock = .system
    ) {
        self.check = .ed25519(
            publicKey: publicKey ?? environment.publicKey, prefix: Array("\(botID):WebAppData\n".utf8))
        self.botID = botID
        policy = VerificationPolicy(freshness: freshness, limits: limits, clock: clock)
    }

    /// The verification mode.
    public var mode: TelegramIdentity.Mode {
        switch check {
        case .hmac: .hmac
        case .ed25519: .ed25519
        }
    }

    /// Verifies the raw `initData` string exactly as `Telegram.WebApp.initData` gave it.
    ///
    /// Order: size limits, strict parsing (duplicates refused before any signature work), the signature, then
    /// `auth_date` freshness, then the signed JSON. A proof that fails its signature is never reported as expired.
    public func verify(_ initData: String) throws(TelegramAuthError) -> TelegramIdentity {
        try ProofShape.requireQueryString(initData, expected: "Mini App initData")
        let fields = try FormURLEncodedParser.parse(initData, limits: policy.limits)
        try verifySignature(fields)
        let authDate = try AuthDate.parse(fields)
        try policy.checkFreshness(authDate: authDate)
        return try InitDataContents.identity(from: fields, authDate: authDate, mode: mode)
    }

    /// Checks the signature of parsed fields only (no freshness, no JSON); used by diagnostics.
    func verifySignature(_ fields: ProofFields) throws(TelegramAuthError) {
        switch check {
        case .hmac(let keyed):
            try Self.verifyHMAC(fields, keyed: keyed)
        case .ed25519(let publicKey, let prefix):
            try Self.verifyEd25519(fields, publicKey: publicKey, prefix: prefix)
        }
    }

    static func verifyHMAC(_ fields: ProofFields, keyed: HMAC<SHA256>) throws(TelegramAuthError) {
        let matches = try fields.withValueBytes(for: "hash") { hash throws(TelegramAuthError) -> Bool in
            guard !hash.isEmpty else { throw hashMissing }
            var hmac = keyed
            hmac.update(data: fields.dataCheckString(excluding: .hash))
            let mac = hmac.finalize()
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: SHA256.byteCount) { received in
                // Comparing a MAC with bytes is constant-time in swift-crypto (safeCompare over the 32 raw bytes).
                Hex.decodeLowercase(hash, into: received) && mac == UnsafeRawBufferPointer(received)
            }
        }
        guard let matches else { throw hashMissing }
        guard matches else { throw signatureInvalid }
    }

    static func verifyEd25519(
        _ fields: ProofFields, publicKey: Curve25519.Signing.PublicKey, prefix: [UInt8]
    ) throws(TelegramAuthError) {
        let signature = try fields.withValueBytes(for: "signature") { bytes throws(TelegramAuthError) -> [UInt8]? in
            guard !bytes.isEmpty else { throw signatureMissing }
            return Base64.decode(bytes, alphabet: .url, allowPadding: true, canonical: true)
        }
        guard let signature else { throw signatureMissing }
        guard let signature, signature.count == 64 else { throw signatureInvalid }
        let message = fields.dataCheckString(excluding: [.hash, .signature], prefix: prefix)
        guard publicKey.isValidSignature(signature, for: message) else { throw signatureInvalid }
    }

    private static var hashMissing: TelegramAuthError {
        TelegramAuthError(.hashMissing, "initData has no hash; send Telegram.WebApp.initData exactly as received")
    }

    private static var signatureMissing: TelegramAuthError {
        TelegramAuthError(
            .signatureMissing,
            "initData has no signature; third-party validation needs Bot API 8.0+ data, which carries one")
    }

    static var signatureInvalid: TelegramAuthError {
        TelegramAuthError(.signatureInvalid, "the initData signature does not match the data for this bot")
    }
}
