import Foundation
import StrictJSON
import TelegateAdmin
@testable import TelegateCore
import Testing

/// `/admin/v1/apps/{app}/clients`: OAuth clients through the admin API. A generated secret is answered once and
/// never again; every other answer says only whether there is a secret and where it is kept.
@Suite("Admin API: OAuth clients")
struct ClientAdminTests {
    static let poll = AppID(rawValue: "poll")!
    static let callback = "https://poll.example/accounts/oidc/telegate/login/callback/"

    static func client(_ service: TestService, _ id: String) -> RegisteredClient? {
        service.application.runtimes.app(poll)?.client(id)
    }

    @Test("A confidential client added without a secretReference gets a generated secret, answered once; the runtime authenticates it")
    func generatedSecret() async throws {
        try await TestService.run { service in
            let token = try await service.adminToken()
            let added = try await service.admin(
                .post, "/apps/poll/clients",
                body: .object([("id", .string("django")), ("redirectURIs", .array([.string(Self.callback)]))]), token: token)
            #expect(added.status == 201, "\(added.body)")
            let secret = try #require(added.json["clientSecret"]?.stringValue)
            service.rememberSecrets([secret])
            #expect(secret.count == 43)
            #expect(added.json["hasSecret"] == .bool(true))
            #expect(added.json["secretReference"] == nil)
            #expect(added.json["scopes"] == .array(ClientSpec.supportedScopes.map { .string($0) }))
            let django = try #require(Self.client(service, "django"))
            #expect(django.authenticates(secret: secret))
            #expect(!django.authenticates(secret: String(secret.dropLast())))

            var everything = ""
            for path in ["/apps/poll/clients", "/apps/poll/clients/django", "/audit", "/apps/poll"] {
                let reply = try await service.admin(.get, path, token: token)
                #expect(reply.status == 200, "\(path)")
                everything += reply.body
            }
            #expect(!everything.contains(secret))
            #expect(!everything.contains("clientSecret"))
            let shown = try await service.admin(.get, "/apps/poll/clients/django", token: token)
            #expect(shown.json.objectMembers?.map(\.key) == [
                "id", "hasSecret", "redirectURIs", "postLogoutRedirectURIs", "scopes", "consent",
            ])
            let listed = try await service.admin(.get, "/apps/poll/clients", token: token)
            #expect(listed.json["items"]?.arrayElements?.compactMap { $0["id"]?.stringValue } == ["django"])
            let audit = try await service.admin(.get, "/audit", token: token)
            #expect(audit.json["items"]?.arrayElements?.contains { $0["action"] == .string("client.added") } == true)
        }
    }

    @Test("Rotating answers a new generated secret once: the old one stops working; a secretReference rotation answers none")
    func rotate() async throws {
        try await TestService.run { service in
            let token = try await service.adminToken()
            let added = try await service.admin(
                .post, "/apps/poll/clients",
                body: .object([("id", .string("django")), ("redirectURIs", .array([.string(Self.callback)]))]), token: token)
            let first = try #require(added.json["clientSecret"]?.stringValue)
            let rotated = try await service.admin(.post, "/apps/poll/clients/django/secret", token: token)
            #expect(rotated.status == 200, "\(rotated.body)")
            let second = try #require(rotated.json["clientSecret"]?.stringValue)
            service.rememberSecrets([first, second])
            #expect(first != second)
            let django = try #require(Self.client(service, "django"))
            #expect(django.authenticates(secret: second))
            #expect(!django.authenticates(secret: first))

            let file = FileManager.default.temporaryDirectory.appendingPathComponent("telegate-client-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: file) }
            let kept = "canary-client-secret-from-a-file-Zq81"
            service.rememberSecrets([kept])
            try Data((kept + "\n").utf8).write(to: file)
            let referenced = try await service.admin(
                .post, "/apps/poll/clients/django/secret", body: .object([("secretReference", .string("file:\(file.path)"))]),
                token: token)
            #expect(referenced.status == 200, "\(referenced.body)")
            #expect(referenced.json["clientSecret"] == nil)
            #expect(referenced.json["secretReference"] == .string("file:\(file.path)"))
            let now = try #require(Self.client(service, "django"))
            #expect(now.authenticates(secret: kept))
            #expect(!now.authenticates(secret: second))
            let audit = try await service.admin(.get, "/audit", token: token)
            #expect(audit.json["items"]?.arrayElements?.filter { $0["action"] == .string("client.secret_rotated") }.count == 2)
        }
    }

    @Test("A public client has no secret, answers none and cannot rotate one; a public client with a secretReference is refused")
    func publicClient() async throws {
        try await TestService.run { service in
            let token = try await service.adminToken()
            let added = try await service.admin(
                .post, "/apps/poll/clients",
                body: .object([
                    ("id", .string("spa")), ("public", .bool(true)), ("redirectURIs", .array([.string("http://localhost:5173/cb")])),
                ]), token: token)
            #expect(added.status == 201, "\(added.body)")
            #expect(added.json["clientSecret"] == nil)
            #expect(added.json["hasSecret"] == .bool(false))
            #expect(added.json["tokenEndpointAuthMethod"] == .string("none"))
            #expect(Self.client(service, "spa")?.isPublic == true)
            let rotate = try await service.admin(.post, "/apps/poll/clients/spa/secret", token: token)
            #expect(rotate.status == 422)
            #expect(rotate.json["reason"] == .string("public_client"))
            let both = try await service.admin(
                .post, "/apps/poll/clients",
                body: .object([
                    ("id", .string("spa-2")), ("public", .bool(true)), ("secretReference", .string("env:POLL_BOT_TOKEN")),
                    ("redirectURIs", .array([.string("http://localhost:5173/cb")])),
                ]), token: token)
            #expect(both.status == 422)
        }
    }

    @Test("PATCH changes the members given and keeps the secret; PUT replaces the settings; a bad redirect URI changes nothing")
    func update() async throws {
        try await TestService.run { service in
            let token = try await service.adminToken()
            let added = try await service.admin(
                .post, "/apps/poll/clients",
                body: .object([("id", .string("django")), ("redirectURIs", .array([.string(Self.callback)]))]), token: token)
            let secret = try #require(added.json["clientSecret"]?.stringValue)
            service.rememberSecrets([secret])
            let patched = try await service.admin(
                .patch, "/apps/poll/clients/django",
                body: .object([("consent", .string("required")), ("scopes", .array([.string("openid"), .string("telegram")]))]),
                token: token)
            #expect(patched.status == 200, "\(patched.body)")
            #expect(patched.json["consent"] == .string("required"))
            #expect(patched.json["redirectURIs"] == .array([.string(Self.callback)]))
            #expect(patched.json["clientSecret"] == nil)
            #expect(Self.client(service, "django")?.authenticates(secret: secret) == true)
            #expect(Self.client(service, "django")?.spec.scopes == ["openid", "telegram"])

            let replaced = try await service.admin(
                .put, "/apps/poll/clients/django",
                body: .object([("redirectURIs", .array([.string("https://poll.example/second")]))]), token: token)
            #expect(replaced.status == 200, "\(replaced.body)")
            #expect(replaced.json["consent"] == .string("skip"))
            #expect(replaced.json["scopes"] == .array(ClientSpec.supportedScopes.map { .string($0) }))
            #expect(Self.client(service, "django")?.authenticates(secret: secret) == true)

            for uri in ["http://poll.example/cb", "https://poll.example/*", "https://poll.example/cb#f"] {
                let refused = try await service.admin(
                    .patch, "/apps/poll/clients/django", body: .object([("redirectURIs", .array([.string(uri)]))]), token: token)
                #expect(refused.status == 422, "\(uri)")
                #expect(refused.json["code"] == .string("invalid_field"))
            }
            #expect(Self.client(service, "django")?.spec.redirectURIs == ["https://poll.example/second"])
        }
    }

    @Test("addClient accepts ClientSpec's members (its secret as secretReference) and public; updates all of them but id")
    func bodySchemas() async throws {
        try await TestService.run { service in
            let document = service.application.admin.openAPIDocument
            func members(_ path: String, _ method: String) -> [String] {
                let operation = document["paths"]?["/admin/v1" + path]?[method]
                let schema = operation?["requestBody"]?["content"]?["application/json"]?["schema"]
                return (schema?["properties"]?.objectMembers ?? []).map(\.key)
            }
            let full = ClientSpec(
                id: ClientID(rawValue: "django")!, secret: try SecretReference("env:DJANGO_CLIENT_SECRET"),
                redirectURIs: ["https://poll.example/cb"], tokenEndpointAuthMethod: .clientSecretPost, idTokenAlgorithm: .es256)
            let spec = (SpecFormat.admin.encode(full).objectMembers ?? []).map { $0.key == "secret" ? "secretReference" : $0.key }
            #expect(members("/apps/{app}/clients", "post") == ["id", "public"] + spec.dropFirst())
            for method in ["patch", "put"] {
                #expect(members("/apps/{app}/clients/{client}", method) == Array(spec.dropFirst()), "\(method)")
            }
        }
    }

    @Test("A taken id is client_exists, an unknown one client_not_found; DELETE removes the client from the runtime")
    func existsAndRemove() async throws {
        try await TestService.run { service in
            let token = try await service.adminToken()
            let body = JSONValue.object([("id", .string("django")), ("redirectURIs", .array([.string(Self.callback)]))])
            let added = try await service.admin(.post, "/apps/poll/clients", body: body, token: token)
            service.rememberSecrets([added.json["clientSecret"]?.stringValue ?? ""])
            let again = try await service.admin(.post, "/apps/poll/clients", body: body, token: token)
            #expect(again.status == 409)
            #expect(again.json["code"] == .string("client_exists"))
            let unknown = try await service.admin(.get, "/apps/poll/clients/keycloak", token: token)
            #expect(unknown.status == 404)
            #expect(unknown.json["code"] == .string("client_not_found"))
            #expect(try await service.admin(.delete, "/apps/poll/clients/django", token: token).status == 204)
            #expect(Self.client(service, "django") == nil)
            #expect(try await service.admin(.delete, "/apps/poll/clients/django", token: token).status == 404)
        }
    }
}
