import AsyncHTTPClient
import Foundation
import NIOCore
import OIDCSimulator
import TelegramAuth
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// A newcomer's first hour, by the README: the quickstart, then the README's own `telegate.yaml` in the same
/// directory, and the mistakes people make on the way. Each mistake is named with its fix and leaves the database
/// as it was, or is reconciled.
@Suite("First hour")
struct FirstHourTests {
    static let pollToken = "7000000201:AAfirstHourPollBotSecret0123456789abc"
    static let rotatedToken = "7000000201:AAfirstHourRotatedSecret0123456789abc"
    static let otherBotToken = "7000000202:AAfirstHourOtherBotSecret0123456789ab"

    /// The README's `telegate.yaml` (the block marked `readme-first-path`), served on `port` of this machine: only
    /// the port and the public URL's host change.
    static func readmeConfiguration(port: Int) throws -> String {
        let yaml = try DocBlock.read("README.md", "readme-first-path")
        #expect(yaml.contains("port: 8080"))
        #expect(yaml.contains("publicURL: https://auth.example.com"))
        return yaml.replacing("port: 8080", with: "port: \(port)")
            .replacing("publicURL: https://auth.example.com", with: "publicURL: http://127.0.0.1:\(port)")
    }

    /// The README's `convex/auth.config.ts` (the block marked `readme-convex`) as Convex reads it, for the issuer
    /// served on `port`.
    static func readmeConvexProvider(port: Int) throws -> ConvexVerifier.Provider {
        let config = try DocBlock.read("README.md", "readme-convex")
        func value(_ key: String) throws -> String {
            let start = try #require(config.range(of: "\(key): \""), "\(key) in the README's auth.config.ts")
            return String(config[start.upperBound...].prefix { $0 != "\"" })
        }
        let domain = try value("domain").replacing("https://auth.example.com", with: "http://127.0.0.1:\(port)")
        return .oidc(domain: domain, applicationID: try value("applicationID"))
    }

