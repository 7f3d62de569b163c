import TelegateCore

struct SQLConsentStore: ConsentStore {
    let database: any SQLDatabase

    func consent(appID: AppID, userID: UserID, clientID: ClientID) async throws -> Consent? {
        guard
            let row = try await database.read(
                """
                SELECT scopes, granted_at FROM consents
                WHERE app_id = \(appID.rawValue) AND user_id = \(userID.rawValue) AND client_id = \(clientID.rawValue)
                """
            ).first, let scopes = row.text(0), let grantedAt = row.integer(1)
        else { return nil }
        return Consent(
            appID: appID, userID: userID, clientID: clientID, scopes: scopes.split(separator: " ").map(String.init),
            grantedAt: grantedAt)
    }

    func record(_ consent: Consent) async throws {
        try await database.write(
            """
            INSERT INTO consents (app_id, user_id, client_id, scopes, granted_at)
            VALUES (\(consent.appID.rawValue), \(consent.userID.rawValue), \(consent.clientID.rawValue),
                \(consent.scopes.joined(separator: " ")), \(consent.grantedAt))
            ON CONFLICT (app_id, user_id, client_id) DO UPDATE SET scopes = excluded.scopes, granted_at = excluded.granted_at
            """)
    }
}
