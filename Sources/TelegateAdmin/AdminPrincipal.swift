import TelegateCore

/// Who is calling the admin API, and what they may touch.
public struct AdminPrincipal: Sendable, Equatable {
    /// The audit actor: `admin:<token name>`, or `local` for the CLI working on the database directly.
    public let actor: String
    /// The one app this caller may see; `nil` for every app.
    public let appID: AppID?
    /// Whether the caller may only read.
    public let readOnly: Bool
    /// The narrow rights the caller is limited to; empty for the ordinary rights.
    public let permissions: [AdminPermission]

    /// Creates a principal.
    public init(actor: String, appID: AppID?, readOnly: Bool, permissions: [AdminPermission] = []) {
        self.actor = actor
        self.appID = appID
        self.readOnly = readOnly
        self.permissions = permissions
    }

    /// The CLI on the database itself: whoever can open the database and its master key may do everything.
    public static let local = AdminPrincipal(actor: "local", appID: nil, readOnly: false)

    /// The caller holding `token`.
    public init(token: AdminToken) {
        self.init(actor: "admin:\(token.name)", appID: token.appID, readOnly: token.readOnly, permissions: token.permissions)
    }

    /// Whether the caller may see `app`.
    public func maySee(_ app: AppID) -> Bool { appID == nil || appID == app }
}
