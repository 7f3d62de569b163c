/// Who makes an admin call and where it comes from, as the audit log records it: the principal, the request id
/// and the client address (over HTTP).
public struct AdminCaller: Sendable {
    public var principal: AdminPrincipal
    public var requestID: String?
    /// The client address over HTTP.
    public var client: String?

    /// Creates a caller.
    public init(_ principal: AdminPrincipal, requestID: String? = nil, client: String? = nil) {
        self.principal = principal
        self.requestID = requestID
        self.client = client
    }

    /// The CLI on the database itself (``AdminPrincipal/local``).
    public static let local = AdminCaller(.local)
}
