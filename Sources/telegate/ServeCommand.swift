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

    @Option(help: "The address to listen on (default: TELEGATE_HOST, else server.host, else 127.0.0.1).")
    var host: String?

    @Option(help: "The port to listen on (default: TELEGATE_PORT, else server.port, else 8080).")
    var port: Int?

    func run() async throws {
        let quickstart = options.isQuickstart
        let file = quickstart ? nil : try options.load()
        let address = try ListenAddress(
            host: host, port: port, environment: ProcessInfo.processInfo.environment,
            file: file?.server ?? TelegateConfiguration.Server())
        // Before the quickstart creates its files or the database is opened: a start that cannot listen changes nothing.
        try address.checkAvailable()
        var configuration = try file ?? Quickstart.configuration()
        configuration.server.host = address.host
        configuration.server.port = address.port
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
