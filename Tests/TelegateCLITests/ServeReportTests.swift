import AsyncHTTPClient
import Foundation
import NIOCore
import TelegramAuth
import TestSupport
import Testing

/// What `telegate serve` says while it runs, and what the admin CLI shows afterwards: the running apps, adapter
/// health, the shutdown; user pages with ISO 8601 dates; errors with their stable code.
@Suite("telegate serve says what is running")
struct ServeReportTests {
    static let masterKey = "c2VydmUtcmVwb3J0LW1hc3Rlci1rZXktMzItYnl0ZXM="
    static let botToken = "7000000004:AAserveReportBotSecretValue0123456789x"

    /// A directory with a `telegate.yaml` for app `poll`: a bot, a default `oidc` adapter, and a `clerk` adapter
    /// whose API nothing listens at.
    static func directory(port: Int) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("telegate-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let configuration = """
            server: {host: 127.0.0.1, port: \(port), publicURL: "http://127.0.0.1:\(port)"}
            database: {url: "sqlite://./state/telegate.sqlite"}
            masterKey: env:TELEGATE_MASTER_KEY
            apps:
              - id: poll
                bots:
                  - token: env:POLL_BOT_TOKEN
                adapters:
                  - {name: convex, kind: oidc, default: true, config: {audience: convex}}
                  - name: clerk
                    kind: clerk
                    config: {secretKey: env:CLERK_SECRET_KEY, apiURL: "http://127.0.0.1:\(FreePort.next())", allowInsecureLoopback: true}
            """
        try configuration.write(to: directory.appendingPathComponent("telegate.yaml"), atomically: true, encoding: .utf8)
        return directory
    }

    static let environment = [
        "TELEGATE_MASTER_KEY": masterKey, "POLL_BOT_TOKEN": botToken, "CLERK_SECRET_KEY": "sk_test_telegate_simulator",
    ]

    /// Runs the CLI off the shared threads: waiting for a child process blocks its thread.
    static func cli(_ arguments: [String], environment: [String: String], directory: URL) async throws -> CLIProcess.Result {
        try await CLIProcess.run(arguments, environment: environment, directory: directory)
    }

    @Test("serve prints each app's issuer, discovery URL, bots, adapters and their health, the admin URL; logs its shutdown")
    func summary() async throws {
        let port = FreePort.next()
        let directory = try Self.directory(port: port)
        defer { try? FileManager.default.removeItem(at: directory) }
        let serve = try BackgroundCLI(["serve", "--config", "telegate.yaml"], in: directory, environment: Self.environment)
        let base = "http://127.0.0.1:\(port)"
        let reported = try await serve.waitForOutput { $0.contains("adapter poll/convex") && $0.contains("adapter poll/clerk") }
        let output = serve.output
        #expect(try await serve.stop() == 0)
        #expect(reported, "\(output)")
        #expect(output.contains("Telegate is serving at \(base)"))
        #expect(output.contains("app \"poll\": issuer \(base)/apps/poll"))
        #expect(output.contains("discovery: \(base)/apps/poll/.well-known/openid-configuration"))
        #expect(output.contains("bots: 7000000004 (default)"))
        #expect(output.contains("adapters: clerk (clerk), convex (oidc, default)"))
        #expect(output.contains("admin API: \(base)/admin/v1"))
        #expect(output.contains("adapter poll/convex (oidc): healthy"))
        #expect(output.contains("adapter poll/clerk (clerk): unhealthy"))
        let log = serve.output
        #expect(log.contains("shutting down"))
        #expect(log.contains("stopped"))
        #expect(!log.contains(Self.botToken) && !log.contains(Self.masterKey))
    }

    @Test("users list pages with --cursor and shows dates in ISO 8601; admin errors show the message and code")
    func usersList() async throws {
        let port = FreePort.next()
        let directory = try Self.directory(port: port)
        defer { try? FileManager.default.removeItem(at: directory) }
        let serve = try BackgroundCLI(["serve", "--config", "telegate.yaml"], in: directory, environment: Self.environment)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            #expect(try await serve.waitForOutput { $0.contains("Telegate is serving at") }, "\(serve.output)")
            let signer = InitDataSigner(botToken: try BotToken(Self.botToken))
            for index in 0..<3 {
                let initData = try signer.sign(
                    user: TelegramUser(id: 500 + Int64(index), firstName: "User \(index)"), authDate: WallClock.system.now)
                var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/apps/poll/exchange")
                request.method = .POST
                request.headers.add(name: "Authorization", value: "tma " + initData)
                let response = try await client.execute(request, timeout: .seconds(30))
                _ = try await response.body.collect(upTo: 1 << 20)
                #expect(response.status.code == 200)
            }
        } catch {
            Issue.record(error)
        }
        try await client.shutdown()
        try await serve.stop()

        let arguments = ["users", "list", "poll", "--config", directory.appendingPathComponent("telegate.yaml").path]
        let first = try await Self.cli(arguments + ["--limit", "2"], environment: Self.environment, directory: directory)
        #expect(first.status == 0, "\(first.stderr)")
        let lines = first.stdout.split(separator: "\n")
        #expect(lines.first?.contains("LAST LOGIN") == true)
        #expect(lines.count == 3)
        #expect(first.stdout.contains("initData"))
        #expect(first.stdout.range(of: #"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"#, options: .regularExpression) != nil)
        let cursor = try #require(
            first.stderr.range(of: "--cursor ").map { String(first.stderr[$0.upperBound...]).trimmingCharacters(in: .whitespacesAndNewlines) })
        let second = try await Self.cli(arguments + ["--limit", "2", "--cursor", cursor], environment: Self.environment, directory: directory)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.split(separator: "\n").count == 2)
        // Users created within one second have no set order among themselves; the two pages hold each once.
        let listed = (first.stdout + second.stdout).split(separator: "\n").filter { $0.hasPrefix("usr_") }
        #expect(listed.count == 3)
        #expect(["500", "501", "502"].allSatisfy { id in listed.contains { $0.contains("  \(id)  ") } })
        #expect(!second.stderr.contains("--cursor"))

        let json = try await Self.cli(arguments + ["--limit", "2", "--json"], environment: Self.environment, directory: directory)
        #expect(json.json["nextCursor"] as? String == cursor)
        #expect(((json.json["items"] as? [[String: Any]])?.first?["lastLoginAt"] as? Int) != nil)

        let missing = try await Self.cli(
            ["users", "list", "nope", "--config", directory.appendingPathComponent("telegate.yaml").path],
            environment: Self.environment, directory: directory)
        #expect(missing.status == 2)
        #expect(missing.stderr.hasPrefix("error: "), "\(missing.stderr)")
        #expect(missing.stderr.contains("(code: app_not_found)"), "\(missing.stderr)")
        #expect(!missing.stderr.contains("404"))
        let badCursor = try await Self.cli(arguments + ["--cursor", "nonsense"], environment: Self.environment, directory: directory)
        #expect(badCursor.stderr.contains("(code: invalid_request, reason: invalid_cursor)"), "\(badCursor.stderr)")
    }
}
