import Foundation
import StrictJSON
import TestSupport
import Testing

/// `signInWithFirebase` in a real headless Chromium: a Mini App page imports `/sdk/telegate.js` from a live
/// Telegate, exchanges initData for a custom token and signs in to the Firebase simulator through a stand-in of the
/// Firebase JS SDK that makes its REST calls (`accounts:signInWithCustomToken` with `{token, returnSecureToken:
/// true}` and the Web API key, then `accounts:lookup` with the new ID token, and the secure-token refresh), as the
/// modular and the compat SDK; and once more through `signInToFirebase` on a `createTelegate` client.
@Suite("Firebase browser SDK")
struct FirebaseBrowserSignInTests {
    @Test(
        "A Mini App page gets a real Firebase session (modular and compat SDK), refreshes it, and signs in again warm",
        Playwright.isInstalled)
    func miniAppSignIn() async throws {
        let pagePort = FreePort.next()
        let claims = JSONValue.object([("telegram_id", .string("telegram_id")), ("tg_username", .string("username"))])
        try await FirebaseHarness.run(
            live: true, corsOrigins: [HeadlessChromium.origin(port: pagePort)],
            adapterConfig: [("uid", .string("tg:{telegram_id}")), ("claims", claims)]
        ) { harness in
            let initData = try FirebaseHarness.initData(now: harness.application.services.clock.now)
            let page = Self.page(
                telegate: harness.baseURL, firebase: harness.simulatorURL, apiKey: harness.simulator.settings.apiKey,
                initData: initData)
            let result = try await HeadlessChromium.run(page: page, port: pagePort)
            #expect(result["error"] == nil, "\(result)")
            #expect(result["type"]?.stringValue == "firebase_custom_token")
            let first = try #require(result["first"])
            #expect(first["uid"]?.stringValue == "tg:279058397")
            #expect(result["glue"]?["uid"]?.stringValue == "tg:279058397", "signInToFirebase on a createTelegate client")
            #expect(first["operationType"]?.stringValue == "signIn")
            #expect(first["isNewUser"] == .bool(true))
            #expect(first["createdAt"]?.stringValue?.isEmpty == false)
            let claims = try #require(first["claims"])
            #expect(claims["sub"]?.stringValue == "tg:279058397")
            #expect(claims["user_id"]?.stringValue == "tg:279058397")
            #expect(claims["aud"]?.stringValue == harness.simulator.settings.projectID)
            #expect(claims["iss"]?.stringValue == "https://securetoken.google.com/\(harness.simulator.settings.projectID)")
            #expect(claims["telegram_id"]?.integerValue == 279_058_397)
            #expect(claims["tg_username"]?.stringValue == "vdkfrost")
            #expect(claims["firebase"]?["sign_in_provider"]?.stringValue == "custom")
            #expect(result["refreshed"]?["sub"]?.stringValue == "tg:279058397")
            #expect(result["refreshed"]?["telegram_id"]?.integerValue == 279_058_397)
            #expect(result["compat"]?["uid"]?.stringValue == "tg:279058397")
            #expect(result["compat"]?["isNewUser"] == .bool(false))
            #expect(result["missingSDK"]?.stringValue == "firebase_sdk_missing")
            #expect(result["wrongCredential"]?.stringValue == "invalid_credential")
            #expect(harness.simulator.users.map(\.uid) == ["tg:279058397"])
            #expect(harness.simulator.control.calls("sign_in_custom_token") == 3)
            #expect(harness.simulator.control.calls("lookup") == 3)
            #expect(harness.simulator.control.calls("refresh_token") == 1)
        }
    }

