import Hummingbird
import StrictJSON
import TelegateCore
import TelegateIssuer
import TelegateRuntime

/// The per-app issuer metadata: `GET /apps/{app}/.well-known/openid-configuration` and `…/jwks.json`, served as
/// `application/json` with public keys only.
struct WellKnownRoutes {
    let runtimes: RuntimeRegistry

    func register(on router: Router<TelegateRequestContext>) {
        router.get("/apps/:app/.well-known/openid-configuration") { _, context in
            let runtime = try app(context)
            let document = IssuerMetadata.document(issuer: runtime.issuer, algorithms: runtime.openIDSigningAlgorithms)
            return JSONResponse.make(document, headers: [.cacheControl: "public, max-age=300"])
        }
        router.get("/apps/:app/.well-known/jwks.json") { _, context in
            let runtime = try app(context)
            return JSONResponse.make(try await runtime.keyRing.jwks(), headers: [.cacheControl: "public, max-age=300"])
        }
    }

    private func app(_ context: TelegateRequestContext) throws -> AppRuntime {
        guard let appID = context.parameters.get("app").flatMap(AppID.init(rawValue:)), let runtime = runtimes.app(appID) else {
            throw TelegateError(.appNotFound, "there is no such app")
        }
        return runtime
    }
}
