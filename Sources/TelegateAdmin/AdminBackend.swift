import StrictJSON
import TelegateCore
import TelegateRuntime

/// What every admin route group shares: the services, scoped loading of apps, and saving a change so that it is
/// validated first, applied to this instance at once (other instances follow through the configuration
/// revision) and audited.
struct AdminBackend: Sendable {
    let services: TelegateServices
    let runtimes: RuntimeRegistry
    let reloader: RuntimeReloader
    let rows: ConfigurationRows

    /// Admin token creation and checking, over the services' token store and clock.
    var tokens: AdminTokens { AdminTokens(store: services.storage.adminTokens, clock: services.clock) }

    /// The app named by the `{app}` parameter; `404` when it does not exist or the caller may not see it (the
    /// same answer, so a restricted token learns nothing about other apps). A look at another app is audited.
    func app(_ call: AdminCall) async throws -> StoredApp {
        guard let id = AppID(rawValue: call.parameter("app")) else { throw Self.appNotFound }
        guard call.principal.maySee(id) else {
            await denied(call, appID: id)
            throw Self.appNotFound
        }
        guard let app = try await services.storage.configuration.app(id) else { throw Self.appNotFound }
        return app
    }

    /// Records a restricted token reaching for an app it may not see.
    func denied(_ call: AdminCall, appID: AppID) async {
        await record(
            "admin.access_denied", call: call, appID: call.principal.appID, target: "app:\(appID)",
            outcome: .failure, extra: [("path", .string(call.request.path))])
    }

    /// Validates `app` by compiling it, stores it, applies it here, and records `action`.
    func save(
        _ app: StoredApp, call: AdminCall, action: String, target: String, before: JSONValue?, after: JSONValue?
    ) async throws {
        _ = try RuntimeBuilder(services: services).build(app, keyRing: runtimes.app(app.settings.id)?.keyRing)
        try await services.storage.configuration.save(app)
        await applyHere()
        await record(action, call: call, appID: app.settings.id, target: target, before: before, after: after)
    }

    /// Applies stored configuration changes to this instance now.
    func applyHere() async {
        do {
            try await reloader.reload()
        } catch {
            services.logger.warning("configuration reload failed", metadata: ["error_type": "\(type(of: error))"])
        }
    }

    /// Records an admin action with the diff of non-secret fields.
    func record(
        _ action: String, call: AdminCall, appID: AppID?, target: String?, outcome: AuditEvent.Outcome = .success,
        before: JSONValue? = nil, after: JSONValue? = nil, extra: [(key: String, value: JSONValue)] = []
    ) async {
        var details = extra
        if before != nil || after != nil { details.append(("diff", AuditDiff.between(before, after))) }
        if let client = call.request.caller.client { details.append(("client", .string(client))) }
        await services.audit.record(
            action, appID: appID, actor: call.actor, target: target, outcome: outcome, details: details,
            requestID: call.requestID)
    }

    static var appNotFound: TelegateError { TelegateError(.appNotFound, "there is no such app") }
}
