import ArgumentParser
import Foundation
import StrictJSON
import TelegateAdmin

/// `telegate clients …`: `/admin/v1/apps/{app}/clients`, the OAuth clients of an app's OpenID Provider.
struct ClientsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clients", abstract: "Add, list, show and remove the OAuth clients of an app's OpenID Provider.",
        subcommands: [List.self, Show.self, Add.self, RotateSecret.self, RemoveCommand<Reference>.self])

    static let columns: [AdminOutput.Column] = [
        .init("ID", "id"), .init("SECRET", "hasSecret"), .init("REFERENCE", "secretReference"), .init("CONSENT", "consent"),
        .init("SCOPES", "scopes"), .init("REDIRECT URIS", "redirectURIs"),
    ]

    /// The app a command acts on.
    struct Owner: ParsableArguments {
        @Option(help: "The app id.") var app: String

        var path: String { "/apps/\(app)/clients" }
    }

    /// The app and the client a command acts on.
    struct Reference: RemovableTarget {
        static let removal = CommandConfiguration(commandName: "remove", abstract: "Remove an OAuth client.")

        @OptionGroup var owner: Owner
        @Option(help: "The client_id.") var id: String

        var removed: String { "removed client \(id) from \(owner.app)" }

        func path(_ admin: AdminOptions) -> String { owner.path + "/\(id)" }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List an app's OAuth clients.")
        @OptionGroup var owner: Owner
        @OptionGroup var admin: AdminOptions

        func run() async throws {
            try await admin.show(.get, owner.path, columns: ClientsCommand.columns)
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show an OAuth client; its secret appears only as whether it has one and where it is kept.")
        @OptionGroup var target: Reference
        @OptionGroup var admin: AdminOptions

        func run() async throws {
            try await admin.show(.get, target.path(admin))
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add an OAuth client.",
            discussion: """
                A confidential client's secret is read where Telegate runs from --secret env:NAME or file:PATH; without \
                --secret, Telegate generates one and prints it once, as clientSecret. A --public client (a browser or \
                mobile app) has no secret and must use PKCE.
                """)
        @OptionGroup var owner: Owner
        @Option(help: "The client_id: a lowercase slug, unique in the app.") var id: String
        @Option(name: .customLong("redirect-uri"), help: "A redirect URI, matched exactly (repeat).") var redirectURIs: [String] = []
        @Option(name: .customLong("post-logout-redirect-uri"), help: "Where logout may return, matched exactly (repeat).")
        var postLogoutRedirectURIs: [String] = []
        @Flag(name: .customLong("public"), help: "A public client: no secret, PKCE required.") var isPublic = false
        @Option(help: "Where the client secret is kept: env:NAME or file:PATH.") var secret: String?
        @Option(help: "skip (default) or required: ask the user once before the client gets their identity.")
        var consent: String?
        @Option(name: .customLong("scope"), help: "A scope the client may ask for (repeat; default: all).") var scopes: [String] = []
        @Option(help: "client_secret_basic or client_secret_post (default: both), or none for a public client.")
        var tokenEndpointAuthMethod: String?
        @Option(help: "RS256, ES256 or EdDSA (default: RS256).") var idTokenAlgorithm: String?
        @OptionGroup var admin: AdminOptions

        func validate() throws {
            guard !redirectURIs.isEmpty else { throw ValidationError("give at least one --redirect-uri") }
            if isPublic, secret != nil { throw ValidationError("a --public client has no --secret") }
        }

        func run() async throws {
            let members = JSONValue.givenMembers([
                "id": .string(id), "public": isPublic ? .bool(true) : nil, "secretReference": secret.map { .string($0) },
                "redirectURIs": JSONValue.array(redirectURIs.map { JSONValue.string($0) }),
                "postLogoutRedirectURIs": postLogoutRedirectURIs.isEmpty
                    ? nil : JSONValue.array(postLogoutRedirectURIs.map { JSONValue.string($0) }),
                "scopes": scopes.isEmpty ? nil : JSONValue.array(scopes.map { JSONValue.string($0) }), "consent": consent.map { .string($0) },
                "tokenEndpointAuthMethod": tokenEndpointAuthMethod.map { .string($0) },
                "idTokenAlgorithm": idTokenAlgorithm.map { .string($0) },
            ])
            let reply = try await admin.show(.post, owner.path, body: .object(members))
            ClientsCommand.warnShownOnce(reply, json: admin.json)
        }
    }

    struct RotateSecret: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rotate a confidential client's secret.",
            discussion: """
                Without --secret, Telegate generates a new secret and prints it once, as clientSecret; with --secret \
                env:NAME or file:PATH, the client's secret becomes what that reference holds where Telegate runs. The \
                old secret stops working at once.
                """)
        @OptionGroup var target: Reference
        @Option(help: "Where the new secret is kept: env:NAME or file:PATH.") var secret: String?
        @OptionGroup var admin: AdminOptions

        func run() async throws {
            let body = JSONValue.object(JSONValue.givenMembers(["secretReference": secret.map { .string($0) }]))
            let reply = try await admin.show(.post, target.path(admin) + "/secret", body: body)
            ClientsCommand.warnShownOnce(reply, json: admin.json)
        }
    }

    /// Tells the operator, on standard error, that a generated secret is not shown again.
    static func warnShownOnce(_ reply: JSONValue?, json: Bool) {
        guard !json, reply?["clientSecret"] != nil else { return }
        FileHandle.standardError.write(Data("clientSecret is shown only this once: store it now\n".utf8))
    }
}
