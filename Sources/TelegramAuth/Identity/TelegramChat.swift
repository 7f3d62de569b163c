import StrictJSON

/// The chat a Mini App was launched from (`WebAppChat`, attachment-menu launches in groups and channels).
public struct TelegramChat: Sendable, Hashable {
    /// The chat id (negative for groups and channels).
    public var id: Int64
    /// `group`, `supergroup` or `channel`.
    public var type: String
    /// The chat title.
    public var title: String
    /// The chat's public username, if any.
    public var username: String?
    /// The chat photo URL, if any.
    public var photoURL: String?

    /// Creates a chat.
    public init(id: Int64, type: String, title: String, username: String? = nil, photoURL: String? = nil) {
        self.id = id
        self.type = type
        self.title = title
        self.username = username
        self.photoURL = photoURL
    }

    /// Decodes the signed `chat` JSON object.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>) throws(TelegramAuthError) -> TelegramChat {
        var chat = TelegramChat(id: 0, type: "", title: "")
        let id = try SignedObject.read(bytes, field: "chat") { reader, key throws(JSONSyntaxError) in
            switch key {
            case "type": chat.type = try TelegramUser.readText(&reader) ?? ""
            case "title": chat.title = try TelegramUser.readText(&reader) ?? ""
            case "username": chat.username = try TelegramUser.readText(&reader)
            case "photo_url": chat.photoURL = try TelegramUser.readText(&reader)
            default: try reader.skipValue()
            }
        }
        chat.id = id
        return chat
    }
}
