import SimulatorKit
import StrictJSON

extension LogtoTenant {
    static let tokenExchangeGrant = "urn:ietf:params:oauth:grant-type:token-exchange"
    /// Subject token types Logto accepts for impersonation tokens (`sub_…`).
    static let impersonationTokenTypes: Set<String> = [
        "urn:logto:token-type:impersonation_token", "urn:ietf:params:oauth:token-type:access_token",
    ]
    static let organizationAudiencePrefix = "urn:logto:organization:"

    /// `POST /oidc/token`: `client_credentials` and the token-exchange grant, after client authentication. With
    /// `namingAnotherUser`, a token exchange issues its token for somebody else's user than the subject token's.
    func token(
        _ fields: [String: String], authorization: String?, issuer: String, signer: LogtoSigningKey, namingAnotherUser: Bool = false
    ) throws(LogtoSimulatorError) -> JSONValue {
        let application = try authenticate(fields, authorization: authorization)
        switch fields["grant_type"] {
        case "client_credentials":
            return try clientCredentials(fields, application: application, issuer: issuer, signer: signer)
        case Self.tokenExchangeGrant:
            return try tokenExchange(
                fields, application: application, issuer: issuer, signer: signer, namingAnotherUser: namingAnotherUser)
        case nil:
            throw .oauth(.badRequest, "invalid_request", "missing required parameter 'grant_type'")
        default:
            throw .oauth(.badRequest, "unsupported_grant_type", "unsupported grant_type requested")
        }
    }

    /// Client authentication: `client_secret_basic`, `client_secret_post`, or `none` for public apps.
    private func authenticate(_ fields: [String: String], authorization: String?) throws(LogtoSimulatorError)
        -> LogtoSimulatorConfiguration.Application
    {
        let basic = SimulatorFormInput.basicCredentials(authorization)
        if authorization != nil, basic == nil { throw .oauth(.badRequest, "invalid_request", "invalid authorization header value format") }
        if basic != nil, fields["client_secret"] != nil {
            throw .oauth(.badRequest, "invalid_request", "client authentication must only be provided using one mechanism")
        }
        guard let id = basic?.id ?? fields["client_id"] else {
            throw .oauth(.badRequest, "invalid_request", "no client authentication mechanism provided")
        }
        if let bodyID = fields["client_id"], bodyID != id {
            throw .oauth(.badRequest, "invalid_request", "mismatch in body and authorization client ids")
        }
        guard let application = configuration.applications.first(where: { $0.id == id }) else {
            throw .oauth(.unauthorized, "invalid_client", "client authentication failed")
        }
        let secret = basic?.secret ?? fields["client_secret"]
        if let expected = application.secret {
            guard secret == expected else { throw .oauth(.unauthorized, "invalid_client", "client authentication failed") }
        } else if secret != nil {
            throw .oauth(.unauthorized, "invalid_client", "client authentication failed")
        }
        return application
    }

    private func clientCredentials(
        _ fields: [String: String], application: LogtoSimulatorConfiguration.Application, issuer: String, signer: LogtoSigningKey
    ) throws(LogtoSimulatorError) -> JSONValue {
        guard application.kind == .machineToMachine else {
            throw .oauth(.badRequest, "unauthorized_client", "requested grant type is not allowed for this client")
        }
        guard let resource = fields["resource"] else {
            throw .oauth(.badRequest, "invalid_target", "resource indicator is missing")
        }
        let requested = Set((fields["scope"] ?? "").split(separator: " ").map(String.init))
        let granted: [String]
        let ttl: Int64
        if resource == configuration.managementResource {
            guard application.managementAccess else { throw .oauth(.badRequest, "invalid_target", "resource indicator is not granted") }
            guard requested.contains("all") else { throw .oauth(.badRequest, "invalid_scope", "scope all is required for the Management API") }
            granted = ["all"]
            ttl = configuration.m2mTokenTTL
        } else if let api = configuration.resources.first(where: { $0.indicator == resource }) {
            granted = api.scopes.filter { requested.contains($0) }
            ttl = api.accessTokenTTL
        } else {
            throw .oauth(.badRequest, "invalid_target", "resource indicator is missing, or unknown")
        }
        let now = now
        let token = try issue(
            subject: application.id, audience: resource, scope: granted, clientID: application.id, issuer: issuer,
            now: now, ttl: ttl, signer: signer)
        if resource == configuration.managementResource {
            state.withLock { $0.managementTokens[token] = now + ttl }
        }
        return .object([
            ("access_token", .string(token)), ("expires_in", .integer(ttl)), ("token_type", .string("Bearer")),
            ("scope", .string(granted.joined(separator: " "))),
        ])
    }

