import Hummingbird
import Logging
import ServiceLifecycle
import UnixSignals

/// A stand-in for an identity provider's API that behaves like the real service for the calls Telegate makes:
/// it validates requests the way the provider does and rejects what the provider rejects, so adapters can be
/// tested, developed and benchmarked without the provider. `telegate simulate <kind>` runs one.
public protocol ProviderSimulator: Sendable {
    /// The name `telegate simulate` knows it by (the adapter kind it stands in for).
    static var kind: String { get }
    /// One line for `telegate simulate --help`.
    static var summary: String { get }
    /// A simulator with its default settings, as `telegate simulate` runs it.
    init()
    /// The credentials it accepts, as the adapter configuration keys that take them with their values
    /// (`secretKey`, `sk_test_…`), each with a note on what it is for; `telegate simulate` prints them.
    var acceptedCredentials: [SimulatorCredential] { get }
    /// Its call counters and faults.
    var control: SimulatorControl { get }
    /// The provider's routes, and the control routes (``SimulatorControl/addRoutes(to:)``).
    func makeRouter() -> Router<BasicRequestContext>
}

extension ProviderSimulator {
    /// Serves on `host:port` (`0`: any free port) until the task is cancelled or, with `shutdownSignals`, until
    /// one of them arrives; `onReady` receives the bound port.
    public func serve(
        host: String = "127.0.0.1", port: Int, shutdownSignals: [UnixSignal] = [], logger: Logger,
        onReady: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        let application = Application(
            router: makeRouter(),
            configuration: .init(address: .hostname(host, port: port), serverName: "\(Self.kind)-simulator"),
            onServerRunning: { channel in await onReady(channel.localAddress?.port ?? port) },
            logger: logger)
        if shutdownSignals.isEmpty {
            try await application.run()
        } else {
            try await application.runService(gracefulShutdownSignals: shutdownSignals)
        }
    }
}
