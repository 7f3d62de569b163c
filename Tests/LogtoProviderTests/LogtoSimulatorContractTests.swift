import AsyncHTTPClient
import Foundation
import JWTKit
import LogtoSimulator
import NIOHTTP1
import StrictJSON
import TelegateTesting
import TestSupport
import Testing

/// The simulator keeps Logto's contract: what it accepts, what it refuses, and in which shapes.
@Suite("Logto simulator contract")
struct LogtoSimulatorContractTests {
    /// A client of a running simulator.
    struct Tenant {
        let url: String
        let client: HTTPClient

        func send(_ method: NIOHTTP1.HTTPMethod, _ path: String, body: String? = nil, headers: [(String, String)] = []) async throws
            -> (status: Int, json: JSONValue, headers: [(String, String)])
        {
            var request = HTTPClientRequest(url: url + path)
            request.method = method
            if let body { request.body = .bytes(.init(string: body)) }
            for (name, value) in headers { request.headers.add(name: name, value: value) }
            let response = try await client.execute(request, timeout: .seconds(60))
            let bytes = try await response.body.collect(upTo: 1 << 20)
            return (Int(response.status.code), (try? JSONValue.parse(Array(bytes.readableBytesView))) ?? .null, response.headers.map { ($0.name, $0.value) })
        }

        func form(_ body: String, basic: (String, String)? = nil) async throws -> (status: Int, json: JSONValue) {
            var headers = [("Content-Type", "application/x-www-form-urlencoded")]
            if let (id, secret) = basic { headers.append(("Authorization", "Basic " + Data("\(id):\(secret)".utf8).base64EncodedString())) }
            let reply = try await send(.POST, "/oidc/token", body: body, headers: headers)
            return (reply.status, reply.json)
        }

        func managementToken() async throws -> String {
            try await form(
                "grant_type=client_credentials&resource=https%3A%2F%2Fdefault.logto.app%2Fapi&scope=all",
                basic: ("m2m-telegate", "m2m-telegate-secret")
            ).json["access_token"]?.stringValue ?? ""
        }

