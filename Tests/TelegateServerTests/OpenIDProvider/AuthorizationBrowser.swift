import Foundation
import Synchronization
import TelegateApp
@testable import TelegateCore
import TelegateRuntime
import TelegateTesting
import TelegramAuth
import Testing

/// A browser without JavaScript for the authorization endpoint: it keeps cookies, reads the login and consent
/// forms of a page (their action and hidden fields) and submits them with the fields a script would add.
final class AuthorizationBrowser: Sendable {
    let service: TestService
    private let cookies = Mutex<[String: String]>([:])

    init(_ service: TestService) {
        self.service = service
    }

    /// The cookies the browser holds, by name.
    var jar: [String: String] { cookies.withLock { $0 } }

    /// Drops a cookie, as a browser whose cookie expired would.
    func forget(_ name: String) { _ = cookies.withLock { $0.removeValue(forKey: name) } }

    /// Sets a cookie by hand.
    func set(_ name: String, _ value: String) { cookies.withLock { $0[name] = value } }

    /// `GET /apps/{app}/authorize?…` with `parameters`.
    func authorize(_ parameters: [(String, String)], app: String = "poll") async throws -> TestService.Reply {
        try await get("/apps/\(app)/authorize?" + TelegramEncoding.queryString(parameters.map { (key: $0.0, value: $0.1) }))
    }

    func get(_ path: String) async throws -> TestService.Reply {
        try await send(.get, path, body: nil)
    }

    /// Posts `fields` form-encoded to `path` (an absolute URL of the service or a path).
    func post(_ path: String, _ fields: [(String, String)]) async throws -> TestService.Reply {
        try await send(.post, path, body: TelegramEncoding.queryString(fields.map { (key: $0.0, value: $0.1) }))
    }

    /// Submits the form `id` of `page` with `extra` fields added.
    func submit(_ page: TestService.Reply, form id: String = "telegate-login", adding extra: [(String, String)]) async throws
        -> TestService.Reply
    {
        let form = try #require(HTMLForm(page.body, id: id), "the page has no form #\(id): \(page.body.prefix(300))")
        return try await post(form.action, form.fields + extra)
    }

    private func send(_ method: HTTPMethodName, _ path: String, body: String?) async throws -> TestService.Reply {
        let relative = path.hasPrefix(service.baseURL) ? String(path.dropFirst(service.baseURL.count)) : path
        let cookieHeader = jar.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ")
        let reply = try await service.request(
            method, relative, body: body, contentType: "application/x-www-form-urlencoded",
            headers: cookieHeader.isEmpty ? [] : [("Cookie", cookieHeader)])
        for (name, value) in reply.headers where name.lowercased() == "set-cookie" {
            let pair = value.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            cookies.withLock { $0[String(pair[0])] = String(pair[1]) }
        }
        return reply
    }
}

/// A form read out of a page: its action and hidden fields, HTML entities decoded.
struct HTMLForm {
    let action: String
    let fields: [(String, String)]

    init?(_ html: String, id: String) {
        guard let start = html.range(of: "<form id=\"\(id)\""), let end = html[start.upperBound...].range(of: "</form>") else {
            return nil
        }
        let formTag = String(html[start.lowerBound..<(html[start.lowerBound...].firstIndex(of: ">") ?? end.lowerBound)])
        guard let action = Self.attribute("action", in: formTag) else { return nil }
        self.action = action
        var fields: [(String, String)] = []
        var rest = html[start.upperBound..<end.lowerBound]
        while let open = rest.range(of: "<input"), let close = rest[open.upperBound...].firstIndex(of: ">") {
            let tag = String(rest[open.lowerBound..<close])
            if Self.attribute("type", in: tag) == "hidden", let name = Self.attribute("name", in: tag) {
                fields.append((name, Self.attribute("value", in: tag) ?? ""))
            }
            rest = rest[close...]
        }
        self.fields = fields
    }

    subscript(_ name: String) -> String? { fields.first { $0.0 == name }?.1 }

    private static func attribute(_ name: String, in tag: String) -> String? {
        guard let start = tag.range(of: " \(name)=\"") else { return nil }
        guard let end = tag[start.upperBound...].firstIndex(of: "\"") else { return nil }
        return unescaped(String(tag[start.upperBound..<end]))
    }

    private static func unescaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&#x27;", with: "'").replacingOccurrences(of: "&amp;", with: "&")
    }
}

extension TestService {
    /// A confidential client of app `poll`: secret `django-secret`, one https redirect URI.
    static let confidentialClient = ClientSpec(
        id: ClientID(rawValue: "django")!, redirectURIs: ["https://site.example/accounts/oidc/telegate/login/callback/"])
    /// A public client of app `poll` (PKCE required), asking for consent.
    static let publicClient = ClientSpec(
        id: ClientID(rawValue: "spa")!, redirectURIs: ["http://127.0.0.1:8765/callback"], consent: .required)

    /// Gives app `poll` the OAuth clients of these tests, as the configuration would.
    func installClients() async throws {
        let services = application.services
        let poll = AppID(rawValue: "poll")!
        var stored = try #require(try await services.storage.configuration.app(poll))
        let digester = ClientSecretDigester(box: services.secretBox)
        stored.clients = [
            StoredClient(
                spec: Self.confidentialClient,
                secretDigest: digester.digest("django-secret", appID: poll, clientID: Self.confidentialClient.id)),
            StoredClient(spec: Self.publicClient, secretDigest: nil),
        ]
        let keyRing = try #require(application.runtimes.app(poll)).keyRing
        application.runtimes.install(try RuntimeBuilder(services: services).build(stored, keyRing: keyRing))
    }

    /// The code in a redirect's `Location`, with the rest of its query.
    static func query(of location: String?) -> [String: String] {
        guard let location, let components = URLComponents(string: location) else { return [:] }
        return Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { first, _ in first })
    }
}
