import Foundation
import TestSupport
import Testing

/// `telegate users history` on a local database holding one user: the kept events as a table, paged by `--before`.
@Suite("telegate users history")
struct UsersHistoryCommandTests {
    @Test("history prints the user's events; a full page names the --before of the next; an unknown user is user_not_found")
    func history() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("telegate-history-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = try await TerminalOutputTests.databaseWithUser(firstName: "Ada", lastName: "L", in: directory)
        let environment = TerminalOutputTests.environment

        let table = try await CLIProcess.run(["users", "history", "poll", "@mallory", "--config", config], environment: environment)
        #expect(table.status == 0, "\(table.stderr)")
        let lines = table.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("SEQ") == true, "\(table.stdout)")
        #expect(lines.count == 2 && lines.last?.contains("user.created") == true, "\(table.stdout)")
        #expect(!table.stdout.contains("Ada"), "the profile is not repeated")

        let page = try await CLIProcess.run(
            ["users", "history", "poll", "@mallory", "--limit", "1", "--config", config], environment: environment)
        #expect(page.status == 0, "\(page.stderr)")
        let json = try await CLIProcess.run(
            ["users", "history", "poll", "@mallory", "--limit", "1", "--json", "--config", config], environment: environment)
        let next = try #require(json.json["next"] as? Int, "\(json.stdout)")
        #expect(page.stderr.contains("repeat with --before \(next)"), "\(page.stderr)")
        let older = try await CLIProcess.run(
            ["users", "history", "poll", "@mallory", "--before", String(next), "--config", config], environment: environment)
        #expect(older.stdout.contains("no events kept for this user"), "\(older.stdout)")

        let unknown = try await CLIProcess.run(
            ["users", "history", "poll", "usr_01JZZZZZZZZZZZZZZZZZZZZZZZ", "--config", config], environment: environment)
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("user_not_found"), "\(unknown.stderr)")
    }
}
