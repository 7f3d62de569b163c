import ArgumentParser
import Foundation
import TelegateApp
import TelegateCore

/// `telegate config …`: the declarative file against the database it names.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Apply a configuration file to the database, or export the database as one.",
        subcommands: [Apply.self, Export.self])

    struct Apply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make the database match the file's apps, printing what changes (running servers follow within seconds).",
            discussion: """
                Idempotent: applying the same file again changes nothing, and atomic: a file that fails changes nothing. \
                Bots and adapters the file declared before and no longer names are removed; those added through the \
                admin API are kept unless --prune is given; with --prune, apps the file does not name are deleted too.
                """)
        @Argument(help: "The configuration file.") var file: String
        @Flag(help: "Print the changes without making them.") var dryRun = false
        @Flag(help: "Delete apps, bots and adapters the file does not name.") var prune = false

        func run() async throws {
            let configuration = try ConfigurationFile.load(path: file)
            let environment = ProcessInfo.processInfo.environment
            let application = try await TelegateApplication.prepare(
                configuration: configuration, logger: ConfigurationOptions.logger(default: .warning), applyConfiguration: false)
            do {
                let applier = ConfigurationApplier(services: application.services, environment: environment)
                let plan = try await applier.plan(configuration.apps, prune: prune)
                for change in plan.changes { print(TerminalText.escaped("\(change)")) }
                for warning in plan.saves.flatMap(\.warnings) {
                    FileHandle.standardError.write(Data("warning: \(TerminalText.escaped(warning))\n".utf8))
                }
                if plan.isEmpty {
                    print("no changes")
                } else if dryRun {
                    print("dry run: nothing changed")
                } else {
                    try await applier.apply(plan)
                }
                try await application.shutdown()
            } catch {
                try? await application.shutdown()
                throw error
            }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the stored apps as a configuration file; secrets appear only as references.")
        @OptionGroup var options: ConfigurationOptions

        func run() async throws {
            let configuration = try options.load()
            let application = try await TelegateApplication.prepare(
                configuration: configuration, logger: ConfigurationOptions.logger(default: .warning), applyConfiguration: false)
            do {
                let apps = try await application.services.storage.configuration.apps()
                print(ConfigurationExport.yaml(apps, masterKey: configuration.masterKey), terminator: "")
                try await application.shutdown()
            } catch {
                try? await application.shutdown()
                throw error
            }
        }
    }
}
