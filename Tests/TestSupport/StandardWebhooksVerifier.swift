import Foundation

/// Checks webhook requests with the `standardwebhooks` PyPI package (installed by `.ci/run`), a verifier independent of
/// Telegate's signer, and their bodies against JSON Schemas (`jsonschema`), through `Tests/Interop/verify_webhooks.py`.
public enum StandardWebhooksVerifier {
    /// One received request to check.
    public struct Request: Sendable {
        /// The endpoint's `whsec_` secret the receiver holds.
        public var secret: String
        /// The request's headers (at least `webhook-id`, `webhook-timestamp`, `webhook-signature`).
        public var headers: [String: String]
        /// The body exactly as received.
        public var body: [UInt8]
        /// The Unix time the timestamp is checked against (±5 minutes); the wall clock when `nil`.
        public var now: Int64?
        /// A JSON Schema (JSON text) the body must validate against.
        public var schema: String?

        /// Creates a request to check.
        public init(secret: String, headers: [String: String], body: [UInt8], now: Int64? = nil, schema: String? = nil) {
            self.secret = secret
            self.headers = headers
            self.body = body
            self.now = now
            self.schema = schema
        }
    }

    /// Whether `python3` can import `standardwebhooks` and `jsonschema`; without them the tests that need them are
    /// skipped (and say so).
    public static let isAvailable: Bool = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import standardwebhooks, jsonschema"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()

    /// `ok` with status 0 when every request verifies, else one line per failing request (by index).
    public static func verify(_ requests: [Request]) async throws -> (status: Int32, output: String) {
        let items: [[String: Any]] = try requests.map { request in
            var item: [String: Any] = [
                "secret": request.secret, "headers": request.headers, "body": Data(request.body).base64EncodedString(),
            ]
            if let now = request.now { item["now"] = now }
            if let schema = request.schema {
                item["schema"] = try JSONSerialization.jsonObject(with: Data(schema.utf8))
            }
            return item
        }
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("webhooks-\(UUID().uuidString).json")
        try JSONSerialization.data(withJSONObject: items).write(to: input)
        defer { try? FileManager.default.removeItem(at: input) }
        return try await ChildProcess.run("/usr/bin/env", ["python3", script, input.path])
    }

    private static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Interop/verify_webhooks.py").path
}
