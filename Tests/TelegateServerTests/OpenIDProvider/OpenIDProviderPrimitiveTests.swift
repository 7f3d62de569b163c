import StrictJSON
import TelegateCore
import TelegateIssuer
import Testing

/// The OpenID Provider's pure pieces, against known answers computed independently (Python's hashlib).
@Suite("OpenID Provider primitives")
struct OpenIDProviderPrimitiveTests {
    @Test("PKCE S256: the RFC 7636 appendix B vector, and every other verifier refused")
    func proofKey() {
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
        let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        #expect(ProofKeyChallenge.challenge(of: verifier) == challenge)
        #expect(ProofKeyChallenge.verify(verifier, against: challenge))
        #expect(!ProofKeyChallenge.verify(verifier, against: verifier), "plain is never accepted")
        #expect(!ProofKeyChallenge.verify(String(verifier.dropLast()) + "l", against: challenge))
        #expect(!ProofKeyChallenge.verify(verifier, against: String(challenge.dropLast())))
        let short = String(repeating: "a", count: 42)
        #expect(!ProofKeyChallenge.verify(short, against: ProofKeyChallenge.challenge(of: short)), "too short")
        let odd = String(repeating: "a", count: 42) + "+"
        #expect(!ProofKeyChallenge.verify(odd, against: ProofKeyChallenge.challenge(of: odd)), "outside the alphabet")
    }

    @Test("at_hash is the left half of SHA-256 for RS256 and ES256, of SHA-512 for EdDSA")
    func accessTokenHash() {
        let token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c3JfMDEifQ.c2lnbmF0dXJl"
        #expect(AccessTokenHash.value(of: token, algorithm: .rs256) == "4PBmxy_ojLpZ6dgnondG-A")
        #expect(AccessTokenHash.value(of: token, algorithm: .es256) == "4PBmxy_ojLpZ6dgnondG-A")
        #expect(AccessTokenHash.value(of: token, algorithm: .edDSA) == "vM_vHg6Q1kQyzg2anlygEtTsTsAA6l1BBwN_0VDFAl8")
    }

    @Test("Each scope releases its claims and no others; never an email; picture only over https")
    func claimsPerScope() throws {
        let user = UserRecord(
            id: try #require(UserID(rawValue: "usr_01HZY3K1Q7W5N6M8P9R2S4T6V8")), appID: try #require(AppID(rawValue: "poll")),
            telegramID: 42, status: .active,
            profile: UserProfile(
                firstName: "Ada", lastName: "Lovelace", username: "ada", photoURL: "http://t.me/i/ada.jpg", languageCode: "en",
                allowsWriteToPM: true),
            profileAuthDate: 100, createdAt: 100, updatedAt: 200)
        let names = { (scopes: [String]) in ScopeClaims.claims(of: user, scopes: scopes).map(\.key) }
        #expect(names(["openid"]) == ["sub"])
        #expect(names(["openid", "profile"]) == ["sub", "name", "given_name", "family_name", "preferred_username", "locale", "updated_at"])
        #expect(names(["openid", "telegram"]) == ["sub", "telegram_id", "telegram_username", "allows_write_to_pm"])
        let all = JSONValue.object(ScopeClaims.claims(of: user, scopes: ScopeClaims.scopes))
        #expect(all["name"] == .string("Ada Lovelace"))
        #expect(all["updated_at"] == .integer(200))
        #expect(all["telegram_id"] == .integer(42))
        #expect(all["allows_write_to_pm"] == .bool(true))
        #expect(all["email"] == nil && all["picture"] == nil)
    }
}
