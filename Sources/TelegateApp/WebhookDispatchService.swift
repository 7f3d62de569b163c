import ServiceLifecycle
import TelegateRuntime

/// Runs the ``WebhookDispatcher`` in the server's service group until graceful shutdown.
struct WebhookDispatchService: Service {
    let dispatcher: WebhookDispatcher

    func run() async {
        await cancelWhenGracefulShutdown { await dispatcher.run() }
    }
}
