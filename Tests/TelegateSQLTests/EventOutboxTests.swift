import Foundation
import StrictJSON
import TelegateCore
import Testing

@testable import TelegatePostgres
@testable import TelegateSQL
@testable import TelegateSQLite

/// Every change that emits an event appends it, and its deliveries, in the change's own transaction: exactly the
/// expected rows, none when the change did not happen or nobody subscribes, and per-user order by sequence number.
@Suite("Event outbox")
struct EventOutboxTests {
    /// An endpoint of `Fixture.poll` receiving `events`.
    static func webhook(_ events: [EventType], url: String = "https://site.example/hooks/telegate") -> StoredWebhook {
        StoredWebhook(
            id: .generate(milliseconds: UInt64(Fixture.now) * 1000), url: url, events: events.sorted(),
            description: "site", secret: SealedWebhookSecret(reference: "env:POLL_WEBHOOK_SECRET", sealed: Fixture.sealed(), fingerprint: "fp"))
    }

    /// Saves `Fixture.poll` with `webhooks`.
    static func saveApp(_ storage: any TelegateStorage, webhooks: [StoredWebhook]) async throws {
        var app = Fixture.app()
        app.webhooks = webhooks
        try await storage.configuration.save(app)
    }

    static func events(_ storage: any TelegateStorage) async throws -> [OutboxEvent] {
        try await storage.events.events(appID: Fixture.poll, after: nil, limit: 1000)
    }

    static func deliveries(_ storage: any TelegateStorage, _ webhook: StoredWebhook) async throws -> [WebhookDelivery] {
        try await storage.webhookDeliveries.deliveries(webhook: webhook.id, status: nil, before: nil, limit: 1000).reversed()
    }

