import Logging
import ProviderKit
import ServiceLifecycle
import TelegateCore
import TelegateRuntime

/// The result of checking one adapter when serving starts.
public struct StartupAdapterCheck: Sendable {
    public let app: AppID
    public let adapter: AdapterName
    public let kind: String
    public let health: AdapterHealth

    /// One line for people: `poll/clerk (clerk): healthy: …` or `unhealthy: …`.
    public var summary: String {
        "\(app)/\(adapter) (\(kind)): \(health.ok ? "healthy" : "unhealthy"): \(health.message)"
    }
}

/// Says what happens while Telegate serves: once the server listens, each adapter's health (checked against its
/// provider, without holding up anything: an unreachable provider is reported and logged as a warning, and every
/// app keeps serving); and a log line when a shutdown begins.
struct LifecycleReport: Service {
    let runtimes: RuntimeRegistry
    let logger: Logger
    /// Yields once the server listens.
    let serverStarted: AsyncStream<Void>
    let onAdapterChecked: @Sendable (StartupAdapterCheck) async -> Void

    func run() async throws {
        let (runtimes, logger, serverStarted, onAdapterChecked) = (runtimes, logger, serverStarted, onAdapterChecked)
        await cancelWhenGracefulShutdown {
            for await _ in serverStarted { break }
            await withDiscardingTaskGroup { group in
                for app in runtimes.appIDs.compactMap({ runtimes.app($0) }) {
                    for entry in app.adapterOverview {
                        guard let (_, adapter) = try? app.adapter(entry.name.rawValue) else { continue }
                        group.addTask {
                            let check = StartupAdapterCheck(
                                app: app.settings.id, adapter: entry.name, kind: entry.kind, health: await adapter.check())
                            if !check.health.ok {
                                logger.warning(
                                    "adapter unhealthy",
                                    metadata: [
                                        "app": "\(check.app)", "adapter": "\(check.adapter)", "kind": "\(check.kind)",
                                        "detail": "\(check.health.message)",
                                    ])
                            }
                            await onAdapterChecked(check)
                        }
                    }
                }
            }
        }
        // Cancelled instead (the server could not start): nothing to announce.
        guard (try? await gracefulShutdown()) != nil else { return }
        logger.notice("shutting down: finishing requests in flight")
    }
}
