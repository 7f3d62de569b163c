import StrictJSON
import TelegateCore
import Testing

@Suite("Configuration store")
struct ConfigurationStoreTests {
    @Test("A saved app loads back exactly: settings, token-mode and third-party bots, adapters with config and sealed secrets", arguments: StorageEngine.available)
    func roundTrip(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let app = Fixture.app()
            try await storage.configuration.save(app)
            #expect(try await storage.configuration.app(Fixture.poll) == app)
            #expect(try await storage.configuration.apps() == [app])

            let bare = StoredApp(settings: AppSettings(id: Fixture.quiz))
            try await storage.configuration.save(bare)
            #expect(try await storage.configuration.app(Fixture.quiz) == bare)
        }
    }

    @Test("An app that was never saved loads as nil", arguments: StorageEngine.available)
    func unknownApp(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let apps = try await storage.configuration.apps()
            #expect(apps.isEmpty)
            #expect(try await storage.configuration.app(Fixture.poll) == nil)
        }
    }

    @Test("Bots load sorted by bot id and adapters by name, whatever order they were saved in", arguments: StorageEngine.available)
    func listOrder(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let app = Fixture.app()
            var reversed = app
            reversed.bots.reverse()
            reversed.adapters.reverse()
            try await storage.configuration.save(reversed)
            #expect(try await storage.configuration.app(Fixture.poll) == app)
        }
    }

    @Test("Saving an app again replaces its bots and adapters with exactly the given ones", arguments: StorageEngine.available)
    func saveReplaces(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            try await storage.configuration.save(Fixture.app())

            var convex = Fixture.convexAdapter(isDefault: true)
            convex.config = Fixture.json(#"{"deploymentURL":"https://brave-lynx-456.convex.cloud","audience":"convex"}"#)
            convex.sealedSecrets = Fixture.sealed()
            let replacement = StoredApp(
                settings: AppSettings(id: Fixture.poll, corsOrigins: ["https://poll.example.org"], initDataMaxAge: 600),
                bots: [Fixture.tokenBot(7_000_000_003, label: nil, reference: nil)], adapters: [convex])
            try await storage.configuration.save(replacement)
            #expect(try await storage.configuration.app(Fixture.poll) == replacement)

            let emptied = StoredApp(settings: replacement.settings)
            try await storage.configuration.save(emptied)
            #expect(try await storage.configuration.app(Fixture.poll) == emptied)
        }
    }

    @Test("apps() lists every app sorted by id", arguments: StorageEngine.available)
    func appsSorted(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let ids = ["quiz", "poll", "my-mini-app", "9lives", "poll-2", "a"].map { AppID(rawValue: $0)! }
            for id in ids { try await storage.configuration.save(Fixture.app(id)) }
            let listed = try await storage.configuration.apps()
            #expect(listed.map(\.settings.id) == ids.sorted())
            for app in listed { #expect(app.bots.count == 2 && app.adapters.count == 2) }
        }
    }

    @Test("revision() grows with every save and every delete", arguments: StorageEngine.available)
    func revisionGrows(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            var last = try await storage.configuration.revision()
            func expectGrown() async throws {
                let current = try await storage.configuration.revision()
                #expect(current > last)
                last = current
            }
            try await storage.configuration.save(Fixture.app(Fixture.poll))
            try await expectGrown()
            try await storage.configuration.save(Fixture.app(Fixture.poll))
            try await expectGrown()
            try await storage.configuration.save(Fixture.app(Fixture.quiz))
            try await expectGrown()
            #expect(try await storage.configuration.deleteApp(Fixture.quiz))
            try await expectGrown()
            #expect(try await storage.configuration.revision() == last)
        }
    }

    @Test("20 concurrent saves each make revision() grow", arguments: StorageEngine.available)
    func concurrentSavesCount(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let before = try await storage.configuration.revision()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<20 {
                    group.addTask { try await storage.configuration.save(Fixture.app(AppID(rawValue: "app-\(index)")!)) }
                }
                try await group.waitForAll()
            }
            #expect(try await storage.configuration.revision() >= before + 20)
            #expect(try await storage.configuration.apps().count == 20)
        }
    }

    @Test("deleteApp is false for an app that does not exist", arguments: StorageEngine.available)
    func deleteUnknown(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            #expect(try await storage.configuration.deleteApp(Fixture.poll) == false)
            try await storage.configuration.save(Fixture.app())
            #expect(try await storage.configuration.deleteApp(Fixture.poll))
            #expect(try await storage.configuration.deleteApp(Fixture.poll) == false)
            #expect(try await storage.configuration.app(Fixture.poll) == nil)
        }
    }

    @Test("Deleting an app removes its users, provider links, signing keys and refresh tokens, and nothing of other apps", arguments: StorageEngine.available)
    func deleteCascades(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let doomed = try await Populated.make(Fixture.poll, in: storage)
            let kept = try await Populated.make(Fixture.quiz, in: storage)

            #expect(try await storage.configuration.deleteApp(Fixture.poll))

            #expect(try await storage.configuration.app(Fixture.poll) == nil)
            #expect(try await storage.users.user(id: doomed.user.id) == nil)
            #expect(try await storage.users.user(appID: Fixture.poll, telegramID: doomed.user.telegramID) == nil)
            #expect(try await storage.links.link(appID: Fixture.poll, adapter: Fixture.convex, userID: doomed.user.id) == nil)
            #expect(try await storage.signingKeys.keys(appID: Fixture.poll, now: Fixture.now).isEmpty)
            #expect(try await storage.refreshTokens.token(familyID: doomed.token.familyID, hash: doomed.token.hash) == nil)

            try await kept.expectIntact(in: storage)
        }
    }

    @Test("Saving an existing app again keeps its users, provider links, signing keys and refresh tokens", arguments: StorageEngine.available)
    func resaveKeepsData(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let populated = try await Populated.make(Fixture.poll, in: storage)
            var changed = Fixture.app()
            changed.bots = [Fixture.thirdPartyBot(7_000_000_009, environment: .production)]
            changed.adapters = []
            try await storage.configuration.save(changed)
            #expect(try await storage.configuration.app(Fixture.poll) == changed)
            try await populated.expectIntact(in: storage)
        }
    }

    @Test("I5: a save that fails changes nothing: the app, its lists and the revision stay as they were", arguments: StorageEngine.available)
    func failedSave(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let app = Fixture.app()
            try await storage.configuration.save(app)
            let revision = try await storage.configuration.revision()

            var broken = app
            broken.bots = [Fixture.tokenBot(7_000_000_004), Fixture.thirdPartyBot(7_000_000_004)]
            broken.adapters = [Fixture.convexAdapter()]
            await #expect(throws: (any Error).self) { try await storage.configuration.save(broken) }

            #expect(try await storage.configuration.app(Fixture.poll) == app)
            #expect(try await storage.configuration.revision() == revision)
        }
    }

    @Test("apply(saving:deleting:) writes every app and deletion in one transaction and grows the revision once", arguments: StorageEngine.available)
    func applyTogether(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let populated = try await Populated.make(Fixture.quiz, in: storage)
            let revision = try await storage.configuration.revision()
            let other = AppID(rawValue: "shop")!
            try await storage.configuration.apply(saving: [Fixture.app(Fixture.poll), Fixture.app(other)], deleting: [Fixture.quiz])
            #expect(try await storage.configuration.apps().map(\.settings.id) == [Fixture.poll, other])
            #expect(try await storage.users.user(id: populated.user.id) == nil)
            #expect(try await storage.configuration.revision() == revision + 1)

            try await storage.configuration.apply(saving: [], deleting: [])
            #expect(try await storage.configuration.revision() == revision + 1)
        }
    }

    @Test("An apply whose last app fails writes none of them and deletes nothing", arguments: StorageEngine.available)
    func applyFailsWhole(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let populated = try await Populated.make(Fixture.quiz, in: storage)
            try await storage.configuration.save(Fixture.app(Fixture.quiz))
            let before = try await storage.configuration.apps()
            let revision = try await storage.configuration.revision()

            var broken = Fixture.app(AppID(rawValue: "shop")!)
            broken.bots = [Fixture.tokenBot(7_000_000_004), Fixture.thirdPartyBot(7_000_000_004)]
            await #expect(throws: (any Error).self) {
                try await storage.configuration.apply(saving: [Fixture.app(Fixture.poll), broken], deleting: [Fixture.quiz])
            }

            #expect(try await storage.configuration.apps() == before)
            #expect(try await storage.configuration.revision() == revision)
            try await populated.expectIntact(in: storage)
        }
    }

    @Test("The rows the configuration file declared load back; names of rows the app no longer has are dropped", arguments: StorageEngine.available)
    func declaredRows(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            var app = Fixture.app()
            app.declared = DeclaredRows(bots: [7_000_000_001], adapters: [Fixture.convex])
            try await storage.configuration.save(app)
            #expect(try await storage.configuration.app(Fixture.poll) == app)

            app.declared = DeclaredRows(bots: [7_000_000_001, 7_000_000_099], adapters: [Fixture.convex, Fixture.clerk])
            app.adapters.removeAll { $0.name == Fixture.clerk }
            try await storage.configuration.save(app)
            let loaded = try #require(try await storage.configuration.app(Fixture.poll))
            #expect(loaded.declared == DeclaredRows(bots: [7_000_000_001], adapters: [Fixture.convex]))
        }
    }

    @Test("OAuth clients load sorted by id; saving again replaces them, keeps unchanged ones and drops the rest", arguments: StorageEngine.available)
    func clients(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            var app = Fixture.app()
            let sorted = app.clients
            app.clients.reverse()
            try await storage.configuration.save(app)
            #expect(try await storage.configuration.app(Fixture.poll)?.clients == sorted)

            let keycloak = Fixture.confidentialClient(ClientID(rawValue: "keycloak")!)
            var rotated = app.clients[1]
            rotated.secretDigest = Fixture.randomBytes(32)
            rotated.spec.redirectURIs.append("https://site.example/second")
            app.clients = [keycloak, rotated]
            try await storage.configuration.save(app)
            #expect(try await storage.configuration.app(Fixture.poll)?.clients == [rotated, keycloak])

            var becamePublic = rotated
            becamePublic.spec.secret = nil
            becamePublic.secretDigest = nil
            app.clients = [becamePublic]
            try await storage.configuration.save(app)
            #expect(try await storage.configuration.app(Fixture.poll)?.clients == [becamePublic])

            app.clients = []
            try await storage.configuration.save(app)
            #expect(try await storage.configuration.app(Fixture.poll)?.clients == [])
        }
    }

    @Test("Deleting an app removes its OAuth clients; another app may use the same client id", arguments: StorageEngine.available)
    func clientsCascade(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            try await storage.configuration.apply(saving: [Fixture.app(Fixture.poll), Fixture.app(Fixture.quiz)], deleting: [])
            #expect(try await storage.configuration.deleteApp(Fixture.poll))
            try await storage.configuration.save(StoredApp(settings: AppSettings(id: Fixture.poll)))
            #expect(try await storage.configuration.app(Fixture.poll)?.clients == [])
            #expect(try await storage.configuration.app(Fixture.quiz)?.clients.map(\.spec.id) == [Fixture.django, Fixture.spa])
        }
    }

    @Test("The OAuth clients the configuration file declared load back; ids of clients the app no longer has are dropped", arguments: StorageEngine.available)
    func declaredClients(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            var app = Fixture.app()
            app.declared = DeclaredRows(clients: [Fixture.django])
            try await storage.configuration.save(app)
            #expect(try await storage.configuration.app(Fixture.poll) == app)

            app.declared = DeclaredRows(clients: [Fixture.django, Fixture.spa])
            app.clients.removeAll { $0.spec.id == Fixture.django }
            try await storage.configuration.save(app)
            #expect(try await storage.configuration.app(Fixture.poll)?.declared == DeclaredRows(clients: [Fixture.spa]))
        }
    }

    @Test("A reader sees an app as it was before or after a concurrent save, never a mix of both", arguments: StorageEngine.available)
    func readsAreAtomic(engine: StorageEngine) async throws {
        try await withStorage(engine) { storage in
            let first = Fixture.app()
            var draft = first
            draft.settings.corsOrigins = ["https://second.example.com"]
            draft.bots = [Fixture.tokenBot(7_000_000_005), Fixture.thirdPartyBot(7_000_000_006), Fixture.thirdPartyBot(7_000_000_007)]
            draft.adapters = [Fixture.convexAdapter()]
            let second = draft
            try await storage.configuration.save(first)

            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for round in 0..<100 { try await storage.configuration.save(round.isMultiple(of: 2) ? second : first) }
                }
                for _ in 0..<2 {
                    group.addTask {
                        for _ in 0..<150 {
                            let seen = try #require(try await storage.configuration.app(Fixture.poll))
                            #expect(seen == first || seen == second)
                            let listed = try await storage.configuration.apps()
                            #expect(listed == [first] || listed == [second])
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
    }
}

/// An app with one of everything that belongs to it: a user, a provider link, signing keys, a refresh family.
struct Populated {
    let user: UserRecord
    let link: ProviderLink
    let keys: [StoredSigningKey]
    let family: RefreshFamily
    let token: RefreshTokenRecord

    static func make(_ app: AppID, in storage: any TelegateStorage) async throws -> Populated {
        let user = try await storage.seedUser(app)
        let link = Fixture.linkedLink(user, externalID: "j57a8gpc0f2mbfbd3vcj5fq0ed7a6s4h")
        #expect(try await storage.links.insertIfAbsent(link).inserted)
        let active = Fixture.signingKey(.es256, state: .active, app: app)
        let next = Fixture.signingKey(.es256, state: .next, app: app)
        #expect(try await storage.signingKeys.insertInitial(active: active, next: next))
        let family = Fixture.family(user)
        let token = Fixture.token(family)
        #expect(try await storage.refreshTokens.createFamily(family, tokens: [token]))
        return Populated(user: user, link: link, keys: [active, next], family: family, token: token)
    }

    func expectIntact(in storage: any TelegateStorage) async throws {
        #expect(try await storage.users.user(id: user.id) == user)
        #expect(try await storage.links.link(appID: user.appID, adapter: link.adapter, userID: user.id) == link)
        let stored = try await storage.signingKeys.keys(appID: user.appID, now: Fixture.now)
        #expect(stored.sorted { $0.kid < $1.kid } == keys.sorted { $0.kid < $1.kid })
        let found = try await storage.refreshTokens.token(familyID: token.familyID, hash: token.hash)
        #expect(found?.token == token)
        #expect(found?.family == family)
    }
}
