import TelegateCore

extension AppRuntime {
    /// The app's bots by id, sorted; `isDefault` marks the one that verifies exchanges whose URL names no bot.
    public var botOverview: [(id: Int64, isDefault: Bool)] {
        bots.keys.sorted().map { ($0, $0 == defaultBotID) }
    }

    /// The app's adapters by name, sorted, with their kind; `isDefault` marks the one that issues when an exchange
    /// names none.
    public var adapterOverview: [(name: AdapterName, kind: String, isDefault: Bool)] {
        adapters.sorted { $0.key < $1.key }.map { ($0.key, type(of: $0.value).kind, $0.key == defaultAdapter) }
    }
}
