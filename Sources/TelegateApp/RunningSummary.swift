import TelegateCore
import TelegateRuntime

/// What a started Telegate serves, for whoever started it: each app with its issuer, discovery document, bots and
/// adapters, and where the admin API is. Adapter health follows separately (``LifecycleReport``), as each provider
/// answers.
public enum RunningSummary {
    /// The summary of the apps in `runtimes`, served at `publicURL`.
    public static func text(_ runtimes: RuntimeRegistry, publicURL: String) -> String {
        var lines = ["Telegate is serving at \(publicURL)"]
        let apps = runtimes.appIDs.compactMap { runtimes.app($0) }
        if apps.isEmpty {
            lines.append("  no apps yet: list them in telegate.yaml, or telegate apps create APP")
        }
        for app in apps {
            let id = app.settings.id
            lines.append("  app \"\(id)\": issuer \(app.issuer)")
            lines.append("    discovery: \(app.issuer)/.well-known/openid-configuration")
            let bots = app.botOverview.map { "\($0.id)" + ($0.isDefault ? " (default)" : "") }
            lines.append("    bots: " + (bots.isEmpty ? "none (telegate bots add \(id) --token SOURCE)" : bots.joined(separator: ", ")))
            let adapters = app.adapterOverview.map { "\($0.name) (\($0.kind)\($0.isDefault ? ", default" : ""))" }
            lines.append(
                "    adapters: "
                    + (adapters.isEmpty ? "none (telegate adapters add \(id) NAME --kind KIND)" : adapters.joined(separator: ", ")))
        }
        lines.append("  admin API: \(publicURL)/admin/v1 (OpenAPI: \(publicURL)/admin/v1/openapi.json)")
        return lines.joined(separator: "\n")
    }
}
