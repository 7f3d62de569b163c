import LogtoSimulator
import ProviderKit
import SimulatorKit
import StrictJSON
import TelegateCore
import TelegramAuth
import TestSupport
import Testing

/// The Logto adapter against the simulator, through Telegate's exchange endpoint over real HTTP.
@Suite("Logto adapter")
struct LogtoAdapterTests {
    @Test("A first login creates the Logto user with its identity, then a warm exchange is a subject token and an exchange")
    func firstAndWarmLogin() async throws {
        try await LogtoHarness.run { harness in
            let control = harness.simulator.control
            let first = try await harness.exchange()
            #expect(first.status == 200, "\(first.body)")
            #expect(first.credential["type"]?.stringValue == "logto_access_token")
            #expect(first.credential["tokenType"]?.stringValue == "Bearer")
            #expect(first.credential["audience"]?.stringValue == "https://api.example.com")
            #expect(first.credential["expiresIn"]?.integerValue == 3600)
            #expect(first.credential["scope"]?.stringValue == "read:polls write:polls")
            #expect(control.allCalls == ["m2m_token": 1, "create_user": 1, "add_identity": 1, "subject_token": 1, "token_exchange": 1])

            let user = try #require(harness.simulator.tenant.user(username: "tg_279058397"))
            #expect(user["identities"]?["telegram"]?["userId"]?.stringValue == "279058397")
            #expect(user["customData"]?["telegram"]?["id"]?.integerValue == 279_058_397)
            #expect(user["name"]?.stringValue == "Vladislav Kibenko")
            #expect(user["avatar"]?.stringValue == LogtoHarness.sampleUser.photoURL)

            control.resetCalls()
            let warm = try await harness.exchange()
            #expect(warm.status == 200)
            #expect(control.allCalls == ["subject_token": 1, "token_exchange": 1], "a warm exchange makes two Logto calls")
            #expect(harness.simulator.tenant.userCount == 1)
        }
    }

    @Test("Erasing a user at the provider deletes the Logto user; one Logto no longer has counts as deleted")
    func deleteAtProvider() async throws {
        try await LogtoHarness.run { harness in
            #expect(try await harness.exchange().status == 200)
            let logtoUserID = try #require(harness.simulator.tenant.user(username: "tg_279058397")?["id"]?.stringValue)
            let runtime = try #require(harness.runtimes.app(AppID(rawValue: "poll")!))
            let deleting = try #require(try runtime.adapter(nil).1 as? any ProviderUserDeleting)
            try await deleting.deleteProviderUser(externalID: logtoUserID)
            #expect(harness.simulator.tenant.userCount == 0)
            try await deleting.deleteProviderUser(externalID: logtoUserID)
            #expect(harness.simulator.control.calls("delete_user") == 2)
        }
    }

    @Test("The access token verifies against the simulator's JWKS with typ at+jwt, the resource as aud, the user's scopes and sub")
    func accessTokenVerifies() async throws {
        try await LogtoHarness.run { harness in
            let reply = try await harness.exchange()
            let token = try #require(reply.credential["accessToken"]?.stringValue)
            #expect(try JWTParts.header(token)["typ"]?.stringValue == "at+jwt")
            #expect(try JWTParts.header(token)["alg"]?.stringValue == "ES384")
            let jwks = try await harness.send(.GET, harness.simulatorURL + "/oidc/jwks")
            let claims = try await LogtoAccessTokenClaims.verify(token, jwks: jwks.json)
            let logtoUser = try #require(harness.simulator.tenant.user(username: "tg_279058397"))
            #expect(claims.sub.value == logtoUser["id"]?.stringValue)
            #expect(claims.aud.value == ["https://api.example.com"])
            #expect(claims.iss.value == harness.simulatorURL + "/oidc")
            #expect(claims.scope == "read:polls write:polls")
            #expect(claims.client_id == "telegate-exchange")
        }
    }

