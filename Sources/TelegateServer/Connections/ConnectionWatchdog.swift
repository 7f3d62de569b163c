import NIOCore
import NIOHTTPTypes

/// Watches one connection on its event loop and closes it when its client misses a deadline of
/// ``ConnectionProgress``; tells the ``ConnectionTable`` whether the connection waits for its client.
///
/// It sees the connection through two handlers: ``TrafficHandler`` at the socket end of the pipeline (every byte,
/// so the first byte of a request starts its header clock) and ``RequestHandler`` after HTTP decoding (where
/// headers and bodies end, and where responses do). What arrives is settled once per batch of reads, when the
/// socket has nothing more to read. A single timer is kept for the nearest deadline: it is moved only when a
/// deadline comes earlier, and when it fires the deadline is computed again, so progress made meanwhile only
/// postpones it (a kept-alive connection costs one timer per idle timeout, not one per request).
final class ConnectionWatchdog {
    private let id: UInt64
    private let owner: ConnectionGuard
    private var progress: ConnectionProgress
    private var channel: (any Channel)?
    private var timer: (task: Scheduled<Void>, deadline: NIODeadline)?
    private var isWaitingOnClient = true

    init(id: UInt64, limits: ConnectionLimits, owner: ConnectionGuard) {
        self.id = id
        self.owner = owner
        progress = ConnectionProgress(limits: limits, openedAt: .now())
    }

    private func start(_ channel: any Channel) {
        self.channel = channel
        update()
    }

    private func stop() {
        timer?.task.cancel()
        timer = nil
        channel = nil
    }

    private func update() {
        let waiting = progress.isWaitingOnClient
        if waiting != isWaitingOnClient {
            isWaitingOnClient = waiting
            owner.table.setWaiting(id, waiting)
        }
        guard let channel, let deadline = progress.deadline else { return }
        if let timer, timer.deadline <= deadline.at { return }
        timer?.task.cancel()
        let task = channel.eventLoop.assumeIsolated().scheduleTask(deadline: deadline.at) { [self] in expire() }
        timer = (task, deadline.at)
    }

    private func expire() {
        timer = nil
        guard let channel, let deadline = progress.deadline else { return }
        guard deadline.at <= .now() else { return update() }
        stop()
        // A connection already evicted to make room is closing for that reason: it is not counted twice.
        if owner.table.release(id) { owner.closing(channel, reason: deadline.reason) }
        channel.close(promise: nil)
    }
}

extension ConnectionWatchdog {
    /// The first handler of the pipeline: sees the connection open and close, and every byte that arrives.
    final class TrafficHandler: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = ByteBuffer
        typealias InboundOut = ByteBuffer

        private let watchdog: ConnectionWatchdog

        init(_ watchdog: ConnectionWatchdog) {
            self.watchdog = watchdog
        }

        func handlerAdded(context: ChannelHandlerContext) {
            watchdog.start(context.channel)
        }

        func handlerRemoved(context: ChannelHandlerContext) {
            watchdog.stop()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            watchdog.progress.bytesReceived(at: .now())
            context.fireChannelRead(data)
        }

        func channelReadComplete(context: ChannelHandlerContext) {
            watchdog.update()
            context.fireChannelReadComplete()
        }

        func channelInactive(context: ChannelHandlerContext) {
            watchdog.stop()
            context.fireChannelInactive()
        }
    }

    /// The handler after HTTP decoding: sees requests arrive and responses leave.
    final class RequestHandler: ChannelDuplexHandler, RemovableChannelHandler {
        typealias InboundIn = HTTPRequestPart
        typealias InboundOut = HTTPRequestPart
        typealias OutboundIn = HTTPResponsePart
        typealias OutboundOut = HTTPResponsePart

        private let watchdog: ConnectionWatchdog

        init(_ watchdog: ConnectionWatchdog) {
            self.watchdog = watchdog
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head: watchdog.progress.headReceived(at: .now())
            case .body(let bytes): watchdog.progress.bodyReceived(bytes.readableBytes)
            case .end: watchdog.progress.endReceived(at: .now())
            }
            context.fireChannelRead(data)
        }

        func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            if case .end = unwrapOutboundIn(data) {
                watchdog.progress.responseSent(at: .now())
                watchdog.update()
            }
            context.write(data, promise: promise)
        }
    }
}
