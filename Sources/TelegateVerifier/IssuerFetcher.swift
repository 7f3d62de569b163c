import AsyncHTTPClient
import Foundation
import NIOCore

/// The HTTP calls to the issuer: its discovery document, its JWKS and its introspection endpoint.
struct IssuerFetcher: Sendable {
    /// What the discovery document tells the verifier.
    struct Metadata: Sendable {
        let jwksURL: String
        let introspectionURL: String?
    }

    /// Why a call failed (logged, never shown to callers).
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let client: HTTPClient
    let timeout: Duration

    /// Fetches the discovery document at `url` and checks that it names exactly `issuer`.
    func metadata(at url: String, issuer: String) async throws -> Metadata {
        guard case .object(let document) = try JSONDecoder().decode(ClaimValue.self, from: try await get(url)) else {
            throw Failure(description: "the discovery document is not a JSON object")
        }
        guard document["issuer"]?.stringValue == issuer else {
            throw Failure(description: "the discovery document names another issuer")
        }
        guard let jwks = document["jwks_uri"]?.stringValue else { throw Failure(description: "the discovery document has no jwks_uri") }
        return Metadata(jwksURL: jwks, introspectionURL: document["introspection_endpoint"]?.stringValue)
    }

    /// Fetches the JWKS at `url`.
    func keys(at url: String) async throws -> PublishedKeys {
        try await PublishedKeys(jwks: try await get(url))
    }

    /// Introspects `token` at `url` as `client` (`client_secret_basic`).
    func introspect(_ token: String, at url: String, as client: IntrospectionClient) async throws -> Introspection {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        let credentials = Data("\(Self.formEncoded(client.id)):\(Self.formEncoded(client.secret))".utf8).base64EncodedString()
        request.headers.add(name: "Authorization", value: "Basic " + credentials)
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        request.body = .bytes(ByteBuffer(string: "token=" + Self.formEncoded(token)))
        let response = try await self.client.execute(request, timeout: timeAmount)
        let body = try await response.body.collect(upTo: 1 << 20)
        guard response.status == .ok,
            case .object(let members) = try JSONDecoder().decode(ClaimValue.self, from: Data(body.readableBytesView)),
            let active = members["active"]?.boolValue
        else { throw Failure(description: "introspection answered \(response.status.code)") }
        return Introspection(active: active, members: members)
    }

    private func get(_ url: String) async throws -> Data {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Accept", value: "application/json")
        let response = try await client.execute(request, timeout: timeAmount)
        let body = try await response.body.collect(upTo: 1 << 20)
        guard response.status == .ok else { throw Failure(description: "\(url) answered \(response.status.code)") }
        return Data(body.readableBytesView)
    }

    private var timeAmount: TimeAmount {
        let (seconds, attoseconds) = timeout.components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    private static func formEncoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
