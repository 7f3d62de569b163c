import ArgumentParser
import Foundation
import Logging
import TelegateApp

/// `--config PATH`: the configuration file, `./telegate.yaml` by default. Without a file (and without an explicit
/// `--config`), quickstart state under `./.telegate/` is used.
struct ConfigurationOptions: ParsableArguments {
    @Option(help: "The configuration file (default: ./telegate.yaml; without one, quickstart mode).")
    var config: String?

    /// Whether quickstart applies: no `--config` and no `./telegate.yaml`.
    var isQuickstart: Bool {
        config == nil && !FileManager.default.fileExists(atPath: "telegate.yaml")
    }

    /// The configuration to use.
    func load() throws -> TelegateConfiguration {
        isQuickstart ? try Quickstart.configuration() : try ConfigurationFile.load(path: config ?? "telegate.yaml")
    }

    /// A logger writing to standard error, at `TELEGATE_LOG_LEVEL` (default `level`).
    static func logger(default level: Logger.Level = .info) -> Logger {
        var logger = Logger(label: "telegate") { StreamLogHandler.standardError(label: $0) }
        let configured = ProcessInfo.processInfo.environment["TELEGATE_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:))
        logger.logLevel = configured ?? level
        return logger
    }
}
