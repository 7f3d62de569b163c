/// An HTTP response as the OIDC key set needs it.
public struct TelegramOIDCResponse: Sendable {
    /// The HTTP status code.
    public var status: Int
    /// The `Content-Type` header, if any.
    public var contentType: String?
    /// The body, already capped by the fetcher.
    public var body: [UInt8]

    /// Creates a response.
    public init(status: Int, contentType: String?, body: [UInt8]) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }
}

/// Fetches Telegram's discovery document and key set. Injected, so the verifier runs offline in tests and
/// servers supply a pooled client with timeouts, size caps and no redirects.
public protocol TelegramOIDCFetcher: Sendable {
    /// GETs an `https` URL.
    func get(_ url: String) async throws -> TelegramOIDCResponse
}
