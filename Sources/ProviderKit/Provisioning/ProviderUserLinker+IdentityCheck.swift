import Logging
import StrictJSON
import TelegateCore
import TelegramAuth

/// The check a provider user passes before Telegate links it, writes to it or issues for it — the provider's word
/// about whose user it is never counts — and what a failed check leaves: `502 provider_identity_mismatch`, one audit
/// event `provider.identity_mismatch` (ids only), a count in `telegate_provider_identity_mismatches_total` and a
/// warning in the log. The linker runs it for every adapter.
extension ProviderUserLinker {
    /// Where the provider named the user.
    enum IdentityStep: String, Sendable {
        /// In its answer to a creation.
        case creation
        /// In a lookup's result.
        case lookup
        /// In its answer to a call made for a linked user (a ticket, a token, a profile update).
        case answer
    }

    /// Provider-supplied ids are cut to this length in the audit event.
    static let identityIDLimit = 128

    /// `account`, verified as `user`'s when its owner key is `owner`.
    func verifyIdentity(
        _ account: ProviderAccount, expecting owner: String, for user: UserID, step: IdentityStep, requestID: String?
    ) async throws -> VerifiedProviderAccount {
        guard account.owner == owner else {
            throw await identityMismatch(
                user: user, step: step, expected: owner, reported: account.owner, account: account.id, requestID: requestID)
        }
        return VerifiedProviderAccount(account, owner: owner)
    }

    /// Passes when an answer given for the linked provider user `linkedID` names that user.
    func confirmIdentity(_ reportedID: String, isLinked linkedID: String, for user: UserID, requestID: String?) async throws {
        guard reportedID == linkedID else {
            throw await identityMismatch(
                user: user, step: .answer, expected: linkedID, reported: reportedID, account: reportedID, requestID: requestID)
        }
    }

    private func identityMismatch(
        user: UserID, step: IdentityStep, expected: String, reported: String?, account: String, requestID: String?
    ) async -> TelegateError {
        logger.warning(
            "the identity provider answered about a user that is not this account's; nothing was linked or issued",
            metadata: [
                "app": "\(appID)", "adapter": "\(adapter)", "user": "\(user.rawValue)", "step": "\(step.rawValue)",
                "request_id": "\(requestID ?? "-")",
            ])
        metrics.recordIdentityMismatch(app: appID.rawValue, adapter: adapter.rawValue)
        await audit.record(
            "provider.identity_mismatch", appID: appID, target: "user:\(user.rawValue)", outcome: .failure,
            details: [
                ("adapter", .string(adapter.rawValue)), ("step", .string(step.rawValue)),
                ("expected", .string(String(expected.prefix(Self.identityIDLimit)))),
                ("reported", reported.map { .string(String($0.prefix(Self.identityIDLimit))) } ?? .null),
                ("account", .string(String(account.prefix(Self.identityIDLimit)))),
            ],
            requestID: requestID)
        return TelegateError.providerIdentityMismatch(provider)
    }
}
