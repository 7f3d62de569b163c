import ArgumentParser
import StrictJSON

/// `telegate keys …`: `/admin/v1/apps/{app}/keys`, the built-in issuer's signing keys.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "List, rotate and retire the built-in issuer's signing keys.",
        subcommands: [ListKeysCommand.self, RotateKeysCommand.self, RetireKeyCommand.self])
}

/// The app a keys command acts on, given as an argument (or, as before, with `--app`).
struct KeysAppOptions: ParsableArguments {
    @Argument(help: "The app id.") var app: String?
    @Option(name: .customLong("app"), help: .hidden) var appOption: String?

    func validate() throws {
        guard (app == nil) != (appOption == nil) else { throw ValidationError("name the app: telegate keys … APP") }
    }

    var id: String { app ?? appOption ?? "" }
}

/// `telegate keys list APP`: public parts, state, creation and retirement dates.
struct ListKeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List an app's signing keys.")
    @OptionGroup var target: KeysAppOptions
    @OptionGroup var admin: AdminOptions

    func run() async throws {
        AdminOutput.show(
            try await admin.call(.get, "/apps/\(target.id)/keys"), json: admin.json,
            columns: [
                .init("KID", "kid"), .init("ALGORITHM", "algorithm"), .init("STATE", "state"),
                .init("CREATED", "createdAt"), .init("RETIRES", "retiresAt"),
            ])
    }
}

/// `telegate keys rotate APP`: the published successor starts signing; the old key stays in the JWKS until
/// every token it signed has expired.
struct RotateKeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate",
        abstract: "Rotate an app's signing keys (other instances pick the change up within 30 seconds).")

    @OptionGroup var target: KeysAppOptions
    @Option(help: "Only this algorithm (RS256, ES256, EdDSA); default all in use.") var algorithm: String?
    @OptionGroup var admin: AdminOptions

    func run() async throws {
        var members: [(key: String, value: JSONValue)] = []
        if let algorithm { members.append(("algorithm", .string(algorithm))) }
        let reply = try await admin.call(.post, "/apps/\(target.id)/keys/rotate", body: .object(members))
        if admin.json {
            AdminOutput.show(reply, json: true, columns: [])
        } else {
            for kid in reply?["active"]?.arrayElements ?? [] { print("now signing with \(kid.stringValue ?? "")") }
        }
    }
}

/// `telegate keys retire APP KID`: a retired key leaves the JWKS now instead of when its tokens expire (a key that
/// may have leaked, after a rotation); the tokens it signed stop verifying.
struct RetireKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retire",
        abstract: "End a retired signing key's publication now (other instances drop it within 30 seconds).")

    @Argument(help: "The app id.") var app: String
    @Argument(help: "The kid of a retired key (telegate keys list APP).") var kid: String
    @OptionGroup var admin: AdminOptions

    func run() async throws {
        let reply = try await admin.call(.post, "/apps/\(app)/keys/\(kid)/retire")
        if admin.json {
            AdminOutput.show(reply, json: true, columns: [])
        } else {
            print("retired \(reply?["kid"]?.stringValue ?? kid): no longer published")
        }
    }
}
