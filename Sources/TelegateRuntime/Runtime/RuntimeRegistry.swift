import Synchronization
import TelegateCore

/// The compiled runtime of every app, swapped atomically per app when its configuration changes.
public final class RuntimeRegistry: Sendable {
    private let runtimes = Mutex<[AppID: AppRuntime]>([:])

    /// An empty registry.
    public init() {}

    /// The runtime of `appID`.
    public func app(_ appID: AppID) -> AppRuntime? {
        runtimes.withLock { $0[appID] }
    }

    /// Installs or replaces one app's runtime.
    public func install(_ runtime: AppRuntime) {
        runtimes.withLock { $0[runtime.settings.id] = runtime }
    }

    /// Removes an app.
    public func remove(_ appID: AppID) {
        _ = runtimes.withLock { $0.removeValue(forKey: appID) }
    }

    /// Every installed app id, sorted.
    public var appIDs: [AppID] {
        runtimes.withLock { Array($0.keys) }.sorted()
    }
}
