import ArgumentParser
import Foundation
import StrictJSON
import TelegateAdmin

/// `telegate adapters …`: `/admin/v1/adapter-kinds` and `/admin/v1/apps/{app}/adapters`.
struct AdaptersCommand: AsyncParsableCommand, AppCollection {
    static let configuration = CommandConfiguration(
        commandName: "adapters", abstract: "Configure an app's identity-provider adapters.",
        subcommands: [
            Kinds.self, ListCommand<AdaptersCommand>.self, GetCommand<Reference>.self, Add.self, Update.self, RemoveCommand<Reference>.self,
            ActionCommand<Reference, Default>.self, Check.self,
        ])

    typealias ItemID = String
    static let names = AppCollectionNames(
        path: "adapters", item: "adapter", argumentHelp: "The adapter name.", listAbstract: "List an app's adapters.",
        removeAbstract: "Remove an adapter.")
    static let columns: [AdminOutput.Column] = [
        .init("NAME", "name"), .init("KIND", "kind"), .init("DEFAULT", "default"),
    ]

    /// The app and the adapter a command acts on.
    typealias Reference = AppItem<AdaptersCommand>

    /// Configuration given on the command line: plain values with --set, secrets with --secret.
    struct Configuration: ParsableArguments {
        @Option(name: .customLong("set"), help: "A config value: key=value (JSON values like 3600 or true are typed; repeat).")
        var values: [String] = []
        @Option(help: "A JSON file with the config object (--set values are applied on top).")
        var configFile: String?
        @Option(
            name: .customLong("secret"),
            help: "A secret field and where to read it: field=env:NAME, field=file:PATH or field=stdin (repeat).")
        var secrets: [String] = []

        /// The `config` and `secrets` members of the request: for an add or a replacement the whole config, for
        /// an update the members to change (a value `null` removes one).
        func members() throws -> [(key: String, value: JSONValue)] {
            var config: [(key: String, value: JSONValue)] = []
            if let configFile {
                guard let data = FileManager.default.contents(atPath: configFile),
                    let members = (try? JSONValue.parse(Array(data)))?.objectMembers
                else { throw ValidationError("\(configFile) must hold a JSON object") }
                config = members
            }
            for pair in values {
                guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                    throw ValidationError("--set takes key=value")
                }
                let key = String(pair[..<equals])
                let text = String(pair[pair.index(after: equals)...])
                let value = (try? JSONValue.parse(text)).flatMap { $0.stringValue == nil ? $0 : nil } ?? .string(text)
                config.removeAll { $0.key == key }
                config.append((key, value))
            }
            var secretValues: [(key: String, value: JSONValue)] = []
            for pair in secrets {
                guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                    throw ValidationError("--secret takes field=env:NAME, field=file:PATH or field=stdin")
                }
                let field = String(pair[..<equals])
                let secret = try SecretInput(String(pair[pair.index(after: equals)...]))
                secretValues.append((field, .string(secret.value)))
                if let reference = secret.reference {
                    config.removeAll { $0.key == field }
                    config.append((field, .string(reference)))
                }
            }
            var members: [(key: String, value: JSONValue)] = []
            if configFile != nil || !config.isEmpty { members.append(("config", .object(config))) }
            if !secretValues.isEmpty { members.append(("secrets", .object(secretValues))) }
            return members
        }
    }

    struct Kinds: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the adapter kinds and their configuration keys.")
        @OptionGroup var admin: AdminOptions

        func run() async throws {
            let reply = try await admin.call(.get, "/adapter-kinds")
            if admin.json { return AdminOutput.show(reply, json: true, columns: []) }
            for kind in reply?["items"]?.arrayElements ?? [] {
                print(TerminalText.escaped(kind["kind"]?.stringValue ?? ""))
                let fields = kind["config"]?.arrayElements ?? []
                print(
                    AdminOutput.table(
                        fields,
                        columns: [
                            .init("  KEY", "name"), .init("TYPE", "type"), .init("REQUIRED", "required"),
                            .init("DEFAULT", "default"),
                        ]
                    ).split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
            }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add an adapter.")
        @Argument(help: "The app id.") var app: String
        @Argument(help: "The adapter's name in the app (clerk, convex).") var name: String
        @Option(help: "The adapter kind (see `telegate adapters kinds`).") var kind: String
        @Flag(name: .customLong("default"), help: "Exchanges that name no provider use this adapter.") var isDefault = false
        @OptionGroup var config: Configuration
        @OptionGroup var admin: AdminOptions

        func run() async throws {
            let members = JSONValue.givenMembers([
                "name": .string(name), "kind": .string(kind), "default": isDefault ? .bool(true) : nil,
            ])
            try await admin.show(.post, "/apps/\(app)/adapters", body: .object(members + (try config.members())))
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change the config keys given (--set/--config-file), or rotate secrets (--secret); the rest stays.",
            discussion: """
                --set key=value changes that key only; --set key=null removes it (back to its default). With --replace \
                the given values form the whole new config instead; secret fields left out keep their value.
                """)
        @OptionGroup var target: Reference
        @Flag(help: "Replace the whole config with the values given, instead of changing only those keys.") var replace = false
        @OptionGroup var config: Configuration
        @OptionGroup var admin: AdminOptions

        func validate() throws {
            if replace, config.configFile == nil, config.values.isEmpty {
                throw ValidationError("--replace needs the new config: --set key=value or --config-file F.json")
            }
        }

        func run() async throws {
            try await admin.show(replace ? .put : .patch, target.path(admin), body: .object(try config.members()))
        }
    }

    enum Default: AdminAction {
        static let configuration = CommandConfiguration(
            commandName: "default", abstract: "Make an adapter the default of its app.")
        static let request = (method: AdminMethod.post, suffix: "/default")
    }

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Test the connection: the adapter reaches and authenticates to its provider (exit 1 when not).")
        @OptionGroup var target: Reference
        @OptionGroup var admin: AdminOptions

        func run() async throws {
            let reply = try await admin.show(.post, target.path(admin) + "/check")
            if reply?["ok"] != .bool(true) { throw ExitCode(1) }
        }
    }
}

extension AppItem: ShownTarget where Collection == AdaptersCommand {
    static var shownAbstract: String { "Show an adapter; secrets appear as reference, fingerprint and last four characters." }
}
