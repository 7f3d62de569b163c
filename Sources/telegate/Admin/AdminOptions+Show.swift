import StrictJSON
import TelegateAdmin

extension AdminOptions {
    /// Calls the admin API and prints the answer (``AdminOutput/show(_:json:columns:empty:)``): the JSON with
    /// `--json`, otherwise `columns` for a list and `key: value` lines for one resource. Returns the answer.
    @discardableResult
    func show(
        _ method: AdminMethod, _ path: String, query: [String: String] = [:], body: JSONValue? = nil,
        columns: [AdminOutput.Column] = [], empty: String = "nothing found"
    ) async throws -> JSONValue? {
        let reply = try await call(method, path, query: query, body: body)
        AdminOutput.show(reply, json: json, columns: columns, empty: empty)
        return reply
    }

    /// Calls an operation that answers without a body, and confirms it with `done` unless `--json`.
    func perform(_ method: AdminMethod, _ path: String, done: String) async throws {
        _ = try await call(method, path)
        if !json { print(done) }
    }
}
