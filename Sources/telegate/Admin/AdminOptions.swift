import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import StrictJSON
import TelegateAdmin
import TelegateApp
import TelegateCore

/// How an admin command reaches Telegate: the local database (the configuration's `database.url`), or a running
/// server with `--server URL` and the token in `TELEGATE_ADMIN_TOKEN`. Either way the same admin API answers.
struct AdminOptions: ParsableArguments {
    @Option(help: "Call the running Telegate at this URL (token from TELEGATE_ADMIN_TOKEN) instead of the local database.")
    var server: String?

    @Flag(help: "Print the JSON answer instead of a table.")
    var json = false

    @OptionGroup var configuration: ConfigurationOptions

    /// Calls the admin API; `nil` for an answer without a body.
    func call(_ method: AdminMethod, _ path: String, query: [String: String] = [:], body: JSONValue? = nil) async throws
        -> JSONValue?
    {
        if let server { return try await remote(server, method, path, query: query, body: body) }
        let application = try await TelegateApplication.prepare(
            configuration: try configuration.load(), logger: ConfigurationOptions.logger(default: .warning),
            applyConfiguration: false)
        do {
            let reply = try await application.admin.handle(method, path, query: query, body: body, caller: .local)
            try await application.shutdown()
            return reply.body
        } catch {
            try? await application.shutdown()
            throw error
        }
    }

    private func remote(
        _ server: String, _ method: AdminMethod, _ path: String, query: [String: String], body: JSONValue?
    ) async throws -> JSONValue? {
        guard let token = ProcessInfo.processInfo.environment["TELEGATE_ADMIN_TOKEN"], !token.isEmpty else {
            throw ValidationError("--server needs an admin token in TELEGATE_ADMIN_TOKEN (telegate admin token create)")
        }
        let base = server.hasSuffix("/") ? String(server.dropLast()) : server
        var url = base + "/admin/v1" + path
        if !query.isEmpty {
            url += "?" + query.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.percentEncoded($0.value))" }.joined(separator: "&")
        }
        var request = HTTPClientRequest(url: url)
        request.method = .init(rawValue: method.rawValue)
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body.serializedBytes))
        }
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let response = try await client.execute(request, timeout: .seconds(30))
            let bytes = try await response.body.collect(upTo: 8 << 20)
            try await client.shutdown()
            let value = bytes.readableBytes == 0 ? nil : try? JSONValue.parse(Array(bytes.readableBytesView))
            guard response.status.code < 400 else {
                let status = Int(response.status.code)
                throw value.flatMap { TelegateError(problemDocument: $0, status: status) } ?? NoProblemDocument(status: status)
            }
            return value
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    private static func percentEncoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}

/// A refusal from `--server` that is not a problem document (a refusal that is one is read back into the
/// ``TelegateError`` it describes, and reported like a local one).
struct NoProblemDocument: Error, CustomStringConvertible {
    let status: Int

    var description: String {
        "the server answered HTTP \(status) without a problem document: is --server the Telegate URL?"
    }
}
