import Crypto

/// Verifies legacy Login Widget data (and `LoginUrl` button data) for one bot.
///
/// `hash = hex(HMAC-SHA256(key: SHA256(token), data-check-string))` over every received field except `hash`.
/// The key derivation differs from Mini App `initData` on purpose; the two are never interchangeable.
public struct WidgetVerifier: Sendable {
    let key: SymmetricKey
    let policy: VerificationPolicy

    /// A verifier for the bot that owns `botToken`. Any text is accepted as the token: the key is its SHA-256.
    public init(
        botToken: String, freshness: FreshnessPolicy = .widget, limits: ProofLimits = .standard,
        clock: WallClock = .system
    ) {
        self.init(widgetKey: BotToken.widgetKey(forToken: botToken), freshness: freshness, limits: limits, clock: clock)
    }

    /// A verifier from the derived key `SHA256(token)`, so the token itself need not be kept.
    public init(
        widgetKey: SymmetricKey, freshness: FreshnessPolicy = .widget, limits: ProofLimits = .standard,
        clock: WallClock = .system
    ) {
        self.key = widgetKey
        policy = VerificationPolicy(freshness: freshness, limits: limits, clock: clock)
    }

    /// Verifies widget data given in any of its shapes (see ``WidgetPayload``).
    public func verify(_ input: String) throws(TelegramAuthError) -> TelegramIdentity {
        try verify(WidgetPayload(input, limits: policy.limits))
    }

    /// Verifies parsed widget data.
    public func verify(_ payload: WidgetPayload) throws(TelegramAuthError) -> TelegramIdentity {
        let fields = payload.fields
        try verifySignature(fields)
        let authDate = try AuthDate.parse(fields)
        try policy.checkFreshness(authDate: authDate)
        return try Self.identity(from: fields, authDate: authDate)
    }

    func verifySignature(_ fields: ProofFields) throws(TelegramAuthError) {
        let matches = try fields.withValueBytes(for: "hash") { hash throws(TelegramAuthError) -> Bool in
            guard !hash.isEmpty else { throw Self.hashMissing }
            let mac = HMAC<SHA256>.authenticationCode(for: fields.dataCheckString(excluding: .hash), using: key)
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: SHA256.byteCount) { received in
                Hex.decodeLowercase(hash, into: received) && mac == UnsafeRawBufferPointer(received)
            }
        }
        guard let matches else { throw Self.hashMissing }
        guard matches else {
            throw TelegramAuthError(.signatureInvalid, "the Login Widget hash does not match the data for this bot")
        }
    }

    private static func identity(from fields: ProofFields, authDate: Int64) throws(TelegramAuthError)
        -> TelegramIdentity
    {
        let id = try fields.withValueBytes(for: "id") { bytes throws(TelegramAuthError) -> Int64 in
            guard let id = DecimalInteger.parse(bytes), TelegramUser.isValidID(id) else {
                throw TelegramAuthError(.userMalformed, "the Login Widget id is not a Telegram user id")
            }
            return id
        }
        guard let id else { throw TelegramAuthError(.userMalformed, "the Login Widget data has no id") }
        let user = TelegramUser(
            id: id, firstName: fields["first_name"] ?? "", lastName: fields["last_name"],
            username: fields["username"], photoURL: fields["photo_url"])
        return TelegramIdentity(proof: .widget, mode: .hmac, user: user, authDate: authDate, rawFields: fields)
    }

    private static var hashMissing: TelegramAuthError {
        TelegramAuthError(.hashMissing, "the Login Widget data has no hash")
    }
}
