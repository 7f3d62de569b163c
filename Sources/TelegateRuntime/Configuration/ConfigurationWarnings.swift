import TelegateCore

extension StoredApp {
    /// What an admin should hear about at start: several bots, or several adapters, and none marked default, so
    /// exchanges that do not choose one are refused.
    public var warnings: [String] {
        let id = settings.id
        var warnings: [String] = []
        if bots.count > 1, !bots.contains(where: \.isDefault) {
            let ids = bots.map { String($0.botID) }.joined(separator: ", ")
            warnings.append(
                "app \(id) has \(bots.count) bots (\(ids)) and none is marked default: /v1/apps/\(id)/exchange answers "
                    + "404 bot_not_found; mark one default: true, or name the bot in the URL (/v1/apps/\(id)/bots/<bot id>/exchange)")
        }
        if adapters.count > 1, !adapters.contains(where: \.isDefault) {
            let names = adapters.map(\.name.rawValue).joined(separator: ", ")
            warnings.append(
                "app \(id) has \(adapters.count) adapters (\(names)) and none is marked default: exchanges that name no "
                    + "provider answer 404 provider_not_found; mark one default: true")
        }
        return warnings
    }
}