    @Test("The README's quickstart and then its telegate.yaml, in one directory: both serve; the usual mistakes are named and change nothing")
    func readmeInOrder() async throws {
        var run = try FirstHourRun()
        defer { run.remove() }
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            try await Self.walkReadme(&run, client: client)
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    /// The README, step by step, with a mistake after each step.
    private static func walkReadme(_ run: inout FirstHourRun, client: HTTPClient) async throws {
        let port = FreePort.next()

        // The quickstart serves, and its demo bot's initData exchanges.
        let quickstart = try await run.serve(["serve", "--port", String(port)], port: port, client: client)
        let demoToken = try String(contentsOf: run.directory.appendingPathComponent(".telegate/demo-bot-token"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try await run.exchange(app: "demo", token: demoToken, port: port, client: client) == 200)

        // A second quickstart on the same port, from an empty directory: named with the fix, and nothing created.
        let elsewhere = try FirstHourRun()
        defer { elsewhere.remove() }
        let taken = try await elsewhere.cli(["serve", "--port", String(port)])
        #expect(taken.status == 2)
        #expect(taken.stderr.contains("address_in_use"), "\(taken.stderr)")
        #expect(taken.stderr.contains("127.0.0.1:\(port) is already in use; stop the other process or pass --port \(port + 1)"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere.directory.path).isEmpty)
        try await quickstart.stop()

        // The README's own file, with a new master key, in the same directory: it has its own database and serves.
        let yaml = try readmeConfiguration(port: port)
        #expect(!yaml.contains(".telegate/telegate.sqlite"))
        try run.write("telegate.yaml", yaml)
        run.environment["TELEGATE_MASTER_KEY"] = masterKey()
        run.environment["POLL_BOT_TOKEN"] = pollToken
        var server = try await run.serve(["serve", "--config", "telegate.yaml"], port: port, client: client)
        #expect(try await run.exchange(app: "poll", token: pollToken, port: port, client: client) == 200)

        // The README's Convex step: the ID token verifies as Convex verifies it with the README's auth.config.ts.
        let credential = try await run.exchangeCredential(app: "poll", token: pollToken, port: port, client: client)
        let idToken = try #require(credential["idToken"] as? String, "\(credential)")
        let convex = ConvexVerifier(provider: try readmeConvexProvider(port: port), client: client)
        let identity = try await convex.verify(idToken)
        #expect(identity.tokenIdentifier == "http://127.0.0.1:\(port)/apps/poll|\(identity.subject)")
        try await server.stop()
        let database = try #require(sqlitePath(in: yaml), "the README's database.url")

        // The same file pointed at the quickstart's database: the other master key is named, nothing is written.
        let quickstartDatabase = try run.bytes(".telegate/telegate.sqlite")
        try run.write(
            "mixed.yaml",
            yaml.split(separator: "\n").map { $0.hasPrefix("database:") ? "database: {url: \"sqlite://./.telegate/telegate.sqlite\"}" : String($0) }
                .joined(separator: "\n"))
        let mixed = try await run.cli(["serve", "--config", "mixed.yaml"])
        #expect(mixed.status == 2)
        #expect(mixed.stderr.contains("master_key_mismatch"), "\(mixed.stderr)")
        #expect(
            mixed.stderr.contains(
                "the database at ./.telegate/telegate.sqlite was sealed with a different master key (the quickstart keeps its key in ./.telegate/master.key)"))
        #expect(try run.bytes(".telegate/telegate.sqlite") == quickstartDatabase)

        // The port taken by another process: named with the fix, the database untouched; --port moves the server.
        let pollDatabase = try run.bytes(database)
        let listener = try Listener(port: port)
        let busy = try await run.cli(["serve", "--config", "telegate.yaml"])
        #expect(busy.status == 2)
        #expect(busy.stderr.contains("127.0.0.1:\(port) is already in use; stop the other process or pass --port \(port + 1)"))
        #expect(try run.bytes(database) == pollDatabase)
        let otherPort = FreePort.next()
        server = try await run.serve(["serve", "--config", "telegate.yaml", "--port", String(otherPort)], port: otherPort, client: client)
        try await server.stop()
        listener.close()

        // A new token for the same bot replaces it: one bot, and only the new token verifies.
        run.environment["POLL_BOT_TOKEN"] = rotatedToken
        server = try await run.serve(["serve", "--config", "telegate.yaml"], port: port, client: client)
        #expect(try await run.exchange(app: "poll", token: rotatedToken, port: port, client: client) == 200)
        #expect(try await run.exchange(app: "poll", token: pollToken, port: port, client: client) == 401)
        try await server.stop()
        #expect(try await run.bots() == [7_000_000_201])

        // A token of another bot replaces the bot the file named before, and exchanges by default.
        run.environment["POLL_BOT_TOKEN"] = otherBotToken
        server = try await run.serve(["serve", "--config", "telegate.yaml"], port: port, client: client)
        #expect(try await run.exchange(app: "poll", token: otherBotToken, port: port, client: client) == 200)
        try await server.stop()
        #expect(try await run.bots() == [7_000_000_202])
    }

    @Test("adapters update --set changes only the keys given; --replace replaces the whole config")
    func adapterMerge() async throws {
        var run = try FirstHourRun()
        defer { run.remove() }
        try run.write("telegate.yaml", try Self.readmeConfiguration(port: FreePort.next()))
        run.environment["TELEGATE_MASTER_KEY"] = Self.masterKey()
        run.environment["POLL_BOT_TOKEN"] = Self.pollToken
        let applied = try await run.cli(["config", "apply", "telegate.yaml"])
        #expect(applied.status == 0, "\(applied.stderr)")

        let update = try await run.cli(["adapters", "update", "poll", "convex", "--set", "idTokenTTL=600", "--config", "telegate.yaml"])
        #expect(update.status == 0, "\(update.stderr)")
        var config = try await run.adapterConfig("convex")
        #expect(config["audience"] as? String == "convex")
        #expect(config["algorithm"] as? String == "RS256")
        #expect(config["idTokenTTL"] as? Int == 600)

        let removed = try await run.cli(["adapters", "update", "poll", "convex", "--set", "idTokenTTL=null", "--config", "telegate.yaml"])
        #expect(removed.status == 0, "\(removed.stderr)")
        config = try await run.adapterConfig("convex")
        #expect(config["idTokenTTL"] == nil)
        #expect(config["algorithm"] as? String == "RS256")

        let replaced = try await run.cli(
            ["adapters", "update", "poll", "convex", "--replace", "--set", "audience=convex-2", "--config", "telegate.yaml"])
        #expect(replaced.status == 0, "\(replaced.stderr)")
        config = try await run.adapterConfig("convex")
        #expect(config["audience"] as? String == "convex-2")
        #expect(config["algorithm"] == nil)
    }

    /// A fresh master key, base64 of 32 random bytes.
    static func masterKey() -> String {
        Data((0..<32).map { _ in UInt8.random(in: .min ... .max) }).base64EncodedString()
    }

    /// The path of an `sqlite://` database URL in a configuration file.
    static func sqlitePath(in yaml: String) -> String? {
        guard let start = yaml.range(of: "sqlite://") else { return nil }
        return String(yaml[start.upperBound...].prefix { $0 != "\"" && $0 != "}" && $0 != "\n" })
    }
}

/// A working directory and the environment a newcomer's shell would have, for `telegate` run there.
struct FirstHourRun {
    let directory: URL
    var environment: [String: String] = [:]

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("telegate-first-hour-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // Nothing from the test runner's own environment decides where Telegate listens or what it opens.
        for name in ["TELEGATE_DATABASE_URL", "TELEGATE_HOST", "TELEGATE_PORT", "TELEGATE_MASTER_KEY", "TELEGATE_ADMIN_TOKEN"] {
            environment[name] = ""
        }
    }

