import Crypto

/// Explains why a proof failed by trying the mistakes people actually make and naming the one that matches.
///
/// It runs only after a verification has failed and only produces ``Hint``s: the verdict stands whatever it finds.
/// A hint claims a specific mistake only when recomputing the signature with that mistake reproduces the received
/// hash or signature; otherwise it describes what the input looks like.
public struct ProofDiagnosis: Sendable {
    private let botToken: String?
    private let botID: Int64?
    private let environment: TelegramEnvironment
    private let customPublicKey: Curve25519.Signing.PublicKey?
    private let policy: VerificationPolicy

    /// Creates a diagnosis. `botToken` enables the key mix-up checks; `botID` the Telegram-signature checks.
    public init(
        botToken: String?, botID: Int64?, environment: TelegramEnvironment = .production,
        customPublicKey: Curve25519.Signing.PublicKey? = nil, freshness: FreshnessPolicy, clock: WallClock = .system,
        limits: ProofLimits = .standard
    ) {
        self.botToken = botToken
        self.botID = botID ?? botToken.flatMap { try? BotToken($0).botID }
        self.environment = environment
        self.customPublicKey = customPublicKey
        policy = VerificationPolicy(freshness: freshness, limits: limits, clock: clock)
    }

    // MARK: Mini App initData

    /// Hints for `initData` that failed with `failure`; `mode` is how it was verified.
    public func explainInitData(_ text: String, failure: TelegramAuthError, mode: TelegramIdentity.Mode) -> [Hint] {
        var hints = shapeHints(text)
        if failure.code == .expired || failure.code == .authDateInFuture {
            hints += freshnessHints(text)
        }
        if failure.reason == CanonicalFields.reason { hints.append(Self.noncanonical) }
        guard let fields = try? FormURLEncodedParser.parse(text, limits: policy.limits) else {
            return hints + transportHints(text, mode: mode)
        }
        switch failure.code {
        case .signatureInvalid:
            hints += mode == .hmac ? hmacMistakes(text, fields) : ed25519Mistakes(fields)
            hints += transportHints(text, mode: mode)
            hints += reserializationHints(fields)
        case .hashMissing where fields.contains("signature"):
            hints.append(
                Hint(
                    code: "use_ed25519",
                    message:
                        "The data carries Telegram's signature but no hash: verify it with the bot id (Ed25519 mode) instead of a token."
                ))
        case .signatureMissing where fields.contains("hash"):
            hints.append(
                Hint(
                    code: "use_hmac",
                    message:
                        "The data has a hash but no signature (issued before Bot API 8.0, or signed by a tool): verify it with the bot token (HMAC mode)."
                ))
        default:
            break
        }
        return hints
    }

    // MARK: Login Widget

    /// Hints for Login Widget data that failed with `failure`.
    public func explainWidget(_ text: String, failure: TelegramAuthError) -> [Hint] {
        var hints: [Hint] = []
        if ProofShape.looksLikeJWT(text) {
            hints.append(Hint(code: "jwt_given", message: "This is a JWT: Telegram Login id_tokens are verified as idToken, not as widget data."))
        }
        if failure.code == .expired || failure.code == .authDateInFuture {
            hints += freshnessHints(text)
        }
        if failure.reason == CanonicalFields.reason { hints.append(Self.noncanonical) }
        guard failure.code == .signatureInvalid, let botToken,
            let payload = try? WidgetPayload(text, limits: policy.limits)
        else { return hints }
        if matches(payload.fields, key: BotToken.webAppKey(forToken: botToken)) {
            hints.append(
                Hint(
                    code: "webapp_key_used",
                    message:
                        "This is Mini App initData: it was signed with the WebAppData key (HMAC of the token), not the Login Widget key SHA256(token). Verify it as initData."
                ))
        }
        return hints
    }

    // MARK: Checks

    /// A field outside the form Telegram writes: someone assembled or edited the data.
    private static let noncanonical = Hint(
        code: "noncanonical",
        message:
            "A field is not in the form Telegram writes (keys are lowercase a-z, 0-9 and _, at most 64 characters; values hold no control characters such as a carriage return): the data was assembled or edited by hand, or mangled on its way here. Send the data exactly as Telegram gave it."
    )

