import ArgumentParser
import Foundation
import TelegateApp

/// `telegate serve`: run the HTTP service.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run Telegate: apply the configuration, migrate the database, serve HTTP until SIGTERM.",
        discussion: "Without telegate.yaml, quickstart mode starts a demo app and prints a curl command to try it."
    )

    @OptionGroup var options: ConfigurationOptions

    func run() async throws {
        let quickstart = options.isQuickstart
        let configuration = try options.load()
        let logger = ConfigurationOptions.logger()
        let application = try await TelegateApplication.prepare(configuration: configuration, logger: logger)
        let publicURL = configuration.server.publicURL
        try await application.run { port in
            logger.notice("listening", metadata: ["port": "\(port)", "public_url": "\(publicURL)"])
            if quickstart, let banner = try? Quickstart.banner(publicURL: publicURL) {
                FileHandle.standardOutput.write(Data((banner + "\n").utf8))
            }
        }
    }
}
