/// A Telegram proof as a client submitted it.
public enum ProofSubmission: Sendable {
    /// Raw Mini App `initData`.
    case initData(String)
    /// Login Widget data: query parameters, the callback's JSON object, or `tgAuthResult`.
    case widget(String)
    /// A Telegram Login `id_token` and, when the login started with one, its nonce.
    case idToken(String, nonce: String?)

    /// Whether the proof is a Telegram Login `id_token`, whose nonce the body's `nonce` is.
    public var isIDToken: Bool {
        if case .idToken = self { return true }
        return false
    }

    /// The proof kind's name, for metrics and logs.
    public var kindName: String {
        switch self {
        case .initData: "initData"
        case .widget: "widget"
        case .idToken: "idToken"
        }
    }
}
