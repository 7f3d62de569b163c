import ArgumentParser

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
