import ExchangeSubmission
import Logging
import ProviderKit
import StrictJSON
import TelegateCore
import TelegramAuth

/// The exchange pipeline: verify the proof with the route's bot, resolve the local user, let the adapter issue.
///
/// The app and bot always come from the route; the body only carries the proof and the adapter name. Nothing is
/// stored for a proof that fails, and no adapter is called for a user that cannot be resolved.
public struct ExchangeService: Sendable {
    private let runtimes: RuntimeRegistry
    private let identities: IdentityResolver
    private let metrics: ExchangeMetrics
    private let logger: Logger
    private let clock: ContinuousClock
    private let audit: AuditLog
    private let wallClock: WallClock
    /// Proofs that do not hold, per app: a spike is a security event (a forged-proof flood, a leaked-token probe).
    private let proofFailures = SecurityEventWindow(threshold: 20)
    /// Providers refusing the adapter's credentials, per adapter: an admin must act, once a minute is enough.
    private let adapterAuthFailures = SecurityEventWindow(threshold: 1)
    private let faults: FaultInjector
    private let loginEvents: LoginEvents

    /// Creates the service.
    public init(runtimes: RuntimeRegistry, services: TelegateServices) {
        self.runtimes = runtimes
        self.identities = IdentityResolver(
            users: services.storage.users, clock: services.clock, faults: services.faults)
        self.faults = services.faults
        self.loginEvents = LoginEvents(services: services)
        self.metrics = services.metrics
        self.logger = services.logger
        self.clock = ContinuousClock()
        self.audit = services.audit
        self.wallClock = services.clock
    }

    /// Runs one exchange: the proof `body` submits for app `appID` (the app as named in the URL), checked by the bot
    /// `botID` when the route names one (else the app's default), issued by the adapter the body names (else the
    /// app's default). `requestID` is for logs and audit.
    public func exchange(appID: String, botID: Int64?, body: ExchangeBody, requestID: String?) async throws -> ExchangeResult {
        let started = clock.now
        var appLabel = "_unknown"
        var providerLabel = "_none"
        do {
            guard let appID = AppID(rawValue: appID), let runtime = runtimes.app(appID) else {
                throw TelegateError(.appNotFound, "there is no such app")
            }
            appLabel = appID.rawValue
            let bot = try runtime.bot(botID)
            let (adapterName, adapter) = try runtime.adapter(body.provider)
            providerLabel = adapterName.rawValue
            if body.organization != nil, !type(of: adapter).supportsOrganizations {
                throw TelegateError.invalidRequest(
                    "the \(adapterName) provider does not take an organization", reason: "organization_not_supported")
            }
            if body.nonce != nil, !body.proof.isIDToken, !type(of: adapter).usesNonce {
                throw TelegateError.invalidRequest(
                    "nonce is only used with an idToken proof or by an adapter that puts it in its tokens; "
                        + "the \(adapterName) provider (kind \(type(of: adapter).kind)) takes none",
                    reason: "nonce_not_supported")
            }
            var mark = clock.now
            let identity = try await bot.verify(body.proof)
            mark = stage(.verify, app: appLabel, since: mark)
            let subject = try await identities.resolve(
                appID: appID, identity: identity, botID: bot.settings.botID, requestID: requestID)
            mark = stage(.resolve, app: appLabel, since: mark)
            let upstream = UpstreamTimer()
            let credential = try await UpstreamTimer.$current.withValue(upstream) {
                try await adapter.issue(
                    for: subject, options: IssueOptions(organization: body.organization, requestID: requestID, nonce: body.nonce))
            }
            _ = stage(.issue, app: appLabel, since: mark)
            try await loginEvents.signedIn(subject, to: .adapter(adapterName), in: runtime)
            try faults.reach(.afterProviderBeforeResponse)
            let duration = clock.now - started
            metrics.recordExchange(app: appLabel, provider: providerLabel, outcome: "success", duration: duration)
            metrics.recordOwnTime(app: appLabel, provider: providerLabel, duration: duration - upstream.elapsed)
            return ExchangeResult(subject: subject, adapterName: adapterName, credential: credential)
        } catch let error as TelegateError {
            await recordSecurityEvent(error, app: appLabel, provider: providerLabel, requestID: requestID)
            metrics.recordExchange(app: appLabel, provider: providerLabel, outcome: error.code.rawValue, duration: clock.now - started)
            logger.info(
                "exchange refused",
                metadata: [
                    "app": "\(appLabel)", "provider": "\(providerLabel)", "proof": "\(body.proof.kindName)",
                    "code": "\(error.code)", "reason": "\(error.reason ?? "-")", "request_id": "\(requestID ?? "-")",
                ])
            throw error
        } catch {
            metrics.recordExchange(app: appLabel, provider: providerLabel, outcome: "internal_error", duration: clock.now - started)
            logger.error(
                "exchange failed", metadata: ["app": "\(appLabel)", "error_type": "\(type(of: error))", "request_id": "\(requestID ?? "-")"])
            throw TelegateError.internalError()
        }
    }

    /// Audits a spike of proofs that do not hold, and a provider refusing the adapter's credentials.
    private func recordSecurityEvent(_ error: TelegateError, app: String, provider: String, requestID: String?) async {
        guard let appID = AppID(rawValue: app) else { return }
        if error.status == 401, let count = proofFailures.failed(app, at: wallClock.now) {
            await audit.record(
                "security.proof_failures_spike", appID: appID, outcome: .failure,
                details: [("failures", .integer(count)), ("windowSeconds", .integer(60)), ("lastCode", .string(error.code.rawValue))],
                requestID: requestID)
        } else if error.code == .adapterMisconfigured,
            adapterAuthFailures.failed("\(app)/\(provider)", at: wallClock.now) != nil
        {
            await audit.record(
                "adapter.auth_failed", appID: appID, target: "adapter:\(provider)", outcome: .failure,
                details: [("code", .string(error.code.rawValue))], requestID: requestID)
        }
    }

    /// Records the time spent in one stage and returns the new mark.
    private func stage(_ stage: ExchangeMetrics.Stage, app: String, since mark: ContinuousClock.Instant)
        -> ContinuousClock.Instant
    {
        let now = clock.now
        metrics.recordStage(stage, app: app, duration: now - mark)
        return now
    }
}
