import StrictJSON

extension UserRecord {
    /// The user as every API shows it (the admin API, and the exchange response with `created` added). Times are
    /// Unix seconds; a member whose value the user lacks is omitted.
    public var json: JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("id", .string(id.rawValue)), ("app", .string(appID.rawValue)), ("telegramId", .integer(telegramID)),
            ("status", .string(status.rawValue)), ("firstName", .string(profile.firstName)),
        ]
        if let lastName = profile.lastName { members.append(("lastName", .string(lastName))) }
        if let username = profile.username { members.append(("username", .string(username))) }
        if let photo = profile.photoURL { members.append(("photoUrl", .string(photo))) }
        if let language = profile.languageCode { members.append(("languageCode", .string(language))) }
        members.append(("isPremium", .bool(profile.isPremium)))
        members.append(("allowsWriteToPm", .bool(profile.allowsWriteToPM)))
        if let lastLogin {
            members.append(("lastLoginAt", .integer(lastLogin.at)))
            members.append(("lastProof", .string(lastLogin.proof.rawValue)))
        }
        members.append(("createdAt", .integer(createdAt)))
        members.append(("updatedAt", .integer(updatedAt)))
        if let revoked = sessionsRevokedAt { members.append(("sessionsRevokedAt", .integer(revoked))) }
        return .object(members)
    }
}
