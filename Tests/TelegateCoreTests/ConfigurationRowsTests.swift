@testable import ProviderKit
import StrictJSON
@testable import TelegateCore
@testable import TelegateRuntime
import Testing

/// Saving an adapter: its URLs are checked against the outbound policy its own config chooses.
@Suite("Adapter rows")
struct ConfigurationRowsTests {
    /// An adapter kind with one URL, for the checks below; it is never asked to issue.
    struct ProbeAdapter: ProviderAdapter {
        static let kind = "probe"
        static var configSchema: AdapterConfigSchema {
            AdapterConfigSchema(
                [.init("endpoint", .url, required: true, description: "The provider.")] + AdapterConfigSchema.outboundFields)
        }
        init(config: AdapterConfig, context: AdapterContext) throws {}
        func issue(for subject: Subject, options: IssueOptions) async throws -> Credential { throw TelegateError.internalError() }
        func check() async -> AdapterHealth { AdapterHealth(ok: true, message: "") }
    }

    private let rows = ConfigurationRows(
        box: SecretBox(masterKey: MasterKey.generate().key), registry: AdapterRegistry([ProbeAdapter.self]), environment: [:])

    private func save(_ members: [(key: String, value: JSONValue)], onWarning: (String) -> Void = { _ in }) throws -> StoredAdapter {
        try rows.adapter(
            AdapterSpec(name: AdapterName(rawValue: "probe")!, kind: "probe", isDefault: true, config: .object(members)),
            appID: AppID(rawValue: "poll")!, existing: nil, onWarning: onWarning)
    }

    @Test("M2, K11: an internal or plain-http URL is refused with unsafe_url unless the config allows it", arguments: [
        "http://127.0.0.1:9001", "https://169.254.169.254/", "https://10.0.0.5/", "http://93.184.216.34/",
        "https://[2002:7f00:1::]/", "https://[fec0::1]/", "https://localhost/",
    ])
    func refused(_ url: String) {
        #expect { try save([("endpoint", .string(url))]) } throws: { ($0 as? TelegateError)?.code.rawValue == "unsafe_url" }
    }

    @Test("allowInsecureLoopback admits a local simulator; allowPrivateNetworks an internal https host")
    func allowed() throws {
        _ = try save([("endpoint", .string("http://127.0.0.1:9001")), ("allowInsecureLoopback", .bool(true))])
        _ = try save([("endpoint", .string("https://10.0.0.5/")), ("allowPrivateNetworks", .bool(true))])
        _ = try save([("endpoint", .string("https://93.184.216.34/"))])
        #expect(throws: TelegateError.self) {
            try save([("endpoint", .string("http://10.0.0.5/")), ("allowInsecureLoopback", .bool(true))])
        }
    }

    @Test("A URL whose host does not resolve is saved with a warning naming the field and the host")
    func unresolvableIsAWarning() throws {
        var warnings: [String] = []
        let adapter = try save([("endpoint", .string("https://nonexistent.invalid/"))], onWarning: { warnings.append($0) })
        #expect(adapter.config["endpoint"] == .string("https://nonexistent.invalid/"))
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("endpoint: nonexistent.invalid does not resolve") == true)
    }
}
