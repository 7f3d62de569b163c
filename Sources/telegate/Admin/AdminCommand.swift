import ArgumentParser
import Foundation
import StrictJSON

/// `telegate admin token …`: `/admin/v1/tokens`.
struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin", abstract: "Manage access to the admin API.", subcommands: [Token.self])

    struct Token: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create, list and revoke admin tokens (only their hashes are stored).",
            subcommands: [Create.self, List.self, Revoke.self])
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a token and print it once, alone on standard output.",
            discussion: "Without --server this works on the local database: that is how the first token is made.")
        @Option(help: "A unique name (ci, alice).") var name: String
        @Option(help: "Restrict the token to this app.") var app: String?
        @Flag(help: "The token may only read.") var readOnly = false
        @Option(
            name: .customLong("permission"),
            help: "Limit the token to this permission and nothing else (messages:send); needs --app. Repeatable.")
        var permissions: [String] = []
        @OptionGroup var admin: AdminOptions

        func run() async throws {
            var members: [(key: String, value: JSONValue)] = [("name", .string(name))]
            if let app { members.append(("app", .string(app))) }
            if readOnly { members.append(("readOnly", .bool(true))) }
            if !permissions.isEmpty { members.append(("permissions", .array(permissions.map { .string($0) }))) }
            let reply = try await admin.call(.post, "/tokens", body: .object(members))
            if admin.json {
                AdminOutput.show(reply, json: true, columns: [])
                return
            }
            print(reply?["token"]?.stringValue ?? "")
            let id = reply?["id"]?.stringValue ?? ""
            FileHandle.standardError.write(Data("created admin token \(name) (\(id)); it is shown only this once\n".utf8))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (never their text).")
        @OptionGroup var admin: AdminOptions

        func run() async throws {
            AdminOutput.show(
                try await admin.call(.get, "/tokens"), json: admin.json,
                columns: [
                    .init("ID", "id"), .init("NAME", "name"), .init("APP", "app"), .init("READ ONLY", "readOnly"),
                    .init("CREATED", "createdAt"), .init("REVOKED", "revokedAt"),
                ], empty: "no tokens")
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token by id.")
        @Argument(help: "The token id (adm_…).") var id: String
        @OptionGroup var admin: AdminOptions

        func run() async throws {
            _ = try await admin.call(.delete, "/tokens/\(id)")
            if !admin.json { print("revoked \(id)") }
        }
    }
}
