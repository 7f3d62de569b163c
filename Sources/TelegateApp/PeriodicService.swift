import ServiceLifecycle

/// Work done now and then while Telegate serves: `tick` after every `interval` (and once at start when
/// `immediately`), until graceful shutdown.
struct PeriodicService: Service {
    let interval: Duration
    var immediately = false
    let tick: @Sendable () async -> Void

    func run() async {
        await cancelWhenGracefulShutdown {
            if immediately { await tick() }
            // The sleep ends early, with an error, when shutdown cancels this task.
            while (try? await Task.sleep(for: interval)) != nil {
                await tick()
            }
        }
    }
}
