/// A verified Telegram identity: who the user is, how that was proven, and everything the proof carried.
public struct TelegramIdentity: Sendable {
    /// Which kind of proof established the identity.
    public enum Proof: String, Sendable, Hashable, CaseIterable {
        /// Mini App `initData`.
        case initData
        /// Legacy Login Widget data (redirect fields, callback object or `tgAuthResult`).
        case widget
        /// A Telegram Login (OpenID Connect) `id_token`.
        case telegramOIDC
    }

    /// How the proof was checked.
    public enum Mode: String, Sendable, Hashable, CaseIterable {
        /// HMAC-SHA-256 with a key derived from the bot token.
        case hmac
        /// Telegram's Ed25519 signature for third parties, with only the bot id.
        case ed25519
        /// A JWS signature checked against Telegram's published key set.
        case jwks
    }

    /// The kind of proof.
    public let proof: Proof
    /// How it was checked.
    public let mode: Mode
    /// The user the proof is about.
    public let user: TelegramUser
    /// When Telegram issued the proof (Unix seconds): `auth_date`, or `iat` for an `id_token`.
    public let authDate: Int64
    /// The signed `start_param` (never trust the unsigned `tgWebAppStartParam` URL parameter instead).
    public let startParam: String?
    /// The `query_id` for `answerWebAppQuery`; absent for many launch modes, and not a replay nonce.
    public let queryID: String?
    /// The `chat_type` of a direct-link launch.
    public let chatType: String?
    /// The `chat_instance` of a direct-link launch; a string because it exceeds 2^53 and may be negative.
    public let chatInstance: String?
    /// The `chat` of an attachment-menu launch in a group or channel.
    public let chat: TelegramChat?
    /// The chat partner of an attachment-menu launch in a private chat.
    public let receiver: TelegramUser?
    /// Seconds after which a message can be sent via `answerWebAppQuery`.
    public let canSendAfter: Int64?
    /// The OIDC `sub`: opaque and per client, kept only as a secondary key. Never the Telegram user id.
    public let oidcSubject: String?
    /// The OIDC `phone_number`, when the `phone` scope was granted.
    public let phoneNumber: String?

    /// The fields the proof carried, decoded, in received order, with unknown keys included and the proof
    /// material (`hash`, `signature`) left out.
    public var fields: [(key: String, value: String)] {
        (rawFields?.pairs ?? []).filter { $0.key != "hash" && $0.key != "signature" }
    }

    let rawFields: ProofFields?

    init(
        proof: Proof, mode: Mode, user: TelegramUser, authDate: Int64, startParam: String? = nil,
        queryID: String? = nil, chatType: String? = nil, chatInstance: String? = nil, chat: TelegramChat? = nil,
        receiver: TelegramUser? = nil, canSendAfter: Int64? = nil, oidcSubject: String? = nil,
        phoneNumber: String? = nil, rawFields: ProofFields?
    ) {
        self.proof = proof
        self.mode = mode
        self.user = user
        self.authDate = authDate
        self.startParam = startParam
        self.queryID = queryID
        self.chatType = chatType
        self.chatInstance = chatInstance
        self.chat = chat
        self.receiver = receiver
        self.canSendAfter = canSendAfter
        self.oidcSubject = oidcSubject
        self.phoneNumber = phoneNumber
        self.rawFields = rawFields
    }
}
