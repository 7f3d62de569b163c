import ExchangeSubmission
import TelegateCore

/// One exchange: a submitted proof for an app (and optionally a specific bot), and the adapter to issue with.
public struct ExchangeRequest: Sendable {
    /// The app from the URL.
    public var appID: String
    /// The bot from the URL, when the route names one.
    public var botID: Int64?
    /// What the body submits: the proof, and the adapter (the app's default when absent) and organization it names.
    public var body: ExchangeBody
    /// The request id, for logs and audit.
    public var requestID: String?

    /// Creates a request.
    public init(appID: String, botID: Int64? = nil, body: ExchangeBody, requestID: String? = nil) {
        self.appID = appID
        self.botID = botID
        self.body = body
        self.requestID = requestID
    }
}

/// A successful exchange.
public struct ExchangeResult: Sendable {
    /// Who the credential is for.
    public let subject: Subject
    /// The adapter that issued it.
    public let adapterName: AdapterName
    /// The credential.
    public let credential: Credential
}
