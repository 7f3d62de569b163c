import ArgumentParser
import Foundation
import TelegateApp

/// `telegate serve`: run the HTTP service.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run Telegate: apply the configuration, migrate the database, serve HTTP until SIGTERM.",
        discussion: """
            Once listening it prints what it serves (each app's issuer, discovery URL, bots and adapters, the admin \
            API) and then each adapter's health as its provider answers. Without telegate.yaml, quickstart mode \
            starts a demo app and prints a curl command to try it.
            """
    )

    @OptionGroup var options: ConfigurationOptions

    func run() async throws {
        let quickstart = options.isQuickstart
        let configuration = try options.load()
        let logger = ConfigurationOptions.logger()
        let application = try await TelegateApplication.prepare(configuration: configuration, logger: logger)
        let publicURL = configuration.server.publicURL
        let runtimes = application.runtimes
        try await application.run { port in
            logger.notice("listening", metadata: ["port": "\(port)", "public_url": "\(publicURL)"])
            var text = RunningSummary.text(runtimes, publicURL: publicURL)
            if quickstart, let banner = try? Quickstart.banner(publicURL: publicURL) { text += "\n" + banner }
            FileHandle.standardOutput.write(Data((text + "\n").utf8))
        } onAdapterChecked: { check in
            FileHandle.standardOutput.write(Data("adapter \(check.summary)\n".utf8))
        }
    }
}