    @Test("A first login appends user.created with the profile and one pending delivery; the repeat appends nothing",
          arguments: StorageEngine.available)
    func userCreated(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let hook = Self.webhook([.userCreated, .userUpdated])
            try await Self.saveApp(storage, webhooks: [hook])
            let user = try await storage.users.insertIfAbsent(Fixture.user()).user
            _ = try await storage.users.insertIfAbsent(Fixture.user())

            let events = try await Self.events(storage)
            try #require(events.count == 1)
            let event = events[0]
            #expect(event.type == .userCreated)
            #expect(event.userID == user.id)
            #expect(event.occurredAt == user.createdAt)
            #expect(event.id.rawValue.hasPrefix("evt_"))
            #expect(event.data["app"]?.stringValue == "poll")
            #expect(event.data["user"]?.stringValue == user.id.rawValue)
            #expect(event.data["telegramId"]?.integerValue == user.telegramID)
            #expect(event.data["username"]?.stringValue == "vdkfrost")
            #expect(event.data["allowsWriteToPm"] == .bool(false))
            #expect(event.body["type"]?.stringValue == "user.created")
            #expect(event.body["timestamp"]?.stringValue == "2026-09-21T14:13:20Z")

            let deliveries = try await Self.deliveries(storage, hook)
            #expect(deliveries.count == 1)
            #expect(deliveries.first?.eventID == event.id)
            #expect(deliveries.first?.eventSeq == event.seq)
            #expect(deliveries.first?.status == .pending)
            #expect(deliveries.first?.attempts == 0)
            #expect(deliveries.first?.userID == user.id)
            #expect(deliveries.first?.nextAttemptAt == user.createdAt)
        }
    }

    @Test("An event nobody subscribes to is kept in the outbox with no delivery", arguments: StorageEngine.available)
    func noSubscriber(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let hook = Self.webhook([.userErased])
            try await Self.saveApp(storage, webhooks: [hook])
            _ = try await storage.users.insertIfAbsent(Fixture.user())
            #expect(try await Self.events(storage).map(\.type) == [.userCreated])
            #expect(try await Self.deliveries(storage, hook).isEmpty)
        }
    }

    @Test("A disabled endpoint gets no new deliveries, and user.login is not written for it alone; applying configuration keeps it disabled",
          arguments: StorageEngine.available)
    func disabledEndpoint(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            var hook = Self.webhook([.userCreated, .userLogin])
            try await Self.saveApp(storage, webhooks: [hook])
            let database = try #require(Self.database(of: storage))
            try await database.write(
                "UPDATE webhook_endpoints SET disabled_at = \(Fixture.now), disabled_reason = 'gone' WHERE id = \(hook.id.rawValue)")
            let user = try await storage.users.insertIfAbsent(Fixture.user()).user
            #expect(try await Self.events(storage).map(\.type) == [.userCreated])
            #expect(try await Self.deliveries(storage, hook).isEmpty)
            let login = OutboxEvent.userLogin(
                appID: Fixture.poll, userID: user.id, proof: .widget, botID: 1, target: .adapter(Fixture.convex), at: Fixture.now)
            #expect(try await storage.events.appendIfSubscribed(login) == false)

            hook.description = "changed"
            try await Self.saveApp(storage, webhooks: [hook])
            let stored = try #require(try await storage.configuration.app(Fixture.poll)?.webhooks.first)
            #expect(stored.disabled == WebhookDisabling(at: Fixture.now, reason: "gone"))
            #expect(stored.description == "changed")
        }
    }

    @Test("A changed profile appends user.updated naming the changed fields; an unchanged or older one appends nothing",
          arguments: StorageEngine.available)
    func userUpdated(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let hook = Self.webhook([.userUpdated])
            try await Self.saveApp(storage, webhooks: [hook])
            let user = try await storage.users.insertIfAbsent(Fixture.user()).user
            var profile = user.profile
            profile.username = nil
            profile.firstName = "Vlad"
            let login = UserLogin(at: Fixture.now + 100, proof: .initData)
            try await storage.users.recordLogin(id: user.id, login, profile: (profile, Fixture.now + 50))
            // The same profile again, and an older proof: no change, no event.
            try await storage.users.recordLogin(id: user.id, login, profile: (profile, Fixture.now + 60))
            var older = profile
            older.firstName = "Old"
            try await storage.users.recordLogin(id: user.id, login, profile: (older, Fixture.now - 1000))
            // A login without a profile change.
            try await storage.users.recordLogin(id: user.id, UserLogin(at: Fixture.now + 2000, proof: .widget), profile: nil)

            let updates = try await Self.events(storage).filter { $0.type == .userUpdated }
            try #require(updates.count == 1)
            #expect(updates[0].data["changed"] == .array([.string("firstName"), .string("username")]))
            #expect(updates[0].data["firstName"]?.stringValue == "Vlad")
            #expect(updates[0].data["username"] == .null)
            #expect(updates[0].occurredAt == Fixture.now + 100)
            #expect(try await Self.deliveries(storage, hook).map(\.eventID) == [updates[0].id])
        }
    }

    @Test("Disabling and enabling append one event per actual change; a repeated disable appends nothing",
          arguments: StorageEngine.available)
    func status(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let hook = Self.webhook([.userDisabled, .userEnabled])
            try await Self.saveApp(storage, webhooks: [hook])
            let user = try await storage.users.insertIfAbsent(Fixture.user()).user
            #expect(try await storage.users.setStatus(id: user.id, status: .disabled, at: Fixture.now + 1))
            #expect(try await storage.users.setStatus(id: user.id, status: .disabled, at: Fixture.now + 2) == false)
            #expect(try await storage.users.setStatus(id: user.id, status: .active, at: Fixture.now + 3))
            #expect(try await storage.users.setStatus(id: user.id, status: .active, at: Fixture.now + 4) == false)
            let unknown = UserID.generate(milliseconds: 1_790_000_000_000)
            #expect(try await storage.users.setStatus(id: unknown, status: .disabled, at: Fixture.now) == false)

            let events = try await Self.events(storage).filter { $0.type != .userCreated }
            #expect(events.map(\.type) == [.userDisabled, .userEnabled])
            #expect(events.map(\.occurredAt) == [Fixture.now + 1, Fixture.now + 3])
            #expect(events.allSatisfy { $0.data == .object([("app", .string("poll")), ("user", .string(user.id.rawValue))]) })
            #expect(try await Self.deliveries(storage, hook).map(\.eventID) == events.map(\.id))
        }
    }

    @Test("Erasing a user appends user.erased with ids only; erasing an unknown user appends nothing",
          arguments: StorageEngine.available)
    func erased(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let hook = Self.webhook([.userErased])
            try await Self.saveApp(storage, webhooks: [hook])
            let user = try await storage.users.insertIfAbsent(Fixture.user()).user
            #expect(try await storage.users.delete(id: user.id, at: Fixture.now))
            #expect(try await storage.users.delete(id: user.id, at: Fixture.now) == false)

            let erased = try await Self.events(storage).filter { $0.type == .userErased }
            try #require(erased.count == 1)
            #expect(
                erased[0].data
                    == .object([
                        ("app", .string("poll")), ("user", .string(user.id.rawValue)), ("telegramId", .integer(user.telegramID)),
                    ]))
            // The delivery outlives the user.
            #expect(try await Self.deliveries(storage, hook).map(\.eventID) == [erased[0].id])
        }
    }

    @Test("Links: linking appends user.linked, losing or removing a linked account user.unlinked, the rest nothing",
          arguments: StorageEngine.available)
    func links(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let hook = Self.webhook([.userLinked, .userUnlinked])
            try await Self.saveApp(storage, webhooks: [hook])
            let user = try await storage.users.insertIfAbsent(Fixture.user()).user
            let creating = Fixture.creatingLink(user)
            _ = try await storage.links.insertIfAbsent(creating)
            let linked = Fixture.linkedLink(user, externalID: "acct_1")
            #expect(try await storage.links.update(linked, expecting: .creating))
            #expect(try await storage.links.update(linked, expecting: .creating) == false)
            var synced = linked
            synced.syncedProfileDigest = "other"
            #expect(try await storage.links.update(synced, expecting: .linked))
            // The provider lost the account: back to creating.
            var reset = synced
            reset.state = .creating
            reset.externalID = nil
            #expect(try await storage.links.update(reset, expecting: .linked))
            // Removing a link that is not linked says nothing; a linked one is unlinked.
            try await storage.links.delete(appID: Fixture.poll, adapter: Fixture.convex, userID: user.id, at: Fixture.now)
            _ = try await storage.links.insertIfAbsent(Fixture.linkedLink(user, adapter: Fixture.clerk, externalID: "user_2"))
            try await storage.links.delete(appID: Fixture.poll, adapter: Fixture.clerk, userID: user.id, at: Fixture.now)
            try await storage.links.delete(appID: Fixture.poll, adapter: Fixture.clerk, userID: user.id, at: Fixture.now)

            let events = try await Self.events(storage).filter { $0.type != .userCreated }
            #expect(events.map(\.type) == [.userLinked, .userUnlinked, .userLinked, .userUnlinked])
            #expect(events.map { $0.data["accountId"]?.stringValue } == ["acct_1", "acct_1", "user_2", "user_2"])
            #expect(events.map { $0.data["provider"]?.stringValue } == ["convex", "convex", "clerk", "clerk"])
            #expect(events.map { $0.data["adapter"]?.stringValue } == ["convex", "convex", "clerk", "clerk"])
            #expect(try await Self.deliveries(storage, hook).map(\.eventID) == events.map(\.id))
        }
    }

    @Test("user.login is appended only when an enabled endpoint subscribes to it", arguments: StorageEngine.available)
    func loginOptIn(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let others = Self.webhook([.userCreated])
            try await Self.saveApp(storage, webhooks: [others])
            let user = try await storage.users.insertIfAbsent(Fixture.user()).user
            let login = OutboxEvent.userLogin(
                appID: Fixture.poll, userID: user.id, proof: .initData, botID: 7_000_000_001, target: .adapter(Fixture.convex),
                at: Fixture.now + 5)
            #expect(try await storage.events.appendIfSubscribed(login) == false)
            #expect(try await Self.events(storage).map(\.type) == [.userCreated])

            let logins = Self.webhook([.userLogin])
            try await Self.saveApp(storage, webhooks: [others, logins])
            #expect(try await storage.events.appendIfSubscribed(login))
            let events = try await Self.events(storage)
            #expect(events.map(\.type) == [.userCreated, .userLogin])
            #expect(events.last?.data["proof"]?.stringValue == "initData")
            #expect(events.last?.data["adapter"]?.stringValue == "convex")
            #expect(try await Self.deliveries(storage, logins).map(\.eventID) == [login.id])
            #expect(try await Self.deliveries(storage, others).count == 1)
        }
    }

    @Test("A change rolled back after its event leaves neither the change nor the event", arguments: StorageEngine.available)
    func rolledBack(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let hook = Self.webhook([.userCreated])
            try await Self.saveApp(storage, webhooks: [hook])
            let database = try #require(Self.database(of: storage))
            let user = Fixture.user()
            await #expect(throws: SQLRollback.self) {
                try await database.write { session in
                    try await session.query(
                        """
                        INSERT INTO users (id, app_id, telegram_id, status, first_name, is_premium, profile_auth_date,
                            created_at, updated_at)
                        VALUES (\(user.id.rawValue), 'poll', \(user.telegramID), 'active', 'Ada', \(false), 0, 0, 0)
                        """)
                    try await SQLEventOutbox.append(.userCreated(user), in: session)
                    throw SQLRollback()
                }
            }
            #expect(try await storage.users.user(id: user.id) == nil)
            #expect(try await Self.events(storage).isEmpty)
            #expect(try await Self.deliveries(storage, hook).isEmpty)
        }
    }

    @Test("Each user's events are numbered in the order of their changes, also when users change concurrently",
          arguments: StorageEngine.available)
    func perUserOrder(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let hook = Self.webhook(EventType.subscribable)
            try await Self.saveApp(storage, webhooks: [hook])
            let users = try await withThrowingTaskGroup(of: UserRecord.self) { group in
                for index in 0..<8 {
                    group.addTask {
                        let user = try await storage.users.insertIfAbsent(Fixture.user(telegramID: 1000 + Int64(index))).user
                        for step in 0..<6 {
                            _ = try await storage.users.setStatus(
                                id: user.id, status: step % 2 == 0 ? .disabled : .active, at: Fixture.now + Int64(step))
                        }
                        #expect(try await storage.users.delete(id: user.id, at: Fixture.now))
                        return user
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let events = try await Self.events(storage)
            let seqs = events.compactMap(\.seq)
            #expect(seqs.count == events.count && seqs == seqs.sorted())
            let toggles: [EventType] = [.userDisabled, .userEnabled, .userDisabled, .userEnabled, .userDisabled, .userEnabled]
            let expected: [EventType] = [.userCreated] + toggles + [.userErased]
            for user in users {
                let mine: [EventType] = events.filter { $0.userID == user.id }.map(\.type)
                #expect(mine == expected)
            }
            let deliveries = try await Self.deliveries(storage, hook)
            #expect(deliveries.map(\.eventSeq) == events.compactMap(\.seq))
        }
    }

    @Test("Webhook endpoints round-trip as configuration rows; a removed endpoint takes its deliveries with it",
          arguments: StorageEngine.available)
    func configurationRows(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            var hook = Self.webhook([.userCreated, .userErased])
            hook.previousSecret = PreviousWebhookSecret(sealed: Fixture.sealed(), expiresAt: Fixture.now + 86_400)
            hook.allowPrivateNetworks = true
            let generated = StoredWebhook(
                id: .generate(milliseconds: UInt64(Fixture.now) * 1000 + 1), url: "http://127.0.0.1:9000/hook",
                events: [.userLogin], allowInsecureLoopback: true,
                secret: SealedWebhookSecret(reference: nil, sealed: Fixture.sealed(), fingerprint: "fp2"))
            try await Self.saveApp(storage, webhooks: [hook, generated])
            #expect(try await storage.configuration.app(Fixture.poll)?.webhooks == [hook, generated].sorted { $0.id < $1.id })

            _ = try await storage.users.insertIfAbsent(Fixture.user())
            #expect(try await Self.deliveries(storage, hook).count == 1)
            hook.events = [.userErased]
            try await Self.saveApp(storage, webhooks: [hook])
            #expect(try await storage.configuration.app(Fixture.poll)?.webhooks == [hook])
            // Changing the subscriptions keeps what was queued; removing the endpoint drops it.
            #expect(try await Self.deliveries(storage, hook).count == 1)
            try await Self.saveApp(storage, webhooks: [])
            #expect(try await storage.configuration.app(Fixture.poll)?.webhooks == [])
            #expect(try await Self.deliveries(storage, hook).isEmpty)
        }
    }

    /// The SQL database under `storage`.
    static func database(of storage: any TelegateStorage) -> (any SQLDatabase)? {
        if let sqlite = storage as? SQLiteStorage { return sqlite.engine }
        if let postgres = storage as? PostgresStorage { return postgres.engine }
        return nil
    }
}

