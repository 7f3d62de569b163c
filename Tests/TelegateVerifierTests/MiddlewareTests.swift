import Foundation
import TelegateVerifier
import TelegateVerifierHummingbird
import Testing

/// TelegateBearerMiddleware in an app backend, with tokens from a running Telegate.
@Suite("TelegateVerifier bearer middleware")
struct MiddlewareTests {
    @Test("A verified access token reaches the route; a missing, wrong or unverifiable one is refused as RFC 6750 says")
    func bearer() async throws {
        try await VerifierRig.run { rig in
            let verifier = rig.verifier(audience: rig.pollResource)
            let authenticator = TelegateWebSocketAuthenticator(verifier: verifier)
            let (idToken, accessToken) = try await rig.exchange()
            try await BackendApp.serving(verifier: verifier, authenticator: authenticator, name: "bearer") { port in
                let backend = BackendClient(rig, port: port)
                let accepted = try await backend.get("/api/me", bearer: accessToken)
                #expect(accepted.status == 200)
                #expect(accepted.body == (try unverifiedPart(accessToken)["sub"]?.stringValue))
                #expect(try await backend.get("/api/me", bearer: accessToken, scheme: "bearer").status == 200)
                let missing = try await backend.get("/api/me", bearer: nil)
                #expect(missing.status == 401)
                #expect(missing.header("WWW-Authenticate") == "Bearer")
                for token in [idToken, "garbage", accessToken + "x"] {
                    let refused = try await backend.get("/api/me", bearer: token)
                    #expect(refused.status == 401)
                    #expect(refused.header("WWW-Authenticate")?.hasPrefix("Bearer error=\"invalid_token\"") == true)
                    #expect(refused.body.contains(token) == false)
                }
            }
            // A backend whose verifier cannot reach the issuer answers 503, not 401: the token may be good.
            rig.proxy.outage = true
            let unreachable = rig.verifier(audience: rig.pollResource)
            try await BackendApp.serving(
                verifier: unreachable, authenticator: TelegateWebSocketAuthenticator(verifier: unreachable), name: "outage"
            ) { port in
                let reply = try await BackendClient(rig, port: port).get("/api/me", bearer: accessToken)
                #expect(reply.status == 503)
                #expect(reply.header("Retry-After") == "5")
            }
        }
    }
}
