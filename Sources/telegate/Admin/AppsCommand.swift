import ArgumentParser
import StrictJSON

/// `telegate apps …`: `/admin/v1/apps`.
struct AppsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apps", abstract: "Create, list, show, update and delete apps.",
        subcommands: [List.self, Get.self, Create.self, Update.self, Delete.self])

    static let columns: [AdminOutput.Column] = [
        .init("ID", "id"), .init("CORS ORIGINS", "corsOrigins"), .init("INITDATA MAX AGE", "initDataMaxAge"),
    ]

    /// The settings options shared by create and update.
    struct Settings: ParsableArguments {
        @Option(name: .customLong("cors-origin"), help: "An allowed browser origin (repeat; replaces the list).")
        var corsOrigins: [String] = []
        @Option(help: "Maximum age of Mini App initData, seconds.") var initDataMaxAge: Int64?
        @Option(help: "Maximum age of Login Widget data, seconds.") var widgetMaxAge: Int64?

        var members: [(key: String, value: JSONValue)] {
            var members: [(key: String, value: JSONValue)] = []
            if !corsOrigins.isEmpty { members.append(("corsOrigins", .array(corsOrigins.map { .string($0) }))) }
            if let initDataMaxAge { members.append(("initDataMaxAge", .integer(initDataMaxAge))) }
            if let widgetMaxAge { members.append(("widgetMaxAge", .integer(widgetMaxAge))) }
            return members
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List apps.")
        @OptionGroup var admin: AdminOptions

        func run() async throws {
            AdminOutput.show(try await admin.call(.get, "/apps"), json: admin.json, columns: AppsCommand.columns)
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show an app with its bots and adapters.")
        @Argument(help: "The app id.") var app: String
        @OptionGroup var admin: AdminOptions

        func run() async throws {
            AdminOutput.show(try await admin.call(.get, "/apps/\(app)"), json: admin.json, columns: [])
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an app.")
        @Argument(help: "The app id: a lowercase slug like poll.") var app: String
        @OptionGroup var settings: Settings
        @OptionGroup var admin: AdminOptions

        func run() async throws {
            let body = JSONValue.object([("id", .string(app))] + settings.members)
            AdminOutput.show(try await admin.call(.post, "/apps", body: body), json: admin.json, columns: [])
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change an app's settings.")
        @Argument(help: "The app id.") var app: String
        @OptionGroup var settings: Settings
        @OptionGroup var admin: AdminOptions

        func run() async throws {
            AdminOutput.show(
                try await admin.call(.patch, "/apps/\(app)", body: .object(settings.members)), json: admin.json, columns: [])
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete an app with its bots, adapters, users, keys and refresh tokens.")
        @Argument(help: "The app id.") var app: String
        @OptionGroup var admin: AdminOptions

        func run() async throws {
            _ = try await admin.call(.delete, "/apps/\(app)")
            if !admin.json { print("deleted app \(app)") }
        }
    }
}
