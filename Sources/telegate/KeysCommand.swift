import ArgumentParser
import TelegateApp
import TelegateCore

/// `telegate keys …`: the built-in issuer's signing keys.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Manage the built-in issuer's signing keys.", subcommands: [RotateKeysCommand.self])
}

/// `telegate keys rotate --app ID`: the published successor starts signing; the old key stays in the JWKS until
/// every token it signed has expired.
struct RotateKeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate",
        abstract: "Rotate an app's signing keys (running instances pick the change up within 30 seconds).")

    @Option(help: "The app whose keys rotate.") var app: String
    @Option(help: "Only this algorithm (RS256, ES256, EdDSA); default all in use.") var algorithm: String?
    @OptionGroup var options: ConfigurationOptions

    func run() async throws {
        guard let appID = AppID(rawValue: app) else { throw ValidationError("--app must be an app id like poll") }
        let only = try algorithm.map { name in
            guard let algorithm = SigningAlgorithm(rawValue: name) else {
                throw ValidationError("--algorithm must be RS256, ES256 or EdDSA")
            }
            return algorithm
        }
        let application = try await TelegateApplication.prepare(
            configuration: try options.load(), logger: ConfigurationOptions.logger(), applyConfiguration: false)
        guard let runtime = application.runtimes.app(appID) else { throw ValidationError("there is no app \(app)") }
        let kids = try await runtime.keyRing.rotate(only, retiredKeyLifetime: runtime.longestTokenLifetime + 300)
        for kid in kids { print("now signing with \(kid)") }
        try await application.shutdown()
    }
}
