import Synchronization

/// The Backend API requests a simulator received, in order, for contract tests.
final class ClerkRequestLog: Sendable {
    private let requests = Mutex<[ClerkSimulator.RecordedRequest]>([])

    func append(_ request: ClerkSimulator.RecordedRequest) {
        requests.withLock { $0.append(request) }
    }

    var all: [ClerkSimulator.RecordedRequest] { requests.withLock { $0 } }
}
