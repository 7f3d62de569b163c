import TelegateCore
import TelegateIssuer
import Testing

/// The request rules of the authorization endpoint, without HTTP.
@Suite("OpenID Provider: authorization request rules")
struct AuthorizationRequestTests {
    static let base: [String: String] = [
        "client_id": "django", "redirect_uri": "https://site.example/cb", "response_type": "code", "scope": "openid",
    ]

    static func read(_ changes: [String: String?], isPublic: Bool = false) throws(OAuthError) -> AuthorizationRequest {
        var parameters = base
        for (name, value) in changes { parameters[name] = value }
        return try AuthorizationRequest(
            parameters, clientID: "django", redirectURI: "https://site.example/cb", isPublicClient: isPublic,
            allowedScopes: ClientSpec.supportedScopes)
    }

    @Test("A request without client_id or redirect_uri has no target")
    func target() throws {
        #expect(throws: AuthorizationRequest.UntargetedError.self) { try AuthorizationRequest.target(["redirect_uri": "https://a/cb"]) }
        #expect(throws: AuthorizationRequest.UntargetedError.self) { try AuthorizationRequest.target(["client_id": "django"]) }
        let target = try AuthorizationRequest.target(Self.base)
        #expect(target.clientID == "django" && target.redirectURI == "https://site.example/cb")
    }

    @Test("Each rule refuses with its OAuth error", arguments: [
        (["response_type": nil], "invalid_request"), (["response_type": "token"], "unsupported_response_type"),
        (["scope": "profile"], "invalid_scope"), (["scope": nil], "invalid_scope"),
        (["prompt": "none login"], "invalid_request"), (["prompt": "bogus"], "invalid_request"),
        (["max_age": "1.5"], "invalid_request"), (["max_age": "+1"], "invalid_request"),
        (["code_challenge": String(repeating: "a", count: 43)], "invalid_request"),
        (["code_challenge": String(repeating: "a", count: 129), "code_challenge_method": "S256"], "invalid_request"),
        (["code_challenge_method": "S256"], "invalid_request"), (["request": "eyJ"], "request_not_supported"),
        (["request_uri": "https://a/r"], "request_uri_not_supported"), (["state": String(repeating: "s", count: 2049)], "invalid_request"),
    ] as [([String: String?], String)])
    func refusals(changes: [String: String?], error: String) {
        let refused = #expect(throws: OAuthError.self) { try Self.read(changes) }
        #expect(refused?.error == error)
    }

    @Test("A valid request keeps what it asked for; prompt=consent and select_account are accepted and need no page of their own")
    func accepted() throws {
        let request = try Self.read([
            "scope": "openid profile email telegram", "state": "s", "nonce": "n", "prompt": "login", "max_age": "0",
            "code_challenge": String(repeating: "A", count: 43), "code_challenge_method": "S256", "ui_locales": "ru en",
        ], isPublic: true)
        #expect(request.scopes == ["openid", "profile", "telegram"])
        #expect(request.prompt == .login && request.maxAge == 0 && request.state == "s" && request.nonce == "n")
        #expect(request.codeChallenge == String(repeating: "A", count: 43))
        #expect(try Self.read(["prompt": "consent select_account"]).prompt == nil)
        #expect(try Self.read(["prompt": "none"]).prompt == AuthorizationRequest.Prompt.none)
    }

    @Test("The response redirect appends code or error, then state and iss, to the redirect URI's own query")
    func response() {
        #expect(
            AuthorizationResponse.success(redirectURI: "https://a/cb?x=1", code: "c0de", state: "a b", issuer: "https://t/apps/p")
                == "https://a/cb?x=1&code=c0de&state=a%20b&iss=https%3A%2F%2Ft%2Fapps%2Fp")
        #expect(
            AuthorizationResponse.failure(
                redirectURI: "https://a/cb", error: OAuthError(.loginRequired, "no"), state: nil, issuer: "https://t")
                == "https://a/cb?error=login_required&error_description=no&iss=https%3A%2F%2Ft")
    }
}
