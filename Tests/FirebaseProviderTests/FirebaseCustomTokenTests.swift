import FirebaseSimulator
import Foundation
import ProviderKit
import StrictJSON
import TelegateCore
import TelegramAuth
import Testing

@testable import FirebaseProvider

/// The custom token Telegate mints: exact bytes for a known key and time, the header and claims Identity Toolkit
/// checks, and the configurations refused when they are saved.
@Suite("Firebase custom tokens")
struct FirebaseCustomTokenTests {
    /// Settings decoded as the server decodes them: schema validation with defaults, then the typed settings.
    static func settings(
        _ members: [(key: String, value: JSONValue)] = [], serviceAccount: String = FirebaseFixtures.serviceAccountJSON
    ) throws -> FirebaseSettings {
        let values = try FirebaseSettings.schema.validate(
            .object([("serviceAccount", .string("env:FIREBASE_SERVICE_ACCOUNT"))] + members))
        return try AdapterConfig(values: values, secrets: ["serviceAccount": serviceAccount]).decode(FirebaseSettings.self)
    }

    static let user = UserRecord(
        id: UserID(rawValue: "usr_01JZ0000000000000000000000")!, appID: AppID(rawValue: "shop")!, telegramID: 279_058_397,
        status: .active, profile: UserProfile(firstName: "Vladislav", username: "vdkfrost", isPremium: true),
        profileAuthDate: 1_750_000_000, createdAt: 1_750_000_000, updatedAt: 1_750_000_000)

    private static let knownAnswerConfig: [(key: String, value: JSONValue)] = [
        ("uid", .string("tg:{telegram_id}")), ("tenantId", .string("shop-tenant-x1y2z")), ("tokenTTL", .integer(600)),
        (
            "claims",
            .object([("telegram_id", .string("telegram_id")), ("tg_username", .string("username")), ("premium", .string("is_premium"))])
        ),
    ]

    /// The header and payload of a compact JWS.
    static func decode(_ token: String) throws -> (header: JSONValue, payload: JSONValue) {
        let segments = token.split(separator: ".", omittingEmptySubsequences: false)
        try #require(segments.count == 3)
        func json(_ segment: Substring) throws -> JSONValue {
            let bytes = try #require(Base64.decode(Array(segment.utf8), alphabet: .url, allowPadding: false, canonical: true))
            return try JSONValue.parse(bytes)
        }
        return (try json(segments[0]), try json(segments[1]))
    }

    @Test("With the same key, time and claims, the token is byte for byte the one PyJWT made")
    func knownAnswer() throws {
        let minted = try FirebaseCustomToken(settings: Self.settings(Self.knownAnswerConfig)).mint(for: Self.user, now: 1_750_000_000)
        #expect(minted.token == FirebaseFixtures.knownAnswer)
        #expect(minted.uid == "tg:279058397")
        #expect(minted.expiresAt == 1_750_000_600)
    }

