import TelegateCore

/// Keeps the compiled runtimes in step with the stored configuration, without a restart.
///
/// The configuration store's revision grows with every change, so a reload first reads it and does nothing when
/// it has not moved. Otherwise each app whose rows changed is compiled again and swapped in whole: an exchange in
/// flight keeps the ``AppRuntime`` it started with (old bots, old adapters), the next one gets the new. Apps that
/// were deleted disappear. Other instances sharing the database notice the new revision on their next poll.
public actor RuntimeReloader {
    private let services: TelegateServices
    private let runtimes: RuntimeRegistry
    private var loaded: [AppID: StoredApp] = [:]
    private var revision: Int64?
    private var running = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// A reloader installing into `runtimes`.
    public init(services: TelegateServices, runtimes: RuntimeRegistry) {
        self.services = services
        self.runtimes = runtimes
    }

    /// Applies the stored configuration if it changed since the last reload. An app that fails to compile keeps
    /// its previous runtime; the first such failure is thrown after every other app has been applied.
    public func reload() async throws {
        // One reload at a time: a slower, older reload must not install over a newer one.
        while running { await withCheckedContinuation { waiting.append($0) } }
        running = true
        defer {
            running = false
            if !waiting.isEmpty { waiting.removeFirst().resume() }
        }
        try await reloadOnce()
    }

    private func reloadOnce() async throws {
        let current = try await services.storage.configuration.revision()
        if current == revision { return }
        let apps = try await services.storage.configuration.apps()
        let builder = RuntimeBuilder(services: services)
        var failure: (any Error)?
        for app in apps {
            let id = app.settings.id
            if loaded[id] == app, runtimes.app(id) != nil { continue }
            do {
                let runtime = try builder.build(app, keyRing: runtimes.app(id)?.keyRing)
                try await runtime.keyRing.ensure(runtime.signingAlgorithms)
                runtimes.install(runtime)
                loaded[id] = app
            } catch {
                services.logger.error(
                    "an app's configuration could not be applied; its previous runtime stays",
                    metadata: ["app": "\(id)", "error": "\((error as? TelegateError)?.code.rawValue ?? "\(type(of: error))")"])
                failure = failure ?? error
            }
        }
        let present = Set(apps.map(\.settings.id))
        for id in runtimes.appIDs where !present.contains(id) {
            runtimes.remove(id)
            loaded[id] = nil
        }
        revision = current
        if let failure { throw failure }
    }

    /// Reloads every `interval` until the task is cancelled; failures are logged and retried at the next change.
    public func poll(every interval: Duration) async {
        while (try? await Task.sleep(for: interval)) != nil {
            await reloadReportingFailure()
        }
    }

    /// Reloads once; a failure is logged, and the next reload tries again.
    public func reloadReportingFailure() async {
        do {
            try await reload()
        } catch {
            services.logger.warning("configuration reload failed", metadata: ["error_type": "\(type(of: error))"])
        }
    }
}
