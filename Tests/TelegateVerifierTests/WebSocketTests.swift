import Foundation
import HummingbirdWSClient
import Logging
import NIOWebSocket
import Synchronization
import TelegateVerifier
import TelegateVerifierHummingbird
import TelegateTesting
import Testing

/// TelegateWebSocketAuthenticator with hummingbird-websocket's client: first-message authentication, identities
/// swapped in place, expiry and refusals, with tokens from a running Telegate and the test's clock.
@Suite("TelegateVerifier WebSocket authenticator")
struct WebSocketTests {
    private static let quiet = Logger(label: "test.ws") { _ in SwiftLogNoOpLogHandler() }

    /// Runs a backend whose WebSocket authenticator verifies `poll`'s access tokens with a first-message `deadline`
    /// and a `maxMessageSize`, its server taking frames of up to `maxFrameSize` bytes, and calls `body` with its URL.
    private static func backend(
        _ rig: VerifierRig, name: String, deadline: Duration = .seconds(10), maxMessageSize: Int = 1 << 20,
        maxFrameSize: Int = 1 << 14, _ body: (String) async throws -> Void
    ) async throws {
        let verifier = rig.verifier(audience: rig.pollResource)
        let authenticator = TelegateWebSocketAuthenticator(verifier: verifier, deadline: deadline, maxMessageSize: maxMessageSize)
        try await BackendApp.serving(verifier: verifier, authenticator: authenticator, name: name, maxFrameSize: maxFrameSize) { port in
            try await body("ws://127.0.0.1:\(port)/live")
        }
    }

    private static func auth(_ token: String) -> String {
        "{\"type\":\"auth\",\"token\":\"\(token)\"}"
    }

    /// An `auth` message carrying `token`, padded with a member of its own to `size` bytes.
    private static func auth(_ token: String, size: Int) -> String {
        let bare = "{\"type\":\"auth\",\"token\":\"\(token)\",\"pad\":\"\"}"
        return "{\"type\":\"auth\",\"token\":\"\(token)\",\"pad\":\"\(String(repeating: "x", count: size - bare.utf8.count))\"}"
    }

    /// The first message's size limit of `TelegateWebSocketAuthenticator` by default.
    private static let firstMessageLimit = 16 * 1024

    /// Connects (with the client's `configuration`), sends `messages`, and returns the close code the server ended with.
    /// A reply means the server took the messages: the client then closes normally, and the code is 1000.
    private static func closeCode(
        _ url: String, configuration: WebSocketClientConfiguration = .init(), sending messages: [String]
    ) async throws -> UInt16? {
        let frame = try await WebSocketClient.connect(url: url, configuration: configuration, logger: quiet) { inbound, outbound, _ in
            for message in messages { try await outbound.writeTextMessage(message) }
            for try await _ in inbound.messages(maxSize: 1 << 20) { try await outbound.close(.normalClosure, reason: nil) }
        }
        return frame.map { UInt16(webSocketErrorCode: $0.closeCode) }
    }

    /// Opens one socket to `url` and sends each of `tokens` as an `auth` message followed by `whoami`: the answers in
    /// order, and the close code the server ended with (1000 when the client closed after the last answer).
    private static func whoami(_ url: String, swapping tokens: [String]) async throws -> (answers: [String], closeCode: UInt16?) {
        let answers = Mutex<[String]>([])
        let frame = try await WebSocketClient.connect(url: url, logger: quiet) { inbound, outbound, _ in
            var replies = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
            for token in tokens {
                try await outbound.writeTextMessage(Self.auth(token))
                try await outbound.writeTextMessage("whoami")
                if case .text(let answer) = try await replies.next() { answers.withLock { $0.append(answer) } }
            }
            try await outbound.close(.normalClosure, reason: nil)
        }
        return (answers.withLock { $0 }, frame.map { UInt16(webSocketErrorCode: $0.closeCode) })
    }

