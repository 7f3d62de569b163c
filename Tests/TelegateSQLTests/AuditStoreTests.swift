import StrictJSON
import TelegateCore
import Testing

@Suite("Audit store")
struct AuditStoreTests {
    @Test("Appended events come back newest first with increasing sequence numbers, every field intact", arguments: StorageEngine.available)
    func appendAndList(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let user = UserID.generate(milliseconds: 1_790_000_000_000)
            let events = [
                AuditEvent(
                    at: Fixture.now, appID: Fixture.poll, actor: "admin:ops", action: "app.saved", target: "app:poll",
                    details: Fixture.json(#"{"bots":2,"adapters":["clerk","convex"]}"#), requestID: "req_01J9ZK3QY8N4"),
                AuditEvent(
                    at: Fixture.now + 1, appID: Fixture.poll, actor: "user:\(user)", action: "refresh.reuse_detected",
                    target: "user:\(user)", outcome: .failure,
                    details: Fixture.json(#"{"familyID":"rf_x","generation":3}"#)),
                AuditEvent(at: Fixture.now + 2, appID: nil, actor: "system", action: "keys.rotated"),
            ]
            for event in events { try await storage.audit.append(event) }

            let listed = try await storage.audit.events(appID: nil, before: nil, limit: 10)
            #expect(listed.count == 3)
            let sequences = listed.compactMap(\.sequence)
            #expect(sequences.count == 3)
            #expect(sequences == sequences.sorted(by: >))
            #expect(Set(sequences).count == 3)
            #expect(listed.map(withoutSequence) == events.reversed())
        }
    }

    @Test("events(appID:) returns only that app's events", arguments: StorageEngine.available)
    func filterByApp(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let apps: [AppID?] = [Fixture.poll, Fixture.quiz, nil, Fixture.poll, Fixture.quiz, Fixture.poll]
            for (offset, app) in apps.enumerated() {
                try await storage.audit.append(
                    AuditEvent(at: Fixture.now + Int64(offset), appID: app, actor: "system", action: "user.created", target: "n:\(offset)"))
            }
            let poll = try await storage.audit.events(appID: Fixture.poll, before: nil, limit: 100)
            #expect(poll.map(\.target) == ["n:5", "n:3", "n:0"])
            #expect(poll.allSatisfy { $0.appID == Fixture.poll })
            let quiz = try await storage.audit.events(appID: Fixture.quiz, before: nil, limit: 100)
            #expect(quiz.map(\.target) == ["n:4", "n:1"])
            #expect(try await storage.audit.events(appID: AppID(rawValue: "other")!, before: nil, limit: 100).isEmpty)
            #expect(try await storage.audit.events(appID: nil, before: nil, limit: 100).count == 6)
        }
    }

    @Test("Paging with before: and limit: walks the whole log newest first without gaps or repeats", arguments: StorageEngine.available)
    func paging(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            for index in 0..<25 {
                try await storage.audit.append(
                    AuditEvent(
                        at: Fixture.now + Int64(index), appID: index.isMultiple(of: 3) ? Fixture.quiz : Fixture.poll,
                        actor: "system", action: "exchange.succeeded", target: "n:\(index)"))
            }
            for app in [nil, Fixture.poll] as [AppID?] {
                var pages: [[AuditEvent]] = []
                var before: Int64?
                while true {
                    let page = try await storage.audit.events(appID: app, before: before, limit: 7)
                    if page.isEmpty { break }
                    #expect(page.count <= 7)
                    pages.append(page)
                    before = page.last?.sequence
                }
                let walked = pages.flatMap { $0 }
                let all = try await storage.audit.events(appID: app, before: nil, limit: 1000)
                #expect(walked == all)
                #expect(all.count == (app == nil ? 25 : 16))
                #expect(pages.dropLast().allSatisfy { $0.count == 7 })
                #expect(all.map(\.target) == (0..<25).reversed().filter { app == nil || !$0.isMultiple(of: 3) }.map { "n:\($0)" })
            }
        }
    }

    @Test("before: excludes its own sequence number, and a limit below the count cuts the newest off first", arguments: StorageEngine.available)
    func boundaries(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            #expect(try await storage.audit.events(appID: nil, before: nil, limit: 10).isEmpty)
            for index in 0..<5 {
                try await storage.audit.append(AuditEvent(at: Fixture.now, appID: Fixture.poll, actor: "system", action: "a.b", target: "n:\(index)"))
            }
            let all = try await storage.audit.events(appID: nil, before: nil, limit: 10)
            let newestTwo = try await storage.audit.events(appID: nil, before: nil, limit: 2)
            #expect(newestTwo == Array(all.prefix(2)))
            let third = try #require(all[2].sequence)
            #expect(try await storage.audit.events(appID: nil, before: third, limit: 10) == Array(all.suffix(2)))
            let oldest = try #require(all.last?.sequence)
            #expect(try await storage.audit.events(appID: nil, before: oldest, limit: 10).isEmpty)
        }
    }

    @Test("Details JSON round-trips exactly: nesting, member order, number literals, escapes and Unicode", arguments: StorageEngine.available)
    func detailsRoundTrip(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let details = Fixture.json(
                #"""
                {"z":1,"a":{"list":[1,-2.50,3e8,0.1E-3,true,false,null,[],{}],"empty":""},\#
                "name":"Ana \"Nana\" O'Neil \\ / 🧪 Zürich","lines":"one\ntwo\tthree\u2028four\u0001",\#
                "big":18446744073709551616,"kids":["a","b"]}
                """#)
            let event = AuditEvent(
                at: Fixture.now, appID: Fixture.poll, actor: "admin:ops", action: "adapter.updated", target: "adapter:clerk",
                details: details, requestID: "req_01J9ZK3QY8N4")
            try await storage.audit.append(event)
            let stored = try #require(try await storage.audit.events(appID: Fixture.poll, before: nil, limit: 1).first)
            #expect(stored.details == details)
            #expect(withoutSequence(stored) == event)
        }
    }

    private func withoutSequence(_ event: AuditEvent) -> AuditEvent {
        var copy = event
        copy.sequence = nil
        return copy
    }
}
