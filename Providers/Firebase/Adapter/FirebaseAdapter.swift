import Foundation
import ProviderKit
import StrictJSON
import TelegateCore
import TelegramAuth

/// Firebase Authentication (kind `firebase`): a Mini App user gets a real Firebase session by
/// `signInWithCustomToken` with a custom token Telegate signs with the project's service account.
///
/// Minting is local (RS256, the header and claims Identity Toolkit checks), so a login makes no call to Google at
/// all; Firebase creates the user on its first sign-in. The uid comes from the `uid` template (by default the local
/// user id), and the configured Telegram fields become developer claims, which Firebase copies to the top level of
/// the user's ID token (and so to Security Rules as `request.auth.token.<name>`). With `syncProfile`, the user's
/// Telegram name and photo are also sent to Firebase (``FirebaseProfileSync``) after the login, once per change.
public struct FirebaseAdapter: ProviderAdapter {
    public static let kind = "firebase"
    public static var configSchema: AdapterConfigSchema { FirebaseSettings.schema }

    private let settings: FirebaseSettings
    private let minter: FirebaseCustomToken
    private let clock: WallClock
    /// `nil` unless `syncProfile` is on: then no link rows and no calls to Google at all.
    private let profileSync: FirebaseProfileSync?
    /// The service account's access token for the profile sync, `nil` without it.
    private let serviceAccountToken: CachedAccessToken?

    public init(config: AdapterConfig, context: AdapterContext) throws {
        let settings = try config.decode(FirebaseSettings.self)
        self.settings = settings
        self.minter = FirebaseCustomToken(settings: settings)
        self.clock = context.clock
        if settings.syncProfile {
            // Refusals are read by the calls: a 401 renews the cached token once.
            var policy = UpstreamClient.Policy()
            policy.refusalsAreMisconfiguration = false
            let upstream = context.upstreamClient(provider: "Firebase", urlPolicy: config.urlPolicy, policy: policy)
            let token = FirebaseServiceAccountToken.cache(settings: settings, upstream: upstream, clock: context.clock)
            self.serviceAccountToken = token
            self.profileSync = FirebaseProfileSync(
                api: FirebaseAccountsAPI(settings: settings, upstream: upstream, token: token),
                directory: FirebaseUserDirectory(uid: settings.uid), linker: ProviderUserLinker(context: context, provider: "Firebase"),
                context: context)
        } else {
            self.profileSync = nil
            self.serviceAccountToken = nil
        }
    }

    /// `{"type": "firebase_custom_token", "customToken", "uid", "expiresAt"}`.
    public func issue(for subject: Subject, options: IssueOptions) async throws -> Credential {
        let minted = try minter.mint(for: subject.user, now: clock.now)
        await profileSync?.loggedIn(subject.user, requestID: options.requestID)
        return Credential(
            type: "firebase_custom_token",
            members: [
                ("customToken", .string(minted.token)), ("uid", .string(minted.uid)),
                ("expiresAt", .string(Date(timeIntervalSince1970: TimeInterval(minted.expiresAt)).ISO8601Format())),
            ])
    }

    /// Custom tokens need nothing reachable: the service account key was read and checked when the configuration
    /// was loaded. With `syncProfile`, the check also gets the service account's access token from Google.
    public func check() async -> AdapterHealth {
        let signing = "custom tokens are signed locally by \(settings.serviceAccount.email) for project \(settings.serviceAccount.projectID)"
        guard let serviceAccountToken else { return AdapterHealth(ok: true, message: signing) }
        do {
            _ = try await serviceAccountToken.current()
            return AdapterHealth(ok: true, message: signing + "; Google issued the service account's token for profile sync")
        } catch let error as TelegateError {
            return AdapterHealth(ok: false, message: "profile sync: " + error.message)
        } catch {
            return AdapterHealth(ok: false, message: "profile sync: Google could not be reached")
        }
    }
}