    @Test("I1: 50 concurrent first logins of one user make one Logto user")
    func concurrentFirstLogins() async throws {
        try await LogtoHarness.run { harness in
            let statuses = try await withThrowingTaskGroup(of: Int.self) { tasks in
                for _ in 0..<50 { tasks.addTask { try await harness.exchange().status } }
                return try await tasks.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == 200 }, "\(statuses)")
            #expect(harness.simulator.tenant.userCount == 1)
            #expect(harness.simulator.control.calls("create_user") == 1)
            #expect(harness.simulator.control.calls("m2m_token") == 1)
        }
    }

    @Test("The M2M token is reused across exchanges and refreshed once under 50 concurrent exchanges when expired")
    func m2mSingleFlight() async throws {
        try await LogtoHarness.run { harness in
            let users = (1...50).map { telegramUser(1_000 + Int64($0)) }
            let first = try await withThrowingTaskGroup(of: Int.self) { tasks in
                for user in users { tasks.addTask { try await harness.exchange(user: user).status } }
                return try await tasks.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(first.allSatisfy { $0 == 200 })
            #expect(harness.simulator.control.calls("m2m_token") == 1)
            #expect(harness.simulator.tenant.userCount == 50)

            harness.advance(3600)
            let second = try await withThrowingTaskGroup(of: Int.self) { tasks in
                for user in users { tasks.addTask { try await harness.exchange(user: user).status } }
                return try await tasks.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(second.allSatisfy { $0 == 200 })
            #expect(harness.simulator.control.calls("m2m_token") == 2, "one refresh for 50 callers")
        }
    }

    @Test("H11: a Management API 401 drops the cached token and retries once; a second 401 is adapter_misconfigured")
    func managementUnauthorized() async throws {
        try await LogtoHarness.run { harness in
            #expect(try await harness.exchange().status == 200)
            harness.simulator.tenant.revokeManagementTokens()
            #expect(try await harness.exchange().status == 200)
            #expect(harness.simulator.control.calls("m2m_token") == 2)

            harness.simulator.control.inject(SimulatorFault(.status(401), operation: "subject_token", times: 2))
            let refused = try await harness.exchange()
            #expect(refused.status == 502)
            #expect(refused.code == "adapter_misconfigured")
            #expect(harness.simulator.control.calls("m2m_token") == 3)
        }
    }

    @Test("A creation whose answer was lost is repaired by lookup: one user, identity attached")
    func crashRepair() async throws {
        try await LogtoHarness.run { harness in
            // The simulator creates the user, then the answer is lost.
            harness.simulator.control.inject(SimulatorFault(.status(500), operation: "create_user", times: 1))
            let lost = try await harness.exchange()
            #expect(lost.status == 503)
            #expect(lost.code == "upstream_unavailable")
            #expect(harness.simulator.tenant.userCount == 1)
            #expect(harness.simulator.tenant.user(username: "tg_279058397")?["identities"]?["telegram"] == nil)

            let repaired = try await harness.exchange()
            #expect(repaired.status == 200, "\(repaired.body)")
            #expect(harness.simulator.tenant.userCount == 1)
            #expect(harness.simulator.control.calls("create_user") == 1)
            #expect(harness.simulator.control.calls("search_users") == 1)
            #expect(harness.simulator.tenant.user(username: "tg_279058397")?["identities"]?["telegram"]?["userId"]?.stringValue == "279058397")
        }
    }

    @Test("H7: a failure between Logto's answer and the local link is repaired by lookup, not a second user")
    func failureAfterProvider() async throws {
        try await LogtoHarness.run { harness in
            harness.faults.arm(.afterProviderBeforeResponse, action: .fail, times: 1)
            let failed = try await harness.exchange()
            #expect(failed.status == 500)
            #expect(harness.simulator.tenant.userCount == 1)
            let repaired = try await harness.exchange()
            #expect(repaired.status == 200, "\(repaired.body)")
            #expect(harness.simulator.tenant.userCount == 1)
            #expect(harness.simulator.control.calls("create_user") == 1)
            #expect(harness.simulator.control.calls("search_users") == 1)
        }
    }

    @Test("H6: a failure after the link row was written but before Logto was called creates the user at the next login")
    func failureBeforeProvider() async throws {
        try await LogtoHarness.run { harness in
            harness.faults.arm(.afterCommitBeforeProvider, action: .fail, times: 1)
            let failed = try await harness.exchange()
            #expect(failed.status == 500)
            #expect(harness.simulator.tenant.userCount == 0)
            let retried = try await harness.exchange()
            #expect(retried.status == 200, "\(retried.body)")
            #expect(harness.simulator.tenant.userCount == 1)
            #expect(harness.simulator.control.calls("create_user") == 1)
        }
    }

    @Test("H9: a Logto user holding the username with another Telegram identity is 409 provider_identity_conflict")
    func identityConflict() async throws {
        try await LogtoHarness.run { harness in
            let token = try await harness.managementToken()
            let created = try await harness.send(
                .POST, harness.simulatorURL + "/api/users", body: #"{"username":"tg_279058397"}"#, headers: [("Authorization", "Bearer \(token)")])
            let id = try #require(created.json["id"]?.stringValue)
            _ = try await harness.send(
                .PUT, harness.simulatorURL + "/api/users/\(id)/identities/telegram", body: #"{"userId":"42"}"#,
                headers: [("Authorization", "Bearer \(token)")])
            let reply = try await harness.exchange()
            #expect(reply.status == 409)
            #expect(reply.code == "provider_identity_conflict")
            #expect(harness.simulator.tenant.userCount == 1)
        }
    }

    @Test("H8: a Logto user deleted out of band is recreated once and the exchange succeeds")
    func relink() async throws {
        try await LogtoHarness.run { harness in
            #expect(try await harness.exchange().status == 200)
            let id = try #require(harness.simulator.tenant.user(username: "tg_279058397")?["id"]?.stringValue)
            let token = try await harness.managementToken()
            _ = try await harness.send(.DELETE, harness.simulatorURL + "/api/users/\(id)", headers: [("Authorization", "Bearer \(token)")])
            #expect(harness.simulator.tenant.userCount == 0)

            let reply = try await harness.exchange()
            #expect(reply.status == 200, "\(reply.body)")
            let replacement = try #require(harness.simulator.tenant.user(username: "tg_279058397")?["id"]?.stringValue)
            #expect(replacement != id)
            let claims = try JWTParts.claims(reply.credential["accessToken"]?.stringValue ?? "")
            #expect(claims["sub"]?.stringValue == replacement)
        }
    }

    @Test("G5: a lost token-exchange answer is retried with a fresh subject token, never the consumed one")
    func freshSubjectToken() async throws {
        try await LogtoHarness.run { harness in
            #expect(try await harness.exchange().status == 200)
            harness.simulator.control.resetCalls()
            for effect in [SimulatorFault.Effect.status(502), .dropConnection] {
                harness.simulator.control.inject(SimulatorFault(effect, operation: "token_exchange", times: 1))
                let reply = try await harness.exchange()
                #expect(reply.status == 200, "\(reply.body)")
            }
            #expect(harness.simulator.control.calls("subject_token") == 4)
            #expect(harness.simulator.control.calls("token_exchange") == 4)
            #expect(harness.simulator.tenant.reusedSubjectTokens == 0)
        }
    }

    @Test("Subject tokens Logto calls expired fail after one fresh attempt as upstream_invalid_response")
    func expiredSubjectTokens() async throws {
        var configuration = LogtoSimulatorConfiguration.development
        configuration.subjectTokenTTL = 0
        try await LogtoHarness.run(simulator: try LogtoSimulator(configuration: configuration)) { harness in
            let reply = try await harness.exchange()
            #expect(reply.status == 502)
            #expect(reply.code == "upstream_invalid_response")
            #expect(harness.simulator.control.calls("subject_token") == 2)
            #expect(harness.simulator.control.calls("token_exchange") == 2)
        }
    }

    @Test("H3, H4, L2: faults map to documented codes with nothing of Logto's answer leaked", arguments: [
        (SimulatorFault.Effect.rateLimited(retryAfter: 7), 503, "upstream_busy"),
        (.status(500), 503, "upstream_unavailable"),
        (.dropConnection, 503, "upstream_unavailable"),
        (.malformedBody, 502, "upstream_invalid_response"),
        (.status(418), 502, "upstream_invalid_response"),
    ])
    func faults(effect: SimulatorFault.Effect, status: Int, code: String) async throws {
        try await LogtoHarness.run { harness in
            #expect(try await harness.exchange().status == 200)
            harness.simulator.control.inject(SimulatorFault(effect, operation: "subject_token"))
            let reply = try await harness.exchange()
            #expect(reply.status == status)
            #expect(reply.code == code)
            #expect(!reply.body.contains("injected fault"))
            #expect(!reply.body.contains("too many requests"))
            if case .rateLimited = effect { #expect(reply.header("Retry-After") == "7") }
            harness.simulator.control.clearFaults()
            #expect(try await harness.exchange().status == 200, "recovers once Logto does")
        }
    }

    @Test("An app without token exchange is 502 adapter_misconfigured")
    func exchangeDisabled() async throws {
        try await LogtoHarness.run { harness in
            let reply = try await harness.exchange(provider: "logto-no-exchange")
            #expect(reply.status == 502)
            #expect(reply.code == "adapter_misconfigured")
        }
    }

    @Test("Organizations: the allow-list with exact ids and prefixes, refused without any Logto call, membership enforced")
    func organizations() async throws {
        try await LogtoHarness.run { harness in
            let control = harness.simulator.control
            for refused in ["org_evil", "org_acme", "ORG_ACME_1", "org_othe"] {
                let reply = try await harness.exchange(organization: refused)
                #expect(reply.status == 403, "\(refused)")
                #expect(reply.code == "organization_not_allowed")
            }
            #expect(control.allCalls.isEmpty, "a refused organization calls nothing")
            let emptyList = try await harness.exchange(provider: "logto-no-exchange", organization: "org_acme_1")
            #expect(emptyList.code == "organization_not_allowed")

            let notMember = try await harness.exchange(organization: "org_acme_2")
            #expect(notMember.status == 403)
            #expect(notMember.code == "organization_membership_required")

            let id = try #require(harness.simulator.tenant.user(username: "tg_279058397")?["id"]?.stringValue)
            let token = try await harness.managementToken()
            for organization in ["org_acme_1", "org_acme_2", "org_other"] {
                _ = try await harness.send(
                    .POST, harness.simulatorURL + "/api/organizations/\(organization)/users", body: #"{"userIds":["\#(id)"]}"#,
                    headers: [("Authorization", "Bearer \(token)")])
                let reply = try await harness.exchange(organization: organization)
                #expect(reply.status == 200, "\(reply.body)")
                #expect(reply.credential["audience"]?.stringValue == "urn:logto:organization:\(organization)")
                #expect(reply.credential["scope"]?.stringValue == "read:members")
                let accessToken = reply.credential["accessToken"]?.stringValue ?? ""
                let jwks = try await harness.send(.GET, harness.simulatorURL + "/oidc/jwks")
                let claims = try await LogtoAccessTokenClaims.verify(accessToken, jwks: jwks.json)
                #expect(claims.aud.value == ["urn:logto:organization:\(organization)"])
            }
        }
    }

    @Test("Subject-token mode returns the one-time token, which a public client exchanges itself")
    func subjectTokenMode() async throws {
        try await LogtoHarness.run { harness in
            let reply = try await harness.exchange(provider: "logto-subject")
            #expect(reply.status == 200, "\(reply.body)")
            #expect(reply.credential["type"]?.stringValue == "logto_subject_token")
            #expect(reply.credential["expiresIn"]?.integerValue == 600)
            #expect(reply.credential["tokenEndpoint"]?.stringValue == harness.simulatorURL + "/oidc/token")
            #expect(harness.simulator.control.calls("token_exchange") == 0)
            let subjectToken = try #require(reply.credential["subjectToken"]?.stringValue)
            #expect(subjectToken.hasPrefix("sub_"))

            let exchanged = try await harness.send(
                .POST, harness.simulatorURL + "/oidc/token",
                body: "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange&client_id=telegate-spa&subject_token=\(subjectToken)"
                    + "&subject_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aaccess_token&resource=https%3A%2F%2Fapi.example.com&scope=read%3Apolls",
                headers: [("Content-Type", "application/x-www-form-urlencoded")])
            #expect(exchanged.status == 200)
            #expect(exchanged.json["scope"]?.stringValue == "read:polls")
        }
    }

    @Test("A changed name or photo is sent to Logto once")
    func profileSync() async throws {
        try await LogtoHarness.run { harness in
            let renamed = TelegramUser(
                id: LogtoHarness.sampleUser.id, firstName: "Vlad", lastName: "Kibenko", username: "vdkfrost",
                photoURL: LogtoHarness.sampleUser.photoURL)
            let statuses = [
                try await harness.exchange().status, try await harness.exchange(user: renamed).status,
                try await harness.exchange(user: renamed).status,
            ]
            #expect(statuses == [200, 200, 200])
            #expect(harness.simulator.control.calls("update_user") == 1)
            #expect(harness.simulator.tenant.user(username: "tg_279058397")?["name"]?.stringValue == "Vlad Kibenko")
        }
    }
}