    private func shapeHints(_ text: String) -> [Hint] {
        var hints: [Hint] = []
        if ProofShape.looksLikeJSONObject(text) {
            hints.append(
                Hint(
                    code: "init_data_unsafe_sent",
                    message:
                        "This is a JSON object, probably Telegram.WebApp.initDataUnsafe: the hash covers the raw query string, so send Telegram.WebApp.initData unchanged."
                ))
        }
        if ProofShape.looksLikeJWT(text) {
            hints.append(Hint(code: "jwt_given", message: "This is a JWT: send a Telegram Login id_token as idToken, not as initData."))
        }
        if text.hasPrefix("tma ") {
            hints.append(Hint(code: "authorization_scheme_included", message: "Remove the \"tma \" prefix: it is the Authorization scheme, not part of initData."))
        }
        if text.hasPrefix("tgWebAppData=") || text.hasPrefix("#tgWebAppData=") {
            hints.append(
                Hint(
                    code: "launch_parameter_sent",
                    message:
                        "This is the tgWebAppData launch parameter, URL-encoded once more: send Telegram.WebApp.initData instead."
                ))
        }
        return hints
    }

    private func freshnessHints(_ text: String) -> [Hint] {
        let authDate = (try? WidgetPayload(text, limits: policy.limits)).flatMap { try? AuthDate.parse($0.fields) }
            ?? (try? FormURLEncodedParser.parse(text, limits: policy.limits)).flatMap { try? AuthDate.parse($0) }
        guard let authDate else { return [] }
        let now = policy.clock.now
        if authDate > now {
            return [
                Hint(
                    code: "clock_skew",
                    message:
                        "auth_date is \(FreshnessPolicy.describe(authDate - now)) ahead of this machine's clock: check NTP on the server (Telegram's clock is authoritative)."
                )
            ]
        }
        return [
            Hint(
                code: "expired",
                message:
                    "auth_date is \(FreshnessPolicy.describe(now - authDate)) old, \(FreshnessPolicy.describe(now - authDate - policy.freshness.maxAge)) past the maximum age of \(FreshnessPolicy.describe(policy.freshness.maxAge)). initData is created when the Mini App opens and is not refreshed: reopen the Mini App, or raise the maximum age."
            )
        ]
    }

    /// HMAC-mode mistakes, each confirmed by recomputing the hash with the mistake.
    private func hmacMistakes(_ text: String, _ fields: ProofFields) -> [Hint] {
        guard let botToken else { return genuineButWrongToken(fields) }
        var hints: [Hint] = []
        let webAppKey = BotToken.webAppKey(forToken: botToken)
        if matches(fields, key: BotToken.widgetKey(forToken: botToken)) {
            hints.append(
                Hint(
                    code: "widget_key_used",
                    message:
                        "This data was signed with the Login Widget key SHA256(token), not the Mini App key HMAC-SHA256(\"WebAppData\", token): it is Login Widget data, or the signer mixed up the two derivations. Verify it as widget data."
                ))
        }
        let hexKey = SymmetricKey(data: Array(Hex.encode(webAppKey.withUnsafeBytes { Array($0) }).utf8))
        if matches(fields, key: hexKey) {
            hints.append(
                Hint(
                    code: "hex_secret_used",
                    message:
                        "The signer used the hex text of the secret key as the HMAC key; use its 32 raw bytes."
                ))
        }
        let swapped = HMAC<SHA256>.authenticationCode(
            for: Array("WebAppData".utf8), using: SymmetricKey(data: Array(botToken.utf8)))
        if matches(fields, key: SymmetricKey(data: Array(swapped))) {
            hints.append(
                Hint(
                    code: "hmac_arguments_swapped",
                    message:
                        "The signer swapped the HMAC arguments: the secret is HMAC-SHA256 with key \"WebAppData\" and message the token."
                ))
        }
        if fields.contains("signature"), matches(fields, key: webAppKey, excluding: [.hash, .signature]) {
            hints.append(
                Hint(
                    code: "signature_excluded",
                    message:
                        "The hash was computed without the signature field. Only hash is left out of the HMAC data-check-string; signature is included."
                ))
        }
        if let fieldsWithoutEmpty = try? ProofFields(pairs: fields.pairs.filter { !$0.value.isEmpty || $0.key == "hash" }),
            fieldsWithoutEmpty.count < fields.count, matches(fieldsWithoutEmpty, key: webAppKey)
        {
            hints.append(
                Hint(
                    code: "empty_values_dropped",
                    message:
                        "The signer dropped fields with empty values (such as \"signature=\"); every received field is signed, empty or not."
                ))
        }
        if text.contains("+"), let literalPlus = try? FormURLEncodedParser.parse(text, limits: policy.limits, plusIsSpace: false),
            matches(literalPlus, key: webAppKey)
        {
            hints.append(
                Hint(
                    code: "plus_decoded_differently",
                    message:
                        "The hash was computed with \"+\" as a literal plus, but in a query string \"+\" means a space. Encode a literal plus as %2B."
                ))
        }
        if hints.isEmpty { hints += genuineButWrongToken(fields) }
        return hints
    }

