import ArgumentParser
import StrictJSON
import TelegateAdmin

/// `telegate apps …`: `/admin/v1/apps`.
struct AppsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apps", abstract: "Create, list, show, update and delete apps.",
        subcommands: [
            List.self, GetCommand<Reference>.self, Create.self, UpdateCommand<Reference, Settings>.self,
            RemoveCommand<Reference>.self,
        ])

    static let columns: [AdminOutput.Column] = [
        .init("ID", "id"), .init("CORS ORIGINS", "corsOrigins"), .init("INITDATA MAX AGE", "initDataMaxAge"),
    ]

    /// The app a command acts on.
    struct Reference: ShownTarget, RemovableTarget {
        static let shownAbstract = "Show an app with its bots and adapters."
        static let removal = CommandConfiguration(
            commandName: "delete", abstract: "Delete an app with its bots, adapters, users, keys and refresh tokens.")

        @Argument(help: "The app id.") var app: String

        var removed: String { "deleted app \(app)" }

        func path(_ admin: AdminOptions) -> String { "/apps/\(app)" }
    }

    /// The settings options shared by create and update.
    struct Settings: ChangeOptions {
        static let updateAbstract = "Change an app's settings."

        @Option(name: .customLong("cors-origin"), help: "An allowed browser origin (repeat; replaces the list).")
        var corsOrigins: [String] = []
        @Option(help: "Maximum age of Mini App initData, seconds.") var initDataMaxAge: Int64?
        @Option(help: "Maximum age of Login Widget data, seconds.") var widgetMaxAge: Int64?

        var members: [(key: String, value: JSONValue)] {
            JSONValue.givenMembers([
                "corsOrigins": corsOrigins.isEmpty ? nil : .array(corsOrigins.map { .string($0) }),
                "initDataMaxAge": initDataMaxAge.map { .integer($0) }, "widgetMaxAge": widgetMaxAge.map { .integer($0) },
            ])
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List apps.")
        @OptionGroup var admin: AdminOptions

        func run() async throws {
            try await admin.show(.get, "/apps", columns: AppsCommand.columns)
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an app.")
        @Argument(help: "The app id: a lowercase slug like poll.") var app: String
        @OptionGroup var settings: Settings
        @OptionGroup var admin: AdminOptions

        func run() async throws {
            try await admin.show(.post, "/apps", body: .object([("id", .string(app))] + settings.members))
        }
    }

}
