import HummingbirdCore
import Logging
import NIOCore

/// Hummingbird's HTTP/1.1 child channel behind a ``ConnectionGuard``: a refused connection is closed before any
/// HTTP handler is built for it; an admitted one gets its watchdog's handlers around the HTTP pipeline.
struct GuardedHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    let responder: HTTPChannelHandler.Responder
    let configuration: HTTP1Channel.Configuration
    let connectionGuard: ConnectionGuard

    /// A connection refused at accept; it is already closed.
    struct Refused: Error {}

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        guard let watchdog = connectionGuard.admit(channel) else { return channel.eventLoop.makeFailedFuture(Refused()) }
        do {
            try channel.pipeline.syncOperations.addHandler(ConnectionWatchdog.TrafficHandler(watchdog), position: .first)
        } catch {
            channel.close(promise: nil)
            return channel.eventLoop.makeFailedFuture(error)
        }
        let requests = NIOLoopBound(ConnectionWatchdog.RequestHandler(watchdog), eventLoop: channel.eventLoop)
        var configuration = configuration
        let additionalHandlers = configuration.additionalChannelHandlers
        configuration.additionalChannelHandlers = { additionalHandlers() + [requests.value] }
        configuration.idleTimeout = nil
        let setup = HTTP1Channel(responder: responder, configuration: configuration).setup(channel: channel, logger: logger)
        // A channel whose setup fails is not closed by the server: close it, so its descriptor is not kept.
        setup.whenFailure { _ in channel.close(promise: nil) }
        return setup
    }

    func handle(value: Value, logger: Logger) async {
        await HTTP1Channel(responder: responder, configuration: configuration).handle(value: value, logger: logger)
    }
}
