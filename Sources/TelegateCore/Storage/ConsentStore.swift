/// A user's remembered consent to a client of an app's OpenID Provider: the scopes they agreed to share.
public struct Consent: Sendable, Equatable {
    public var appID: AppID
    public var userID: UserID
    public var clientID: ClientID
    /// The scopes agreed to, sorted.
    public var scopes: [String]
    /// Unix seconds.
    public var grantedAt: Int64

    /// Creates a consent; the scopes are kept sorted and unique.
    public init(appID: AppID, userID: UserID, clientID: ClientID, scopes: [String], grantedAt: Int64) {
        self.appID = appID
        self.userID = userID
        self.clientID = clientID
        self.scopes = Set(scopes).sorted()
        self.grantedAt = grantedAt
    }

    /// Whether the consent covers every scope of `requested`.
    public func covers(_ requested: [String]) -> Bool {
        Set(requested).isSubset(of: scopes)
    }
}

/// The consents remembered per user and client.
public protocol ConsentStore: Sendable {
    /// The consent `userID` gave `clientID` in `appID`, if any.
    func consent(appID: AppID, userID: UserID, clientID: ClientID) async throws -> Consent?
    /// Records `consent`, replacing the one the user gave the client before.
    func record(_ consent: Consent) async throws
}
