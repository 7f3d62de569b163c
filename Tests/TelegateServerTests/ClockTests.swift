import Foundation
import StrictJSON
import Synchronization
@testable import TelegateApp
import TelegateCore
import TelegateTesting
import Testing

/// The database's clock as the deployment's clock, and the one leeway setting, seen over HTTP. The database's
/// clock is injected, so no test needs a skewed system clock.
@Suite("Clocks")
struct ClockTests {
    /// A database clock `offset` seconds from the test clock; tests move the offset by hand.
    final class DatabaseTime: Sendable {
        let clock: TestClock
        private let offset: Mutex<Int64>

        init(_ clock: TestClock, offset: Int64) {
            self.clock = clock
            self.offset = Mutex(offset)
        }

        var now: Int64 { clock.now + offset.withLock { $0 } }
        func set(offset seconds: Int64) { offset.withLock { $0 = seconds } }
        var reading: DatabaseClock.Reading { { [self] in Double(now) } }
    }

    private func refresh(_ service: TestService, _ token: String) async throws -> TestService.Reply {
        try await service.request(
            .post, "/v1/apps/poll/token", body: "grant_type=refresh_token&refresh_token=\(token)",
            contentType: "application/x-www-form-urlencoded")
    }

    @Test("I10: with the database 5 minutes ahead of or behind this instance, tokens' iat is the database's now, never ahead of it", arguments: [300, -300] as [Int64])
    func iatFollowsDatabase(offset: Int64) async throws {
        let clock = TestClock()
        let database = DatabaseTime(clock, offset: offset)
        try await TestService.run(clock: clock, databaseTime: database.reading) { service in
            // Telegram signs in real time, which here is the database's.
            let exchange = try await service.exchange(initData: service.signedInitData(age: 5 - offset))
            #expect(exchange.status == 200, "\(exchange.body)")
            let credentials = Credentials(exchange)
            service.clock.advance(7)
            let refreshed = try await refresh(service, credentials.refreshToken)
            #expect(refreshed.status == 200)
            let later = try [#require(refreshed.json["id_token"]?.stringValue), #require(refreshed.json["access_token"]?.stringValue)]
            for (tokens, issuedAt) in [([credentials.idToken, credentials.accessToken], database.now - 7), (later, database.now)] {
                for token in tokens {
                    let claims = try JWT.claims(token)
                    #expect(claims["iat"]?.integerValue == issuedAt)
                    #expect((claims["iat"]?.integerValue ?? .max) <= database.now)
                }
            }
            service.rememberSecrets(credentials.all + later + [refreshed.json["refresh_token"]?.stringValue ?? ""])
        }
    }

    @Test("/readyz and telegate_clock_skew_seconds report the skew against the database, flagged beyond the leeway, and follow a new measurement")
    func skewReported() async throws {
        let clock = TestClock()
        let database = DatabaseTime(clock, offset: 300)
        try await TestService.run(clock: clock, databaseTime: database.reading) { service in
            let skewed = try await service.request(.get, "/readyz")
            #expect(skewed.status == 200)
            #expect(skewed.json["status"]?.stringValue == "ready")
            #expect(skewed.json["detail"]?["clock"]?["status"]?.stringValue == "skewed")
            #expect(skewed.json["detail"]?["clock"]?["skewSeconds"] == .number("300.0"))
            #expect(skewed.json["detail"]?["clock"]?["leewaySeconds"]?.integerValue == 30)
            #expect(try await service.request(.get, "/metrics").body.contains("\ntelegate_clock_skew_seconds 300.0\n"))

            for (offset, status) in [(-31, "skewed"), (-30, "ok"), (12, "ok"), (0, "ok")] as [(Int64, String)] {
                database.set(offset: offset)
                #expect(await service.application.services.databaseClock.measure() == Double(offset))
                let ready = try await service.request(.get, "/readyz")
                #expect(ready.json["detail"]?["clock"]?["status"]?.stringValue == status, "\(offset)")
                #expect(ready.json["detail"]?["clock"]?["skewSeconds"] == .number("\(Double(offset))"))
                #expect(try await service.request(.get, "/metrics").body.contains("\ntelegate_clock_skew_seconds \(Double(offset))\n"))
            }
        }
    }

    @Test("Without a database clock of its own (SQLite), the skew is 0")
    func noSkewOnSQLite() async throws {
        try await TestService.run { service in
            let ready = try await service.request(.get, "/readyz")
            #expect(ready.json["detail"]?["clock"] == .object([("status", .string("ok")), ("skewSeconds", .number("0.0")), ("leewaySeconds", .integer(30))]))
        }
    }

    @Test("server.clockLeeway is the one leeway: initData from the future, and the refresh grace window, follow it")
    func oneLeeway() async throws {
        try await TestService.run { service in
            let accepted = try await service.exchange(initData: service.signedInitData(age: -30))
            let refused = try await service.exchange(initData: service.signedInitData(age: -31))
            #expect(accepted.status == 200)
            #expect(refused.json["code"]?.stringValue == "auth_date_in_future")
            service.rememberSecrets(Credentials(accepted).all)
        }
        try await TestService.run(configure: { $0.server.clockLeeway = 120 }) { service in
            let accepted = try await service.exchange(initData: service.signedInitData(age: -120))
            let refused = try await service.exchange(initData: service.signedInitData(age: -121))
            #expect(accepted.status == 200)
            #expect(refused.json["code"]?.stringValue == "auth_date_in_future")
            service.rememberSecrets(Credentials(accepted).all)
            let first = Credentials(try await service.exchange(initData: service.signedInitData())).refreshToken
            let next = try #require(try await refresh(service, first).json["refresh_token"]?.stringValue)
            service.clock.advance(100)
            #expect(try await refresh(service, first).json["refresh_token"]?.stringValue == next)
            service.rememberSecrets([first, next])
        }
    }

    @Test("server.clockLeeway is read from the file, 30 by default, and refused outside 5 to 300 seconds")
    func leewayConfiguration() throws {
        #expect(try ConfigurationFile.parse("server: {port: 8080}").server.clockLeeway == 30)
        #expect(try ConfigurationFile.parse("server: {clockLeeway: 90}").server.clockLeeway == 90)
        for value in [0, 4, 301, -1] {
            #expect(throws: ConfigurationError.self) { try ConfigurationFile.parse("server: {clockLeeway: \(value)}") }
        }
    }
}
