@testable import ProviderKit
@testable import TelegateCore
import Testing

/// SSRF protection for admin-configured provider URLs: every IANA special-purpose range, the tunnel and
/// translation forms that lead to them, and what each setting unlocks.
@Suite("Outbound URL policy")
struct OutboundURLPolicyTests {
    /// One address in a range, the scope the policy gives it and the range it names.
    struct RangeCase: CustomTestStringConvertible, Sendable {
        let address: String
        let scope: AddressScope
        let range: String?

        init(_ address: String, _ scope: AddressScope, _ range: String?) {
            self.address = address
            self.scope = scope
            self.range = range
        }

        var testDescription: String { "\(address) → \(range ?? "global")" }
    }

    static let ipv4Ranges: [RangeCase] = [
        RangeCase("0.1.2.3", .never, "\"this network\" 0.0.0.0/8"),
        RangeCase("10.20.30.40", .privateNetwork, "private-use 10.0.0.0/8"),
        RangeCase("100.64.0.1", .privateNetwork, "shared address space 100.64.0.0/10"),
        RangeCase("100.127.255.254", .privateNetwork, "shared address space 100.64.0.0/10"),
        RangeCase("100.100.100.200", .never, "cloud metadata 100.100.100.200/32"),
        RangeCase("127.0.0.1", .loopback, "loopback 127.0.0.0/8"),
        RangeCase("127.255.0.9", .loopback, "loopback 127.0.0.0/8"),
        RangeCase("169.254.169.254", .never, "link-local 169.254.0.0/16"),
        RangeCase("172.16.0.1", .privateNetwork, "private-use 172.16.0.0/12"),
        RangeCase("172.31.255.255", .privateNetwork, "private-use 172.16.0.0/12"),
        RangeCase("192.0.0.8", .never, "IETF protocol assignments 192.0.0.0/24"),
        RangeCase("192.0.2.10", .never, "documentation (TEST-NET-1) 192.0.2.0/24"),
        RangeCase("192.88.99.1", .never, "6to4 relay anycast 192.88.99.0/24"),
        RangeCase("192.168.1.1", .privateNetwork, "private-use 192.168.0.0/16"),
        RangeCase("198.18.0.1", .never, "benchmarking 198.18.0.0/15"),
        RangeCase("198.19.255.255", .never, "benchmarking 198.18.0.0/15"),
        RangeCase("198.51.100.7", .never, "documentation (TEST-NET-2) 198.51.100.0/24"),
        RangeCase("203.0.113.7", .never, "documentation (TEST-NET-3) 203.0.113.0/24"),
        RangeCase("224.0.0.251", .never, "multicast 224.0.0.0/4"),
        RangeCase("239.255.255.250", .never, "multicast 224.0.0.0/4"),
        RangeCase("240.0.0.1", .never, "reserved 240.0.0.0/4"),
        RangeCase("255.255.255.255", .never, "limited broadcast 255.255.255.255/32"),
        // Just outside: public.
        RangeCase("1.1.1.1", .global, nil), RangeCase("11.0.0.1", .global, nil), RangeCase("100.63.255.255", .global, nil),
        RangeCase("100.128.0.0", .global, nil), RangeCase("172.15.255.255", .global, nil), RangeCase("172.32.0.0", .global, nil),
        RangeCase("192.0.1.255", .global, nil), RangeCase("198.17.255.255", .global, nil), RangeCase("198.20.0.0", .global, nil),
        RangeCase("223.255.255.255", .global, nil), RangeCase("93.184.216.34", .global, nil),
    ]

