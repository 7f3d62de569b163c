import ProviderKit
import StrictJSON
import TelegateCore

/// `/apps/{app}/users`: find a user by local id, Telegram id or username; see their provider links and sessions;
/// disable, enable, unlink or erase them.
struct UserAdminRoutes {
    let backend: AdminBackend

    var routes: [AdminRoute] {
        [
            AdminRoute(
                .get, "/apps/{app}/users", "searchUsers",
                "List users newest first, a page at a time (limit 1–200, default 50; pass nextCursor back as cursor), or find them: q is a local id (usr_…), a Telegram id or a username (@ optional)",
                query: ["q", "limit", "cursor"], response: AdminSchemas.userPage
            ) { call in
                let app = try await backend.app(call).settings.id
                let limit = min(max(Int(call.query("limit") ?? "") ?? 50, 1), 200)
                let cursor = try call.query("cursor").map { text in
                    guard let cursor = UserCursor(opaque: text) else {
                        throw TelegateError.invalidRequest(
                            "cursor must be the nextCursor of a previous page", reason: "invalid_cursor")
                    }
                    return cursor
                }
                let users = backend.services.storage.users
                let query = call.query("q")?.trimmingCharacters(in: .whitespaces) ?? ""
                if let id = UserID(rawValue: query) {
                    let found = try await users.user(id: id).map { $0.appID == app ? [$0] : [] } ?? []
                    return AdminJSON.list(found.map(\.json))
                }
                if let telegramID = Int64(query) {
                    let found = try await users.user(appID: app, telegramID: telegramID).map { [$0] } ?? []
                    return AdminJSON.list(found.map(\.json))
                }
                let username = query.isEmpty ? nil : String(query.hasPrefix("@") ? query.dropFirst() : query[...])
                // One more than the page holds tells whether another page follows.
                var page = try await users.users(appID: app, username: username, after: cursor, limit: limit + 1)
                var extra: [(key: String, value: JSONValue)] = []
                if page.count > limit {
                    page.removeLast()
                    if let last = page.last { extra.append(("nextCursor", .string(UserCursor(after: last).opaque))) }
                }
                return AdminJSON.list(page.map(\.json), extra: extra)
            },
            AdminRoute(
                .get, "/apps/{app}/users/{user}", "getUser", "Get a user with provider links and refresh-token families",
                response: AdminSchemas.user
            ) { call in
                let user = try await self.user(call)
                let links = try await backend.services.storage.links.links(userID: user.id)
                let families = try await backend.services.storage.refreshTokens.families(userID: user.id)
                return .object(
                    (user.json.objectMembers ?? []) + [
                        ("links", .array(links.map(AdminJSON.link))), ("refreshFamilies", .array(families.map(AdminJSON.family))),
                    ])
            },
            AdminRoute(
                .post, "/apps/{app}/users/{user}/disable", "disableUser",
                "Disable a user: exchanges are refused and every session ends", response: AdminSchemas.user
            ) { call in
                let user = try await self.user(call)
                let now = backend.services.clock.now
                _ = try await backend.services.storage.users.setStatus(id: user.id, status: .disabled, at: now)
                let revoked = try await backend.services.storage.refreshTokens.revokeFamilies(
                    userID: user.id, reason: "user_disabled", at: now)
                await backend.record(
                    "user.disabled", call: call, appID: user.appID, target: "user:\(user.id)",
                    before: .object([("status", .string(user.status.rawValue))]),
                    after: .object([("status", .string("disabled"))]), extra: [("revokedFamilies", .integer(revoked))])
                return try await self.user(call).json
            },
            AdminRoute(
                .post, "/apps/{app}/users/{user}/enable", "enableUser", "Enable a disabled user", response: AdminSchemas.user
            ) { call in
                let user = try await self.user(call)
                _ = try await backend.services.storage.users.setStatus(
                    id: user.id, status: .active, at: backend.services.clock.now)
                await backend.record(
                    "user.enabled", call: call, appID: user.appID, target: "user:\(user.id)",
                    before: .object([("status", .string(user.status.rawValue))]), after: .object([("status", .string("active"))]))
                return try await self.user(call).json
            },
            AdminRoute(
                .delete, "/apps/{app}/users/{user}/links/{adapter}", "unlinkUser",
                "Remove one provider link (the next exchange through that adapter links again)"
            ) { call in
                let user = try await self.user(call)
                guard let adapter = AdapterName(rawValue: call.parameter("adapter")),
                    let link = try await backend.services.storage.links.link(appID: user.appID, adapter: adapter, userID: user.id)
                else { throw TelegateError(.linkNotFound, "this user has no link for that adapter") }
                try await backend.services.storage.links.delete(
                    appID: user.appID, adapter: adapter, userID: user.id, at: backend.services.clock.now)
                await backend.record(
                    "user.unlinked", call: call, appID: user.appID, target: "user:\(user.id)",
                    extra: [("adapter", .string(adapter.rawValue)), ("externalId", link.externalID.map(JSONValue.string) ?? .null)])
                return nil
            },
            AdminRoute(
                .delete, "/apps/{app}/users/{user}", "eraseUser",
                "Erase a user: the mapping, provider links and refresh tokens; atProvider=true also deletes provider users",
                query: ["atProvider"], status: 200
            ) { call in
                let user = try await self.user(call)
                var outcomes: [JSONValue] = []
                if call.query("atProvider") == "true" {
                    outcomes = await deleteAtProviders(user)
                }
                _ = try await backend.services.storage.users.delete(id: user.id, at: backend.services.clock.now)
                await backend.record(
                    "user.erased", call: call, appID: user.appID, target: "user:\(user.id)",
                    extra: [("providerDeletions", .array(outcomes))])
                return .object([("erased", .string(user.id.rawValue)), ("providerDeletions", .array(outcomes))])
            },
        ]
    }

    /// The user the call's `{user}` names in its `{app}`; `404 user_not_found` otherwise.
    func user(_ call: AdminCall) async throws -> UserRecord {
        let app = try await backend.app(call).settings.id
        guard let id = UserID(rawValue: call.parameter("user")), let user = try await backend.services.storage.users.user(id: id),
            user.appID == app
        else { throw TelegateError(.userNotFound, "this app has no such user") }
        return user
    }

    /// Asks each linked adapter that can delete provider users to do so; reports each outcome.
    private func deleteAtProviders(_ user: UserRecord) async -> [JSONValue] {
        let links = (try? await backend.services.storage.links.links(userID: user.id)) ?? []
        var outcomes: [JSONValue] = []
        for link in links {
            let outcome: String
            if let externalID = link.externalID,
                let adapter = try? backend.runtimes.app(user.appID)?.adapter(link.adapter.rawValue).1,
                let deleting = adapter as? any ProviderUserDeleting
            {
                do {
                    try await deleting.deleteProviderUser(externalID: externalID)
                    outcome = "deleted"
                } catch let error as TelegateError {
                    outcome = error.code.rawValue
                } catch {
                    outcome = TelegateError.Code.internalError.rawValue
                }
            } else {
                outcome = "not_supported"
            }
            outcomes.append(.object([("adapter", .string(link.adapter.rawValue)), ("outcome", .string(outcome))]))
        }
        return outcomes
    }
}
