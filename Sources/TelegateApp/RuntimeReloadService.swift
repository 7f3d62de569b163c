import ServiceLifecycle
import TelegateCore
import TelegateRuntime

/// Polls the stored configuration so changes made elsewhere (another instance, the CLI on the database, a
/// `config apply`) take effect here within one interval. Stops at graceful shutdown.
struct RuntimeReloadService: Service {
    let reloader: RuntimeReloader
    let interval: Duration

    func run() async {
        await cancelWhenGracefulShutdown {
            await reloader.poll(every: interval)
        }
    }
}
