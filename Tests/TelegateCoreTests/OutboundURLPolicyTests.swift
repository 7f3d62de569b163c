import Testing

@testable import TelegateCore

/// SSRF protection for admin-configured provider URLs.
@Suite("Outbound URL policy")
struct OutboundURLPolicyTests {
    @Test("M2: internal, link-local, loopback and non-http targets are refused by default", arguments: [
        "http://169.254.169.254/latest/meta-data", "https://169.254.169.254/", "http://127.0.0.1:9001", "https://127.0.0.1",
        "https://[::1]/", "https://[::ffff:127.0.0.1]/", "https://[::ffff:169.254.169.254]/", "https://2130706433/",
        "https://0x7f000001/", "https://10.0.0.5/api", "https://192.168.1.1", "https://172.16.0.1", "https://100.64.0.1",
        "https://0.0.0.0", "https://[fd00::1]", "https://[fe80::1]", "file:///etc/passwd", "gopher://127.0.0.1/",
        "ftp://example.com", "http://93.184.216.34/", "https://user@127.0.0.1/", "https://localhost/",
        "https://017700000001/", "https://0177.0.0.1/", "https://169.254.43518/", "https://[::ffff:a9fe:a9fe]/",
        "https://[::127.0.0.1]/", "https://[::a9fe:a9fe]/", "https://[64:ff9b::169.254.169.254]/", "https://[64:ff9b::a00:1]/",
    ])
    func refused(_ url: String) {
        #expect(throws: TelegateError.self) { try OutboundURLPolicy().check(url) }
    }

    @Test("Public https addresses are allowed")
    func publicAllowed() throws {
        try OutboundURLPolicy().check("https://93.184.216.34/v1/users")
        try OutboundURLPolicy().check("https://[2606:2800:220:1:248:1893:25c8:1946]/")
    }

    @Test("Plain http only to loopback with allowInsecureLoopback; private ranges only with allowPrivateNetworks")
    func flags() throws {
        let loopback = OutboundURLPolicy(allowInsecureLoopback: true)
        try loopback.check("http://127.0.0.1:9001/v1")
        try loopback.check("http://[::1]:9001/")
        #expect(throws: TelegateError.self) { try loopback.check("http://10.0.0.5/") }
        #expect(throws: TelegateError.self) { try loopback.check("http://169.254.169.254/") }
        let privateNetworks = OutboundURLPolicy(allowPrivateNetworks: true)
        try privateNetworks.check("https://10.0.0.5/")
        #expect(throws: TelegateError.self) { try privateNetworks.check("http://10.0.0.5/") }
    }
}
