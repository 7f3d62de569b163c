import ExchangeSubmission
import TelegateCore
import TelegramAuth

/// The proof a submitted login form adds to the authorization request: Mini App `initData`, a `tgAuthResult`, or
/// the Login Widget's fields, and optionally the bot (`bot_id`) when the app has several.
public struct LoginProof: Sendable {
    public var proof: ProofSubmission
    public var botID: Int64?

    /// The Login Widget's fields, in the order Telegram sends them.
    static let widgetFields = ["id", "first_name", "last_name", "username", "photo_url", "auth_date", "hash"]

    /// The proof in `form`; `nil` when the form carries none (it is then the authorization request itself).
    public init?(_ form: [String: String]) throws(TelegateError) {
        var proofs: [ProofSubmission] = []
        if let initData = form["initData"] { proofs.append(.initData(initData)) }
        if let result = form["tgAuthResult"] { proofs.append(.widget(result)) }
        if form["hash"] != nil {
            let fields = Self.widgetFields.compactMap { name in form[name].map { (key: name, value: $0) } }
            proofs.append(.widget(TelegramEncoding.queryString(fields)))
        }
        guard let proof = proofs.first else { return nil }
        guard proofs.count == 1 else {
            throw TelegateError.invalidRequest("send exactly one proof: initData, tgAuthResult or the widget's fields")
        }
        self.proof = proof
        botID = try form["bot_id"].map { text throws(TelegateError) in
            guard let id = Int64(text) else { throw TelegateError(.botNotFound, "this app has no such bot") }
            return id
        }
    }
}
