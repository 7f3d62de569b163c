import Foundation
import Logging
import TelegateApp
import TelegateCore
import TestSupport
import Testing

/// What the admin CLI prints on a terminal: names users chose cannot act on it or forge rows.
@Suite("Terminal output")
struct TerminalOutputTests {
    static let masterKey = "Y2FuYXJ5LW1hc3Rlci1rZXktMzItYnl0ZXMtbG9uZyE="
    static let botToken = "7000000001:AAcanaryPollBotSecretValue0123456789x"

    /// A configuration file and database in `directory` holding one user of app `poll` named `firstName`.
    static func databaseWithUser(firstName: String, lastName: String, in directory: URL) async throws -> String {
        let path = directory.appendingPathComponent("telegate.yaml").path
        try """
        server: {host: 127.0.0.1, port: 8080, publicURL: "http://127.0.0.1:8080"}
        database: {url: "sqlite://\(directory.path)/telegate.sqlite"}
        masterKey: env:TELEGATE_MASTER_KEY
        apps:
          - id: poll
            bots: [{token: env:POLL_BOT_TOKEN}]
            adapters: [{name: convex, kind: oidc, config: {audience: convex}}]
        """.write(toFile: path, atomically: true, encoding: .utf8)
        var logger = Logger(label: "test")
        logger.logLevel = .error
        let application = try await TelegateApplication.prepare(
            configuration: try ConfigurationFile.load(path: path), environment: environment, logger: logger)
        let user = UserRecord(
            id: .generate(milliseconds: 1_790_000_000_000), appID: AppID(rawValue: "poll")!, telegramID: 42, status: .active,
            profile: UserProfile(firstName: firstName, lastName: lastName, username: "mallory"), profileAuthDate: 1_790_000_000,
            createdAt: 1_790_000_000, updatedAt: 1_790_000_000)
        do {
            _ = try await application.services.storage.users.insertIfAbsent(user)
            try await application.shutdown()
        } catch {
            try? await application.shutdown()
            throw error
        }
        return path
    }

    static var environment: [String: String] { ["TELEGATE_MASTER_KEY": masterKey, "POLL_BOT_TOKEN": botToken] }

    @Test("K8: a first_name with ANSI escapes, a newline and a tab renders on one row, escaped; --json stays JSON")
    func controlCharactersInNames() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("telegate-terminal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let firstName = "\u{1b}[2J\nadmin\tok"
        let config = try await Self.databaseWithUser(firstName: firstName, lastName: "\u{202E}evil\u{9B}31m\r", in: directory)

        let table = try await CLIProcess.run(["users", "search", "poll", "--config", config], environment: Self.environment)
        #expect(table.status == 0, "\(table.stderr)")
        let lines = table.stdout.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.isEmpty }
        #expect(lines.count == 2, "a header and one row: \(lines)")
        #expect(lines.last?.contains(#"\u{1b}[2J\nadmin\tok"#) == true, "\(lines)")
        #expect(lines.last?.contains("mallory") == true)

        let single = try await CLIProcess.run(["users", "get", "poll", "@mallory", "--config", config], environment: Self.environment)
        #expect(single.status == 0, "\(single.stderr)")
        #expect(single.stdout.contains(#"firstName: \u{1b}[2J\nadmin\tok"#), "\(single.stdout)")
        #expect(single.stdout.contains(#"lastName: \u{202e}evil\u{9b}31m\r"#), "\(single.stdout)")

        for output in [table.stdout, single.stdout] {
            let unsafe = output.unicodeScalars.filter { scalar in
                scalar != "\n" && (scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar == "\u{202E}")
            }
            #expect(unsafe.isEmpty, "raw control characters reached the terminal")
        }

        let json = try await CLIProcess.run(["users", "search", "poll", "--json", "--config", config], environment: Self.environment)
        let items = (json.json["items"] as? [[String: Any]]) ?? []
        #expect(items.first?["firstName"] as? String == firstName, "JSON carries the name exactly, escaped as JSON")
        #expect(json.stdout.split(separator: "\n").count == 1)
    }
}
