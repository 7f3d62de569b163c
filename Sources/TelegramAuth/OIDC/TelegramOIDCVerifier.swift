import StrictJSON

/// Verifies a Telegram Login (OpenID Connect) `id_token` for one bot.
///
/// Checks, in order: size; compact JWS shape; the header (`alg` in this bot's allow-list, exact and
/// case-sensitive; a `kid`; no `crit`; `typ` absent or `JWT`); the signature with the key for that `kid` bound to
/// that `alg`; then the claims: `iss` exactly the key set's issuer (`https://oauth.telegram.org`), `aud` exactly this bot's client id
/// (a string or a one-element array; extra audiences refused), `azp` if present, `exp`/`iat`/`nbf` with leeway, the
/// token's age, the `nonce` when one is expected or required. The user is the `id` claim, never `sub`.
public struct TelegramOIDCVerifier: Sendable {
    /// The bot's client id (its bot id, as text).
    public let clientID: String
    /// The algorithms this bot's tokens may use.
    public let allowedAlgorithms: Set<JWSAlgorithm>
    /// Whether every token must carry a `nonce`.
    public let requireNonce: Bool
    /// Clock leeway for `exp`, `iat` and `nbf`, in seconds.
    public let leeway: Int64
    /// The oldest accepted token, by `iat`, in seconds; `0` disables the check.
    public let maxTokenAge: Int64
    /// Where the signing keys come from.
    public let keySet: TelegramKeySet
    /// The clock the time claims are checked against.
    public let clock: WallClock
    /// The largest accepted token, in bytes.
    public let maxTokenBytes: Int

    /// Creates a verifier.
    public init(
        clientID: String, keySet: TelegramKeySet, allowedAlgorithms: Set<JWSAlgorithm> = JWSAlgorithm.defaultAllowed,
        requireNonce: Bool = false, leeway: Int64 = 60, maxTokenAge: Int64 = 600, maxTokenBytes: Int = 8192,
        clock: WallClock = .system
    ) {
        self.clientID = clientID
        self.keySet = keySet
        self.allowedAlgorithms = allowedAlgorithms
        self.requireNonce = requireNonce
        self.leeway = leeway
        self.maxTokenAge = maxTokenAge
        self.maxTokenBytes = maxTokenBytes
        self.clock = clock
    }

    /// Verifies `idToken`. `expectedNonce` is the nonce this login was started with, when the caller has one.
    public func verify(idToken: String, expectedNonce: String? = nil) async throws(TelegramAuthError)
        -> TelegramIdentity
    {
        try await verify(idToken: idToken, nonce: expectedNonce.map(NonceRule.required) ?? .unbound)
    }

    /// Verifies an `id_token` Telegate redeemed itself in the authorization code flow, whose request carried
    /// `nonce`. The code flow already binds the login (state and PKCE), and Telegram's code-flow tokens have been
    /// seen without a nonce: a nonce in the token must be this one, a token without one passes unless this bot
    /// requires nonces.
    public func verify(idToken: String, codeFlowNonce nonce: String) async throws(TelegramAuthError) -> TelegramIdentity {
        try await verify(idToken: idToken, nonce: .ifPresent(nonce))
    }

    /// What the token's `nonce` must be.
    private enum NonceRule {
        /// No nonce is expected (the bot may still require one).
        case unbound
        /// Exactly this nonce.
        case required(String)
        /// This nonce, if the token carries one.
        case ifPresent(String)
    }

    private func verify(idToken: String, nonce: NonceRule) async throws(TelegramAuthError) -> TelegramIdentity {
        guard idToken.utf8.count <= maxTokenBytes else {
            throw TelegramAuthError(.payloadTooLarge, "the id_token is larger than \(maxTokenBytes) bytes")
        }
        if !idToken.utf8.contains(UInt8(ascii: ".")), idToken.utf8.contains(UInt8(ascii: "=")) {
            throw TelegramAuthError(
                .wrongProofKind, "this looks like initData or Login Widget data, not a Telegram Login id_token")
        }
        let jws = try CompactJWS(idToken)
        let algorithm = try checkHeader(jws.header)
        guard let kid = jws.header["kid"]?.stringValue, !kid.isEmpty, kid.utf8.count <= 256 else {
            throw invalid("kid", "the id_token header has no usable kid")
        }
        let key = try await keySet.key(kid: kid, algorithm: algorithm)
        guard await key.verifies(jws.token) else {
            throw invalid("signature", "the id_token signature does not verify with Telegram's key")
        }
        return try identity(from: jws.claims, nonce: nonce)
    }

