import TelegateCore

/// The apps this process serves and the services they run on: what the token, userinfo, introspection, revocation
/// and logout services are made from, and the one place a request for an app that is not running is refused.
public struct ServedApps: Sendable {
    /// The compiled apps, kept current by the reloader.
    public let runtimes: RuntimeRegistry
    /// The process-wide services.
    public let services: TelegateServices

    /// The apps in `runtimes`, running on `services`.
    public init(runtimes: RuntimeRegistry, services: TelegateServices) {
        self.runtimes = runtimes
        self.services = services
    }

    /// The running app `appID`, or `404 app_not_found`.
    public func app(_ appID: AppID) throws -> AppRuntime {
        guard let runtime = runtimes.app(appID) else { throw TelegateError(.appNotFound, "there is no such app") }
        return runtime
    }
}
