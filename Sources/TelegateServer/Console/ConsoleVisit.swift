import StrictJSON
import TelegateAdmin
import TelegateCore

/// A signed-in request to the console: who is calling (the admin token's principal, with the request id and client
/// address the audit log records), the page's CSRF token and the query. Its ``call(_:_:query:body:)`` runs the
/// same admin operation the admin API's route runs, with the same checks, validation, errors and audit.
struct ConsoleVisit: Sendable {
    let api: AdminAPI
    let caller: AdminCaller
    /// The CSRF token every form of the page carries.
    let csrf: String
    let query: [String: String]

    var principal: AdminPrincipal { caller.principal }

    /// Whether the caller may change things: neither read-only nor limited to narrow permissions. Without it the
    /// pages show no forms.
    var mayWrite: Bool { !principal.readOnly && principal.permissions.isEmpty }

    /// Whether the caller may create apps (a token restricted to one app may not).
    var mayCreateApps: Bool { mayWrite && principal.appID == nil }

    /// Runs the admin operation `method` on `path` (below `/admin/v1`) as this caller.
    func call(_ method: AdminMethod, _ path: String, query: [String: String] = [:], body: JSONValue? = nil) async throws
        -> JSONValue?
    {
        try await api.handle(method, path, query: query, body: body, caller: caller).body
    }

    /// A path segment (an app or user id from a URL) made safe to put into an admin path.
    static func segment(_ value: String) -> String {
        String(value.unicodeScalars.filter { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0)) }.map(Character.init))
    }
}
