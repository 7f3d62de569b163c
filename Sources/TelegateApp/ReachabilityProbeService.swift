import ServiceLifecycle
import TelegateCore
import TelegateRuntime

/// Checks every adapter's URLs when serving starts and then every interval, so an adapter that cannot reach its
/// provider is named in the log, `/readyz` and `/metrics` while everything else serves. Stops at graceful shutdown.
struct ReachabilityProbeService: Service {
    let probe: ReachabilityProbe
    let interval: Duration

    func run() async {
        await cancelWhenGracefulShutdown {
            await probe.run(every: interval)
        }
    }
}
