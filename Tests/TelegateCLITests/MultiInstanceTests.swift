import Crypto
import Foundation
import TestSupport
import Testing

/// Two real `telegate serve` processes on one PostgreSQL database, as behind a load balancer. Skipped, with a
/// message, without `TELEGATE_TEST_POSTGRES_URL`. Serialized: each test already runs two servers and a load.
@Suite("Several instances on one PostgreSQL", .serialized, .enabled(if: MultiInstanceAvailability.isAvailable))
struct MultiInstanceTests {
    @Test("I1, I2: 200 concurrent first logins of one Telegram user over both instances make one user (and one provider user); 1,000 distinct users make 1,000",
        arguments: [ClusterProviderKind.builtinIssuer, .clerk, .supabase])
    func firstLogins(provider: ClusterProviderKind) async throws {
        try await TelegateCluster.run(provider: provider.make()) { cluster in
            let (a, b) = (cluster.instances[0], cluster.instances[1])
            let replies = try await withThrowingTaskGroup(of: HTTPReply.self) { group in
                for index in 0..<200 {
                    group.addTask { try await cluster.exchange(on: index.isMultiple(of: 2) ? a : b, telegramID: 42_000_001) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(replies.allSatisfy { $0.status == 200 }, "\(Set(replies.map(\.status)))")
            #expect(Set(replies.compactMap(\.userID)).count == 1)
            #expect(replies.filter { ($0.json["user"] as? [String: Any])?["created"] as? Bool == true }.count == 1)
            #expect(try await cluster.count("users") == 1)
            if let providerUsers = try await cluster.provider.providerUserCount() { #expect(providerUsers == 1) }

            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                var statuses: [Int] = []
                for index in 0..<1_000 {
                    if index >= 64 { statuses.append(try await group.next()!) }
                    group.addTask {
                        try await cluster.exchange(on: index.isMultiple(of: 2) ? a : b, telegramID: 43_000_000 + Int64(index)).status
                    }
                }
                for try await status in group { statuses.append(status) }
                return statuses
            }
            #expect(statuses.count == 1_000)
            #expect(statuses.allSatisfy { $0 == 200 }, "\(Dictionary(grouping: statuses, by: { $0 }).mapValues(\.count))")
            #expect(try await cluster.count("users") == 1_001)
            if let providerUsers = try await cluster.provider.providerUserCount() { #expect(providerUsers == 1_001) }
        }
    }

    @Test("F4: one refresh token at both instances at once: one rotation wins, the other uses the grace and gets the same successor; a replay later revokes the family on either")
    func refreshRace() async throws {
        try await TelegateCluster.run { cluster in
            let (a, b) = (cluster.instances[0], cluster.instances[1])
            let login = try await cluster.exchange(on: a, telegramID: 44_000_001)
            #expect(login.status == 200)
            let first = try #require(login.credential("refreshToken"))

            async let onA = cluster.refresh(on: a, token: first)
            async let onB = cluster.refresh(on: b, token: first)
            let (fromA, fromB) = try await (onA, onB)
            #expect(fromA.status == 200)
            #expect(fromB.status == 200)
            let successors = [fromA, fromB].compactMap { $0.credential("refresh_token") }
            #expect(successors.count == 2 && Set(successors).count == 1)
            // One conditional write won and one claimed the grace: the first token is stored once, rotated, its grace
            // used; one successor of generation 1.
            #expect(try await cluster.count("refresh_tokens WHERE generation = 0 AND state = 'rotated' AND grace_used") == 1)
            #expect(try await cluster.count("refresh_tokens WHERE generation = 1") == 1)

            let next = try await cluster.refresh(on: b, token: successors[0])
            #expect(next.status == 200)
            let latest = try #require(next.credential("refresh_token"))

            let replay = try await cluster.refresh(on: a, token: first)
            #expect(replay.status == 400)
            #expect(replay.json["error"] as? String == "invalid_grant")
            #expect(try await cluster.count("refresh_families WHERE revoke_reason = 'reuse_detected'") == 1)
            for instance in [a, b] {
                let revoked = try await cluster.refresh(on: instance, token: latest)
                #expect(revoked.status == 400, "\(instance.name)")
            }
        }
    }

    @Test("F9: keys rotated while both serve: tokens signed by instance B before and after verify against either instance's JWKS, and B signs with the new key within its 30-second refresh interval")
    func keyRotation() async throws {
        try await TelegateCluster.run { cluster in
            let (a, b) = (cluster.instances[0], cluster.instances[1])
            let before = try #require(try await cluster.exchange(on: b, telegramID: 45_000_001).credential("idToken"))
            let rotation = try await cluster.command(["keys", "rotate", "--app", "poll"])
            #expect(rotation.status == 0, "\(rotation.stdout) \(rotation.stderr)")
            let after = try #require(try await cluster.exchange(on: b, telegramID: 45_000_001).credential("idToken"))
            for instance in [a, b] {
                let jwks = try await cluster.get("/apps/poll/.well-known/jwks.json", on: instance)
                #expect(jwks.status == 200)
                let keys = try #require(jwks.json["keys"] as? [[String: Any]])
                for token in [before, after] {
                    #expect(try JWTCheck.verifiesES256(token, keys: keys), "a token of B does not verify from \(instance.name)")
                }
            }
            #expect(try await cluster.count("signing_keys WHERE state = 'retired'") == 1)

            // Each instance re-reads the key ring at least every 30 seconds: B moves to the new key without a restart.
            // The loop ends as soon as it has; its bound only stops a test that would never see it, far above 30 s
            // plus the exchanges of a busy machine.
            let newKid = try #require(try await cluster.text("SELECT kid FROM signing_keys WHERE state = 'active'"))
            let started = ContinuousClock.now
            var latest = after
            while JWTCheck.kid(latest) != newKid, ContinuousClock.now - started < .seconds(180) {
                try await Task.sleep(for: .seconds(1))
                latest = try #require(try await cluster.exchange(on: b, telegramID: 45_000_001).credential("idToken"))
            }
            #expect(JWTCheck.kid(latest) == newKid, "instance B still signs with the retired key")
            for instance in [a, b] {
                let jwks = try await cluster.get("/apps/poll/.well-known/jwks.json", on: instance)
                let keys = try #require(jwks.json["keys"] as? [[String: Any]])
                #expect(try JWTCheck.verifiesES256(latest, keys: keys), "B's new-key token does not verify from \(instance.name)")
            }
        }
    }

    @Test("I4, I5, H6, H7: kill -9 at each fault point, restart, retry: the retry succeeds and there is still one user (and one provider user) per Telegram user",
        arguments: [ClusterProviderKind.builtinIssuer, .clerk, .supabase])
    func crashAtFaultPoints(provider: ClusterProviderKind) async throws {
        try await TelegateCluster.run(provider: provider.make()) { cluster in
            let (a, b) = (cluster.instances[0], cluster.instances[1])
            for (offset, point) in ["before-commit", "after-commit-before-provider", "after-provider-before-response"].enumerated() {
                let telegramID = 46_000_000 + Int64(offset)
                await b.stop()
                try await b.start(client: cluster.client, faultPoints: "\(point):crash")
                let crashed = try? await cluster.exchange(on: b, telegramID: telegramID)
                #expect(crashed == nil || crashed?.status != 200, "\(point)")
                #expect(await b.waitForExit(), "\(point): the instance did not crash")
                try await b.start(client: cluster.client)
                let retryB = try await cluster.exchange(on: b, telegramID: telegramID)
                let retryA = try await cluster.exchange(on: a, telegramID: telegramID)
                #expect(retryB.status == 200, "\(point)")
                #expect(retryA.status == 200, "\(point)")
                #expect(retryA.userID == retryB.userID, "\(point)")
                #expect(try await cluster.count("users WHERE telegram_id = \(telegramID)") == 1, "\(point)")
                if let providerUsers = try await cluster.provider.providerUserCount() {
                    #expect(providerUsers == offset + 1, "\(point)")
                }
            }
        }
    }

    @Test("I6, I8: database stopped mid-load: 503 storage_unavailable with Retry-After, readiness fails; both recover without a restart",
        .enabled(if: TelegateCluster.outagePostgresURL != nil && TelegateCluster.outageControl != nil))
    func databaseOutage() async throws {
        let control = try #require(TelegateCluster.outageControl)
        // A short statement timeout: while the database is down, each request gives up after it (plus the connect timeout).
        try await TelegateCluster.run(database: TelegateCluster.outagePostgresURL, parameters: "pool_size=8&statement_timeout=1") {
            cluster in
            let instances = cluster.instances
            for (index, instance) in instances.enumerated() {
                #expect(try await cluster.exchange(on: instance, telegramID: 47_000_000 + Int64(index)).status == 200)
            }
            let load = Task {
                var statuses: [Int] = []
                while !Task.isCancelled {
                    for (index, instance) in instances.enumerated() {
                        if let reply = try? await cluster.exchange(on: instance, telegramID: 47_000_000 + Int64(index)) {
                            statuses.append(reply.status)
                        }
                    }
                }
                return statuses
            }
            try await Task.sleep(for: .milliseconds(300))
            try await Shell.run(control, "stop")
            for instance in instances {
                let reply = try await cluster.exchange(on: instance, telegramID: 47_000_100)
                #expect(reply.status == 503, "\(instance.name)")
                #expect(reply.json["code"] as? String == "storage_unavailable", "\(instance.name)")
                #expect(reply.headers.first(name: "Retry-After") != nil, "\(instance.name)")
                #expect(try await instance.readiness(client: cluster.client) == 503, "\(instance.name)")
            }
            try await Shell.run(control, "start")
            for instance in instances {
                try await instance.waitUntilReady(client: cluster.client)
                #expect(instance.isRunning)
                #expect(try await cluster.exchange(on: instance, telegramID: 47_000_100).status == 200, "\(instance.name)")
            }
            load.cancel()
            let statuses = await load.value
            #expect(Set(statuses).isSubset(of: [200, 503]), "\(Set(statuses))")
            #expect(try await cluster.count("users WHERE telegram_id = 47000100") == 1)
        }
    }
}

/// Whether the multi-instance tests can run; says so on standard error when they cannot.
enum MultiInstanceAvailability {
    static var isAvailable: Bool {
        if TelegateCluster.postgresURL == nil {
            FileHandle.standardError.write(
                Data("note: TELEGATE_TEST_POSTGRES_URL is not set; the multi-instance tests are skipped\n".utf8))
        }
        return TelegateCluster.postgresURL != nil
    }
}

/// Verifies an ES256 JWT against a JWK set: the header's `kid` must be in the set and the signature must hold.
enum JWTCheck {
    static func verifiesES256(_ token: String, keys: [[String: Any]]) throws -> Bool {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, let header = decode(parts[0]),
            let object = try JSONSerialization.jsonObject(with: header) as? [String: Any],
            object["alg"] as? String == "ES256", let kid = object["kid"] as? String,
            let jwk = keys.first(where: { $0["kid"] as? String == kid }),
            let x = (jwk["x"] as? String).flatMap(decode), let y = (jwk["y"] as? String).flatMap(decode),
            let signature = decode(parts[2])
        else { return false }
        let key = try P256.Signing.PublicKey(rawRepresentation: x + y)
        let ecdsa = try P256.Signing.ECDSASignature(rawRepresentation: signature)
        return key.isValidSignature(ecdsa, for: Data((parts[0] + "." + parts[1]).utf8))
    }

    /// The `kid` of a JWT's header.
    static func kid(_ token: String) -> String? {
        guard let header = token.split(separator: ".").first.flatMap({ decode(String($0)) }),
            let object = try? JSONSerialization.jsonObject(with: header) as? [String: Any]
        else { return nil }
        return object["kid"] as? String
    }

    private static func decode(_ text: String) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }
}

/// Runs a program and fails unless it exits 0. Its streams go to `/dev/null` and only its exit is awaited: a program
/// that leaves a daemon behind (`pg_ctl start`) must not keep the caller waiting on inherited descriptors.
enum Shell {
    static func run(_ executable: String, _ arguments: String...) async throws {
        let status = try await ChildProcess(executable, arguments).exitStatus()
        guard status == 0 else {
            throw InstanceFailure(message: "\(executable) \(arguments.joined(separator: " ")) failed with status \(status)")
        }
    }
}