    static let ipv6Ranges: [RangeCase] = [
        RangeCase("::", .never, "unspecified ::/128"),
        RangeCase("::1", .loopback, "loopback ::1/128"),
        RangeCase("::ffff:127.0.0.1", .loopback, "IPv4-mapped loopback 127.0.0.0/8"),
        RangeCase("::ffff:169.254.169.254", .never, "IPv4-mapped link-local 169.254.0.0/16"),
        RangeCase("::ffff:10.0.0.1", .privateNetwork, "IPv4-mapped private-use 10.0.0.0/8"),
        RangeCase("::ffff:93.184.216.34", .global, nil),
        RangeCase("::127.0.0.1", .never, "IPv4-compatible (deprecated) ::/96"),
        RangeCase("::93.184.216.34", .never, "IPv4-compatible (deprecated) ::/96"),
        RangeCase("64:ff9b::7f00:1", .never, "NAT64 64:ff9b::/96 of 127.0.0.1, loopback 127.0.0.0/8"),
        RangeCase("64:ff9b::169.254.169.254", .never, "NAT64 64:ff9b::/96 of 169.254.169.254, link-local"),
        RangeCase("64:ff9b::a00:1", .never, "NAT64 64:ff9b::/96 of 10.0.0.1, private-use"),
        RangeCase("64:ff9b::5db8:d822", .global, nil),
        RangeCase("64:ff9b:1::7f00:1", .never, "local-use NAT64 64:ff9b:1::/48 of "),
        RangeCase("64:ff9b:1:5db8:d8:2200:5db8:d822", .privateNetwork, "local-use NAT64 64:ff9b:1::/48"),
        RangeCase("100::1", .never, "discard-only 100::/64"),
        RangeCase("100:0:0:1::1", .never, "dummy prefix 100:0:0:1::/64"),
        RangeCase("2001::1", .never, "Teredo 2001::/32"),
        RangeCase("2001:0:4136:e378:8000:63bf:80ff:fffe", .never, "Teredo 2001::/32 (server 65.54.227.120, client 127.0.0.1)"),
        RangeCase("2001:2::1", .never, "IETF protocol assignments 2001::/23"),
        RangeCase("2001:1ff::1", .never, "IETF protocol assignments 2001::/23"),
        RangeCase("2001:db8::1", .never, "documentation 2001:db8::/32"),
        RangeCase("2002:7f00:1::", .never, "6to4 2002::/16 of 127.0.0.1, loopback 127.0.0.0/8"),
        RangeCase("2002:a9fe:a9fe::1", .never, "6to4 2002::/16 of 169.254.169.254"),
        RangeCase("2002:c0a8:101::1", .never, "6to4 2002::/16 of 192.168.1.1, private-use"),
        RangeCase("2002:5db8:d822::1", .global, nil),
        RangeCase("3fff::1", .never, "documentation 3fff::/20"),
        RangeCase("5f00::1", .never, "segment routing (SRv6) SIDs 5f00::/16"),
        RangeCase("fc00::1", .privateNetwork, "unique local fc00::/7"),
        RangeCase("fd12:3456::1", .privateNetwork, "unique local fc00::/7"),
        RangeCase("fd00:ec2::254", .never, "cloud metadata fd00:ec2::254/128"),
        RangeCase("fe80::1", .never, "link-local fe80::/10"),
        RangeCase("febf::1", .never, "link-local fe80::/10"),
        RangeCase("fec0::1", .privateNetwork, "site-local (deprecated) fec0::/10"),
        RangeCase("feff::1", .privateNetwork, "site-local (deprecated) fec0::/10"),
        RangeCase("ff02::1", .never, "multicast ff00::/8"),
        RangeCase("4000::1", .never, "reserved (outside global unicast 2000::/3)"),
        RangeCase("8000::1", .never, "reserved (outside global unicast 2000::/3)"),
        // Just outside: public.
        RangeCase("2001:200::1", .global, nil), RangeCase("2606:2800:220:1:248:1893:25c8:1946", .global, nil),
        RangeCase("2001:4860:4860::8888", .global, nil), RangeCase("3ffe::1", .global, nil),
    ]

    @Test("M2: each IANA special-purpose IPv4 range has its scope", arguments: ipv4Ranges)
    func ipv4(_ range: RangeCase) throws {
        try check(range)
    }

    @Test("M2: each IANA special-purpose IPv6 range, and the tunnel and translation forms of IPv4, has its scope", arguments: ipv6Ranges)
    func ipv6(_ range: RangeCase) throws {
        try check(range)
    }

    private func check(_ range: RangeCase) throws {
        let address = try #require(IPAddress(literal: range.address))
        let found = SpecialPurposeAddresses.classify(address)
        #expect(found.scope == range.scope)
        if let expected = range.range {
            #expect(found.range?.hasPrefix(expected) == true, "\(found.range ?? "nil")")
        } else {
            #expect(found.range == nil)
        }
    }

    @Test("M2: internal, reserved and non-http targets in any spelling are refused by default", arguments: [
        "http://169.254.169.254/latest/meta-data", "https://169.254.169.254/", "http://127.0.0.1:9001", "https://127.0.0.1",
        "https://[::1]/", "https://[::ffff:127.0.0.1]/", "https://[::ffff:169.254.169.254]/", "https://2130706433/",
        "https://0x7f000001/", "https://10.0.0.5/api", "https://192.168.1.1", "https://172.16.0.1", "https://100.64.0.1",
        "https://0.0.0.0", "https://[fd00::1]", "https://[fe80::1]", "file:///etc/passwd", "gopher://127.0.0.1/",
        "ftp://example.com", "http://93.184.216.34/", "https://user@127.0.0.1/", "https://localhost/",
        "https://017700000001/", "https://0177.0.0.1/", "https://169.254.43518/", "https://[::ffff:a9fe:a9fe]/",
        "https://[::127.0.0.1]/", "https://[::a9fe:a9fe]/", "https://[64:ff9b::169.254.169.254]/", "https://[64:ff9b::a00:1]/",
        "https://[2002:7f00:1::]/", "https://[2002:a9fe:a9fe::]/", "https://[fec0::1]/", "https://[2001::1]/",
        "https://[2001:0:4136:e378:8000:63bf:80ff:fffe]/", "https://[64:ff9b:1::7f00:1]/", "https://[ff02::1]/",
        "https://[2001:db8::1]/", "https://192.0.2.1/", "https://198.18.0.1/", "https://224.0.0.1/", "https://240.0.0.1/",
        "https://255.255.255.255/", "https://100.100.100.200/", "https://[fd00:ec2::254]/", "https://[100::1]/",
        "https://a.example\\@127.0.0.1/", "https:///nohost", "not a url",
    ])
    func refused(_ url: String) {
        guard case .refused = OutboundURLPolicy().evaluate(url) else {
            Issue.record("\(url) was not refused")
            return
        }
    }

