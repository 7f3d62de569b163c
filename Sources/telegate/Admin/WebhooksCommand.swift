import ArgumentParser
import Foundation
import StrictJSON
import TelegateAdmin

/// `telegate webhooks …`: `/admin/v1/apps/{app}/webhooks`, the endpoints an app's events are delivered to.
struct WebhooksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhooks", abstract: "Add, list, show, change and remove the webhook endpoints of an app.",
        subcommands: [
            List.self, Show.self, Add.self, Update.self, RemoveCommand<Reference>.self,
            Deliveries.self, Replay.self, Test.self,
        ])

    static let columns: [AdminOutput.Column] = [
        .init("ID", "id"), .init("URL", "url"), .init("EVENTS", "events"), .init("REFERENCE", "secretReference"),
        .init("DISABLED", "disabledReason"),
    ]

    /// The app a command acts on.
    struct Owner: ParsableArguments {
        @Option(help: "The app id.") var app: String

        var path: String { "/apps/\(app)/webhooks" }
    }

    /// The app and the endpoint a command acts on.
    struct Reference: RemovableTarget {
        static let removal = CommandConfiguration(
            commandName: "remove", abstract: "Remove a webhook endpoint with its pending deliveries.")

        @OptionGroup var owner: Owner
        @Option(help: "The endpoint id (whk_…).") var id: String

        var removed: String { "removed webhook \(id) from \(owner.app)" }

        func path(_ admin: AdminOptions) -> String { owner.path + "/\(id)" }
    }

    /// The settings `add` and `update` share; only those given are sent.
    struct Settings: ParsableArguments {
        @Option(help: "Where events are posted: https (http only to a loopback host with --allow-insecure-loopback).")
        var url: String?
        @Option(name: .customLong("event"), help: "An event type to deliver, e.g. user.created (repeat).")
        var events: [String] = []
        @Option(help: "Where the whsec_ secret is kept: env:NAME or file:PATH.") var secret: String?
        @Option(name: .customLong("description"), help: "A note for admins.") var note: String?
        @Option(help: "Allow plain http to a loopback address: true or false.") var allowInsecureLoopback: Bool?
        @Option(help: "Allow hosts in private networks: true or false.") var allowPrivateNetworks: Bool?

        var members: [(key: String, value: JSONValue)] {
            JSONValue.givenMembers([
                "url": url.map { .string($0) },
                "events": events.isEmpty ? nil : JSONValue.array(events.map { JSONValue.string($0) }),
                "secretReference": secret.map { .string($0) }, "description": note.map { .string($0) },
                "allowInsecureLoopback": allowInsecureLoopback.map { .bool($0) },
                "allowPrivateNetworks": allowPrivateNetworks.map { .bool($0) },
            ])
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List an app's webhook endpoints.")
        @OptionGroup var owner: Owner
        @OptionGroup var admin: AdminOptions

        func run() async throws {
            try await admin.show(.get, owner.path, columns: WebhooksCommand.columns)
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a webhook endpoint; its secret appears only as where it is kept.")
        @OptionGroup var target: Reference
        @OptionGroup var admin: AdminOptions

        func run() async throws {
            try await admin.show(.get, target.path(admin))
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a webhook endpoint.",
            discussion: """
                The secret is read where Telegate runs from --secret env:NAME or file:PATH (a whsec_ secret); without \
                --secret, Telegate generates one and prints it once, as secret.
                """)
        @OptionGroup var owner: Owner
        @OptionGroup var settings: Settings
        @OptionGroup var admin: AdminOptions

        func validate() throws {
            guard settings.url != nil else { throw ValidationError("give --url") }
            guard !settings.events.isEmpty else { throw ValidationError("give at least one --event") }
        }

        func run() async throws {
            let reply = try await admin.show(.post, owner.path, body: .object(settings.members))
            WebhooksCommand.warnShownOnce(reply, json: admin.json)
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a webhook endpoint: the settings given; the rest stay.",
            discussion: """
                --rotate-secret replaces the secret with a new one Telegate generates and prints once; --secret points \
                at a new one. Either way the previous secret keeps signing, next to the new one, for 24 hours. \
                --event replaces the whole list of event types.
                """)
        @OptionGroup var target: Reference
        @OptionGroup var settings: Settings
        @Flag(help: "Generate a new secret (printed once).") var rotateSecret = false
        @Option(help: "false stops deliveries to the endpoint (pending ones wait); true resumes them.") var enabled: Bool?
        @OptionGroup var admin: AdminOptions

        func validate() throws {
            if rotateSecret, settings.secret != nil { throw ValidationError("give --rotate-secret or --secret, not both") }
        }

        func run() async throws {
            let rotation: [(key: String, value: JSONValue)] = rotateSecret ? [("rotateSecret", .bool(true))] : []
            let members = settings.members + rotation + (enabled.map { [("enabled", JSONValue.bool($0))] } ?? [])
            let reply = try await admin.show(.patch, target.path(admin), body: .object(members))
            WebhooksCommand.warnShownOnce(reply, json: admin.json)
        }
    }

    /// Tells the operator, on standard error, that a generated secret is not shown again.
    static func warnShownOnce(_ reply: JSONValue?, json: Bool) {
        guard !json, reply?["secret"] != nil else { return }
        FileHandle.standardError.write(Data("secret is shown only this once: store it now\n".utf8))
    }
}
