import StrictJSON

extension TelegateError {
    /// The error as an RFC 9457 problem document: `type`, `title`, `status`, the stable `code` clients switch on,
    /// `reason` when there is one, `detail`, and the `requestId` it answers.
    public func problemDocument(requestID: String) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("type", .string("urn:telegate:error:\(code.rawValue)")), ("title", .string(code.title)),
            ("status", .integer(status)), ("code", .string(code.rawValue)),
        ]
        if let reason { members.append(("reason", .string(reason))) }
        members.append(("detail", .string(message)))
        members.append(("requestId", .string(requestID)))
        return .object(members)
    }

    /// The error a problem document received from a Telegate server describes, under the code and status the
    /// document names (`status` is the HTTP answer's, for a document without one); `nil` when it names no code.
    public init?(problemDocument document: JSONValue, status: Int) {
        guard let code = document["code"]?.stringValue else { return nil }
        let status = document["status"]?.integerValue.map(Int.init) ?? status
        self.init(
            Code(code, status: status), document["detail"]?.stringValue ?? "the server refused the call",
            reason: document["reason"]?.stringValue)
    }
}
