@testable import TelegateApp
import TelegateCore
import TestSupport
import Testing

/// Where `serve` listens: flag over environment over file, and an address that cannot be listened on is named
/// before anything starts.
@Suite("Listen address")
struct ListenAddressTests {
    static let file = TelegateConfiguration.Server(host: "0.0.0.0", port: 9000)

    @Test("--host and --port win over TELEGATE_HOST and TELEGATE_PORT, which win over the file")
    func precedence() throws {
        let environment = ["TELEGATE_HOST": "127.0.0.2", "TELEGATE_PORT": "9100"]
        #expect(try ListenAddress(host: nil, port: nil, environment: [:], file: Self.file) == .init(host: "0.0.0.0", port: 9000))
        #expect(
            try ListenAddress(host: nil, port: nil, environment: environment, file: Self.file)
                == .init(host: "127.0.0.2", port: 9100))
        #expect(
            try ListenAddress(host: "::1", port: 9200, environment: environment, file: Self.file)
                == .init(host: "::1", port: 9200))
        #expect(
            try ListenAddress(host: nil, port: 9200, environment: environment, file: Self.file)
                == .init(host: "127.0.0.2", port: 9200))
        #expect(ListenAddress(host: "::1", port: 9200).description == "[::1]:9200")
    }

    @Test("A port out of range, from the flag or the environment, is refused")
    func invalidPort() {
        #expect(throws: ConfigurationError.self) {
            try ListenAddress(host: nil, port: 70000, environment: [:], file: Self.file)
        }
        for value in ["http", "0", "65536", "80a"] {
            #expect(throws: ConfigurationError.self, "\(value)") {
                try ListenAddress(host: nil, port: nil, environment: ["TELEGATE_PORT": value], file: Self.file)
            }
        }
    }

    @Test("Unless configured, the public URL follows the address the server listens on")
    func publicURLFollows() {
        var derived = TelegateConfiguration.Server()
        derived.port = 8181
        #expect(derived.publicURL == "http://127.0.0.1:8181")
        var configured = TelegateConfiguration.Server(publicURL: "https://auth.example.com")
        configured.port = 8181
        #expect(configured.publicURL == "https://auth.example.com")
    }

    @Test("A port another server listens on is named with the fix, before anything starts")
    func portInUse() async throws {
        try await TestService.run(live: true) { service in
            let port = Int(service.baseURL.split(separator: ":").last ?? "") ?? 0
            let error = #expect(throws: TelegateError.self) { try ListenAddress(host: "127.0.0.1", port: port).checkAvailable() }
            #expect(error?.code.rawValue == "address_in_use")
            #expect(error?.message == "127.0.0.1:\(port) is already in use; stop the other process or pass --port \(port + 1)")
        }
    }

    @Test("A free port passes the check; a host that is not local is named with the fix")
    func freeAndForeign() {
        #expect(throws: Never.self) { try ListenAddress(host: "127.0.0.1", port: FreePort.next()).checkAvailable() }
        let error = #expect(throws: TelegateError.self) { try ListenAddress(host: "192.0.2.7", port: FreePort.next()).checkAvailable() }
        #expect(error?.code.rawValue == "address_unavailable")
        #expect(error?.message.hasPrefix("192.0.2.7 is not an address of this machine; pass --host 127.0.0.1") == true)
    }
}
