import Hummingbird
import NIOCore
import StrictJSON
import Synchronization

/// What every provider simulator shares: a count of calls per operation and faults injected on demand, both
/// usable in process by tests and over HTTP (`/_simulator/…`) by anyone running `telegate simulate`.
public final class SimulatorControl: Sendable {
    private struct State {
        var calls: [String: Int] = [:]
        var faults: [SimulatorFault] = []
    }

    private let state = Mutex(State())

    /// A control with no calls counted and no faults.
    public init() {}

    /// Adds a fault; faults apply in the order they were added.
    public func inject(_ fault: SimulatorFault) {
        state.withLock { $0.faults.append(fault) }
    }

    /// Removes every fault.
    public func clearFaults() {
        state.withLock { $0.faults.removeAll() }
    }

    /// How many calls `operation` received, faulted ones included.
    public func calls(_ operation: String) -> Int {
        state.withLock { $0.calls[operation, default: 0] }
    }

    /// Calls per operation.
    public var allCalls: [String: Int] {
        state.withLock { $0.calls }
    }

    /// Forgets the counted calls.
    public func resetCalls() {
        state.withLock { $0.calls.removeAll() }
    }

    /// Runs one call of `operation`: counts it, then lets the first fault that matches it act (using up one of
    /// its calls), or answers with `body`. Misbehaviours are left to `body` (``misbehaviour(_:)``).
    public func handle(_ operation: String, _ body: () async throws -> Response) async throws -> Response {
        let fault = state.withLock { state -> SimulatorFault.Effect? in
            state.calls[operation, default: 0] += 1
            return Self.take(from: &state.faults) { fault in
                guard fault.operation == nil || fault.operation == operation else { return false }
                if case .misbehave = fault.effect { return false }
                return true
            }
        }
        switch fault {
        case nil, .misbehave:
            return try await body()
        case .delay(let duration):
            try await Task.sleep(for: duration)
            return try await body()
        case .status(let code):
            return Self.json(#"{"error":"injected fault"}"#, status: HTTPResponse.Status(code: code))
        case .rateLimited(let retryAfter):
            var response = Self.json(#"{"error":"too many requests"}"#, status: .tooManyRequests)
            response.headers[.retryAfter] = String(retryAfter)
            return response
        case .malformedBody:
            return Self.json(#"{"id":"user_2x"#, status: .ok)
        case .dropConnection:
            // A body that fails while being written makes the server close the connection mid-response.
            return Response(
                status: .ok, headers: [.contentType: "application/json", .contentLength: "64"],
                body: ResponseBody { _ in throw ConnectionDropped() })
        }
    }

    /// The misbehaviour injected for this call of `operation`, if any (using up one of its calls): the simulator
    /// acts it out instead of answering normally. Operations that support none never ask.
    public func misbehaviour(_ operation: String) -> SimulatorFault.Misbehaviour? {
        let effect = state.withLock { state in
            Self.take(from: &state.faults) { fault in
                guard fault.operation == nil || fault.operation == operation else { return false }
                if case .misbehave = fault.effect { return true }
                return false
            }
        }
        guard case .misbehave(let misbehaviour)? = effect else { return nil }
        return misbehaviour
    }

    /// The effect of the first fault that `matches`, using up one of its calls.
    private static func take(from faults: inout [SimulatorFault], where matches: (SimulatorFault) -> Bool)
        -> SimulatorFault.Effect?
    {
        guard let index = faults.firstIndex(where: matches) else { return nil }
        let effect = faults[index].effect
        if let remaining = faults[index].remaining {
            if remaining <= 1 { faults.remove(at: index) } else { faults[index].remaining = remaining - 1 }
        }
        return effect
    }

    private struct ConnectionDropped: Error {}

    /// A JSON response.
    public static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// Adds the control routes: `GET /_simulator/calls` (counts by operation), `DELETE /_simulator/calls`,
    /// `POST /_simulator/faults` (one fault: `{"effect": "delay"|"status"|"rateLimited"|"malformedBody"|
    /// "dropConnection"|"duplicate"|"foreignAccount"|"wrongAudience"|"unknownKey"|"expiredToken", "operation"?,
    /// "times"?, "milliseconds"?, "status"?, "retryAfter"?}`) and `DELETE /_simulator/faults`.
    public func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        router.get("/_simulator/calls") { _, _ in
            let counts = self.allCalls.sorted { $0.key < $1.key }.map { (key: $0.key, value: JSONValue.integer(Int64($0.value))) }
            return Self.json(JSONValue.object(counts).serialized)
        }
        router.delete("/_simulator/calls") { _, _ in
            self.resetCalls()
            return Response(status: .noContent)
        }
        router.post("/_simulator/faults") { request, context in
            let bytes = try await request.body.collect(upTo: 4096)
            guard let fault = Self.fault(from: Array(bytes.readableBytesView)) else {
                return Self.json(#"{"error":"not a fault; see the documentation of SimulatorControl.addRoutes"}"#, status: .badRequest)
            }
            self.inject(fault)
            return Response(status: .noContent)
        }
        router.delete("/_simulator/faults") { _, _ in
            self.clearFaults()
            return Response(status: .noContent)
        }
    }

    /// Adds `PUT /_simulator/<kind>/rate_limit` (`{"requests": N, "seconds": S}`, both positive): the simulated
    /// provider's rate limit, set through `apply` (a simulator whose provider limits per window).
    public static func addRateLimitRoute<Context: RequestContext>(
        to router: Router<Context>, kind: String, apply: @escaping @Sendable (_ requests: Int, _ window: Duration) -> Void
    ) {
        router.put("/_simulator/\(kind)/rate_limit") { request, _ in
            let bytes = try await request.body.collect(upTo: 1024)
            guard let body = try? JSONValue.parse(Array(bytes.readableBytesView)),
                let requests = body["requests"]?.integerValue, requests > 0,
                let seconds = body["seconds"]?.integerValue, seconds > 0
            else {
                return json(#"{"error":"send {\"requests\": N, \"seconds\": S}"}"#, status: .badRequest)
            }
            apply(Int(requests), .seconds(seconds))
            return Response(status: .noContent)
        }
    }

    /// Reads a fault from its JSON form.
    static func fault(from bytes: [UInt8]) -> SimulatorFault? {
        guard let value = try? JSONValue.parse(bytes), let members = value.objectMembers else { return nil }
        var fields: [String: JSONValue] = [:]
        for member in members { fields[member.key] = member.value }
        let effect: SimulatorFault.Effect
        switch fields["effect"]?.stringValue {
        case "delay":
            guard let milliseconds = fields["milliseconds"]?.integerValue, milliseconds >= 0 else { return nil }
            effect = .delay(.milliseconds(milliseconds))
        case "status":
            guard let status = fields["status"]?.integerValue, (100...599).contains(status) else { return nil }
            effect = .status(Int(status))
        case "rateLimited":
            effect = .rateLimited(retryAfter: Int(fields["retryAfter"]?.integerValue ?? 1))
        case "malformedBody": effect = .malformedBody
        case "dropConnection": effect = .dropConnection
        case let name?:
            guard let misbehaviour = SimulatorFault.Misbehaviour(rawValue: name) else { return nil }
            effect = .misbehave(misbehaviour)
        default: return nil
        }
        let times = fields["times"]?.integerValue.map(Int.init)
        if let times, times < 1 { return nil }
        return SimulatorFault(effect, operation: fields["operation"]?.stringValue, times: times)
    }
}
