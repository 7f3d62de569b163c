import ArgumentParser

/// `telegate verify …`: check a Telegram proof and print one JSON object.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify a Telegram identity proof and print the result as JSON.",
        discussion: "Exit status: 0 valid, 1 invalid, 2 usage or configuration error.",
        subcommands: [VerifyInitDataCommand.self, VerifyWidgetCommand.self]
    )
}

/// Options shared by every `verify` subcommand.
struct FreshnessOptions: ParsableArguments {
    @Option(help: "Maximum age of auth_date in seconds; 0 disables freshness checks (for replaying recorded data).")
    var maxAge: Int64?

    @Option(help: "Pretend the current Unix time is this (for replaying recorded data).")
    var now: Int64?

    @Flag(help: "After a failure, try the known mistakes and name the one that matches.")
    var explain = false

    func validate() throws {
        if let maxAge, maxAge < 0 { throw ValidationError("--max-age must not be negative") }
    }
}
