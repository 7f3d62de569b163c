import TelegateCore

/// An authorization request (RFC 6749 §4.1.1, OpenID Connect Core §3.1.2.1) read from its parameters, whether they
/// came in the query of a GET or the form of a POST.
///
/// Reading is in two steps, because where an error may be sent depends on the first: ``target(_:)`` finds the
/// client and redirect URI (an error there is shown to the user, never redirected), then
/// ``init(_:clientID:redirectURI:isPublicClient:allowedScopes:)`` checks the rest (an error there is redirected to
/// the client).
public struct AuthorizationRequest: Sendable, Equatable {
    /// What `prompt` asks for.
    public enum Prompt: String, Sendable, Equatable {
        /// No page at all: answer with a code or `login_required` / `consent_required`.
        case none
        /// A fresh proof, even with a session.
        case login
    }

    public var clientID: String
    public var redirectURI: String
    /// The scopes granted: those asked for that the client may have, in the order sent, without repeats. Others
    /// (`email`, which Telegram has not) are left out, not refused (OpenID Connect Core §3.1.2.1).
    public var scopes: [String]
    public var state: String?
    public var nonce: String?
    /// The PKCE `S256` challenge, if any.
    public var codeChallenge: String?
    public var prompt: Prompt?
    /// The most seconds since the user last proved who they are (`max_age`).
    public var maxAge: Int64?
    public var loginHint: String?
    public var uiLocales: String?

    /// The request parameters a login or consent form carries back, in this order.
    public static let formParameters = [
        "client_id", "redirect_uri", "response_type", "scope", "state", "nonce", "code_challenge",
        "code_challenge_method", "prompt", "max_age", "login_hint", "ui_locales",
    ]

    /// The longest value any parameter may have.
    static let maximumLength = 2048

    /// Why a request cannot even name where to send an error.
    public struct UntargetedError: Error, Sendable, Equatable {
        /// A safe explanation for the error page.
        public let message: String
    }

    /// The `client_id` and `redirect_uri` of `parameters`.
    public static func target(_ parameters: [String: String]) throws(UntargetedError) -> (clientID: String, redirectURI: String) {
        guard let clientID = parameters["client_id"], !clientID.isEmpty else {
            throw UntargetedError(message: "The request names no client (client_id).")
        }
        guard let redirectURI = parameters["redirect_uri"], !redirectURI.isEmpty else {
            throw UntargetedError(message: "The request names no redirect URI (redirect_uri).")
        }
        return (clientID, redirectURI)
    }

    /// Checks every other rule for a client whose redirect URI was accepted; a refusal is the OAuth error to send
    /// back to it.
    public init(
        _ parameters: [String: String], clientID: String, redirectURI: String, isPublicClient: Bool, allowedScopes: [String]
    ) throws(OAuthError) {
        self.clientID = clientID
        self.redirectURI = redirectURI
        if parameters["request"] != nil { throw OAuthError(.requestNotSupported, "request objects are not supported") }
        if parameters["request_uri"] != nil { throw OAuthError(.requestURINotSupported, "request_uri is not supported") }
        for (name, value) in parameters where value.utf8.count > Self.maximumLength {
            throw OAuthError(.invalidRequest, "\(name.prefix(40)) is too long")
        }
        guard let responseType = parameters["response_type"] else {
            throw OAuthError(.invalidRequest, "response_type is required")
        }
        guard responseType == "code" else {
            throw OAuthError(.unsupportedResponseType, "only response_type=code is supported")
        }
        var scopes: [String] = []
        for scope in (parameters["scope"] ?? "").split(separator: " ").map(String.init)
        where !scopes.contains(scope) && allowedScopes.contains(scope) {
            scopes.append(scope)
        }
        guard scopes.contains("openid") else { throw OAuthError(.invalidScope, "the scope must include openid") }
        self.scopes = scopes
        state = parameters["state"]
        nonce = parameters["nonce"]
        loginHint = parameters["login_hint"]
        uiLocales = parameters["ui_locales"]
        codeChallenge = try Self.challenge(parameters, isPublicClient: isPublicClient)
        prompt = try Self.prompt(parameters["prompt"])
        maxAge = try parameters["max_age"].map { text throws(OAuthError) in
            guard let seconds = Int64(text), seconds >= 0, text.utf8.allSatisfy({ (48...57).contains($0) }) else {
                throw OAuthError(.invalidRequest, "max_age must be a non-negative number of seconds")
            }
            return seconds
        }
    }

    /// The PKCE challenge (RFC 7636 §4.3): `S256` only, 43 to 128 characters of base64url; required of public
    /// clients.
    private static func challenge(_ parameters: [String: String], isPublicClient: Bool) throws(OAuthError) -> String? {
        guard let challenge = parameters["code_challenge"] else {
            if parameters["code_challenge_method"] != nil {
                throw OAuthError(.invalidRequest, "code_challenge_method was sent without code_challenge")
            }
            if isPublicClient { throw OAuthError(.invalidRequest, "a public client must send a PKCE code_challenge (S256)") }
            return nil
        }
        guard let method = parameters["code_challenge_method"] else {
            throw OAuthError(.invalidRequest, "code_challenge_method is required; only S256 is supported")
        }
        guard method == "S256" else {
            throw OAuthError(.invalidRequest, "code_challenge_method must be S256; plain is not supported")
        }
        guard (43...128).contains(challenge.utf8.count), challenge.utf8.allSatisfy(Self.isBase64URL) else {
            throw OAuthError(.invalidRequest, "code_challenge must be 43 to 128 base64url characters")
        }
        return challenge
    }

    private static func prompt(_ text: String?) throws(OAuthError) -> Prompt? {
        guard let text else { return nil }
        let values = Set(text.split(separator: " ").map(String.init))
        if values.contains("none"), values.count > 1 {
            throw OAuthError(.invalidRequest, "prompt=none cannot be combined with other values")
        }
        if values.contains("none") { return Prompt.none }
        if values.contains("login") { return .login }
        if values.isSubset(of: ["consent", "select_account"]) { return nil }
        throw OAuthError(.invalidRequest, "prompt may be none, login, consent or select_account")
    }

    private static func isBase64URL(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "_"):
            true
        default: false
        }
    }
}