    /// A run with the README's `telegate.yaml` (served on `port`) applied to its local database, the master key and
    /// the poll bot's token in the environment: where the admin command tests start.
    static func readmeApplied(port: Int = FreePort.next()) async throws -> FirstHourRun {
        var run = try FirstHourRun()
        do {
            try run.write("telegate.yaml", try FirstHourTests.readmeConfiguration(port: port))
            run.environment["TELEGATE_MASTER_KEY"] = FirstHourTests.masterKey()
            run.environment["POLL_BOT_TOKEN"] = FirstHourTests.pollToken
            let applied = try await run.cli(["config", "apply", "telegate.yaml"])
            try #require(applied.status == 0, "\(applied.stderr)")
        } catch {
            run.remove()
            throw error
        }
        return run
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }

    func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: directory.appendingPathComponent(name))
    }

    func bytes(_ path: String) throws -> Data {
        try Data(contentsOf: directory.appendingPathComponent(path))
    }

    /// Runs a `telegate` command here to its end.
    func cli(_ arguments: [String]) async throws -> CLIProcess.Result {
        let (environment, directory) = (self.environment, self.directory)
        return try await CLIProcess.run(arguments, environment: environment, directory: directory)
    }

    /// Starts `telegate serve …` here and waits until it answers `/readyz` on `port`.
    func serve(_ arguments: [String], port: Int, client: HTTPClient) async throws -> ServeProcess {
        let log = directory.appendingPathComponent("serve-\(UUID().uuidString.prefix(8)).log")
        let process = try ChildProcess(
            CLIProcess.executable.path, arguments, environment: ProcessInfo.processInfo.environment.merging(environment) { $1 },
            directory: directory.path, stdout: .file(log.path), stderr: .standardOutput)
        let server = ServeProcess(process: process, log: log)
        for _ in 0..<600 {
            guard process.isRunning else { throw ServeFailure(message: "serve exited: \(server.output)") }
            let status = try? await client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/readyz"), timeout: .seconds(5))
                .status.code
            if status == 200 { return server }
            try await Task.sleep(for: .milliseconds(100))
        }
        try await server.stop()
        throw ServeFailure(message: "serve did not become ready: \(server.output)")
    }

    /// The status of an exchange of initData signed with `token`, on the app's default bot.
    func exchange(app: String, token: String, port: Int, client: HTTPClient) async throws -> Int {
        let user = TelegramUser(id: 279_058_397, firstName: "Ada", username: "ada")
        let initData = try InitDataSigner(botToken: BotToken(token)).sign(
            user: user, authDate: Int64(Date().timeIntervalSince1970), queryID: "AAHdF6IQ")
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/apps/\(app)/exchange")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "tma \(initData)")
        let response = try await client.execute(request, timeout: .seconds(30))
        _ = try await response.body.collect(upTo: 1 << 20)
        return Int(response.status.code)
    }

    /// The credential of an exchange of initData signed with `token`, on the app's default bot and adapter.
    func exchangeCredential(app: String, token: String, port: Int, client: HTTPClient) async throws -> [String: Any] {
        let user = TelegramUser(id: 279_058_397, firstName: "Ada", username: "ada")
        let initData = try InitDataSigner(botToken: BotToken(token)).sign(
            user: user, authDate: Int64(Date().timeIntervalSince1970), queryID: "AAHdF6IQ")
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/apps/\(app)/exchange")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "tma \(initData)")
        let response = try await client.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        let json = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
        return json?["credential"] as? [String: Any] ?? [:]
    }

    /// The bot ids of app `poll` in the database of `telegate.yaml`.
    func bots() async throws -> [Int] {
        let result = try await cli(["bots", "list", "poll", "--json", "--config", "telegate.yaml"])
        return (result.json["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
    }

    /// The stored config of adapter `name` of app `poll`.
    func adapterConfig(_ name: String) async throws -> [String: Any] {
        let result = try await cli(["adapters", "get", "poll", name, "--json", "--config", "telegate.yaml"])
        return result.json["config"] as? [String: Any] ?? [:]
    }
}

/// A running `telegate serve`.
struct ServeProcess {
    let process: ChildProcess
    let log: URL

    var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// SIGTERM, then waits (at most a minute) for the process to finish its requests and exit.
    func stop() async throws {
        process.terminate()
        guard await process.exitStatus(within: 60) != nil else {
            process.send(SIGKILL)
            throw ServeFailure(message: "serve did not stop: \(output)")
        }
    }
}

struct ServeFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// A socket listening on 127.0.0.1:`port`, as another program would.
struct Listener {
    let descriptor: Int32

    init(port: Int) throws {
        #if canImport(Glibc)
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        var reuse: Int32 = 1
        _ = setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(descriptor, 8) == 0 else { throw ServeFailure(message: "cannot listen on \(port)") }
    }

    func close() {
        #if canImport(Glibc)
        _ = Glibc.close(descriptor)
        #else
        _ = Darwin.close(descriptor)
        #endif
    }
}
