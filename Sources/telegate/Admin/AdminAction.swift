import ArgumentParser
import StrictJSON
import TelegateAdmin

/// The arguments that name one admin resource: an app, a bot, an adapter, a user.
protocol AdminTarget: ParsableArguments {
    /// The resource's path below `/admin/v1`.
    func path(_ admin: AdminOptions) async throws -> String
}

/// A target that `get` shows.
protocol ShownTarget: AdminTarget {
    /// The help of its `get` command.
    static var shownAbstract: String { get }
}

/// A target that `remove` (or `delete`) deletes.
protocol RemovableTarget: AdminTarget {
    /// The name and help of its removing command.
    static var removal: CommandConfiguration { get }
    /// What is printed once it is gone.
    var removed: String { get }
}

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

/// A kind of resource an app has (bots, adapters), listed by `list`.
protocol AppCollection {
    /// The collection's name in the admin path (`bots`).
    static var collection: String { get }
    /// The help of its `list` command.
    static var listAbstract: String { get }
    /// The table `list` prints.
    static var columns: [AdminOutput.Column] { get }
}

/// `list`: an app's bots or adapters, as a table.
struct ListCommand<Collection: AppCollection>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "list", abstract: Collection.listAbstract)
    }

    @OptionGroup var owner: AppsCommand.Reference
    @OptionGroup var admin: AdminOptions

    func run() async throws {
        try await admin.show(.get, owner.path(admin) + "/" + Collection.collection, columns: Collection.columns)
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

/// A command that makes one call on its target's path (followed by a suffix) and prints the answer.
protocol AdminAction: AsyncParsableCommand {
    associatedtype Target: AdminTarget
    /// The method, and what follows the target's path.
    static var request: (method: AdminMethod, suffix: String) { get }
    var target: Target { get }
    var admin: AdminOptions { get }
}

extension AdminAction {
    func run() async throws {
        try await admin.show(Self.request.method, try await target.path(admin) + Self.request.suffix)
    }
}
