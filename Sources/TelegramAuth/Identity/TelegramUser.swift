import StrictJSON

/// A Telegram user as described by a verified proof: the Mini App `WebAppUser`, the Login Widget fields or the
/// Telegram OIDC profile claims.
///
/// `id` is the only stable identifier. `username` is mutable and recyclable: never key anything on it.
public struct TelegramUser: Sendable, Hashable {
    /// The Telegram user id (at most 52 significant bits).
    public var id: Int64
    /// First name (may be empty).
    public var firstName: String
    /// Last name, when the user has one.
    public var lastName: String?
    /// `@username` without the `@`, when the user has one.
    public var username: String?
    /// IETF language tag of the user's Telegram client.
    public var languageCode: String?
    /// Whether the user has Telegram Premium.
    public var isPremium: Bool
    /// Whether the user is a bot (only ever set for a `receiver`).
    public var isBot: Bool
    /// Whether the user allowed the bot to message them.
    public var allowsWriteToPM: Bool
    /// Whether the user added the bot to the attachment menu.
    public var addedToAttachmentMenu: Bool
    /// Profile photo URL (`.jpeg` or `.svg`), as received; never fetched by Telegate.
    public var photoURL: String?

    /// Creates a user.
    public init(
        id: Int64, firstName: String, lastName: String? = nil, username: String? = nil, languageCode: String? = nil,
        isPremium: Bool = false, isBot: Bool = false, allowsWriteToPM: Bool = false,
        addedToAttachmentMenu: Bool = false, photoURL: String? = nil
    ) {
        self.id = id
        self.firstName = firstName
        self.lastName = lastName
        self.username = username
        self.languageCode = languageCode
        self.isPremium = isPremium
        self.isBot = isBot
        self.allowsWriteToPM = allowsWriteToPM
        self.addedToAttachmentMenu = addedToAttachmentMenu
        self.photoURL = photoURL
    }

    /// The largest Telegram user id: ids have at most 52 significant bits.
    public static let maximumID: Int64 = (1 << 52) - 1

    /// Whether `id` can be a Telegram user id.
    static func isValidID(_ id: Int64) -> Bool { id >= 1 && id <= maximumID }
}

extension TelegramUser {
    /// Decodes a signed `WebAppUser` JSON object (`user` or `receiver` in `initData`).
    ///
    /// Strict on structure (an object, no duplicate members, an integer `id` in range) and lenient on the optional
    /// flags, so a proof whose hash verified does not fail on a flag sent as the string `"true"`.
    static func decodeWebAppUser(_ bytes: UnsafeBufferPointer<UInt8>, field: String) throws(TelegramAuthError)
        -> TelegramUser
    {
        var user = TelegramUser(id: 0, firstName: "")
        let id = try SignedObject.read(bytes, field: field) { reader, key throws(JSONSyntaxError) in
            switch key {
            case "first_name": user.firstName = try readText(&reader) ?? ""
            case "last_name": user.lastName = try readText(&reader)
            case "username": user.username = try readText(&reader)
            case "language_code": user.languageCode = try readText(&reader)
            case "photo_url": user.photoURL = try readText(&reader)
            case "is_premium": user.isPremium = try readFlag(&reader)
            case "is_bot": user.isBot = try readFlag(&reader)
            case "allows_write_to_pm": user.allowsWriteToPM = try readFlag(&reader)
            case "added_to_attachment_menu": user.addedToAttachmentMenu = try readFlag(&reader)
            default: try reader.skipValue()
            }
        }
        user.id = id
        guard isValidID(user.id) else {
            throw TelegramAuthError(.userMalformed, "the signed \(field) id is not a Telegram user id")
        }
        return user
    }

    /// A string member; `null` reads as absent, any other type is an error.
    static func readText(_ reader: inout JSONReader) throws(JSONSyntaxError) -> String? {
        switch try reader.peekKind() {
        case .string: return try reader.readString()
        case .null:
            try reader.readNull()
            return nil
        default: throw JSONSyntaxError("expected a string")
        }
    }

    /// A boolean flag: `true`/`false`, or those words as strings; anything else reads as `false`.
    private static func readFlag(_ reader: inout JSONReader) throws(JSONSyntaxError) -> Bool {
        switch try reader.peekKind() {
        case .bool: return try reader.readBool()
        case .string: return try reader.readString() == "true"
        default:
            try reader.skipValue()
            return false
        }
    }
}
