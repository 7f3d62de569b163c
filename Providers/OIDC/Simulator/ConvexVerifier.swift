import AsyncHTTPClient
import Foundation
import StrictJSON

/// A relying party that checks tokens exactly as Convex does (its OIDC provider path and its custom JWT path),
/// fetching the discovery document and key set over HTTP each time, as Convex does.
public struct ConvexVerifier: Sendable {
    /// How Convex is configured (`convex/auth.config.ts`).
    public enum Provider: Sendable {
        /// `{ domain, applicationID }`.
        case oidc(domain: String, applicationID: String)
        /// `{ type: "customJwt", issuer, jwks, algorithm, applicationID? }`.
        case customJwt(issuer: String, jwks: String, algorithm: String, applicationID: String?)
    }

    /// What `ctx.auth.getUserIdentity()` would return.
    public struct Identity: Sendable {
        /// `<iss>|<sub>`.
        public let tokenIdentifier: String
        public let subject: String
        public let issuer: String
        public let claims: JSONValue
    }

    private let provider: Provider
    private let http: RelyingPartyHTTP
    private let now: @Sendable () -> Int64

    /// A verifier for `provider`.
    public init(provider: Provider, client: HTTPClient, now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }) {
        self.provider = provider
        self.http = RelyingPartyHTTP(client: client)
        self.now = now
    }

    /// Verifies `token` or says why Convex would refuse it.
    public func verify(_ token: String) async throws(RelyingPartyRejection) -> Identity {
        let parsed = try CompactToken(token)
        switch provider {
        case .oidc(let domain, let applicationID):
            return try await verifyOIDC(parsed, domain: domain, applicationID: applicationID)
        case .customJwt(let issuer, let jwks, let algorithm, let applicationID):
            return try await verifyCustomJWT(parsed, issuer: issuer, jwksURL: jwks, algorithm: algorithm, applicationID: applicationID)
        }
    }

    private func verifyOIDC(_ token: CompactToken, domain: String, applicationID: String) async throws(RelyingPartyRejection)
        -> Identity
    {
        guard let iss = token.claims["iss"]?.stringValue, Self.normalize(iss) == Self.normalize(domain),
            Self.audiences(token.claims).contains(applicationID)
        else { throw RelyingPartyRejection("NoAuthProvider: No auth provider found matching the given token") }
        let discoveryURL = iss + (iss.hasSuffix("/") ? "" : "/") + ".well-known/openid-configuration"
        let discovery = try await fetchJSON(discoveryURL, accept: nil, requireContentType: false, allowed: ["application/json"])
        guard let issuer = discovery["issuer"]?.stringValue, let jwksURI = discovery["jwks_uri"]?.stringValue else {
            throw RelyingPartyRejection("Failed to parse provider metadata")
        }
        guard issuer == iss else { throw RelyingPartyRejection("unexpected issuer URI") }
        let keys = JSONWebKey.set(
            try await fetchJSON(jwksURI, accept: nil, requireContentType: false, allowed: ["application/json", "application/jwk-set+json"]))
        if let typ = token.header["typ"] {
            let normalized = (typ.stringValue ?? "").lowercased()
            guard ["jwt", "jose", "application/jwt", "application/jose"].contains(normalized) else {
                throw RelyingPartyRejection("unexpected or unsupported JWT type")
            }
        }
        guard token.header["cty"] == nil, token.header["crit"] == nil else {
            throw RelyingPartyRejection("unsupported JWT header (cty/crit)")
        }
        let audiences = Self.audiences(token.claims)
        guard audiences.contains(applicationID), audiences.count == 1 else {
            throw RelyingPartyRejection("Could not verify OIDC token claim: unexpected audience")
        }
        guard let alg = token.header["alg"]?.stringValue, alg == "RS256" || alg == "EdDSA" else {
            throw RelyingPartyRejection("unsupported signing algorithm")
        }
        let eligible = keys.filter { $0.supports(alg) }
        let kid = token.header["kid"]?.stringValue
        let candidates = kid.map { kid in eligible.filter { $0.kid == kid } } ?? eligible
        guard !(kid == nil && eligible.count > 1) else { throw RelyingPartyRejection("AmbiguousKeyId") }
        guard let key = candidates.first, key.verify(alg, token.signingInput, token.signature) else {
            throw RelyingPartyRejection("signature verification failed")
        }
        guard let exp = token.claims["exp"]?.integerValue, now() < exp else { throw RelyingPartyRejection("token expired") }
        guard token.claims["iat"]?.integerValue != nil else { throw RelyingPartyRejection("iat is required") }
        return try identity(token, issuer: iss)
    }

    private func verifyCustomJWT(
        _ token: CompactToken, issuer: String, jwksURL: String, algorithm: String, applicationID: String?
    ) async throws(RelyingPartyRejection) -> Identity {
        guard algorithm == "RS256" || algorithm == "ES256" else { throw RelyingPartyRejection("unsupported algorithm") }
        guard let iss = token.claims["iss"]?.stringValue, Self.normalize(iss) == Self.normalize(issuer) else {
            throw RelyingPartyRejection("NoAuthProvider: No auth provider found matching the given token")
        }
        let keys = JSONWebKey.set(
            try await fetchJSON(jwksURL, accept: "application/json", requireContentType: true, allowed: ["application/json", "application/jwk-set+json"]))
        guard let kid = token.header["kid"]?.stringValue, let key = keys.first(where: { $0.kid == kid }) else {
            throw RelyingPartyRejection("Could not decode token. The JWT's 'kid' does not match a key")
        }
        guard let alg = token.header["alg"]?.stringValue, alg == algorithm, key.alg == nil || key.alg == alg else {
            throw RelyingPartyRejection("the JWT's alg does not match the configured algorithm")
        }
        guard key.verify(alg, token.signingInput, token.signature) else {
            throw RelyingPartyRejection("signature verification failed")
        }
        if let applicationID {
            guard Self.audiences(token.claims).contains(applicationID) else { throw RelyingPartyRejection("audience mismatch") }
        }
        let now = now()
        guard let exp = token.claims["exp"]?.integerValue else { throw RelyingPartyRejection("exp is required") }
        guard now - exp <= 5 else { throw RelyingPartyRejection("token expired") }
        for claim in ["nbf", "iat"] {
            if let value = token.claims[claim]?.integerValue, value > now + 5 {
                throw RelyingPartyRejection("\(claim) is in the future")
            }
        }
        return try identity(token, issuer: iss)
    }

    private func identity(_ token: CompactToken, issuer: String) throws(RelyingPartyRejection) -> Identity {
        guard let sub = token.claims["sub"]?.stringValue else { throw RelyingPartyRejection("sub is required") }
        return Identity(tokenIdentifier: "\(issuer)|\(sub)", subject: sub, issuer: issuer, claims: token.claims)
    }

    private func fetchJSON(_ url: String, accept: String?, requireContentType: Bool, allowed: Set<String>)
        async throws(RelyingPartyRejection) -> JSONValue
    {
        let document = try await http.get(url, accept: accept)
        guard document.status == 200 else { throw RelyingPartyRejection("\(url) answered \(document.status)") }
        if let contentType = document.contentType {
            guard allowed.contains(RelyingPartyHTTP.essence(contentType)) else {
                throw RelyingPartyRejection("\(url) has Content-Type \(contentType)")
            }
            let charset = contentType.lowercased().range(of: "charset=").map { contentType.lowercased()[$0.upperBound...] }
            if requireContentType, let charset, charset != "utf-8" { throw RelyingPartyRejection("unsupported charset") }
        } else if requireContentType {
            throw RelyingPartyRejection("\(url) has no Content-Type")
        }
        guard let value = try? JSONValue.parse(document.body) else { throw RelyingPartyRejection("\(url) is not JSON") }
        return value
    }

    /// Convex's issuer normalisation: `https://` prefixed when there is no scheme, trailing `/` trimmed.
    static func normalize(_ issuer: String) -> String {
        var value = issuer.hasPrefix("http://") || issuer.hasPrefix("https://") ? issuer : "https://" + issuer
        while value.hasSuffix("/") { value.removeLast() }
        return value
    }

    static func audiences(_ claims: JSONValue) -> [String] {
        switch claims["aud"] {
        case .string(let single)?: [single]
        case .array(let list)?: list.compactMap(\.stringValue)
        default: []
        }
    }
}