    @Test("Public https addresses are allowed, in their own spelling and through 6to4 or NAT64", arguments: [
        "https://93.184.216.34/v1/users", "https://[2606:2800:220:1:248:1893:25c8:1946]/", "https://[2002:5db8:d822::1]/",
        "https://[64:ff9b::5db8:d822]/", "https://[::ffff:93.184.216.34]/",
    ])
    func publicAllowed(_ url: String) {
        guard case .allowed = OutboundURLPolicy().evaluate(url) else {
            Issue.record("\(url) was not allowed")
            return
        }
    }

    @Test("allowPrivateNetworks unlocks private networks and loopback over https, nothing else", arguments: [
        ("https://10.0.0.5/", true), ("https://172.20.1.1/", true), ("https://192.168.0.10/", true), ("https://100.64.1.1/", true),
        ("https://127.0.0.1/", true), ("https://[::1]/", true), ("https://[fd12::1]/", true), ("https://[fec0::1]/", true),
        ("https://[::ffff:10.0.0.5]/", true), ("https://[64:ff9b:1:5db8:d8:2200:5db8:d822]/", true),
        ("http://10.0.0.5/", false), ("https://169.254.169.254/", false), ("https://[fe80::1]/", false),
        ("https://192.0.2.1/", false), ("https://[2001:db8::1]/", false), ("https://224.0.0.1/", false),
        ("https://240.0.0.1/", false), ("https://[2002:a00:5::]/", false), ("https://[64:ff9b::a00:5]/", false),
        ("https://[2001::1]/", false), ("https://100.100.100.200/", false), ("https://[fd00:ec2::254]/", false),
        ("https://0.0.0.0/", false),
    ])
    func privateNetworks(_ url: String, _ allowed: Bool) {
        let destination = OutboundURLPolicy(allowPrivateNetworks: true).evaluate(url)
        if case .allowed = destination { #expect(allowed, "\(url) was allowed") } else { #expect(!allowed, "\(url): \(destination)") }
    }

    @Test("allowInsecureLoopback unlocks loopback only, over http too")
    func insecureLoopback() {
        let loopback = OutboundURLPolicy(allowInsecureLoopback: true)
        for url in ["http://127.0.0.1:9001/v1", "http://[::1]:9001/", "https://127.0.0.1/", "http://localhost:9001/"] {
            guard case .allowed = loopback.evaluate(url) else {
                Issue.record("\(url) was not allowed")
                continue
            }
        }
        for url in ["http://10.0.0.5/", "http://169.254.169.254/", "https://10.0.0.5/", "http://93.184.216.34/"] {
            guard case .refused = loopback.evaluate(url) else {
                Issue.record("\(url) was not refused")
                continue
            }
        }
    }

    @Test("A host that does not resolve is its own outcome, distinct from one that resolves to an internal address")
    func typedOutcomes() {
        #expect(OutboundURLPolicy().evaluate("https://nonexistent.invalid/v1") == .unresolvable(host: "nonexistent.invalid"))
        guard case .refused(let reason) = OutboundURLPolicy().evaluate("https://localhost/") else {
            Issue.record("localhost was not refused")
            return
        }
        #expect(reason.contains("localhost resolves to"))
        #expect(reason.contains("loopback"))
        #expect(OutboundURLPolicy.refused(reason).code == .unsafeURL)
        #expect(OutboundURLPolicy.refused(reason).status == 422)
    }

    @Test("An answer mixing a public and an internal address is refused whole")
    func mixedAnswer() throws {
        let target = try #require(OutboundTarget("https://mixed.example/"))
        let answer = [IPAddress(literal: "93.184.216.34")!, IPAddress(literal: "10.0.0.1")!]
        guard case .refused(let reason) = OutboundURLPolicy().evaluate(target, addresses: answer) else {
            Issue.record("a mixed answer was allowed")
            return
        }
        #expect(reason.contains("10.0.0.1"))
    }

    @Test("Addresses print in their canonical form, which reads back to the same bytes", arguments: [
        ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"), ("::ffff:127.0.0.1", "::ffff:7f00:1"), ("0:0:0:0:0:0:0:1", "::1"),
        ("fe80:0:0:0:0:0:0:0", "fe80::"), ("2001:db8:1:1:1:1:1:1", "2001:db8:1:1:1:1:1:1"), ("10.0.0.1", "10.0.0.1"),
        ("2001:0:0:1:0:0:0:1", "2001:0:0:1::1"),
    ])
    func canonicalText(_ text: String, _ canonical: String) throws {
        let address = try #require(IPAddress(literal: text))
        #expect(address.description == canonical)
        #expect(IPAddress(literal: address.description) == address)
    }
}