    @Test("By default: header {alg, kid, typ}, iss = sub = the service account, Identity Toolkit's aud, one hour, uid = the user id")
    func defaults() throws {
        let minted = try FirebaseCustomToken(settings: Self.settings()).mint(for: Self.user, now: 1_750_000_000)
        let (header, payload) = try Self.decode(minted.token)
        #expect(
            header == .object([("alg", .string("RS256")), ("kid", .string(FirebaseFixtures.keyID)), ("typ", .string("JWT"))]))
        #expect(payload.objectMembers?.map(\.key) == ["iss", "sub", "aud", "iat", "exp", "uid", "claims"])
        #expect(payload["iss"]?.stringValue == FirebaseFixtures.email)
        #expect(payload["sub"]?.stringValue == FirebaseFixtures.email)
        #expect(payload["aud"]?.stringValue == "https://identitytoolkit.googleapis.com/google.identity.identitytoolkit.v1.IdentityToolkit")
        #expect(payload["iat"]?.integerValue == 1_750_000_000)
        #expect(payload["exp"]?.integerValue == 1_750_003_600)
        #expect(payload["uid"]?.stringValue == Self.user.id.rawValue)
        #expect(minted.uid == Self.user.id.rawValue)
        #expect(payload["claims"] == .object([("telegram_id", .integer(279_058_397))]))
    }

    @Test("Fields the profile lacks are left out; with no claims there is no claims member; the tenant is tenant_id")
    func optionalMembers() throws {
        let absent = try FirebaseCustomToken(
            settings: Self.settings([("claims", .object([("last", .string("last_name")), ("photo", .string("photo_url"))]))])
        ).mint(for: Self.user, now: 1_750_000_000)
        #expect(try Self.decode(absent.token).payload["claims"] == nil)
        let none = try FirebaseCustomToken(settings: Self.settings([("claims", .object([]))])).mint(for: Self.user, now: 1_750_000_000)
        #expect(try Self.decode(none.token).payload.objectMembers?.map(\.key) == ["iss", "sub", "aud", "iat", "exp", "uid"])
        let tenant = try FirebaseCustomToken(settings: Self.settings([("tenantId", .string("t-1"))])).mint(for: Self.user, now: 1)
        #expect(try Self.decode(tenant.token).payload["tenant_id"]?.stringValue == "t-1")
    }

    @Test("Every reserved developer-claim name is refused with invalid_config", arguments: FirebaseSettings.reservedClaims.sorted())
    func reservedClaim(name: String) throws {
        let error = try #require(throws: TelegateError.self) {
            try Self.settings([("claims", .object([(name, .string("telegram_id"))]))])
        }
        #expect(error.code == .invalidConfig)
        #expect(error.message.contains("\"\(name)\""))
    }

    @Test("The reserved names are Google's: the Admin SDKs' list with firebase and sub")
    func reservedList() {
        #expect(
            FirebaseSettings.reservedClaims == [
                "acr", "amr", "at_hash", "aud", "auth_time", "azp", "cnf", "c_hash", "exp", "firebase", "iat", "iss", "jti",
                "nbf", "nonce", "sub",
            ])
    }

    @Test("A uid template without a unique placeholder, or one that can exceed 128 characters, is refused")
    func uidTemplates() throws {
        for template in ["tg_user", "{user_id}" + String(repeating: "x", count: 99), "{telegram_id}{user_id}" + String(repeating: "x", count: 79)] {
            let error = try #require(throws: TelegateError.self) { try Self.settings([("uid", .string(template))]) }
            #expect(error.code == .invalidConfig, "\(template)")
        }
        _ = try Self.settings([("uid", .string("{telegram_id}{user_id}" + String(repeating: "x", count: 78)))])
        let error = try #require(throws: TelegateError.self) {
            try Self.settings([("claims", .object([("tg", .string("phone_number"))]))])
        }
        #expect(error.code == .invalidConfig)
    }

    @Test("tokenTTL is 1 to 3600 seconds")
    func tokenTTL() throws {
        for ttl: Int64 in [0, 3601] {
            #expect(throws: TelegateError.self) { try Self.settings([("tokenTTL", .integer(ttl))]) }
        }
        #expect(try Self.settings([("tokenTTL", .integer(1))]).tokenTTL == 1)
        #expect(try Self.settings().tokenTTL == 3600)
    }

    @Test("A key JSON that cannot sign is refused with invalid_config, and no message repeats the key")
    func badServiceAccounts() throws {
        let account = try #require(try JSONValue.parse(Array(FirebaseFixtures.serviceAccountJSON.utf8)).objectMembers)
        func replacing(_ name: String, with value: JSONValue?) -> String {
            var members = account.filter { $0.key != name }
            if let value { members.append((name, value)) }
            return JSONValue.object(members).serialized
        }
        let pem = try #require(account.first { $0.key == "private_key" }?.value.stringValue)
        let body = pem.split(separator: "\n").dropFirst().dropLast()
        let cases = [
            "not json", "[]", replacing("type", with: .string("authorized_user")), replacing("client_email", with: nil),
            replacing("private_key_id", with: .string("")), replacing("project_id", with: nil),
            replacing("private_key", with: .string("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")),
            replacing("private_key", with: .string(body.joined(separator: "\n"))),
            replacing("private_key", with: .string(pem.replacingOccurrences(of: "PRIVATE KEY", with: "CERTIFICATE"))),
        ]
        for json in cases {
            let error = try #require(throws: TelegateError.self) { try Self.settings(serviceAccount: json) }
            #expect(error.code == .invalidConfig)
            for line in body { #expect(!error.message.contains(line)) }
        }
    }

    @Test(
        "PyJWT verifies the token against the service account's public key, with every claim rule",
        .enabled(if: IndependentVerifier.isAvailable, "needs python3 with PyJWT and cryptography (pip install pyjwt cryptography)"))
    func independentVerification() async throws {
        let now = Int64(Date().timeIntervalSince1970)
        for config: [(key: String, value: JSONValue)] in [[], Self.knownAnswerConfig] {
            let settings = try Self.settings(config)
            let minted = try FirebaseCustomToken(settings: settings).mint(for: Self.user, now: now)
            let claims = try Self.decode(minted.token).payload["claims"]?.serialized ?? "{}"
            let result = try await IndependentVerifier.verify(
                minted.token, serviceAccountJSON: FirebaseFixtures.serviceAccountJSON, uid: minted.uid, tenantID: settings.tenantID,
                claims: claims)
            #expect(result.status == 0, "\(result.output)")
            #expect(result.output.trimmingCharacters(in: .whitespacesAndNewlines) == "ok")
        }
    }
}
