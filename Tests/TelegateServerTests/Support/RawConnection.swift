import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// A raw TCP connection to a test server: sends bytes exactly as given (half a request, a trickle of body), keeps
/// what comes back, and notes when the server closes it.
final class RawConnection: Sendable {
    /// What the server sent and when it closed the connection, filled in on the connection's event loop.
    private final class Inbox: Sendable {
        let bytes = Mutex<[UInt8]>([])
        let closedAt = Mutex<ContinuousClock.Instant?>(nil)
    }

    private final class Collector: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        let inbox: Inbox

        init(_ inbox: Inbox) {
            self.inbox = inbox
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = unwrapInboundIn(data)
            inbox.bytes.withLock { $0.append(contentsOf: buffer.readableBytesView) }
        }
    }

    /// A reply read off the wire.
    struct Reply {
        let status: Int
        let body: String
    }

    let channel: any Channel
    /// When the connection was begun (before the server could have accepted it).
    let openedAt: ContinuousClock.Instant
    private let inbox: Inbox

    private init(channel: any Channel, openedAt: ContinuousClock.Instant, inbox: Inbox) {
        self.channel = channel
        self.openedAt = openedAt
        self.inbox = inbox
    }

    /// Connects to `127.0.0.1:port` from `source` (any 127.x.y.z address is this host's loopback). `first`, when
    /// given, is sent from the connection's event loop the moment it connects, usually before the server has
    /// accepted it, so a starved test task cannot hold it back past a short header timeout.
    static func open(port: Int, from source: String = "127.0.0.1", sending first: String? = nil) async throws -> RawConnection {
        let inbox = Inbox()
        let openedAt = ContinuousClock.now
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(to: try SocketAddress(ipAddress: source, port: 0))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Collector(inbox)) }
            }
            .connect(host: "127.0.0.1", port: port)
            .flatMap { channel in
                guard let first else { return channel.eventLoop.makeSucceededFuture(channel) }
                return channel.writeAndFlush(ByteBuffer(string: first)).map { channel }.flatMapErrorThrowing { error in
                    // As in `send(_:)`: a connection the server has already closed is what the tests look for.
                    guard !channel.isActive else { throw error }
                    return channel
                }
            }
            .get()
        channel.closeFuture.whenComplete { _ in inbox.closedAt.withLock { $0 = ContinuousClock.now } }
        return RawConnection(channel: channel, openedAt: openedAt, inbox: inbox)
    }

    /// Sends `text` as it is. On a connection the server has already closed (a timeout ran out before a busy machine
    /// got here), nothing is sent and nothing is thrown: the close is what the tests look for.
    func send(_ text: String) async throws {
        do {
            try await channel.writeAndFlush(ByteBuffer(string: text))
        } catch where !channel.isActive {
            return
        }
    }

    /// When the server closed the connection, if it has.
    var closedAt: ContinuousClock.Instant? { inbox.closedAt.withLock { $0 } }

    /// Everything the server has sent so far.
    var received: String { String(decoding: inbox.bytes.withLock { $0 }, as: UTF8.self) }

    /// Waits for the server to close the connection, at most `limit`, and returns how long after `since` it did;
    /// `nil` if it is still open. `whileWaiting` runs between looks (to trickle bytes, for instance).
    func waitForClose(
        since: ContinuousClock.Instant? = nil, within limit: Duration, whileWaiting: () async -> Void = {}
    ) async throws -> Duration? {
        let start = ContinuousClock.now
        while closedAt == nil, ContinuousClock.now - start < limit {
            await whileWaiting()
            try await Task.sleep(for: .milliseconds(10))
        }
        return closedAt.map { $0 - (since ?? openedAt) }
    }

    /// Waits for a whole response (headers and a `Content-Length` body), at most `limit`.
    func waitForReply(within limit: Duration = .seconds(60)) async throws -> Reply? {
        let start = ContinuousClock.now
        while ContinuousClock.now - start < limit {
            if let reply = Self.parse(received) { return reply }
            if closedAt != nil { return Self.parse(received) }
            try await Task.sleep(for: .milliseconds(5))
        }
        return nil
    }

    /// Closes the connection from this side.
    func close() {
        channel.close(promise: nil)
    }

    private static func parse(_ text: String) -> Reply? {
        guard let end = text.range(of: "\r\n\r\n") else { return nil }
        let head = text[..<end.lowerBound].split(separator: "\r\n")
        guard let statusLine = head.first, let status = Int(statusLine.split(separator: " ").dropFirst().first ?? "") else {
            return nil
        }
        let length = head.dropFirst().compactMap { line -> Int? in
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "content-length" else { return nil }
            return Int(parts[1].trimmingCharacters(in: .whitespaces))
        }.first ?? 0
        let body = text[end.upperBound...]
        guard body.utf8.count >= length else { return nil }
        return Reply(status: status, body: String(body))
    }
}