/// Each event type's documented JSON Schema (`Fixtures/events/<type>.json`, the schemas of `docs/events.md`)
/// describes the bodies the constructors build: the same `data` members, every one required.
@Suite("Event schemas")
struct EventSchemaTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/events")

    static func sample(_ type: EventType) -> OutboxEvent {
        let user = Fixture.user()
        let webhook = WebhookID.generate(milliseconds: 1)
        return switch type {
        case .userCreated: .userCreated(user)
        case .userUpdated:
            .userUpdated(
                appID: user.appID, userID: user.id, telegramID: user.telegramID, from: user.profile,
                to: Fixture.profile("Vlad"), at: Fixture.now)
        case .userLinked, .userUnlinked:
            .link(type, appID: user.appID, userID: user.id, adapter: Fixture.convex, provider: "convex", accountID: "a", at: 0)
        case .userDisabled: .statusChanged(appID: user.appID, userID: user.id, to: .disabled, at: 0)
        case .userEnabled: .statusChanged(appID: user.appID, userID: user.id, to: .active, at: 0)
        case .userErased: .userErased(appID: user.appID, userID: user.id, telegramID: 1, at: 0)
        case .userLogin:
            .userLogin(appID: user.appID, userID: user.id, proof: .widget, botID: 1, target: .adapter(Fixture.convex), at: 0)
        case .messageFailed: .messageFailed(appID: user.appID, userID: user.id, messageID: "msg_1", reason: "blocked", at: 0)
        case .webhookTest: .webhookTest(appID: user.appID, webhook: webhook, at: 0)
        }
    }

    @Test("Every event type has a schema naming exactly the data members its body carries", arguments: EventType.allCases)
    func schema(type: EventType) throws {
        let text = try String(contentsOf: Self.directory.appendingPathComponent("\(type.rawValue).json"), encoding: .utf8)
        let schema = try JSONValue.parse(text)
        #expect(schema["properties"]?["type"]?["const"]?.stringValue == type.rawValue)
        let data = schema["properties"]?["data"]
        let required = data?["required"]?.arrayElements?.compactMap(\.stringValue) ?? []
        let properties = data?["properties"]?.objectMembers?.map(\.key) ?? []
        let body = Self.sample(type).body
        let members = body["data"]?.objectMembers?.map(\.key) ?? []
        #expect(members == required)
        #expect(members == properties)
        #expect(body.objectMembers?.map(\.key) == ["type", "timestamp", "data"])
        #expect(body["type"]?.stringValue == type.rawValue)
    }
}
