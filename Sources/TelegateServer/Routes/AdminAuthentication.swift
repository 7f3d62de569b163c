import Hummingbird
import TelegateAdmin
import TelegateCore
import TelegramAuth

/// Checks a presented admin token, for the admin API (its `Authorization` header) and the console's login form
/// alike, so both share one set of failure budgets and one audit trail.
///
/// A valid token is let in whatever happened before. A missing or wrong one is recorded in the audit log
/// (`admin.auth_failed`) and counted per client address and per token prefix (``AdminAuthThrottle``): once either
/// budget is spent, further failures are refused `429`, so tokens cannot be guessed at speed, and a throttled
/// client or prefix is audited once a minute (`admin.auth_throttled`).
struct AdminAuthentication: Sendable {
    let tokens: AdminTokens
    let audit: AuditLog
    let clock: WallClock
    /// Budgets for failed authentications, timed by `clock`.
    let failures: AdminAuthThrottle
    /// Throttled clients and prefixes, reported once a minute each.
    let throttled = SecurityEventWindow(threshold: 1)

    init(tokens: AdminTokens, audit: AuditLog, clock: WallClock) {
        self.tokens = tokens
        self.audit = audit
        self.clock = clock
        failures = AdminAuthThrottle(clock: clock)
    }

    /// Why a presentation was refused: the error (`admin_unauthorized` with its reason, `rate_limited` or
    /// `storage_unavailable`).
    struct Refusal: Error {
        let error: TelegateError
    }

    /// The principal of the token `presented`; `missingReason` names what was wrong when nothing usable was
    /// presented (`missing_token`, `not_bearer`). `target` is the path the audit log records.
    func authenticate(
        _ presented: String?, missingReason: String = "missing_token", client: String, target: String, requestID: String
    ) async -> Result<AdminPrincipal, Refusal> {
        let reason: String
        var prefix: String?
        if let presented, !presented.isEmpty {
            do {
                if let token = try await tokens.authenticate(presented) {
                    return .success(AdminPrincipal(token: token))
                }
                reason = "invalid_token"
                prefix = AdminTokens.prefixKey(of: presented)
            } catch {
                return .failure(Refusal(error: .storageUnavailable()))
            }
        } else {
            reason = missingReason
        }
        if let spent = failures.exhausted(client: client, prefix: prefix) {
            let key = spent.budget == .client ? "client:\(client)" : "prefix:\(prefix ?? "")"
            if throttled.failed(key, at: clock.now) != nil {
                await audit.record(
                    "admin.auth_throttled", appID: nil, actor: "client:\(client)", target: target,
                    outcome: .failure, details: [("budget", .string(spent.budget.rawValue))], requestID: requestID)
            }
            return .failure(
                Refusal(
                    error: TelegateError(
                        .rateLimited, "too many failed admin authentications; wait", retryAfter: spent.retryAfter)))
        }
        failures.recordFailure(client: client, prefix: prefix)
        await audit.record(
            "admin.auth_failed", appID: nil, actor: "client:\(client)", target: target, outcome: .failure,
            details: [("reason", .string(reason))], requestID: requestID)
        return .failure(
            Refusal(error: TelegateError(.adminUnauthorized, "send Authorization: Bearer <admin token>", reason: reason)))
    }
}
