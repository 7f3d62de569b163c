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

    /// A path segment (an app, bot or user id from a URL) reduced to the characters ids are made of (ASCII letters,
    /// digits, `-`, `_`), so it can go into an admin path and a page's links unchanged.
    static func segment(_ value: String) -> String {
        String(String.UnicodeScalarView(value.unicodeScalars.filter(isIDCharacter)))
    }

    private static func isIDCharacter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
            || scalar == "-" || scalar == "_"
    }
}
