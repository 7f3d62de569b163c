import Foundation
import StrictJSON
import TelegateCore
import TelegateTesting
import Testing

/// A browser's view of the console for router tests: a cookie jar over ``TestService``'s requests, the page's CSRF
/// token, form posts sent with this origin.
final class ConsoleBrowserStub {
    let service: TestService
    var cookies: [String: String] = [:]
    /// Every `Set-Cookie` header received, in order.
    var setCookies: [String] = []
    let origin: String

    init(_ service: TestService) {
        self.service = service
        origin = service.baseURL
    }

    /// The CSRF token of the last page's forms (its hidden `csrf` field).
    var csrf = ""

    func get(_ path: String) async throws -> HTTPReply {
        try await send(.get, path, body: nil, headers: [])
    }

    /// Posts `fields` (with the CSRF token unless `csrf` is false) from `origin` (this console's, by default), or
    /// with no `Origin` but `Sec-Fetch-Site: fetchSite` when that is given.
    func post(
        _ path: String, _ fields: [(String, String)] = [], csrf: Bool = true, origin: String? = nil, fetchSite: String? = nil
    ) async throws -> HTTPReply {
        let all = (csrf ? [("csrf", self.csrf)] : []) + fields
        let body = all.map { "\($0.0)=\(Self.encoded($0.1))" }.joined(separator: "&")
        let headers = fetchSite.map { [("Sec-Fetch-Site", $0)] } ?? [("Origin", origin ?? self.origin)]
        return try await send(.post, path, body: body, headers: headers)
    }

    /// Opens the login page and logs in with `token`.
    @discardableResult
    func login(_ token: String) async throws -> HTTPReply {
        _ = try await get("/console/login")
        let reply = try await post("/console/login", [("token", token)])
        #expect(reply.status == 303, "login: \(reply.status) \(reply.body.prefix(400))")
        return reply
    }

    private func send(_ method: HTTPMethodName, _ path: String, body: String?, headers: [(String, String)]) async throws
        -> HTTPReply
    {
        var all = headers
        if !cookies.isEmpty { all.append(("Cookie", cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))) }
        let reply = try await service.request(
            method, path, body: body, contentType: body == nil ? nil : "application/x-www-form-urlencoded", headers: all)
        if let field = reply.body.range(of: "name=\"csrf\" value=\"") {
            csrf = String(reply.body[field.upperBound...].prefix { $0 != "\"" })
        }
        for (name, value) in reply.headers where name.lowercased() == "set-cookie" {
            setCookies.append(value)
            let pair = value.split(separator: ";", maxSplits: 1)[0].split(separator: "=", maxSplits: 1)
            let cookieName = String(pair[0])
            if value.contains("Max-Age=0") { cookies[cookieName] = nil } else { cookies[cookieName] = pair.count > 1 ? String(pair[1]) : "" }
        }
        return reply
    }

    static func encoded(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}
