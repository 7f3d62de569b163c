import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import PostgresNIO
import TelegateSQL
import TelegramAuth
import TestSupport

@testable import TelegatePostgres

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Several real `telegate serve` processes on one PostgreSQL database (a schema of its own, dropped at the end),
/// sharing one public URL as they would behind a load balancer, each on its own port.
final class TelegateCluster: Sendable {
    static let masterKey = "bXVsdGktaW5zdGFuY2UtbWFzdGVyLWtleS0zMmJ5dGU="
    static let botToken = "7000000003:AAmultiInstanceBotSecretValue0123456789"
    static let publicURL = "http://telegate.test"

    let directory: URL
    let databaseURL: String
    let schema: String
    let provider: any ClusterProvider
    let client: HTTPClient
    /// Direct access to the database, for invariant checks.
    let storage: PostgresStorage
    let instances: [TelegateInstance]

    /// The database the tests share, when `TELEGATE_TEST_POSTGRES_URL` is set.
    static let postgresURL = environment("TELEGATE_TEST_POSTGRES_URL")
    /// A second server that the outage test may stop and start (with ``outageControl``), so no other test is hit.
    static let outagePostgresURL = environment("TELEGATE_TEST_POSTGRES_OUTAGE_URL")
    /// `<script> stop|start` for ``outagePostgresURL``.
    static let outageControl = environment("TELEGATE_TEST_POSTGRES_OUTAGE_CTL")

    private static func environment(_ name: String) -> String? {
        ProcessInfo.processInfo.environment[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Starts `count` instances (one after the other, each ready before the next starts) and runs `body`; stops
    /// every process and drops the schema afterwards, whatever happens. By default a request may wait a minute for a
    /// pooled connection (`statement_timeout=60`, not the production 5 s): hundreds of concurrent logins on a busy
    /// 2-core machine must queue, not time out.
    static func run(
        instances count: Int = 2, provider: any ClusterProvider = BuiltinIssuer(), database: String? = postgresURL,
        parameters: String = "pool_size=8&statement_timeout=60", _ body: (TelegateCluster) async throws -> Void
    ) async throws {
        guard let url = database else { return }
        let schema = "mi_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(20)
        let databaseURL = url + (url.contains("?") ? "&" : "?") + "schema=\(schema)&\(parameters)"
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("telegate-mi-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let client = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: .init(
                timeout: .init(connect: .seconds(5), read: .seconds(30)),
                connectionPool: .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)))
        try await provider.start()
        let storage = PostgresStorage(settings: try PostgresSettings(url: databaseURL))
        let instances = (0..<count).map { index in
            TelegateInstance(
                name: "instance-\(index)", port: FreePort.next(), directory: directory, databaseURL: databaseURL,
                provider: provider)
        }
        let cluster = TelegateCluster(
            directory: directory, databaseURL: databaseURL, schema: String(schema), provider: provider, client: client,
            storage: storage, instances: instances)
        var failure: (any Error)?
        do {
            for instance in instances { try await instance.start(client: client) }
            try await body(cluster)
        } catch {
            failure = error
        }
        for instance in instances { await instance.stop() }
        await provider.stop()
        try? await storage.dropSchema(String(schema))
        try? await storage.close()
        try? await client.shutdown()
        if failure == nil { try? FileManager.default.removeItem(at: directory) }
        if let failure {
            for instance in instances {
                let log = (try? String(contentsOf: instance.logURL, encoding: .utf8)) ?? ""
                FileHandle.standardError.write(Data("--- \(instance.name) log (last lines)\n\(log.suffix(3000))\n".utf8))
            }
            throw failure
        }
    }

    private init(
        directory: URL, databaseURL: String, schema: String, provider: any ClusterProvider, client: HTTPClient,
        storage: PostgresStorage, instances: [TelegateInstance]
    ) {
        self.directory = directory
        self.databaseURL = databaseURL
        self.schema = schema
        self.provider = provider
        self.client = client
        self.storage = storage
        self.instances = instances
    }

    /// initData for Telegram user `telegramID`, signed now with the cluster's bot; each call is a new proof.
    func initData(telegramID: Int64, firstName: String = "Ada") throws -> String {
        let user = TelegramUser(id: telegramID, firstName: firstName)
        return try InitDataSigner(botToken: BotToken(Self.botToken)).sign(
            user: user, authDate: Int64(Date().timeIntervalSince1970), queryID: "Q\(UInt32.random(in: 0...UInt32.max))")
    }

    /// `POST /v1/apps/poll/exchange` on `instance`.
    func exchange(on instance: TelegateInstance, telegramID: Int64) async throws -> HTTPReply {
        let body = try JSONSerialization.data(withJSONObject: ["initData": initData(telegramID: telegramID)])
        return try await send(.POST, instance, "/v1/apps/poll/exchange", body: body, contentType: "application/json")
    }

    /// `POST /v1/apps/poll/token` (refresh-token grant) on `instance`.
    func refresh(on instance: TelegateInstance, token: String) async throws -> HTTPReply {
        let form = "grant_type=refresh_token&refresh_token=" + (token.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
        return try await send(.POST, instance, "/v1/apps/poll/token", body: Data(form.utf8), contentType: "application/x-www-form-urlencoded")
    }

    /// `GET path` on `instance`.
    func get(_ path: String, on instance: TelegateInstance) async throws -> HTTPReply {
        try await send(.GET, instance, path, body: nil, contentType: nil)
    }

    /// Rows of `table` in the cluster's schema.
    func count(_ table: String) async throws -> Int {
        Int(try await storage.engine.query(PostgresQuery(unsafeSQL: "SELECT COUNT(*)::BIGINT FROM \(schema).\(table)")).first?.integer(0) ?? -1)
    }

    /// The first column of the first row of `sql` (unqualified names resolve in the cluster's schema), as text.
    func text(_ sql: String) async throws -> String? {
        let schema = schema
        return try await storage.engine.read { session in
            try await session.query("SET LOCAL search_path TO \(raw: schema)")
            return try await session.query("\(raw: sql)").first?.text(0)
        }
    }

    /// Runs `telegate` with `arguments` against the cluster's database (for `keys rotate`).
    func command(_ arguments: [String]) async throws -> CLIProcess.Result {
        try await CLIProcess.run(arguments + ["--config", instances[0].configURL.path], environment: instances[0].environment)
    }

    private func send(_ method: HTTPMethod, _ instance: TelegateInstance, _ path: String, body: Data?, contentType: String?)
        async throws -> HTTPReply
    {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(instance.port)\(path)")
        request.method = method
        if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await client.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return HTTPReply(status: Int(response.status.code), headers: response.headers, body: Data(bytes.readableBytesView))
    }
}

/// An HTTP answer.
struct HTTPReply: Sendable {
    let status: Int
    let headers: HTTPHeaders
    let body: Data

    /// The body as a JSON object.
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
    /// A member of the body's `credential` object (exchange) or of the body itself (token endpoint).
    func credential(_ key: String) -> String? {
        (json["credential"] as? [String: Any])?[key] as? String ?? json[key] as? String
    }
    /// `user.id` of an exchange answer.
    var userID: String? { (json["user"] as? [String: Any])?["id"] as? String }
}

