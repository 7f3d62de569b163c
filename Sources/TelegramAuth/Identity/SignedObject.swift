import StrictJSON

/// A JSON object Telegram signs inside a proof (`user`, `receiver`, `chat`), read member by member.
enum SignedObject {
    /// Reads the object that `field` holds and returns its `id`, which must be present and an integer; `member` reads
    /// every other member. Throws `userMalformed`, naming `field`, when the object is invalid or has no id.
    static func read(
        _ bytes: UnsafeBufferPointer<UInt8>, field: String,
        member: (inout JSONReader, String) throws(JSONSyntaxError) -> Void
    ) throws(TelegramAuthError) -> Int64 {
        var id: Int64?
        do throws(JSONSyntaxError) {
            var reader = JSONReader(bytes)
            guard try reader.peekKind() == .object else { throw JSONSyntaxError("not a JSON object") }
            try reader.readObject { reader, key throws(JSONSyntaxError) in
                guard key == "id" else { return try member(&reader, key) }
                guard try reader.peekKind() == .number else { throw JSONSyntaxError("id is not a number") }
                id = try reader.readInteger()
            }
            try reader.expectEnd()
        } catch {
            throw TelegramAuthError(.userMalformed, "the signed \(field) JSON is invalid: \(error.message)")
        }
        guard let id else { throw TelegramAuthError(.userMalformed, "the signed \(field) JSON has no id") }
        return id
    }
}
