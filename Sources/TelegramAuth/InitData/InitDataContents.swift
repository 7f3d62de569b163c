/// Reads the signed contents of verified `initData` into a ``TelegramIdentity``.
enum InitDataContents {
    static func identity(from fields: ProofFields, authDate: Int64, mode: TelegramIdentity.Mode)
        throws(TelegramAuthError) -> TelegramIdentity
    {
        let user = try fields.withValueBytes(for: "user") { bytes throws(TelegramAuthError) in
            try TelegramUser.decodeWebAppUser(bytes, field: "user")
        }
        guard let user else {
            throw TelegramAuthError(
                .userMalformed, "initData has no user field (Mini Apps opened from a keyboard button carry none)")
        }
        let receiver = try fields.withValueBytes(for: "receiver") { bytes throws(TelegramAuthError) in
            try TelegramUser.decodeWebAppUser(bytes, field: "receiver")
        }
        let chat = try fields.withValueBytes(for: "chat") { bytes throws(TelegramAuthError) in
            try TelegramChat.decode(bytes)
        }
        return TelegramIdentity(
            proof: .initData, mode: mode, user: user, authDate: authDate, startParam: fields.value(for: "start_param"),
            queryID: fields.value(for: "query_id"), chatType: fields.value(for: "chat_type"),
            chatInstance: fields.value(for: "chat_instance"), chat: chat, receiver: receiver,
            canSendAfter: fields.value(for: "can_send_after").flatMap { Int64($0) },
            rawFields: fields)
    }
}
