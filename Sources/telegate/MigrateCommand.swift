import ArgumentParser
import TelegateApp

/// `telegate migrate`: apply pending database migrations and exit.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Apply pending database migrations (serve also does this at start).")

    @OptionGroup var options: ConfigurationOptions

    func run() async throws {
        let applied = try await TelegateApplication.migrate(configuration: try options.load())
        print(applied.isEmpty ? "the database is up to date" : "applied migrations \(applied.map(String.init).joined(separator: ", "))")
    }
}
