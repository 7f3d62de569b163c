import ServiceLifecycle
import TelegateRuntime

/// Runs the ``MessageSender`` in the server's service group until graceful shutdown.
struct MessageSendService: Service {
    let sender: MessageSender

    func run() async {
        await cancelWhenGracefulShutdown { await sender.run() }
    }
}