    /// When the data carries Telegram's Ed25519 signature, it tells whether the data is genuine for this bot, and
    /// so whether the token (rather than the data) is wrong.
    private func genuineButWrongToken(_ fields: ProofFields) -> [Hint] {
        guard let botID, fields.contains("signature") else { return [] }
        let key = customPublicKey ?? environment.publicKey
        let prefix = Array("\(botID):WebAppData\n".utf8)
        if (try? InitDataVerifier.verifyEd25519(fields, publicKey: key, prefix: prefix)) != nil {
            return [
                Hint(
                    code: "token_mismatch",
                    message:
                        "Telegram's signature shows this data is genuine for bot \(botID), but the hash does not match this token: the token was probably revoked or regenerated in @BotFather."
                )
            ]
        }
        return [
            Hint(
                code: "other_bot_or_modified",
                message:
                    "Telegram's signature does not verify for bot \(botID): the data was issued for another bot, or modified after Telegram signed it."
            )
        ]
    }

    private func ed25519Mistakes(_ fields: ProofFields) -> [Hint] {
        guard let botID, customPublicKey == nil else { return [] }
        let prefix = Array("\(botID):WebAppData\n".utf8)
        for other in TelegramEnvironment.allCases where other != environment {
            if (try? InitDataVerifier.verifyEd25519(fields, publicKey: other.publicKey, prefix: prefix)) != nil {
                return [
                    Hint(
                        code: "other_environment",
                        message:
                            "This data is signed with Telegram's \(other.rawValue)-environment key, but the bot is configured for \(environment.rawValue)."
                    )
                ]
            }
        }
        return [
            Hint(
                code: "other_bot_or_modified",
                message:
                    "The signature does not verify for bot \(botID): the data was issued for another bot, or modified after Telegram signed it."
            )
        ]
    }

    /// Transport mangling: HTML escaping and double URL encoding, confirmed by undoing them and verifying.
    private func transportHints(_ text: String, mode: TelegramIdentity.Mode) -> [Hint] {
        var hints: [Hint] = []
        if text.contains("&amp;") {
            let unescaped = text.replacing("&amp;", with: "&")
            let confirmed = verifiesSignature(unescaped, mode: mode)
            hints.append(
                Hint(
                    code: "html_escaped",
                    message: (confirmed ? "After undoing HTML escaping the signature verifies: " : "")
                        + "the string was HTML-escaped (\"&amp;\") on its way here; pass initData through unescaped."
                ))
        }
        if text.contains("%25") || (text.contains("%26") && !text.contains("&")) {
            if let once = try? FormURLEncodedParser.parse("v=" + text, limits: policy.limits)["v"],
                verifiesSignature(once, mode: mode)
            {
                hints.append(
                    Hint(
                        code: "double_encoded",
                        message:
                            "The string was URL-encoded twice: decoded once, its signature verifies. Send initData as is, without encoding it again."
                    ))
            }
        }
        return hints
    }

    /// `user` JSON that Telegram did not write: unescaped `/`, which Telegram always escapes as `\/`.
    private func reserializationHints(_ fields: ProofFields) -> [Hint] {
        guard let user = fields["user"], user.contains("/"), !user.contains("\\/") else { return [] }
        var hint =
            "The user JSON contains \"/\" where Telegram writes \"\\/\": it was parsed and re-serialized. The hash covers the exact text, so send the raw initData string."
        if let botToken {
            let restored = fields.pairs.map { pair in
                pair.key == "user" ? (pair.key, pair.value.replacing("/", with: "\\/")) : pair
            }
            if let restoredFields = try? ProofFields(pairs: restored),
                matches(restoredFields, key: BotToken.webAppKey(forToken: botToken))
            {
                hint = "Restoring Telegram's \"\\/\" escapes makes the hash verify: " + hint
            }
        }
        return [Hint(code: "user_reserialized", message: hint)]
    }

    private func verifiesSignature(_ text: String, mode: TelegramIdentity.Mode) -> Bool {
        guard let fields = try? FormURLEncodedParser.parse(text, limits: policy.limits) else { return false }
        switch mode {
        case .hmac:
            guard let botToken else { return false }
            return matches(fields, key: BotToken.webAppKey(forToken: botToken))
        case .ed25519:
            guard let botID else { return false }
            return (try? InitDataVerifier.verifyEd25519(
                fields, publicKey: customPublicKey ?? environment.publicKey,
                prefix: Array("\(botID):WebAppData\n".utf8))) != nil
        case .jwks:
            return false
        }
    }

    private func matches(_ fields: ProofFields, key: SymmetricKey, excluding: ProofFields.Exclusions = .hash) -> Bool {
        guard let hash = fields["hash"], let received = Hex.decode(hash), received.count == SHA256.byteCount else {
            return false
        }
        return HMAC<SHA256>.isValidAuthenticationCode(
            received, authenticating: fields.dataCheckString(excluding: excluding), using: key)
    }
}