    /// A Mini App page. `signInWithCustomToken` and `compatAuth` stand in for the Firebase JS SDK pointed at the
    /// simulator as at the Auth emulator (`connectAuthEmulator`): Google's host name is the first path segment.
    private static func page(telegate: String, firebase: String, apiKey: String, initData: String) -> String {
        """
        <!doctype html>
        <html><body><pre id="result">pending</pre>
        <script>window.Telegram = { WebApp: { initData: \(JSONValue.string(initData).serialized) } };</script>
        <script type="module">
        import { createTelegate, exchange, memoryStorage, signInToFirebase, signInWithFirebase } from "\(telegate)/sdk/telegate.js";
        const EMULATOR = "\(firebase)";
        async function google(host, path, apiKey, body, contentType) {
          const response = await fetch(`${EMULATOR}/${host}${path}?key=${apiKey}`, {
            method: "POST", headers: { "Content-Type": contentType, "X-Client-Version": "Chrome/JsCore/11.0.0/FirebaseCore-web" },
            body,
          });
          const json = await response.json();
          if (!response.ok) throw new Error(`auth/${json.error.message}`);
          return json;
        }
        function claimsOf(jwt) {
          const part = jwt.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
          return JSON.parse(atob(part + "=".repeat((4 - part.length % 4) % 4)));
        }
        class User {
          constructor(auth, response, account) {
            this.auth = auth; this.uid = account.localId; this.refreshToken = response.refreshToken;
            this.accessToken = response.idToken;
            this.metadata = { creationTime: account.createdAt, lastSignInTime: account.lastLoginAt };
          }
          async getIdToken(forceRefresh = false) {
            if (!forceRefresh) return this.accessToken;
            const body = new URLSearchParams({ grant_type: "refresh_token", refresh_token: this.refreshToken }).toString();
            const json = await google("securetoken.googleapis.com", "/v1/token", this.auth.config.apiKey, body, "application/x-www-form-urlencoded");
            this.accessToken = json.id_token; this.refreshToken = json.refresh_token;
            return this.accessToken;
          }
        }
        // firebase/auth's signInWithCustomToken(auth, token): the sign-in, then the account reload with the ID token.
        async function signInWithCustomToken(auth, token) {
          const apiKey = auth.config.apiKey;
          const response = await google("identitytoolkit.googleapis.com", "/v1/accounts:signInWithCustomToken", apiKey,
            JSON.stringify({ token, returnSecureToken: true }), "application/json");
          const lookup = await google("identitytoolkit.googleapis.com", "/v1/accounts:lookup", apiKey,
            JSON.stringify({ idToken: response.idToken }), "application/json");
          const user = new User(auth, response, lookup.users[0]);
          auth.currentUser = user;
          return { user, providerId: null, operationType: "signIn", _tokenResponse: response };
        }
        const auth = { config: { apiKey: "\(apiKey)" }, currentUser: null };
        const compatAuth = { config: auth.config, currentUser: null,
          signInWithCustomToken(token) { return signInWithCustomToken(this, token); } };
        const out = {};
        try {
          const first = await exchange({ baseURL: "\(telegate)", app: "shop" });
          out.type = first.credential.type;
          const credential = await signInWithFirebase(auth, first, { signInWithCustomToken });
          const idToken = await credential.user.getIdToken();
          out.first = { uid: credential.user.uid, operationType: credential.operationType,
            isNewUser: credential._tokenResponse.isNewUser, createdAt: credential.user.metadata.creationTime,
            claims: claimsOf(idToken) };
          const refreshed = await auth.currentUser.getIdToken(true);
          // Within the same second Google's deterministic RS256 gives the same token again: compare the claims.
          out.refreshed = { sub: claimsOf(refreshed).sub, telegram_id: claimsOf(refreshed).telegram_id };
          const second = await exchange({ baseURL: "\(telegate)", app: "shop" });
          const compat = await signInWithFirebase(compatAuth, second.credential);
          out.compat = { uid: compat.user.uid, isNewUser: compat._tokenResponse.isNewUser };
          const client = createTelegate({ baseURL: "\(telegate)", app: "shop", storage: memoryStorage() });
          const glued = await signInToFirebase(client, auth, { signInWithCustomToken });
          out.glue = { uid: glued.user.uid };
          try { await signInWithFirebase({}, second.credential); } catch (error) { out.missingSDK = error.code; }
          try { await signInWithFirebase(auth, { type: "clerk_ticket", ticket: "x" }, { signInWithCustomToken }); }
          catch (error) { out.wrongCredential = error.code; }
        } catch (error) {
          out.error = String(error && (error.code || error.message) || error);
        }
        document.getElementById("result").textContent = JSON.stringify(out);
        </script></body></html>
        """
    }
}
