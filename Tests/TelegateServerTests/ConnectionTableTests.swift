import NIOCore
import Testing

@testable import TelegateServer

/// Counting connections overall and per address, and who makes room for a new one.
@Suite("Connection table")
struct ConnectionTableTests {
    let one = ClientNetwork(try! SocketAddress(ipAddress: "198.51.100.1", port: 1))
    let two = ClientNetwork(try! SocketAddress(ipAddress: "198.51.100.2", port: 1))
    let three = ClientNetwork(try! SocketAddress(ipAddress: "198.51.100.3", port: 1))

    func admittedID(_ admission: ConnectionTable<Int>.Admission) -> UInt64? {
        if case .admitted(let id, _) = admission { return id }
        return nil
    }

    func evicted(_ admission: ConnectionTable<Int>.Admission) -> (Int, ConnectionCloseReason)? {
        if case .admitted(_, let evicted?) = admission { return (evicted.connection, evicted.reason) }
        return nil
    }

    func refusal(_ admission: ConnectionTable<Int>.Admission) -> ConnectionCloseReason? {
        if case .refused(let reason) = admission { return reason }
        return nil
    }

    @Test("Over the per-address limit, the address's connection that has waited longest makes room")
    func addressEviction() throws {
        let table = ConnectionTable<Int>(maxConnections: 100, maxConnectionsPerAddress: 2)
        let first = try #require(admittedID(table.admit(1, from: one)))
        _ = table.admit(2, from: one)
        _ = table.admit(10, from: two)
        // The first connection got its request and went back to waiting: it is now the newer of the two.
        table.setWaiting(first, false)
        table.setWaiting(first, true)
        let admission = table.admit(3, from: one)
        #expect(evicted(admission)?.0 == 2)
        #expect(evicted(admission)?.1 == .evictedAddressLimit)
        #expect(table.count == 3)
    }

    @Test("Over the per-address limit with every connection busy, the new connection is refused; others are not")
    func addressRefusal() throws {
        let table = ConnectionTable<Int>(maxConnections: 100, maxConnectionsPerAddress: 2)
        for connection in 1...2 {
            table.setWaiting(try #require(admittedID(table.admit(connection, from: one))), false)
        }
        #expect(refusal(table.admit(3, from: one)) == .refusedAddressLimit)
        #expect(admittedID(table.admit(4, from: two)) != nil)
        #expect(table.count == 3)
    }

    @Test("Over the overall limit, the connection that has waited longest anywhere makes room; all busy refuses")
    func overallLimit() throws {
        let table = ConnectionTable<Int>(maxConnections: 3, maxConnectionsPerAddress: 3)
        let busy = try #require(admittedID(table.admit(1, from: one)))
        table.setWaiting(busy, false)
        _ = table.admit(2, from: two)
        _ = table.admit(3, from: two)
        let admission = table.admit(4, from: three)
        #expect(evicted(admission)?.0 == 2)
        #expect(evicted(admission)?.1 == .evictedConnectionLimit)
        table.setWaiting(try #require(admittedID(admission)), false)
        let third = table.admit(5, from: three)
        #expect(evicted(third)?.0 == 3)
        table.setWaiting(try #require(admittedID(third)), false)
        #expect(refusal(table.admit(6, from: three)) == .refusedConnectionLimit)
    }

    @Test("A released connection frees its place; releasing an evicted one changes nothing")
    func release() throws {
        let table = ConnectionTable<Int>(maxConnections: 100, maxConnectionsPerAddress: 1)
        let first = try #require(admittedID(table.admit(1, from: one)))
        let second = table.admit(2, from: one)
        #expect(evicted(second)?.0 == 1)
        #expect(!table.release(first))
        #expect(table.count == 1)
        #expect(table.release(try #require(admittedID(second))))
        #expect(table.count == 0)
        #expect(evicted(table.admit(3, from: one)) == nil)
    }

    @Test("An exempt address (a trusted proxy) counts only against the overall limit")
    func exemptAddress() {
        let table = ConnectionTable<Int>(maxConnections: 100, maxConnectionsPerAddress: 1)
        for connection in 1...5 {
            #expect(evicted(table.admit(connection, from: one, exempt: true)) == nil)
        }
        #expect(table.count == 5)
    }

    @Test("An IPv6 client counts per /64; an IPv4-mapped address counts as its IPv4 address")
    func networks() throws {
        let a = ClientNetwork(try SocketAddress(ipAddress: "2001:db8:1:2::1", port: 1))
        let b = ClientNetwork(try SocketAddress(ipAddress: "2001:db8:1:2:ffff::9", port: 1))
        let c = ClientNetwork(try SocketAddress(ipAddress: "2001:db8:1:3::1", port: 1))
        #expect(a == b)
        #expect(a != c)
        #expect(ClientNetwork(try SocketAddress(ipAddress: "::ffff:198.51.100.1", port: 1)) == one)
        #expect(one != two)
    }

    @Test("The connection limit is lowered below the open-file limit, keeping descriptors for everything else")
    func openFileLimit() {
        let limits = ConnectionLimits(maxConnections: 10_000, maxConnectionsPerAddress: 256)
        #expect(OpenFileLimit.fitting(limits, available: 65_536) == limits)
        #expect(OpenFileLimit.fitting(limits, available: 4096).maxConnections == 3072)
        #expect(OpenFileLimit.fitting(limits, available: 1024).maxConnections == 512)
        #expect(OpenFileLimit.fitting(limits, available: 1024).maxConnectionsPerAddress == 256)
        #expect(OpenFileLimit.fitting(limits, available: 200).maxConnectionsPerAddress == 100)
    }
}
