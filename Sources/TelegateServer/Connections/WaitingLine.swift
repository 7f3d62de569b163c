/// Connection ids in the order they began waiting for their client, oldest first: append, remove any and read the
/// oldest, each in constant time.
struct WaitingLine {
    private struct Link {
        var previous: UInt64?
        var next: UInt64?
    }

    private var links: [UInt64: Link] = [:]
    private var head: UInt64?
    private var tail: UInt64?

    /// The id that has waited longest.
    var oldest: UInt64? { head }

    var isEmpty: Bool { head == nil }

    /// Puts `id` at the end of the line; an id already waiting keeps its place.
    mutating func append(_ id: UInt64) {
        guard links[id] == nil else { return }
        links[id] = Link(previous: tail, next: nil)
        if let tail { links[tail]?.next = id } else { head = id }
        tail = id
    }

    /// Takes `id` out of the line, wherever it is.
    mutating func remove(_ id: UInt64) {
        guard let link = links.removeValue(forKey: id) else { return }
        if let previous = link.previous { links[previous]?.next = link.next } else { head = link.next }
        if let next = link.next { links[next]?.previous = link.previous } else { tail = link.previous }
    }
}
