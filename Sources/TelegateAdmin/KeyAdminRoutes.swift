import StrictJSON
import TelegateCore
import TelegateRuntime

/// `/apps/{app}/keys`: the built-in issuer's signing keys (public parts only) and their rotation.
struct KeyAdminRoutes {
    let backend: AdminBackend

    var routes: [AdminRoute] {
        [
            AdminRoute(.get, "/apps/{app}/keys", "listKeys", "List signing keys: public JWK, state, creation and retirement") {
                call in
                let runtime = try await self.runtime(call)
                let keys = try await runtime.keyRing.keys().sorted { ($0.createdAt, $0.kid) < ($1.createdAt, $1.kid) }
                return AdminJSON.list(keys.map(AdminJSON.key))
            },
            AdminRoute(
                .post, "/apps/{app}/keys/rotate", "rotateKeys",
                "Rotate: the published successor starts signing, the old key stays published until its tokens expire",
                body: AdminBodySchema([.member("algorithm", .string, "Only this algorithm (RS256, ES256, EdDSA); default all in use.")])
            ) { call in
                let runtime = try await self.runtime(call)
                let algorithm = try call.body.string("algorithm").map { name in
                    guard let algorithm = SigningAlgorithm(rawValue: name) else {
                        throw TelegateError(.invalidField, "algorithm: RS256, ES256 or EdDSA", reason: "invalid_value")
                    }
                    return algorithm
                }
                let kids = try await runtime.keyRing.rotate(algorithm, retiredKeyLifetime: runtime.longestTokenLifetime + 300)
                await backend.record(
                    "keys.rotated", call: call, appID: runtime.settings.id, target: "app:\(runtime.settings.id)",
                    extra: [("activeKids", .array(kids.map { .string($0) }))])
                return .object([("active", .array(kids.map { .string($0) }))])
            },
            AdminRoute(
                .post, "/apps/{app}/keys/{kid}/retire", "retireKey",
                "Retire a retired key now: it leaves the JWKS and the tokens it signed stop verifying (active and next keys are refused: rotate first)"
            ) { call in
                let runtime = try await self.runtime(call)
                let key = try await runtime.keyRing.retire(call.parameter("kid"))
                await backend.record(
                    "keys.retired", call: call, appID: runtime.settings.id, target: "key:\(key.kid)",
                    extra: [("algorithm", .string(key.algorithm.rawValue))])
                return AdminJSON.key(key)
            },
        ]
    }

    private func runtime(_ call: AdminCall) async throws -> AppRuntime {
        let app = try await backend.app(call)
        guard let runtime = backend.runtimes.app(app.settings.id) else { throw AdminBackend.appNotFound }
        return runtime
    }
}
