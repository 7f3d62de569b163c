import NIOCore
import Testing

@testable import TelegateServer

/// The deadlines of one connection, computed from what its client sent and what Telegate answered, at instants
/// the test chooses (no clock runs).
@Suite("Connection deadlines")
struct ConnectionProgressTests {
    let limits = ConnectionLimits(
        headerTimeout: .seconds(10), bodyTimeout: .seconds(30), minimumBodyRate: 100, bodyRateGracePeriod: .seconds(5),
        idleTimeout: .seconds(60))
    let start = NIODeadline.uptimeNanoseconds(1_000_000_000_000)

    func at(_ seconds: Int64) -> NIODeadline { start + .seconds(seconds) }

    @Test("A new connection's first request must have its headers within the header timeout of the opening")
    func firstHeaders() {
        var progress = ConnectionProgress(limits: limits, openedAt: start)
        #expect(progress.deadline?.at == at(10))
        #expect(progress.deadline?.reason == .headerTimeout)
        // Trickled bytes do not extend it.
        progress.bytesReceived(at: at(3))
        progress.bytesReceived(at: at(9))
        #expect(progress.deadline?.at == at(10))
        #expect(progress.isWaitingOnClient)
    }

    @Test("No deadline runs while Telegate answers; after the answer the idle timeout does")
    func answering() {
        var progress = ConnectionProgress(limits: limits, openedAt: start)
        progress.headReceived(at: at(1))
        progress.endReceived(at: at(1))
        #expect(progress.deadline == nil)
        #expect(!progress.isWaitingOnClient)
        progress.responseSent(at: at(500))
        #expect(progress.deadline?.at == at(560))
        #expect(progress.deadline?.reason == .idleTimeout)
        #expect(progress.isWaitingOnClient)
    }

    @Test("On a kept-alive connection the next request's first byte starts its header clock")
    func keepAliveHeaders() {
        var progress = ConnectionProgress(limits: limits, openedAt: start)
        progress.headReceived(at: at(1))
        progress.endReceived(at: at(1))
        progress.responseSent(at: at(2))
        progress.bytesReceived(at: at(40))
        #expect(progress.deadline?.at == at(50))
        #expect(progress.deadline?.reason == .headerTimeout)
    }

    @Test("Bytes pipelined while Telegate answers start the next request's header clock when they arrive")
    func pipelinedHeaders() {
        var progress = ConnectionProgress(limits: limits, openedAt: start)
        progress.headReceived(at: at(1))
        progress.endReceived(at: at(1))
        progress.bytesReceived(at: at(2))
        #expect(progress.deadline == nil)
        progress.responseSent(at: at(4))
        #expect(progress.deadline?.at == at(12))
        #expect(progress.deadline?.reason == .headerTimeout)
    }

    @Test("A body must arrive at the minimum rate after the grace period, and whole within the body timeout")
    func body() {
        var progress = ConnectionProgress(limits: limits, openedAt: start)
        progress.headReceived(at: at(1))
        // Nothing yet: the rate is checked when the grace period ends.
        #expect(progress.deadline?.at == at(6))
        #expect(progress.deadline?.reason == .bodyRate)
        // 1,000 bytes at 100 bytes/s cover 10 s from the body's start.
        progress.bodyReceived(1000)
        #expect(progress.deadline?.at == at(11))
        #expect(progress.deadline?.reason == .bodyRate)
        // Enough bytes for longer than the body timeout: the timeout decides.
        progress.bodyReceived(100_000)
        #expect(progress.deadline?.at == at(31))
        #expect(progress.deadline?.reason == .bodyTimeout)
        #expect(progress.isWaitingOnClient)
        progress.endReceived(at: at(20))
        #expect(progress.deadline == nil)
    }

    @Test("With the minimum rate off, only the body timeout applies")
    func bodyWithoutRate() {
        var limits = limits
        limits.minimumBodyRate = 0
        var progress = ConnectionProgress(limits: limits, openedAt: start)
        progress.headReceived(at: at(2))
        #expect(progress.deadline?.at == at(32))
        #expect(progress.deadline?.reason == .bodyTimeout)
    }

    @Test("A response sent before the body has arrived leaves the body's clock running, then the idle timeout")
    func earlyResponse() {
        var progress = ConnectionProgress(limits: limits, openedAt: start)
        progress.headReceived(at: at(1))
        progress.bodyReceived(10_000)
        progress.responseSent(at: at(2))
        #expect(progress.deadline?.at == at(31))
        #expect(progress.isWaitingOnClient)
        progress.endReceived(at: at(3))
        #expect(progress.deadline?.at == at(63))
        #expect(progress.deadline?.reason == .idleTimeout)
    }

    @Test("A pipelined request's body is not timed while an earlier request is answered; its clock starts after")
    func pipelinedBody() {
        var progress = ConnectionProgress(limits: limits, openedAt: start)
        progress.headReceived(at: at(1))
        progress.endReceived(at: at(1))
        progress.headReceived(at: at(2))
        #expect(progress.deadline == nil)
        #expect(!progress.isWaitingOnClient)
        progress.responseSent(at: at(100))
        #expect(progress.deadline?.at == at(105))
        #expect(progress.deadline?.reason == .bodyRate)
    }
}
