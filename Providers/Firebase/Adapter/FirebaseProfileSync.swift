import Logging
import ProviderKit
import StrictJSON
import TelegateCore

/// `syncProfile`: sends a user's Telegram name and photo to Firebase (``FirebaseAccountsAPI``) once per change,
/// after the login and never on its path.
///
/// A login only reads the user's link (no call to Google) and, when the profile's digest differs from the one last
/// sent, hands the user to this actor, which owns the background work: at most one sync runs per user, and logins
/// arriving meanwhile leave one follow-up, which sends nothing when the first already sent their profile. A sync gets
/// the service account's cached token, updates the user and records the digest with the link. A user Firebase does
/// not have yet (it creates users at their first `signInWithCustomToken`) keeps its digest unrecorded, so a later
/// login sends the profile again. A failure never reaches the login: it is logged with its error code only and
/// audited once per user and profile as `provider_user.profile_sync_failed`.
actor FirebaseProfileSync {
    private let api: FirebaseAccountsAPI
    private let directory: FirebaseUserDirectory
    private let linker: ProviderUserLinker
    private let context: AdapterContext
    /// The sync under way per user.
    private var running: [UserID: Task<Void, Never>] = [:]
    /// The latest login that arrived while its user's sync was under way.
    private var waiting: [UserID: (user: UserRecord, requestID: String?)] = [:]
    /// The profile digest whose failure was last audited, per user.
    private var auditedFailures: [UserID: String] = [:]

    init(api: FirebaseAccountsAPI, directory: FirebaseUserDirectory, linker: ProviderUserLinker, context: AdapterContext) {
        self.api = api
        self.directory = directory
        self.linker = linker
        self.context = context
    }

    /// Called by a login once its credential is made: compares the profile with the one last sent (a read of the
    /// link, recording it on a first login) and starts a sync when they differ. Never throws and never calls Google.
    nonisolated func loggedIn(_ user: UserRecord, requestID: String?) async {
        do {
            let linked = try await linker.linkedUser(for: user, in: directory, requestID: requestID)
            guard linked.syncedProfileDigest != FirebaseProfile(of: user).digest || linked.accountID != directory.owner(of: user)
            else { return }
        } catch {
            await failed(user, FirebaseProfile(of: user).digest, error, requestID: requestID)
            return
        }
        await schedule(user, requestID: requestID)
    }

    private func schedule(_ user: UserRecord, requestID: String?) {
        guard running[user.id] == nil else {
            waiting[user.id] = (user, requestID)
            return
        }
        running[user.id] = Task {
            await self.sync(user, requestID: requestID)
            self.finished(user.id)
        }
    }

    private func finished(_ userID: UserID) {
        running[userID] = nil
        if let next = waiting.removeValue(forKey: userID) { schedule(next.user, requestID: next.requestID) }
    }

    /// Sends `user`'s profile unless the link says it was sent already.
    private nonisolated func sync(_ user: UserRecord, requestID: String?) async {
        let profile = FirebaseProfile(of: user)
        do {
            var linked = try await linker.linkedUser(for: user, in: directory, requestID: requestID)
            // The uid template changed since the link was made: the user is now another Firebase user.
            if linked.accountID != directory.owner(of: user) {
                linked = try await linker.relink(linked, for: user, in: directory, requestID: requestID)
            }
            guard linked.syncedProfileDigest != profile.digest else { return }
            switch try await api.update(uid: linked.accountID, to: profile) {
            case .updated(let localID):
                // An update Firebase reports for another user records nothing.
                try await linker.vouch(ProviderAnswer((), about: localID), for: linked, requestID: requestID)
                _ = try await linker.recordProfileSync(linked, digest: profile.digest)
            case .userNotFound:
                context.logger.debug(
                    "the Firebase user does not exist yet; its profile is sent at a later login", metadata: ["user": "\(user.id)"])
            }
            await succeeded(user.id)
        } catch {
            await failed(user, profile.digest, error, requestID: requestID)
        }
    }

    private func succeeded(_ userID: UserID) {
        auditedFailures[userID] = nil
    }

    private func failed(_ user: UserRecord, _ digest: String, _ error: any Error, requestID: String?) async {
        let code = (error as? TelegateError)?.code.rawValue ?? TelegateError.Code.internalError.rawValue
        context.logger.warning(
            "the profile could not be sent to Firebase; the login was not affected",
            metadata: ["user": "\(user.id)", "code": "\(code)", "request_id": "\(requestID ?? "-")"])
        guard auditedFailures[user.id] != digest else { return }
        auditedFailures[user.id] = digest
        await context.audit.record(
            "provider_user.profile_sync_failed", appID: context.appID, target: "user:\(user.id.rawValue)", outcome: .failure,
            details: [("adapter", .string(context.adapterName.rawValue)), ("code", .string(code))], requestID: requestID)
    }
}
