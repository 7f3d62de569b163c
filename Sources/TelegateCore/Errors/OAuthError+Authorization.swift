/// The codes the authorization endpoint redirects with (RFC 6749 §4.1.2.1, OpenID Connect Core §3.1.2.6) besides
/// `invalid_request` and `temporarily_unavailable`; they travel in the redirect's query, so their status is never
/// sent.
extension OAuthError.Code {
    /// The `response_type` is not `code`.
    public static let unsupportedResponseType = Self("unsupported_response_type", status: 400)
    /// The scope lacks `openid` (or the client may not ask for it).
    public static let invalidScope = Self("invalid_scope", status: 400)
    /// The user refused the consent.
    public static let accessDenied = Self("access_denied", status: 403)
    /// `prompt=none`, but the browser has no usable session.
    public static let loginRequired = Self("login_required", status: 400)
    /// `prompt=none`, but the client needs a consent the user has not given.
    public static let consentRequired = Self("consent_required", status: 400)
    /// A `request` object was sent; Telegate does not take them.
    public static let requestNotSupported = Self("request_not_supported", status: 400)
    /// A `request_uri` was sent; Telegate does not take them.
    public static let requestURINotSupported = Self("request_uri_not_supported", status: 400)
}
