import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// What the relying party fetched: status, `Content-Type` and body.
struct FetchedDocument {
    let status: Int
    let contentType: String?
    let body: [UInt8]
}

/// GETs issuer documents the way the relying parties do, with their `Accept` header.
struct RelyingPartyHTTP: Sendable {
    let client: HTTPClient

    func get(_ url: String, accept: String? = nil) async throws(RelyingPartyRejection) -> FetchedDocument {
        var request = HTTPClientRequest(url: url)
        if let accept { request.headers.add(name: "Accept", value: accept) }
        do {
            let response = try await client.execute(request, timeout: .seconds(5))
            let body = try await response.body.collect(upTo: 1 << 20)
            return FetchedDocument(
                status: Int(response.status.code), contentType: response.headers.first(name: "Content-Type"),
                body: Array(body.readableBytesView))
        } catch {
            throw RelyingPartyRejection("fetching \(url) failed")
        }
    }

    /// The media type without parameters, lowercased.
    static func essence(_ contentType: String) -> String {
        contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
    }
}

/// Why a relying party refused a token, in the words of its own error.
public struct RelyingPartyRejection: Error, Sendable, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
