import ArgumentParser
import StrictJSON
import TelegateAdmin

/// `get`: shows the resource its target names.
struct GetCommand<Target: ShownTarget>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "get", abstract: Target.shownAbstract)
    }

    @OptionGroup var target: Target
    @OptionGroup var admin: AdminOptions

    func run() async throws {
        try await admin.show(.get, try await target.path(admin))
    }
}

/// `remove` (or `delete`): deletes the resource its target names.
struct RemoveCommand<Target: RemovableTarget>: AsyncParsableCommand {
    static var configuration: CommandConfiguration { Target.removal }

    @OptionGroup var target: Target
    @OptionGroup var admin: AdminOptions

    func run() async throws {
        try await admin.perform(.delete, try await target.path(admin), done: target.removed)
    }
}

/// `list`: an app's bots or adapters, as a table.
struct ListCommand<Collection: AppCollection>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "list", abstract: Collection.names.listAbstract)
    }

    @OptionGroup var owner: AppsCommand.Reference
    @OptionGroup var admin: AdminOptions

    func run() async throws {
        try await admin.show(.get, owner.path(admin) + "/" + Collection.names.path, columns: Collection.columns)
    }
}

/// Options that change some settings of a resource, as the members of a `PATCH` body.
protocol ChangeOptions: ParsableArguments {
    /// The help of the `update` command that takes them.
    static var updateAbstract: String { get }
    /// The members to change.
    var members: [(key: String, value: JSONValue)] { get }
}

/// `update`: changes the settings given, the rest stays.
struct UpdateCommand<Target: AdminTarget, Changes: ChangeOptions>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "update", abstract: Changes.updateAbstract)
    }

    @OptionGroup var target: Target
    @OptionGroup var changes: Changes
    @OptionGroup var admin: AdminOptions

    func run() async throws {
        try await admin.show(.patch, try await target.path(admin), body: .object(changes.members))
    }
}

/// What an ``ActionCommand`` is called and the call it makes.
protocol AdminAction {
    /// The command's name and abstract.
    static var configuration: CommandConfiguration { get }
    /// The method, and what follows the target's path.
    static var request: (method: AdminMethod, suffix: String) { get }
}

/// A command that makes one call on its target's path (followed by the action's suffix) and prints the answer.
struct ActionCommand<Target: AdminTarget, Action: AdminAction>: AsyncParsableCommand {
    static var configuration: CommandConfiguration { Action.configuration }

    @OptionGroup var target: Target
    @OptionGroup var admin: AdminOptions

    func run() async throws {
        try await admin.show(Action.request.method, try await target.path(admin) + Action.request.suffix)
    }
}
