import StrictJSON
import TelegateCore

/// `/tokens`: admin tokens. Only tokens with full access manage tokens; a new token's text is answered once.
struct TokenAdminRoutes {
    let backend: AdminBackend

    var routes: [AdminRoute] {
        [
            AdminRoute(.get, "/tokens", "listTokens", "List admin tokens (never their text)", scope: .global) { _ in
                AdminJSON.list(try await backend.services.storage.adminTokens.tokens().map(AdminJSON.token))
            },
            AdminRoute(
                .post, "/tokens", "createToken", "Create an admin token; its text is in this answer only", scope: .global,
                body: AdminBodySchema(
                    [
                        .member("name", .string, required: true, "A unique name (ci, alice)."),
                        .member("app", .string, "Restrict the token to this app."),
                        .member("readOnly", .boolean, "The token may only read."),
                        .member(
                            "permissions", .stringList,
                            "Limit the token to these permissions (messages:send) and nothing else; needs app."),
                    ], readOnly: ["id", "token", "createdAt", "revokedAt"]),
                status: 201
            ) { call in
                var appID: AppID?
                if let name = call.body.string("app") {
                    guard let id = AppID(rawValue: name) else {
                        throw TelegateError(.invalidField, "app must be an app id", reason: "invalid_value")
                    }
                    appID = id
                }
                let names = AdminPermission.allCases.map(\.rawValue).joined(separator: ", ")
                let permissions = try (call.body.strings("permissions") ?? []).map { name in
                    guard let permission = AdminPermission(rawValue: name) else {
                        throw TelegateError(
                            .invalidField, "permissions must list only \(names)", reason: "invalid_value")
                    }
                    return permission
                }
                let created = try await backend.tokens.create(
                    name: call.body.string("name") ?? "", appID: appID, readOnly: call.body.bool("readOnly") ?? false,
                    permissions: permissions)
                await backend.record(
                    "admin_token.created", call: call, appID: appID, target: "admin_token:\(created.record.id)",
                    after: AdminJSON.token(created.record))
                return .object((AdminJSON.token(created.record).objectMembers ?? []) + [("token", .string(created.token))])
            },
            AdminRoute(.delete, "/tokens/{token}", "revokeToken", "Revoke an admin token", scope: .global) { call in
                let id = call.parameter("token")
                guard try await backend.services.storage.adminTokens.revoke(id: id, at: backend.services.clock.now) else {
                    throw TelegateError(.adminTokenNotFound, "there is no such live token")
                }
                await backend.record("admin_token.revoked", call: call, appID: nil, target: "admin_token:\(id)")
                return nil
            },
        ]
    }
}
