import ExchangeSubmission
import TelegateCore

/// One exchange: a proof for an app (and optionally a specific bot), and the adapter to issue with.
public struct ExchangeRequest: Sendable {
    /// The app from the URL.
    public var appID: String
    /// The bot from the URL, when the route names one.
    public var botID: Int64?
    /// The proof.
    public var proof: ProofSubmission
    /// The adapter name from the body; the app's default when absent.
    public var provider: String?
    /// The organization named in the body, for adapters that support organizations.
    public var organization: String?
    /// The request id, for logs and audit.
    public var requestID: String?

    /// Creates a request.
    public init(
        appID: String, botID: Int64? = nil, proof: ProofSubmission, provider: String? = nil,
        organization: String? = nil, requestID: String? = nil
    ) {
        self.appID = appID
        self.botID = botID
        self.proof = proof
        self.provider = provider
        self.organization = organization
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
