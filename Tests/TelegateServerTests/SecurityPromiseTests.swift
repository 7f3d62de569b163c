import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import ProviderKit
import StrictJSON
import Synchronization
import TelegateCore
import TelegramAuth
import Testing

/// Catalogue cases about what Telegate never does: fetch a URL a proof names, follow a provider's redirect, keep an
/// old bot token working, write a control character into its logs, or expose its configuration.
@Suite("Security promises over HTTP")
struct SecurityPromiseTests {
    /// A stand-in for any host a proof or a provider could point at: it counts every request it gets.
    final class Probe: Sendable {
        private let requests = Mutex<[String]>([])
        var paths: [String] { requests.withLock { $0 } }

        func application() -> some ApplicationProtocol {
            let router = Router()
            router.get("/redirect") { _, _ in Response(status: .found, headers: [.location: "/internal/admin"]) }
            router.get("**") { request, _ in
                self.requests.withLock { $0.append(request.uri.path) }
                return "probe"
            }
            return Application(router: router)
        }
    }

    /// Runs `body` with a probe server listening on a local port.
    private func withProbe(_ body: @escaping @Sendable (Probe, Int) async throws -> Void) async throws {
        let probe = Probe()
        try await probe.application().test(.live) { client in
            try await body(probe, try #require(client.port))
        }
    }

    @Test("A22: a bot whose token is replaced refuses initData signed with the old token at once; the new token's verifies")
    func botTokenReplaced() async throws {
        try await TestService.run { service in
            let admin = try await service.adminToken()
            let newToken = "7000000001:AArotatedPollBotSecretValue01234567"
            service.rememberSecrets([newToken])
            let before = try service.signedInitData()
            #expect(try await service.exchange(initData: before).status == 200)
            #expect(try await service.admin(.delete, "/apps/poll/bots/7000000001", token: admin).status == 204)
            let added = try await service.admin(
                .post, "/apps/poll/bots", body: .object([("token", .string(newToken)), ("default", .bool(true))]), token: admin)
            #expect(added.status == 201, "\(added.body)")
            let old = try await service.exchange(initData: before)
            #expect(old.status == 401)
            #expect(old.json["code"]?.stringValue == "signature_invalid")
            let fresh = try await service.exchange(initData: service.signedInitData(token: newToken))
            #expect(fresh.status == 200, "\(fresh.body)")
            service.rememberSecrets(Credentials(fresh).all)
        }
    }

    @Test("F1: Telegate's own ID and access tokens are refused where a Telegram id_token or a refresh token is expected")
    func ownTokensCrossUsed() async throws {
        try await TestService.run { service in
            let reply = try await service.exchange(initData: service.signedInitData())
            #expect(reply.status == 200, "\(reply.body)")
            let credentials = Credentials(reply)
            service.rememberSecrets(credentials.all)
            for token in [credentials.idToken, credentials.accessToken] {
                let asTelegram = try await service.request(
                    .post, "/v1/apps/poll/exchange", body: JSONValue.object([("idToken", .string(token))]).serialized)
                #expect(asTelegram.status == 401, "\(asTelegram.body)")
                #expect(asTelegram.json["code"]?.stringValue == "token_invalid")
                let asRefresh = try await service.request(
                    .post, "/v1/apps/poll/token", body: "grant_type=refresh_token&refresh_token=\(token)",
                    contentType: "application/x-www-form-urlencoded")
                #expect(asRefresh.status == 400, "\(asRefresh.body)")
                #expect(asRefresh.json["error"]?.stringValue == "invalid_grant")
            }
            let refreshed = try await service.request(
                .post, "/v1/apps/poll/token", body: "grant_type=refresh_token&refresh_token=\(credentials.refreshToken)",
                contentType: "application/x-www-form-urlencoded")
            #expect(refreshed.status == 200, "the refresh token itself still works")
            service.rememberSecrets(["access_token", "id_token", "refresh_token"].compactMap { refreshed.json[$0]?.stringValue })
        }
    }

    @Test("C4, M1: a photo URL in initData or widget data is stored as given and never fetched, even an internal one")
    func photoNeverFetched() async throws {
        try await withProbe { probe, port in
            try await TestService.run { service in
                let photo = "http://127.0.0.1:\(port)/latest/meta-data/photo.jpg"
                var user = TestService.sampleUser
                user.photoURL = photo
                let initData = try await service.exchange(initData: service.signedInitData(user: user))
                #expect(initData.status == 200, "\(initData.body)")
                #expect(initData.json["user"]?["photoUrl"]?.stringValue == photo)
                service.rememberSecrets(Credentials(initData).all)
                let widgetUser = TelegramUser(id: 556, firstName: "Widget", photoURL: photo)
                let query = try WidgetSigner(botToken: TestService.pollToken).queryString(user: widgetUser, authDate: service.clock.now)
                let widget = try await service.request(
                    .post, "/v1/apps/poll/exchange", body: JSONValue.object([("widget", .string(query))]).serialized)
                #expect(widget.status == 200, "\(widget.body)")
                #expect(widget.json["user"]?["photoUrl"]?.stringValue == photo)
                service.rememberSecrets(Credentials(widget).all)
                #expect(try await service.request(.get, "/readyz").status == 200)
            }
            #expect(probe.paths.isEmpty, "Telegate fetched \(probe.paths)")
        }
    }

    @Test("M3: the client every provider call and key fetch uses follows no redirect, so a 302 to an internal path is never followed")
    func redirectsNotFollowed() async throws {
        try await withProbe { probe, port in
            try await TestService.run { service in
                let response = try await service.application.services.httpClient.execute(
                    HTTPClientRequest(url: "http://127.0.0.1:\(port)/redirect"), policy: OutboundURLPolicy(allowInsecureLoopback: true),
                    deadline: .now() + .seconds(30), maxBodyBytes: 1 << 16)
                #expect(response.status == .found)
            }
            #expect(probe.paths.isEmpty, "the redirect was followed to \(probe.paths)")
        }
    }

    @Test("P3: both Content-Length and Transfer-Encoding, or two lengths, are 400 and close the connection; nothing smuggled is answered")
    func framingConflicts() async throws {
        try await TestService.run(live: true) { service in
            let port = try #require(service.baseURL.split(separator: ":").last.flatMap { Int($0) })
            let smuggled = "GET /metrics HTTP/1.1\r\nHost: telegate\r\n\r\n"
            let chunkedEnd = "0\r\n\r\n"
            let requests = [
                "POST /healthz HTTP/1.1\r\nHost: telegate\r\nContent-Length: \(chunkedEnd.utf8.count + smuggled.utf8.count)\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n" + chunkedEnd + smuggled,
                "POST /healthz HTTP/1.1\r\nHost: telegate\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n" + chunkedEnd
                    + smuggled,
                "GET /healthz HTTP/1.1\r\nHost: telegate\r\nContent-Length: 0\r\nContent-Length: \(smuggled.utf8.count)\r\n\r\n" + smuggled,
            ]
            for request in requests {
                let connection = try await RawConnection.open(port: port)
                defer { connection.close() }
                try await connection.send(request)
                #expect(try await connection.waitForClose(within: .seconds(20)) != nil, "the connection stays open")
                let statusLines = connection.received.split(separator: "\r\n").filter { $0.hasPrefix("HTTP/1.1 ") }
                #expect(statusLines.count <= 1, "\(statusLines)")
                #expect(statusLines.allSatisfy { $0.hasPrefix("HTTP/1.1 400") }, "\(statusLines)")
            }
            #expect(try await service.request(.get, "/healthz").status == 200)
        }
    }

    @Test("K8: CR, LF and ANSI escapes in names, paths and headers never reach a log line")
    func logInjection() async throws {
        try await TestService.run { service in
            var user = TestService.sampleUser
            user.firstName = "Eve\r\nlevel=error message=\"forged\"\u{1B}[2J\u{1B}[31m"
            user.lastName = "\u{202E}\u{200B}"
            let exchange = try await service.exchange(initData: service.signedInitData(user: user))
            #expect(exchange.status == 200, "\(exchange.body)")
            service.rememberSecrets(Credentials(exchange).all)
            _ = try await service.exchange(initData: service.signedInitData(user: user).replacing("Eve", with: "Eva"))
            for path in ["/v1/apps/poll%0D%0Aforged=1%1B%5B31m/exchange", "/v1/apps/%0A/exchange", "/admin/v1/apps/%0Ax%1B"] {
                _ = try await service.request(.post, path, body: "{}", headers: [("X-Request-Id", "a%0Ab")])
            }
            // A client library may refuse to send these header values at all; either way none may reach a log.
            _ = try? await service.request(.get, "/v1/nothing", headers: [("X-Request-Id", "id\u{1B}[31m"), ("User-Agent", "x\u{1B}[2J")])
            let lines = service.logs.all
            #expect(!lines.isEmpty)
            for line in lines {
                #expect(!line.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }, "\(line.debugDescription)")
                #expect(!line.contains(#"message="forged""#), "\(line.debugDescription)")
            }
        }
    }

    @Test("L6: no debug, environment or configuration endpoint exists, and the public ones carry no secret")
    func noConfigurationExposed() async throws {
        try await TestService.run { service in
            for path in ["/debug", "/debug/vars", "/debug/pprof", "/env", "/.env", "/config", "/configuration", "/actuator/env", "/admin"] {
                let reply = try await service.request(.get, path)
                #expect(reply.status == 404, "\(path) answered \(reply.status)")
            }
            let admin = try await service.request(.get, "/admin/v1/apps")
            #expect(admin.status == 401)
            for path in ["/healthz", "/readyz", "/metrics", "/apps/poll/.well-known/openid-configuration", "/apps/poll/.well-known/jwks.json"] {
                let reply = try await service.request(.get, path)
                #expect(reply.status == 200, "\(path)")
                for secret in [TestService.pollToken, TestService.quizToken, TestService.masterKey, "sqlite://", "telegate.sqlite"] {
                    #expect(!reply.body.contains(secret), "\(path) shows \(secret)")
                }
            }
        }
    }
}