        func api(_ method: NIOHTTP1.HTTPMethod, _ path: String, _ body: String? = nil, token: String) async throws
            -> (status: Int, json: JSONValue, headers: [(String, String)])
        {
            try await send(method, path, body: body, headers: [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json")])
        }

        func exchange(_ subjectToken: String, extra: String = "&resource=https%3A%2F%2Fapi.example.com&scope=read%3Apolls",
            client: (String, String) = ("telegate-exchange", "telegate-exchange-secret")) async throws -> (status: Int, json: JSONValue)
        {
            try await form(
                "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange&subject_token=\(subjectToken)"
                    + "&subject_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aaccess_token" + extra,
                basic: client)
        }
    }

    private func withTenant(_ simulator: LogtoSimulator = LogtoSimulator(), _ body: (Tenant) async throws -> Void) async throws {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            try await simulator.serving { url in try await body(Tenant(url: url, client: client)) }
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    @Test("client_credentials needs client authentication, the Management API resource and scope=all")
    func clientCredentials() async throws {
        try await withTenant { tenant in
            let good = try await tenant.form(
                "grant_type=client_credentials&resource=https%3A%2F%2Fdefault.logto.app%2Fapi&scope=all", basic: ("m2m-telegate", "m2m-telegate-secret"))
            #expect(good.status == 200)
            #expect(good.json["token_type"]?.stringValue == "Bearer")
            #expect(good.json["expires_in"]?.integerValue == 3600)
            #expect(good.json["scope"]?.stringValue == "all")

            let wrongSecret = try await tenant.form(
                "grant_type=client_credentials&resource=https%3A%2F%2Fdefault.logto.app%2Fapi&scope=all", basic: ("m2m-telegate", "nope"))
            #expect(wrongSecret.status == 401)
            #expect(wrongSecret.json["error"]?.stringValue == "invalid_client")
            #expect(wrongSecret.json["code"]?.stringValue == "oidc.invalid_client")
            #expect(wrongSecret.json["message"]?.stringValue != nil)

            let noScope = try await tenant.form(
                "grant_type=client_credentials&resource=https%3A%2F%2Fdefault.logto.app%2Fapi", basic: ("m2m-telegate", "m2m-telegate-secret"))
            #expect(noScope.json["error"]?.stringValue == "invalid_scope")
            let noResource = try await tenant.form("grant_type=client_credentials&scope=all", basic: ("m2m-telegate", "m2m-telegate-secret"))
            #expect(noResource.json["error"]?.stringValue == "invalid_target")
            let notM2M = try await tenant.form(
                "grant_type=client_credentials&resource=https%3A%2F%2Fdefault.logto.app%2Fapi&scope=all",
                basic: ("telegate-exchange", "telegate-exchange-secret"))
            #expect(notM2M.json["error"]?.stringValue == "unauthorized_client")
        }
    }

    @Test("The Management API wants a token, refuses unknown fields and bad usernames, and answers duplicates with 422")
    func users() async throws {
        try await withTenant { tenant in
            let anonymous = try await tenant.send(.POST, "/api/users", body: #"{"username":"tg_1"}"#, headers: [("Content-Type", "application/json")])
            #expect(anonymous.status == 401)
            #expect(anonymous.json["code"]?.stringValue == "auth.unauthorized")

            let token = try await tenant.managementToken()
            let unknown = try await tenant.api(.POST, "/api/users", #"{"username":"tg_1","telegram":1}"#, token: token)
            #expect(unknown.status == 400)
            #expect(unknown.json["code"]?.stringValue == "guard.invalid_input")
            for bad in ["1tg", "tg-1", "tg 1", "", "tgé"] {
                let reply = try await tenant.api(.POST, "/api/users", JSONValue.object([("username", .string(bad))]).serialized, token: token)
                #expect(reply.status == 400, "username \(bad)")
            }
            let created = try await tenant.api(
                .POST, "/api/users", #"{"username":"tg_1","name":"Ada","customData":{"telegram":{"id":1}}}"#, token: token)
            #expect(created.status == 200)
            let id = try #require(created.json["id"]?.stringValue)
            #expect(id.count == 12)

            let duplicate = try await tenant.api(.POST, "/api/users", #"{"username":"tg_1"}"#, token: token)
            #expect(duplicate.status == 422)
            #expect(duplicate.json["code"]?.stringValue == "user.username_already_in_use")
            #expect(duplicate.json["message"]?.stringValue != nil)

            let identity = try await tenant.api(.PUT, "/api/users/\(id)/identities/telegram", #"{"userId":"1","details":{"id":"1"}}"#, token: token)
            #expect(identity.status == 201)
            #expect(identity.json["telegram"]?["userId"]?.stringValue == "1")
            let again = try await tenant.api(.PUT, "/api/users/\(id)/identities/telegram", #"{"userId":"1"}"#, token: token)
            #expect(again.status == 200)
            let other = try await tenant.api(.POST, "/api/users", #"{"username":"tg_2"}"#, token: token)
            let otherID = try #require(other.json["id"]?.stringValue)
            let taken = try await tenant.api(.PUT, "/api/users/\(otherID)/identities/telegram", #"{"userId":"1"}"#, token: token)
            #expect(taken.status == 422)
            #expect(taken.json["code"]?.stringValue == "user.identity_already_in_use")

            let found = try await tenant.api(.GET, "/api/users?search.username=tg_1&mode.username=exact&isCaseSensitive=true", token: token)
            #expect(found.json.arrayElements?.count == 1)
            #expect(found.json.arrayElements?.first?["identities"]?["telegram"]?["userId"]?.stringValue == "1")
            let byCustomData = try await tenant.api(.GET, "/api/users?search.customData=1", token: token)
            #expect(byCustomData.status == 400, "Logto cannot search customData")
            let missing = try await tenant.api(.GET, "/api/users/nosuchuser00", token: token)
            #expect(missing.status == 404)
            #expect(missing.json["code"]?.stringValue == "entity.not_exists_with_id")
        }
    }

    @Test("Subject tokens are sub_…, live 600 s, work once, and expire")
    func subjectTokens() async throws {
        let simulator = LogtoSimulator()
        try await withTenant(simulator) { tenant in
            let token = try await tenant.managementToken()
            let user = try await tenant.api(.POST, "/api/users", #"{"username":"tg_7"}"#, token: token)
            let userID = try #require(user.json["id"]?.stringValue)
            let noUser = try await tenant.api(.POST, "/api/subject-tokens", #"{"userId":"nosuchuser00"}"#, token: token)
            #expect(noUser.status == 404)
            let unknownField = try await tenant.api(.POST, "/api/subject-tokens", #"{"userId":"\#(userID)","ttl":5}"#, token: token)
            #expect(unknownField.status == 400)

            let minted = try await tenant.api(.POST, "/api/subject-tokens", #"{"userId":"\#(userID)","context":{"telegram_id":7}}"#, token: token)
            #expect(minted.status == 201)
            #expect(minted.json["expiresIn"]?.integerValue == 600)
            let subject = try #require(minted.json["subjectToken"]?.stringValue)
            #expect(subject.hasPrefix("sub_"))

            let first = try await tenant.exchange(subject)
            #expect(first.status == 200)
            #expect(first.json["issued_token_type"] == nil, "Logto sends no issued_token_type")
            #expect(first.json["refresh_token"] == nil)
            let second = try await tenant.exchange(subject)
            #expect(second.status == 400)
            #expect(second.json["error"]?.stringValue == "invalid_grant")
            #expect(second.json["error_description"]?.stringValue == "subject token is already consumed")
            #expect(second.json["code"]?.stringValue == "oidc.invalid_grant")
            #expect(simulator.tenant.reusedSubjectTokens == 1)

            let later = try await tenant.api(.POST, "/api/subject-tokens", #"{"userId":"\#(userID)"}"#, token: token)
            simulator.tenant.advanceClock(by: 601)
            let expired = try await tenant.exchange(later.json["subjectToken"]?.stringValue ?? "")
            #expect(expired.json["error_description"]?.stringValue == "subject token is expired")
            let unknownType = try await tenant.form(
                "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange&subject_token=sub_x&subject_token_type=urn%3Aexample%3Aother",
                basic: ("telegate-exchange", "telegate-exchange-secret"))
            #expect(unknownType.json["error_description"]?.stringValue == "unsupported subject token type")
        }
    }

    @Test("Token exchange needs allowTokenExchange on the app and organization membership")
    func exchangeRules() async throws {
        try await withTenant { tenant in
            let token = try await tenant.managementToken()
            let user = try await tenant.api(.POST, "/api/users", #"{"username":"tg_8"}"#, token: token)
            let userID = try #require(user.json["id"]?.stringValue)
            func mint() async throws -> String {
                try await tenant.api(.POST, "/api/subject-tokens", #"{"userId":"\#(userID)"}"#, token: token).json["subjectToken"]?.stringValue ?? ""
            }
            let disabled = try await tenant.exchange(try await mint(), client: ("no-exchange", "no-exchange-secret"))
            #expect(disabled.status == 400)
            #expect(disabled.json["error"]?.stringValue == "unauthorized_client")

            let notMember = try await tenant.exchange(try await mint(), extra: "&organization_id=org_acme_2&scope=read%3Amembers")
            #expect(notMember.status == 403)
            #expect(notMember.json["error"]?.stringValue == "access_denied")
            let added = try await tenant.api(.POST, "/api/organizations/org_acme_2/users", #"{"userIds":["\#(userID)"]}"#, token: token)
            #expect(added.status == 201)
            let member = try await tenant.exchange(try await mint(), extra: "&organization_id=org_acme_2&scope=read%3Amembers")
            #expect(member.status == 200)
            let claims = try JWTParts.claims(member.json["access_token"]?.stringValue ?? "")
            #expect(claims["aud"]?.stringValue == "urn:logto:organization:org_acme_2")
            let joined = try await tenant.exchange(try await mint(), extra: "&organization_id=org_acme_1&scope=read%3Amembers")
            #expect(joined.status == 200, "new users join org_acme_1 just in time")
            #expect(claims["scope"]?.stringValue == "read:members")

            let unknownResource = try await tenant.exchange(try await mint(), extra: "&resource=https%3A%2F%2Fother.example.com")
            #expect(unknownResource.json["error"]?.stringValue == "invalid_target")
        }
    }

    @Test("Access tokens are at+jwt, verify against the JWKS with ES384 by default or RS256 when chosen", arguments: [
        LogtoSimulatorConfiguration.SigningAlgorithm.es384, .rs256,
    ])
    func signing(algorithm: LogtoSimulatorConfiguration.SigningAlgorithm) async throws {
        var configuration = LogtoSimulatorConfiguration.development
        configuration.signingAlgorithm = algorithm
        try await withTenant(try LogtoSimulator(configuration: configuration)) { tenant in
            let token = try await tenant.managementToken()
            let user = try await tenant.api(.POST, "/api/users", #"{"username":"tg_9"}"#, token: token)
            let userID = try #require(user.json["id"]?.stringValue)
            let subject = try await tenant.api(.POST, "/api/subject-tokens", #"{"userId":"\#(userID)"}"#, token: token)
            let reply = try await tenant.exchange(
                subject.json["subjectToken"]?.stringValue ?? "", extra: "&resource=https%3A%2F%2Fapi.example.com&scope=read%3Apolls%20admin%3Apolls")
            let accessToken = try #require(reply.json["access_token"]?.stringValue)
            #expect(reply.json["scope"]?.stringValue == "read:polls", "admin:polls is not among the user's roles")
            let header = try JWTParts.header(accessToken)
            #expect(header["typ"]?.stringValue == "at+jwt")
            #expect(header["alg"]?.stringValue == algorithm.rawValue)
            let jwks = try await tenant.send(.GET, "/oidc/jwks")
            let claims = try await LogtoAccessTokenClaims.verify(accessToken, jwks: jwks.json)
            #expect(claims.sub.value == userID)
            #expect(claims.aud.value == ["https://api.example.com"])
            #expect(claims.iss.value == tenant.url + "/oidc")
            #expect(claims.client_id == "telegate-exchange")
            let discovery = try await tenant.send(.GET, "/oidc/.well-known/openid-configuration")
            #expect(discovery.json["issuer"]?.stringValue == tenant.url + "/oidc")
            #expect(discovery.json["jwks_uri"]?.stringValue == tenant.url + "/oidc/jwks")
        }
    }
}
