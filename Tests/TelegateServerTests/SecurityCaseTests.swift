import Foundation
import StrictJSON
import TelegateCore
import TelegateTesting
import TelegramAuth
import Testing

/// The bad-input catalogue at the HTTP level: each case gets its documented status and code and stores nothing.
@Suite("Security cases over HTTP")
struct SecurityCaseTests {
    /// Posts `initData` and checks the status, the code, and that no user was created.
    private func expectRefused(
        _ service: TestService, _ initData: String, status: Int, code: String, reason: String? = nil, app: String = "poll",
        path: String? = nil
    ) async throws {
        let before = try await service.application.services.storage.users.user(appID: AppID(rawValue: app)!, telegramID: TestService.sampleUser.id)
        let reply = try await service.request(
            .post, path ?? "/v1/apps/\(app)/exchange", body: JSONValue.object([("initData", .string(initData))]).serialized)
        #expect(reply.status == status, "\(reply.body)")
        #expect(reply.json["code"]?.stringValue == code)
        if let reason { #expect(reply.json["reason"]?.stringValue == reason) }
        #expect(reply.header("Content-Type") == "application/problem+json")
        #expect(reply.json["type"]?.stringValue == "urn:telegate:error:\(code)")
        #expect(reply.json["requestId"]?.stringValue == reply.header("X-Request-Id"))
        let after = try await service.application.services.storage.users.user(appID: AppID(rawValue: app)!, telegramID: TestService.sampleUser.id)
        #expect(before == after, "a refused exchange stored a user")
    }

    @Test("A2/A3/A4: expired, future and malformed auth_date")
    func freshness() async throws {
        try await TestService.run { service in
            try await expectRefused(service, service.signedInitData(age: 3601), status: 401, code: "expired")
            try await expectRefused(service, service.signedInitData(age: -61), status: 401, code: "auth_date_in_future")
            let token = try BotToken(TestService.pollToken)
            let malformed = try InitDataSigner(botToken: token).sign([("user", TestService.sampleUser.webAppJSON), ("auth_date", "1e9")])
            try await expectRefused(service, malformed, status: 400, code: "auth_date_malformed")
        }
    }

    @Test("A5-A10: tampering, extra and missing fields, duplicates, missing and bad hashes")
    func tampering() async throws {
        try await TestService.run { service in
            let initData = try service.signedInitData()
            try await expectRefused(service, initData.replacing("vdkfrost", with: "vdkfros7"), status: 401, code: "signature_invalid")
            try await expectRefused(service, initData + "&admin=1", status: 401, code: "signature_invalid")
            try await expectRefused(service, initData.split(separator: "&").filter { !$0.hasPrefix("query_id") }.joined(separator: "&"), status: 401, code: "signature_invalid")
            let userPart = try #require(initData.split(separator: "&").first { $0.hasPrefix("user=") })
            try await expectRefused(service, initData + "&" + userPart, status: 400, code: "duplicate_parameter")
            try await expectRefused(service, initData.split(separator: "&").filter { !$0.hasPrefix("hash=") }.joined(separator: "&"), status: 401, code: "hash_missing")
            try await expectRefused(service, initData.replacing(#/hash=[0-9a-f]+/#, with: "hash=zz"), status: 401, code: "signature_invalid")
        }
    }

    @Test("A13/A14/A18: bad escapes, invalid UTF-8, malformed user JSON")
    func malformed() async throws {
        try await TestService.run { service in
            try await expectRefused(service, try service.signedInitData() + "&x=%ZZ", status: 400, code: "malformed")
            try await expectRefused(service, try service.signedInitData() + "&x=%C0%80", status: 400, code: "malformed")
            let token = try BotToken(TestService.pollToken)
            let badUser = try InitDataSigner(botToken: token).sign([("user", #"{"id":1,"id":2}"#), ("auth_date", String(service.clock.now))])
            try await expectRefused(service, badUser, status: 400, code: "user_malformed")
        }
    }

    /// initData signed for the poll bot whose `query_id` holds U+FFFD `count` times: what a decoder that replaces
    /// invalid UTF-8 would hand the MAC check.
    private func signedOverReplacementCharacters(_ service: TestService, count: Int) throws -> String {
        let fields: [(key: String, value: String)] = [
            ("query_id", "AA" + String(repeating: "\u{FFFD}", count: count)),
            ("user", TestService.sampleUser.webAppJSON), ("auth_date", String(service.clock.now - 5)),
        ]
        let initData = try InitDataSigner(botToken: BotToken(TestService.pollToken)).sign(fields)
        service.rememberSecrets([initData])
        return initData
    }

    /// `initData` with its percent-encoded U+FFFD characters replaced by the raw bytes `bad`, as UTF-8 bytes.
    private func withRawBytes(_ initData: String, _ bad: [UInt8], count: Int) -> [UInt8] {
        let encoded = String(repeating: TelegramEncoding.percentEncode("\u{FFFD}"), count: count)
        return Array(initData.replacing(encoded, with: "\u{0}").utf8).flatMap { $0 == 0 ? bad : [$0] }
    }

    @Test("A14: raw 0xFF or overlong C0 80 in the tma header or the JSON body is 400 and stores nothing, though the proof is MAC'd over U+FFFD",
        arguments: [[0xFF], [0xC0, 0x80]] as [[UInt8]])
    func invalidUTF8Bytes(_ bad: [UInt8]) async throws {
        try await TestService.run(live: true) { service in
            let initData = try signedOverReplacementCharacters(service, count: bad.count)
            let raw = withRawBytes(initData, bad, count: bad.count)
            let users = service.application.services.storage.users
            let poll = AppID(rawValue: "poll")!

            let header = try await service.rawRequest("POST", "/v1/apps/poll/exchange", headers: [("Authorization", Array("tma ".utf8) + raw)])
            #expect(header.status == 400, "\(header.body)")
            #expect(header.json["code"]?.stringValue == "malformed")
            #expect(header.header("Content-Type") == "application/problem+json")

            let body = Array(#"{"initData":""#.utf8) + raw + Array(#""}"#.utf8)
            let inBody = try await service.rawRequest("POST", "/v1/apps/poll/exchange", headers: [], body: body)
            #expect(inBody.status == 400, "\(inBody.body)")
            #expect(inBody.json["code"]?.stringValue == "invalid_request")
            #expect(inBody.json["reason"]?.stringValue == "malformed_json")

            // JSON escapes cannot smuggle U+FFFD in either: a lone surrogate is refused, not replaced.
            let escaped = initData.replacing(TelegramEncoding.percentEncode("\u{FFFD}"), with: #"\ud800"#)
            let surrogate = try await service.request(.post, "/v1/apps/poll/exchange", body: #"{"initData":"\#(escaped)"}"#)
            #expect(surrogate.status == 400)
            #expect(surrogate.json["reason"]?.stringValue == "malformed_json")
            #expect(try await users.user(appID: poll, telegramID: TestService.sampleUser.id) == nil, "a refused exchange stored a user")

            // The same proof, sent as Telegram encodes it, is genuine: only the bytes made the difference.
            let genuine = try await service.rawRequest("POST", "/v1/apps/poll/exchange", headers: [("Authorization", Array("tma \(initData)".utf8))])
            #expect(genuine.status == 200, "\(genuine.body)")
            service.rememberSecrets(Credentials(genuine).all)
        }
    }

    @Test("Noncanonical: signed keys outside a-z0-9_ and values with control characters are 400 malformed(noncanonical)")
    func noncanonical() async throws {
        try await TestService.run { service in
            let initData = try service.signedInitData()
            for suffix in ["&X-Admin=1", "&K%0D=1", "&%D0%BA%D0%BB%D1%8E%D1%87=1", "&" + String(repeating: "a", count: 200) + "=1", "&x=a%0Db"] {
                try await expectRefused(service, initData + suffix, status: 400, code: "malformed", reason: "noncanonical")
            }
            let header = try await service.request(.post, "/v1/apps/poll/exchange", body: nil, headers: [("Authorization", "tma " + initData + "&X-Admin=1")])
            #expect(header.status == 400)
            #expect(header.json["reason"]?.stringValue == "noncanonical")
        }
    }

    @Test("A19: oversized bodies are 413 before anything is parsed")
    func oversized() async throws {
        try await TestService.run { service in
            let huge = String(repeating: "a", count: 17_000)
            let reply = try await service.request(.post, "/v1/apps/poll/exchange", body: #"{"initData":"\#(huge)"}"#)
            #expect(reply.status == 413)
            #expect(reply.json["code"]?.stringValue == "payload_too_large")
            try await expectRefused(service, "a=" + String(repeating: "b", count: 9000), status: 413, code: "payload_too_large")
        }
    }

    @Test("A20: initData of another app's bot is refused; no bot is ever tried but the route's")
    func otherBot() async throws {
        try await TestService.run { service in
            try await expectRefused(service, try service.signedInitData(token: TestService.quizToken), status: 401, code: "signature_invalid")
            let reply = try await service.request(
                .post, "/v1/apps/poll/bots/7000000002/exchange", body: JSONValue.object([("initData", .string(try service.signedInitData()))]).serialized)
            #expect(reply.status == 404)
            #expect(reply.json["code"]?.stringValue == "bot_not_found")
        }
    }

    @Test("A21: a body naming the app or bot is refused", arguments: ["bot_id", "app", "tenant", "botId"])
    func tenantInBody(_ member: String) async throws {
        try await TestService.run { service in
            let body = JSONValue.object([("initData", .string(try service.signedInitData())), (member, .string("quiz"))]).serialized
            let reply = try await service.request(.post, "/v1/apps/poll/exchange", body: body)
            #expect(reply.status == 400)
            #expect(reply.json["code"]?.stringValue == "invalid_request")
            #expect(reply.json["reason"]?.stringValue == "tenant_mismatch")
        }
    }

    @Test("An organization for an adapter without organizations, or one too long, is refused and creates no user")
    func organization() async throws {
        try await TestService.run { service in
            let initData = try service.signedInitData()
            for organization in ["org_acme", String(repeating: "o", count: 129)] {
                let body = JSONValue.object([("initData", .string(initData)), ("organization", .string(organization))]).serialized
                let reply = try await service.request(.post, "/v1/apps/poll/exchange", body: body)
                #expect(reply.status == 400)
                #expect(reply.json["code"]?.stringValue == "invalid_request")
            }
            let body = JSONValue.object([("initData", .string(initData)), ("organization", .string("org_acme"))]).serialized
            #expect(try await service.request(.post, "/v1/apps/poll/exchange", body: body).json["reason"]?.stringValue == "organization_not_supported")
            let users = service.application.services.storage.users
            #expect(try await users.user(appID: AppID(rawValue: "poll")!, telegramID: TestService.sampleUser.id) == nil)
        }
    }

    @Test("A23: test-environment-signed data is refused by a production bot")
    func testEnvironment() async throws {
        let vector = TelegramVectors.realEd25519
        try await TestService.run(
            clock: TestClock(vector.authDate + 30),
            configure: { configuration in
                configuration.apps[0].bots[1].environment = .test
            }
        ) { service in
            try await expectRefused(service, vector.initData, status: 401, code: "signature_invalid", path: "/v1/apps/poll/bots/7342037359/exchange")
        }
    }

    @Test("A24: a proof in the URL is refused (GET is 405)")
    func getIsRefused() async throws {
        try await TestService.run { service in
            let reply = try await service.request(.get, "/v1/apps/poll/exchange?tgWebAppData=x")
            #expect(reply.status == 405)
            #expect(reply.json["code"]?.stringValue == "method_not_allowed")
        }
    }

    @Test("P2, N4: a body that is not declared JSON is 415; bad JSON, unknown members and two proofs are 400")
    func bodies() async throws {
        try await TestService.run { service in
            let initData = try service.signedInitData()
            let plain = try await service.request(.post, "/v1/apps/poll/exchange", body: #"{"initData":"x"}"#, contentType: "text/plain")
            #expect(plain.status == 415)
            #expect(plain.json["code"]?.stringValue == "unsupported_media_type")
            let cases: [(String, String?)] = [
                ("{", "malformed_json"), ("[1]", nil), (#"{"initData":"a","initData":"b"}"#, "malformed_json"),
                (#"{"initData":"\#(initData)","extra":1}"#, "unknown_member"), (#"{"provider":"convex"}"#, nil),
                (JSONValue.object([("initData", .string(initData)), ("widget", .string(initData))]).serialized, nil),
                (String(repeating: "[", count: 40) + String(repeating: "]", count: 40), "malformed_json"),
            ]
            for (body, reason) in cases {
                let reply = try await service.request(.post, "/v1/apps/poll/exchange", body: body)
                #expect(reply.status == 400, "\(body.prefix(40))")
                #expect(reply.json["code"]?.stringValue == "invalid_request")
                if let reason { #expect(reply.json["reason"]?.stringValue == reason) }
            }
            let both = try await service.request(.post, "/v1/apps/poll/exchange", body: JSONValue.object([("initData", .string(initData))]).serialized, headers: [("Authorization", "tma " + initData)])
            #expect(both.status == 400)
        }
    }

    @Test("Unknown apps are 404 app_not_found; unknown routes 404 not_found")
    func unknowns() async throws {
        try await TestService.run { service in
            try await expectRefused(service, try service.signedInitData(), status: 404, code: "app_not_found", path: "/v1/apps/nope/exchange")
            let route = try await service.request(.get, "/v1/nothing")
            #expect(route.status == 404)
            #expect(route.json["code"]?.stringValue == "not_found")
        }
    }

    @Test("CORS: the app's origins get Access-Control-Allow-Origin; others do not, and their preflight is 403")
    func cors() async throws {
        try await TestService.run { service in
            let preflight = try await service.request(.options, "/v1/apps/poll/exchange", headers: [("Origin", "https://web.telegram.org"), ("Access-Control-Request-Method", "POST")])
            #expect(preflight.status == 204)
            #expect(preflight.header("Access-Control-Allow-Origin") == "https://web.telegram.org")
            let foreign = try await service.request(.options, "/v1/apps/poll/exchange", headers: [("Origin", "https://evil.example")])
            #expect(foreign.status == 403)
            let post = try await service.request(.post, "/v1/apps/poll/exchange", body: JSONValue.object([("initData", .string(try service.signedInitData()))]).serialized, headers: [("Origin", "https://evil.example")])
            #expect(post.header("Access-Control-Allow-Origin") == nil)
            service.rememberSecrets(Credentials(post).all)
            let refused = try await service.request(
                .post, "/v1/apps/poll/exchange", body: #"{"initData":"a=1&hash=00"}"#, headers: [("Origin", "https://web.telegram.org")])
            #expect(refused.status == 401)
            #expect(refused.header("Access-Control-Allow-Origin") == "https://web.telegram.org", "a page can read the error code")
            let jwks = try await service.request(.get, "/apps/poll/.well-known/jwks.json", headers: [("Origin", "https://anywhere.example")])
            #expect(jwks.header("Access-Control-Allow-Origin") == "*")
        }
    }

    @Test("N1/P1: a client flooding the API gets 429 with Retry-After; X-Forwarded-For from a client is ignored")
    func rateLimit() async throws {
        try await TestService.run(live: true, configure: { configuration in
            configuration.server.rateLimit = (perClient: 1, burst: 3)
        }) { service in
            // One request per second refills the bucket, so a slow machine may see a few more pass than the burst:
            // at most one per second elapsed. Each request claims another X-Forwarded-For, which must not help.
            var statuses: [Int] = []
            let started = ContinuousClock.now
            for index in 0..<50 {
                let reply = try await service.request(.post, "/v1/apps/poll/exchange", body: "{}", headers: [("X-Forwarded-For", "10.0.0.\(index)")])
                statuses.append(reply.status)
                if reply.status == 429 {
                    #expect(reply.json["code"]?.stringValue == "rate_limited")
                    #expect(Int(reply.header("Retry-After") ?? "") ?? 0 >= 1)
                    break
                }
            }
            let elapsed = (ContinuousClock.now - started).components.seconds
            #expect(statuses.last == 429)
            #expect(statuses.prefix(3).allSatisfy { $0 == 400 })
            #expect(statuses.dropLast().allSatisfy { $0 == 400 })
            #expect(statuses.count - 1 <= 3 + Int(elapsed) + 1)
            // Health and issuer documents are not limited.
            #expect(try await service.request(.get, "/healthz").status == 200)
        }
    }

    @Test("L5: health, readiness and metrics; metrics carry no user ids, tokens or names a client made up")
    func operations() async throws {
        try await TestService.run { service in
            #expect(try await service.request(.get, "/healthz").status == 200)
            let ready = try await service.request(.get, "/readyz")
            #expect(ready.status == 200)
            let exchange = try await service.exchange(initData: service.signedInitData())
            _ = try await service.exchange(initData: "a=1&hash=00")
            // Names a client makes up never become label values: no cardinality to blow up, nothing to inject.
            _ = try await service.exchange(app: "made-up-app-4711", initData: service.signedInitData())
            _ = try await service.exchange(initData: service.signedInitData(), provider: "made-up-provider-4711")
            let metrics = try await service.request(.get, "/metrics")
            #expect(!metrics.body.contains("4711"))
            #expect(metrics.body.contains(#"telegate_exchanges_total{app="poll",provider="convex",outcome="success"} 1"#))
            #expect(metrics.body.contains(#"outcome="signature_invalid""#))
            #expect(metrics.body.contains("telegate_exchange_duration_seconds_bucket"))
            let userID = try #require(exchange.json["user"]?["id"]?.stringValue)
            #expect(!metrics.body.contains(userID))
            #expect(!metrics.body.contains(String(TestService.sampleUser.id)))
            service.rememberSecrets(Credentials(exchange).all)
        }
    }

    @Test("L1: failures log the code and request id, never the proof, hash or signature")
    func logsOnFailure() async throws {
        try await TestService.run { service in
            let initData = try service.signedInitData()
            let hash = String(initData.split(separator: "&").first { $0.hasPrefix("hash=") }!.dropFirst(5))
            _ = try await service.exchange(initData: initData.replacing("vdkfrost", with: "tampered"))
            let logs = service.logs.text
            #expect(logs.contains("code=signature_invalid"))
            #expect(!logs.contains(hash))
            #expect(!logs.contains("vdkfrost"))
            #expect(!logs.contains("tampered"))
        }
    }
}