    private func tokenExchange(
        _ fields: [String: String], application: LogtoSimulatorConfiguration.Application, issuer: String, signer: LogtoSigningKey,
        namingAnotherUser: Bool
    ) throws(LogtoSimulatorError) -> JSONValue {
        guard application.allowTokenExchange else {
            throw .oauth(.badRequest, "unauthorized_client", "requested grant type is not allowed for this client")
        }
        guard let subjectToken = fields["subject_token"] else {
            throw .oauth(.badRequest, "invalid_request", "missing required parameter 'subject_token'")
        }
        guard let type = fields["subject_token_type"] else {
            throw .oauth(.badRequest, "invalid_request", "missing required parameter 'subject_token_type'")
        }
        guard Self.impersonationTokenTypes.contains(type), subjectToken.hasPrefix("sub_") else {
            throw .oauth(.badRequest, "invalid_grant", "unsupported subject token type")
        }
        if fields["resource"] != nil, fields["organization_id"] != nil {
            throw .oauth(.badRequest, "invalid_request", "resource with organization_id is not simulated")
        }
        let now = now
        let requested = (fields["scope"] ?? "").split(separator: " ").map(String.init)
        let (grantedUserID, audience, scopes, ttl) = try state.withLock { state throws(LogtoSimulatorError) in
            guard let record = state.subjectTokens[subjectToken] else {
                throw .oauth(.badRequest, "invalid_grant", "subject token not found")
            }
            guard !record.consumed else {
                state.reusedSubjectTokens += 1
                throw .oauth(.badRequest, "invalid_grant", "subject token is already consumed")
            }
            guard now < record.expiresAt else { throw .oauth(.badRequest, "invalid_grant", "subject token is expired") }
            guard let user = state.users.first(where: { $0.id == record.userID }) else {
                throw .oauth(.badRequest, "invalid_grant", "user not found")
            }
            let grant: (String, [String], Int64)
            if let organization = fields["organization_id"] {
                guard let org = configuration.organizations.first(where: { $0.id == organization }),
                    state.members[organization]?.contains(user.id) == true
                else { throw .oauth(.forbidden, "access_denied", "user is not a member of the organization") }
                grant = (Self.organizationAudiencePrefix + organization, requested.filter { org.memberScopes.contains($0) }, 3600)
            } else if let resource = fields["resource"] {
                guard let api = configuration.resources.first(where: { $0.indicator == resource }) else {
                    throw .oauth(.badRequest, "invalid_target", "resource indicator is missing, or unknown")
                }
                let held = Set(configuration.roles.filter { user.roles.contains($0.name) && $0.resource == resource }.flatMap(\.scopes))
                grant = (resource, requested.filter { held.contains($0) && api.scopes.contains($0) }, api.accessTokenTTL)
            } else {
                grant = ("", requested.filter { ["openid", "profile", "email", "phone"].contains($0) }, 3600)
            }
            // Logto marks the subject token consumed once the grant succeeds.
            state.subjectTokens[subjectToken]?.consumed = true
            return (user.id, grant.0, grant.1, grant.2)
        }
        let userID = namingAnotherUser ? foreignUser(excluding: grantedUserID).id : grantedUserID
        let token: String
        if audience.isEmpty {
            token = LogtoRandom.id(length: 43)  // An opaque token, only good for userinfo.
        } else {
            token = try issue(
                subject: userID, audience: audience, scope: scopes, clientID: application.id, issuer: issuer, now: now, ttl: ttl,
                signer: signer)
        }
        return .object([
            ("access_token", .string(token)), ("expires_in", .integer(ttl)), ("scope", .string(scopes.joined(separator: " "))),
            ("token_type", .string("Bearer")),
        ])
    }

    /// An RFC 9068 access token (`typ` `at+jwt`).
    private func issue(
        subject: String, audience: String, scope: [String], clientID: String, issuer: String, now: Int64, ttl: Int64,
        signer: LogtoSigningKey
    ) throws(LogtoSimulatorError) -> String {
        let claims = JSONValue.object([
            ("jti", .string(LogtoRandom.id(length: 21))), ("sub", .string(subject)), ("iat", .integer(now)),
            ("exp", .integer(now + ttl)), ("scope", .string(scope.joined(separator: " "))), ("client_id", .string(clientID)),
            ("iss", .string(issuer)), ("aud", .string(audience)),
        ])
        do {
            return try signer.sign(claims: claims, type: "at+jwt")
        } catch {
            throw .oauth(.internalServerError, "server_error", "could not sign the token")
        }
    }
}
