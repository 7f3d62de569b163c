import AsyncHTTPClient
import Foundation
import TestSupport
import Synchronization

/// One `telegate serve` process of a cluster: its configuration file, port and log; started, killed (`kill -9`) and
/// restarted by tests.
final class TelegateInstance: Sendable {
    let name: String
    let port: Int
    let configURL: URL
    let logURL: URL
    let environment: [String: String]
    private let process = Mutex<ChildProcess?>(nil)

    init(name: String, port: Int, directory: URL, databaseURL: String, provider: any ClusterProvider) {
        self.name = name
        self.port = port
        configURL = directory.appendingPathComponent("\(name).yaml")
        logURL = directory.appendingPathComponent("\(name).log")
        environment = [
            "TELEGATE_DATABASE_URL": databaseURL, "TELEGATE_MASTER_KEY": TelegateCluster.masterKey,
            "BOT_TOKEN": TelegateCluster.botToken,
        ].merging(provider.environment) { $1 }
        let configuration = """
            server:
              host: 127.0.0.1
              port: \(port)
              publicURL: \(TelegateCluster.publicURL)
              rateLimit: {perClient: 0}
            masterKey: env:TELEGATE_MASTER_KEY
            apps:
              - id: poll
                bots:
                  - token: env:BOT_TOKEN
                adapters:
                  - \(provider.adapterYAML)
            """
        _ = FileManager.default.createFile(atPath: configURL.path, contents: Data(configuration.utf8))
    }

    /// Starts the process (with `faultPoints` armed, e.g. `before-commit:crash`) and waits until `/readyz` answers
    /// `200`.
    func start(client: HTTPClient, faultPoints: String? = nil) async throws {
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        if let faultPoints { env["TELEGATE_FAULT_POINTS"] = faultPoints } else { env.removeValue(forKey: "TELEGATE_FAULT_POINTS") }
        let process = try ChildProcess(
            CLIProcess.executable.path, ["serve", "--config", configURL.path], environment: env, stdout: .file(logURL.path),
            stderr: .standardOutput)
        self.process.withLock { $0 = process }
        try await waitUntilReady(client: client)
    }

    /// Polls `/readyz` until it answers `200`, for at most a minute.
    func waitUntilReady(client: HTTPClient) async throws {
        try await Self.waitUntilReady(name, isRunning: { isRunning }) { (try? await readiness(client: client)) == 200 }
    }

    /// Polls `isReady` every 100 ms until it holds, for at most a minute: the one readiness wait of the processes a
    /// cluster starts (instances and provider simulators). A process that has exited ends the wait at once.
    static func waitUntilReady(
        _ name: String, isRunning: () -> Bool, isReady: () async -> Bool
    ) async throws {
        for _ in 0..<600 {
            if !isRunning() { throw InstanceFailure(message: "\(name) exited while starting") }
            if await isReady() { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw InstanceFailure(message: "\(name) did not become ready")
    }

    /// The status of `GET /readyz`.
    func readiness(client: HTTPClient) async throws -> Int {
        let response = try await client.execute(
            HTTPClientRequest(url: "http://127.0.0.1:\(port)/readyz"), timeout: .seconds(15))
        return Int(response.status.code)
    }

    /// Whether the process is alive.
    var isRunning: Bool { process.withLock { $0?.isRunning ?? false } }

    /// Waits for the process to end by itself (a crash at a fault point); `false` after `seconds`.
    func waitForExit(seconds: Int = 30) async -> Bool {
        guard let running = process.withLock({ $0 }) else { return true }
        return await running.exitStatus(within: seconds) != nil
    }

    /// Stops the process: `SIGTERM`, then `SIGKILL` if it has not ended within five seconds. Waits without
    /// blocking a thread the other tests' servers need.
    func stop() async {
        await process.withLock({ $0 })?.stop(gracePeriod: 5)
    }
}

/// An instance that did not start or behave.
struct InstanceFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