    @Test("The first message authenticates; three auth messages swap the identity on the same connection")
    func swaps() async throws {
        try await VerifierRig.run { rig in
            var exchanged: [String] = []
            for _ in 0..<4 { exchanged.append(try await rig.exchange().accessToken) }
            let tokens = exchanged
            let ids = try tokens.map { try #require(unverifiedPart($0)["jti"]?.stringValue) }
            try await Self.backend(rig, name: "swaps") { url in
                let (answers, closeCode) = try await Self.whoami(url, swapping: tokens)
                #expect(answers == ids)
                #expect(closeCode != 4401)
            }
            #expect(BackendApp.connections.withLock { $0["swaps"] } == 1)
        }
    }

    @Test("The identity's expiry closes with 4401 at exp plus the leeway; so does a forged token or a first message that is not auth")
    func expiry() async throws {
        try await VerifierRig.run { rig in
            let (idToken, accessToken) = try await rig.exchange()
            let expiresIn = try #require(unverifiedPart(accessToken)["exp"]?.integerValue) - rig.clock.telegate.now
            try await Self.backend(rig, name: "expiry") { url in
                let frame = try await WebSocketClient.connect(url: url, logger: Self.quiet) { inbound, outbound, _ in
                    var replies = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                    try await outbound.writeTextMessage(Self.auth(accessToken))
                    try await outbound.writeTextMessage("whoami")
                    #expect(try await replies.next() != nil)
                    try await waitUntil("the first-message deadline and the expiry timer sleep") { rig.clock.sleeping == 2 }
                    // At exp the verifier still accepts the token (leeway): the expiry timer keeps sleeping.
                    rig.clock.advance(expiresIn)
                    #expect(rig.clock.sleeping == 1, "the expiry timer waits for exp plus the leeway")
                    try await outbound.writeTextMessage("whoami")
                    #expect(try await replies.next() != nil)
                    rig.clock.advance(VerifierRig.leeway)
                    while try await replies.next() != nil {}
                }
                #expect(frame.map { UInt16(webSocketErrorCode: $0.closeCode) } == 4401)
                #expect(try await Self.closeCode(url, sending: ["hello"]) == 4401)
                #expect(try await Self.closeCode(url, sending: [Self.auth("not-a-token")]) == 4401)
                #expect(try await Self.closeCode(url, sending: ["{\"type\":\"auth\"}"]) == 4401)
                // An ID token is not an access token.
                #expect(try await Self.closeCode(url, sending: [Self.auth(idToken)]) == 4401)
            }
        }
    }

    @Test("A token expired beyond the leeway is refused by the verifier with 4401: the handler never runs")
    func expiredBeyondLeeway() async throws {
        try await VerifierRig.run { rig in
            let (_, accessToken) = try await rig.exchange()
            let expiry = try #require(unverifiedPart(accessToken)["exp"]?.integerValue)
            try await Self.backend(rig, name: "stale") { url async throws in
                rig.clock.advance(expiry + VerifierRig.leeway - rig.clock.telegate.now)
                #expect(try await Self.closeCode(url, sending: [Self.auth(accessToken), "whoami"]) == 4401)
            }
            #expect(BackendApp.connections.withLock { $0["stale"] } == nil)
        }
    }

    @Test("A swapped-in token moves the expiry: the first token's exp plus leeway passes without a close, the new one's closes with 4401")
    func swapMovesExpiry() async throws {
        try await VerifierRig.run { rig in
            let (_, first) = try await rig.exchange()
            rig.clock.advance(300)
            let (_, second) = try await rig.exchange()
            let firstExpiry = try #require(unverifiedPart(first)["exp"]?.integerValue)
            let secondExpiry = try #require(unverifiedPart(second)["exp"]?.integerValue)
            let secondID = try #require(unverifiedPart(second)["jti"]?.stringValue)
            try await Self.backend(rig, name: "moves") { url in
                let frame = try await WebSocketClient.connect(url: url, logger: Self.quiet) { inbound, outbound, _ in
                    var replies = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                    try await outbound.writeTextMessage(Self.auth(first))
                    try await outbound.writeTextMessage(Self.auth(second))
                    try await outbound.writeTextMessage("whoami")
                    #expect(try await replies.next() == .text(secondID))
                    rig.clock.advance(firstExpiry + VerifierRig.leeway - rig.clock.telegate.now)
                    // The expiry timer woke at the first token's end and went back to sleep until the second's.
                    try await waitUntil("the expiry timer sleeps again") { rig.clock.sleeping == 1 }
                    try await outbound.writeTextMessage("whoami")
                    #expect(try await replies.next() == .text(secondID))
                    rig.clock.advance(secondExpiry + VerifierRig.leeway - rig.clock.telegate.now)
                    while try await replies.next() != nil {}
                }
                #expect(frame.map { UInt16(webSocketErrorCode: $0.closeCode) } == 4401)
            }
            #expect(BackendApp.connections.withLock { $0["moves"] } == 1)
        }
    }

    @Test("A later auth message with another user's token closes with 1008 and the app sees only the first user; the same user's newer token still swaps")
    func anotherUser() async throws {
        try await VerifierRig.run { rig in
            let (_, first) = try await rig.exchange()
            let (_, refreshed) = try await rig.exchange()
            let (_, other) = try await rig.exchange(user: VerifierRig.otherUser)
            let ids = try [first, refreshed].map { try #require(unverifiedPart($0)["jti"]?.stringValue) }
            let subjects = try [first, refreshed, other].map { try #require(unverifiedPart($0)["sub"]?.stringValue) }
            #expect(subjects[0] == subjects[1] && subjects[0] != subjects[2])
            try await Self.backend(rig, name: "another") { url in
                let frame = try await WebSocketClient.connect(url: url, logger: Self.quiet) { inbound, outbound, _ in
                    var replies = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                    var answers: [String] = []
                    for token in [first, refreshed] {
                        try await outbound.writeTextMessage(Self.auth(token))
                        try await outbound.writeTextMessage("whoami")
                        if case .text(let answer) = try await replies.next() { answers.append(answer) }
                    }
                    try await outbound.writeTextMessage(Self.auth(other))
                    try await outbound.writeTextMessage("whoami")
                    if case .text(let answer) = try await replies.next() {
                        // The server took the other user's token: the client ends the connection.
                        answers.append(answer)
                        try await outbound.close(.normalClosure, reason: nil)
                    }
                    while try await replies.next() != nil {}
                    #expect(answers == ids, "the message after the other user's token is not the app's")
                }
                #expect(frame.map { UInt16(webSocketErrorCode: $0.closeCode) } == 1008)
            }
            #expect(BackendApp.connections.withLock { $0["another"] } == 1)
        }
    }

    @Test("Ten auth messages within a minute are taken; an eleventh closes with 1008 unverified; a minute later more are taken")
    func authMessageRate() async throws {
        try await VerifierRig.run { rig in
            let (_, token) = try await rig.exchange()
            let id = try #require(unverifiedPart(token)["jti"]?.stringValue)
            try await Self.backend(rig, name: "rate") { url in
                let (answers, closeCode) = try await Self.whoami(url, swapping: Array(repeating: token, count: 10))
                #expect(answers == Array(repeating: id, count: 10))
                #expect(closeCode == 1000)
                #expect(try await Self.closeCode(url, sending: Array(repeating: Self.auth(token), count: 11) + ["whoami"]) == 1008)

                let frame = try await WebSocketClient.connect(url: url, logger: Self.quiet) { inbound, outbound, _ in
                    var replies = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                    var answered = 0
                    for index in 0..<11 {
                        if index == 10 { rig.clock.advance(60) }
                        try await outbound.writeTextMessage(Self.auth(token))
                        try await outbound.writeTextMessage("whoami")
                        if case .text(let answer) = try await replies.next(), answer == id { answered += 1 }
                    }
                    #expect(answered == 11)
                    try await outbound.close(.normalClosure, reason: nil)
                }
                #expect(frame.map { UInt16(webSocketErrorCode: $0.closeCode) } == 1000)
            }
            #expect(BackendApp.connections.withLock { $0["rate"] } == 3)
        }
    }

    @Test("Two users swap tokens on their own sockets at once: each socket keeps its own user, every answer is its own token's")
    func twoUsers() async throws {
        try await VerifierRig.run { rig in
            var exchanged: [[String]] = [[], []]
            for (index, user) in [VerifierRig.user, VerifierRig.otherUser].enumerated() {
                for _ in 0..<3 { exchanged[index].append(try await rig.exchange(user: user).accessToken) }
            }
            let tokens = exchanged
            let ids = try tokens.map { try $0.map { try #require(unverifiedPart($0)["jti"]?.stringValue) } }
            try await Self.backend(rig, name: "two") { url in
                async let first = Self.whoami(url, swapping: tokens[0])
                async let second = Self.whoami(url, swapping: tokens[1])
                let (firstAnswers, secondAnswers) = try await (first.answers, second.answers)
                #expect(firstAnswers == ids[0])
                #expect(secondAnswers == ids[1])
            }
            #expect(BackendApp.connections.withLock { $0["two"] } == 2)
        }
    }

    @Test("A first message over 16 KiB closes with 1009 unparsed, in frames or in one; one of 16 KiB is judged: not auth closes with 4401, auth is accepted")
    func firstMessageSize() async throws {
        try await VerifierRig.run { rig in
            let (_, token) = try await rig.exchange()
            let tokenID = try #require(unverifiedPart(token)["jti"]?.stringValue)
            let limit = Self.firstMessageLimit
            try await Self.backend(rig, name: "large") { url in
                // The client splits a message into frames of 16 KiB: the second one takes it past the limit.
                #expect(try await Self.closeCode(url, sending: [Self.auth(token, size: limit + 1), "whoami"]) == 1009)
                #expect(try await Self.closeCode(url, sending: [String(repeating: "x", count: limit)]) == 4401)
                let answer = try await WebSocketClient.connect(url: url, logger: Self.quiet) { inbound, outbound, _ in
                    var replies = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                    try await outbound.writeTextMessage(Self.auth(token, size: limit))
                    try await outbound.writeTextMessage("whoami")
                    #expect(try await replies.next() == .text(tokenID))
                    try await outbound.close(.normalClosure, reason: nil)
                }
                #expect(answer.map { UInt16(webSocketErrorCode: $0.closeCode) } == 1000)
            }
            #expect(BackendApp.connections.withLock { $0["large"] } == 1)
            // A server taking larger frames receives the message in one frame; it is still refused.
            try await Self.backend(rig, name: "large-frames", maxFrameSize: 1 << 16) { url async throws in
                let client = WebSocketClientConfiguration(maxFrameSize: 1 << 16)
                #expect(
                    try await Self.closeCode(url, configuration: client, sending: [Self.auth(token, size: limit + 1), "whoami"]) == 1009)
            }
            #expect(BackendApp.connections.withLock { $0["large-frames"] } == nil)
        }
    }

    @Test("After authentication a message over maxMessageSize closes with 1009, not a normal closure")
    func messageSizeAfterAuthentication() async throws {
        try await VerifierRig.run { rig in
            let (_, token) = try await rig.exchange()
            try await Self.backend(rig, name: "later", maxMessageSize: 1 << 16) { url in
                let frame = try await WebSocketClient.connect(url: url, logger: Self.quiet) { inbound, outbound, _ in
                    var replies = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                    try await outbound.writeTextMessage(Self.auth(token))
                    try await outbound.writeTextMessage("whoami")
                    #expect(try await replies.next() != nil)
                    // Past the first message's limit, within maxMessageSize: the app's.
                    try await outbound.writeTextMessage(String(repeating: "x", count: Self.firstMessageLimit + 1))
                    try await outbound.writeTextMessage("whoami")
                    #expect(try await replies.next() != nil)
                    try await outbound.writeTextMessage(String(repeating: "x", count: (1 << 16) + 1))
                    while try await replies.next() != nil {}
                }
                #expect(frame.map { UInt16(webSocketErrorCode: $0.closeCode) } == 1009)
            }
            #expect(BackendApp.connections.withLock { $0["later"] } == 1)
        }
    }

    @Test("A token of another app or audience is refused with 4403, at first and when swapping")
    func otherApp() async throws {
        try await VerifierRig.run { rig in
            let (_, quiz) = try await rig.exchange(app: "quiz")
            let (_, supabase) = try await rig.exchange(provider: "supabase")
            let (_, poll) = try await rig.exchange()
            try await Self.backend(rig, name: "other") { url async throws in
                #expect(try await Self.closeCode(url, sending: [Self.auth(quiz)]) == 4403)
                #expect(try await Self.closeCode(url, sending: [Self.auth(supabase)]) == 4403)
                #expect(try await Self.closeCode(url, sending: [Self.auth(poll), Self.auth(quiz)]) == 4403)
            }
        }
    }

    @Test("No first message within the deadline closes with 4408")
    func deadline() async throws {
        try await VerifierRig.run { rig in
            try await Self.backend(rig, name: "deadline") { url in
                let frame = try await WebSocketClient.connect(url: url, logger: Self.quiet) { inbound, _, _ in
                    try await waitUntil("the server waits for the first message") { rig.clock.sleeping > 0 }
                    rig.clock.advance(10)
                    for try await _ in inbound.messages(maxSize: 1 << 20) {}
                }
                #expect(frame.map { UInt16(webSocketErrorCode: $0.closeCode) } == 4408)
            }
        }
    }

    @Test("A deadline's fraction of a second counts: 1.5 s has not passed after 1 s")
    func subSecondDeadline() async throws {
        try await VerifierRig.run { rig in
            try await Self.backend(rig, name: "fraction", deadline: .milliseconds(1500)) { url in
                let frame = try await WebSocketClient.connect(url: url, logger: Self.quiet) { inbound, _, _ in
                    try await waitUntil("the server waits for the first message") { rig.clock.sleeping > 0 }
                    rig.clock.advance(1)
                    #expect(rig.clock.sleeping == 1, "the deadline is still ahead after 1 s")
                    rig.clock.advance(1)
                    for try await _ in inbound.messages(maxSize: 1 << 20) {}
                }
                #expect(frame.map { UInt16(webSocketErrorCode: $0.closeCode) } == 4408)
            }
        }
    }
}
