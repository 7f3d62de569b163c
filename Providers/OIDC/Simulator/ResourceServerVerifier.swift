import AsyncHTTPClient
import Foundation
import StrictJSON

/// A resource server validating RFC 9068 access tokens (§4): `typ` `at+jwt`, `iss` equal to the authorization
/// server's metadata `issuer`, `aud` containing the resource, a signature from the metadata's `jwks_uri`, an
/// allowed algorithm, and `exp` not passed; plus the required claims of §2.2.
public struct ResourceServerVerifier: Sendable {
    private let issuer: String
    private let resource: String
    private let http: RelyingPartyHTTP
    private let now: @Sendable () -> Int64

    /// A verifier for tokens from `issuer` meant for `resource`.
    public init(issuer: String, resource: String, client: HTTPClient, now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }) {
        self.issuer = issuer
        self.resource = resource
        self.http = RelyingPartyHTTP(client: client)
        self.now = now
    }

    /// Verifies an access token and returns its claims.
    public func verify(_ token: String) async throws(RelyingPartyRejection) -> JSONValue {
        let parsed = try CompactToken(token)
        guard let typ = parsed.header["typ"]?.stringValue?.lowercased(), typ == "at+jwt" || typ == "application/at+jwt" else {
            throw RelyingPartyRejection("typ must be at+jwt")
        }
        let metadataDocument = try await http.get(issuer + "/.well-known/openid-configuration")
        guard metadataDocument.status == 200, let metadata = try? JSONValue.parse(metadataDocument.body),
            metadata["issuer"]?.stringValue == issuer, let jwksURI = metadata["jwks_uri"]?.stringValue
        else { throw RelyingPartyRejection("authorization server metadata unusable") }
        guard parsed.claims["iss"]?.stringValue == issuer else { throw RelyingPartyRejection("iss mismatch") }
        guard ConvexVerifier.audiences(parsed.claims).contains(resource) else { throw RelyingPartyRejection("aud mismatch") }
        for claim in ["iss", "exp", "aud", "sub", "client_id", "iat", "jti"] where parsed.claims[claim] == nil {
            throw RelyingPartyRejection("required claim \(claim) missing")
        }
        guard let alg = parsed.header["alg"]?.stringValue, ["RS256", "ES256", "EdDSA"].contains(alg) else {
            throw RelyingPartyRejection("algorithm not allowed")
        }
        let jwksDocument = try await http.get(jwksURI)
        guard jwksDocument.status == 200, let jwks = try? JSONValue.parse(jwksDocument.body) else {
            throw RelyingPartyRejection("JWKS unusable")
        }
        let kid = parsed.header["kid"]?.stringValue
        guard let key = JSONWebKey.set(jwks).first(where: { $0.kid == kid && $0.supports(alg) }),
            key.verify(alg, parsed.signingInput, parsed.signature)
        else { throw RelyingPartyRejection("signature verification failed") }
        guard let exp = parsed.claims["exp"]?.integerValue, exp > now() else { throw RelyingPartyRejection("token expired") }
        return parsed.claims
    }
}
