import AsyncHTTPClient
import Foundation
import JWTKit
import StrictJSON

/// What Supabase Auth keeps of a custom provider's discovery document.
struct SupabaseOIDCDiscovery: Sendable {
    let issuer: String
    let jwksURI: String
    /// `id_token_signing_alg_values_supported`; RS256 when the document names none (go-oidc's default).
    let algorithms: [String]
}

/// Supabase Auth's calls to a custom provider's issuer: the discovery document when the provider is created, and
/// the issuer's keys when an ID token signs in. Fetched over HTTP; loopback issuers are allowed here, unlike on
/// the hosted service, which requires public `https` URLs.
struct SupabaseOIDCIssuer: Sendable {
    let client: HTTPClient

    /// Fetches and checks the discovery document at `url`: HTTP 200, JSON, `issuer` equal to `expectedIssuer`, and
    /// the fields OpenID Connect Discovery requires; else `400 validation_failed` in Supabase's words.
    func discovery(url: String, expectedIssuer: String) async throws(SupabaseErrorBody) -> SupabaseOIDCDiscovery {
        func failed(_ reason: String) -> SupabaseErrorBody {
            .validation("OIDC discovery from \"\(url)\" failed: oidc: \(reason)")
        }
        let (status, body) = try await get(url, failure: failed("discovery request to \(url) failed"))
        guard status == 200 else { throw failed("discovery request to \(url) returned \(status)") }
        guard let document = try? JSONValue.parse(body), document.objectMembers != nil else {
            throw failed("failed to decode discovery document from \(url)")
        }
        let issuer = document["issuer"]?.stringValue ?? ""
        guard issuer == expectedIssuer else { throw failed("issuer mismatch, expected \"\(expectedIssuer)\" got \"\(issuer)\"") }
        let missing = ["issuer", "authorization_endpoint", "token_endpoint", "jwks_uri"].filter {
            (document[$0]?.stringValue ?? "").isEmpty
        }
        guard missing.isEmpty else {
            throw .validation("OIDC discovery document is missing required fields: \(missing.joined(separator: ", "))")
        }
        let algorithms = document["id_token_signing_alg_values_supported"]?.arrayElements?.compactMap(\.stringValue) ?? []
        return SupabaseOIDCDiscovery(
            issuer: issuer, jwksURI: document["jwks_uri"]?.stringValue ?? "", algorithms: algorithms.isEmpty ? ["RS256"] : algorithms)
    }

    /// The claims of `token` if it holds as go-oidc checks an ID token for Supabase Auth: a compact JWS signed with
    /// one of the issuer's keys (fetched now from `jwks_uri`) in an algorithm discovery lists, `iss` equal to the
    /// issuer, and not expired at `now`. The audience is not checked here. `nil` when it does not hold.
    func verifiedClaims(_ token: String, discovery: SupabaseOIDCDiscovery, now: Int64) async -> JSONValue? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let header = SupabaseAccessToken.decode(parts[0]).flatMap({ try? JSONValue.parse($0) }),
            let algorithm = header["alg"]?.stringValue, discovery.algorithms.contains(algorithm),
            let claims = SupabaseAccessToken.decode(parts[1]).flatMap({ try? JSONValue.parse($0) }),
            claims["iss"]?.stringValue == discovery.issuer, let expiry = claims["exp"]?.integerValue, now <= expiry,
            let (status, body) = try? await get(discovery.jwksURI, failure: SupabaseErrorBody.badJSON), status == 200
        else { return nil }
        let keys = JWTKeyCollection()
        do {
            try await keys.add(jwksJSON: String(decoding: body, as: UTF8.self))
            _ = try await keys.verify(token, as: UncheckedClaims.self)
        } catch {
            return nil
        }
        return claims
    }

    private func get(_ url: String, failure: SupabaseErrorBody) async throws(SupabaseErrorBody) -> (Int, [UInt8]) {
        do {
            let response = try await client.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
            let body = try await response.body.collect(upTo: 1 << 20)
            return (Int(response.status.code), Array(body.readableBytesView))
        } catch {
            throw failure
        }
    }
}

/// A payload whose claims ``SupabaseOIDCIssuer`` checks itself: only the signature is verified with it.
private struct UncheckedClaims: JWTPayload {
    init(from decoder: any Decoder) throws {}
    func encode(to encoder: any Encoder) throws {}
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
