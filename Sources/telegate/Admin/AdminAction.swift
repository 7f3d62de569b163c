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

/// A kind of resource an app has (bots, adapters): listed by `list`, each item named by an argument.
protocol AppCollection {
    /// What names one item on the command line: a bot id, an adapter name.
    associatedtype ItemID: ExpressibleByArgument
    /// How the collection and its items are named.
    static var names: AppCollectionNames { get }
    /// The table `list` prints.
    static var columns: [AdminOutput.Column] { get }
}

/// How an ``AppCollection`` and its items are named in admin paths and in the commands' help.
struct AppCollectionNames {
    /// The collection's name in the admin path (`bots`).
    let path: String
    /// One item, in messages (`bot`).
    let item: String
    /// The help of the item's argument.
    let argumentHelp: String
    /// The help of `list`.
    let listAbstract: String
    /// The help of `remove`.
    let removeAbstract: String
}

/// One item of an app: a bot or an adapter.
struct AppItem<Collection: AppCollection>: RemovableTarget {
    static var removal: CommandConfiguration {
        CommandConfiguration(commandName: "remove", abstract: Collection.names.removeAbstract)
    }

    @OptionGroup var owner: AppsCommand.Reference
    @Argument(help: ArgumentHelp(stringLiteral: Collection.names.argumentHelp)) var id: Collection.ItemID

    var removed: String { "removed \(Collection.names.item) \(id) from \(owner.app)" }

    func path(_ admin: AdminOptions) -> String { owner.path(admin) + "/\(Collection.names.path)/\(id)" }
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