    private func checkHeader(_ header: JSONValue) throws(TelegramAuthError) -> JWSAlgorithm {
        guard let name = header["alg"]?.stringValue, let algorithm = JWSAlgorithm(rawValue: name),
            allowedAlgorithms.contains(algorithm)
        else {
            throw invalid("algorithm", "the id_token alg is not one this bot accepts")
        }
        if header["crit"] != nil {
            throw invalid("crit", "the id_token header names critical extensions, which are not supported")
        }
        if let typ = header["typ"] {
            let value = typ.stringValue?.lowercased()
            guard value == "jwt" || value == "application/jwt" else {
                throw invalid("type", "the token typ is not JWT; an access token is not an id_token")
            }
        }
        return algorithm
    }

    private func identity(from claims: JSONValue, nonce: NonceRule) throws(TelegramAuthError)
        -> TelegramIdentity
    {
        guard claims["iss"]?.stringValue == keySet.issuer else {
            throw invalid("issuer", "the id_token iss is not \(keySet.issuer)")
        }
        try checkAudience(claims)
        let now = clock.now
        guard let exp = Self.numericDate(claims["exp"]), let iat = Self.numericDate(claims["iat"]) else {
            throw invalid("claims", "the id_token lacks a numeric exp or iat")
        }
        if now > exp + leeway { throw invalid("expired", "the id_token expired \(FreshnessPolicy.describe(now - exp)) ago") }
        if iat > now + leeway { throw invalid("not_yet_valid", "the id_token iat lies in the future") }
        if let nbf = claims["nbf"] {
            guard let notBefore = Self.numericDate(nbf), notBefore <= now + leeway else {
                throw invalid("not_yet_valid", "the id_token is not valid yet (nbf)")
            }
        }
        if maxTokenAge > 0, now - iat > maxTokenAge {
            throw invalid("stale", "the id_token was issued \(FreshnessPolicy.describe(now - iat)) ago; log in again")
        }
        try checkNonce(claims["nonce"], rule: nonce)
        guard let id = Self.telegramID(claims["id"]) else {
            throw invalid(
                "id_missing",
                "the id_token has no Telegram id claim; request the profile scope and sign with RS256 or ES256")
        }
        let given = claims["given_name"]?.stringValue
        let user = TelegramUser(
            id: id, firstName: given ?? claims["name"]?.stringValue ?? "", lastName: claims["family_name"]?.stringValue,
            username: claims["preferred_username"]?.stringValue, photoURL: claims["picture"]?.stringValue)
        return TelegramIdentity(
            proof: .telegramOIDC, mode: .jwks, user: user, authDate: iat, oidcSubject: claims["sub"]?.stringValue,
            phoneNumber: claims["phone_number"]?.stringValue, rawFields: nil)
    }

    private func checkAudience(_ claims: JSONValue) throws(TelegramAuthError) {
        let audiences: [String]
        switch claims["aud"] {
        case .string(let single)?: audiences = [single]
        case .array(let list)?: audiences = list.compactMap(\.stringValue)
        default: audiences = []
        }
        guard audiences == [clientID] else {
            throw invalid("audience", "the id_token aud is not exactly this bot's client id")
        }
        if let azp = claims["azp"], azp.stringValue != clientID {
            throw invalid("audience", "the id_token azp is not this bot's client id")
        }
    }

    private func checkNonce(_ claim: JSONValue?, rule: NonceRule) throws(TelegramAuthError) {
        let received = claim?.stringValue
        let expected: String?
        switch rule {
        case .unbound: expected = nil
        case .required(let nonce): expected = nonce
        case .ifPresent(let nonce): expected = claim == nil && !requireNonce ? nil : nonce
        }
        if let expected {
            guard let received else { throw invalid("nonce_missing", "the id_token carries no nonce") }
            guard ConstantTime.equal(received, expected) else {
                throw invalid("nonce_mismatch", "the id_token nonce is not the one this login started with")
            }
        } else if requireNonce {
            throw invalid("nonce_missing", "this bot requires a nonce; pass the nonce the login started with")
        }
    }

    /// A NumericDate: a JSON number, possibly fractional, read as whole seconds.
    private static func numericDate(_ value: JSONValue?) -> Int64? {
        guard case .number(let literal)? = value, let seconds = Double(literal), seconds.isFinite,
            abs(seconds) < 1e15
        else { return nil }
        return Int64(seconds.rounded(.down))
    }

    /// The `id` claim: a JSON integer or a decimal string (both are seen in the wild).
    private static func telegramID(_ value: JSONValue?) -> Int64? {
        let id: Int64?
        switch value {
        case .number?: id = value?.integerValue
        case .string(let text)?: id = text.withUTF8Bytes { DecimalInteger.parse($0) }
        default: id = nil
        }
        guard let id, TelegramUser.isValidID(id) else { return nil }
        return id
    }
}
