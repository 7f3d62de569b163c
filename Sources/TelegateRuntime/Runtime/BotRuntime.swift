import ExchangeSubmission
import TelegateCore
import TelegramAuth

/// A bot ready to verify proofs: its verifiers built once, with derived keys and policies cached.
public struct BotRuntime: Sendable {
    public let settings: BotSettings
    let initData: InitDataVerifier
    let widget: WidgetVerifier?
    let oidc: TelegramOIDCVerifier

    /// Builds the verifiers for `settings` under `app`'s freshness policies, with `time`'s leeway.
    public init(settings: BotSettings, app: AppSettings, telegramKeys: TelegramKeySet, clock: WallClock, time: TimePolicy) {
        self.settings = settings
        let initDataPolicy = time.freshness(maxAge: app.initDataMaxAge)
        switch settings.verification {
        case .token(let keys):
            initData = InitDataVerifier(webAppKey: keys.webAppKey, botID: settings.botID, freshness: initDataPolicy, clock: clock)
            widget = WidgetVerifier(widgetKey: keys.widgetKey, freshness: time.freshness(maxAge: app.widgetMaxAge), clock: clock)
        case .thirdParty(let environment):
            initData = InitDataVerifier(botID: settings.botID, environment: environment, freshness: initDataPolicy, clock: clock)
            widget = nil
        }
        oidc = TelegramOIDCVerifier(
            clientID: String(settings.botID), keySet: telegramKeys, allowedAlgorithms: Set(settings.spec.oidc.algorithms),
            requireNonce: settings.spec.oidc.requireNonce, leeway: time.leeway, clock: clock)
    }

    /// Verifies `proof` for this bot.
    public func verify(_ proof: ProofSubmission) async throws -> TelegramIdentity {
        do {
            switch proof {
            case .initData(let text):
                return try initData.verify(text)
            case .widget(let text):
                guard let widget else {
                    throw TelegateError(
                        .proofNotEnabled,
                        "this bot is configured without its token; Login Widget data can only be checked with it")
                }
                return try widget.verify(text)
            case .idToken(let token, let nonce):
                return try await oidc.verify(idToken: token, expectedNonce: nonce)
            }
        } catch let error as TelegramAuthError {
            throw TelegateError(error)
        }
    }
}
