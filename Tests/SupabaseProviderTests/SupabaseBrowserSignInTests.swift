import Crypto
import Foundation
import StrictJSON
import TestSupport
import Testing

/// `signInWithSupabase` in a real headless Chromium: a Mini App page imports `/sdk/telegate.js` from a live
/// Telegate, exchanges initData for a one-time token hash (or, on the custom OIDC provider route, for an ID token
/// holding the hash of the page's nonce) and opens a session at the Supabase simulator through a stand-in of
/// supabase-js v2 that makes its REST calls with its headers (`POST /auth/v1/verify`, the refresh and id_token grants
/// of `/auth/v1/token` and `GET /auth/v1/user`), cross-origin as from a Mini App.
@Suite("Supabase browser SDK")
struct SupabaseBrowserSignInTests {
    @Test(
        "A Mini App page gets a real Supabase session whose sub is the stored UUID, once per token hash, refreshes it, and signs in again warm",
        Playwright.isInstalled)
    func miniAppSignIn() async throws {
        let pagePort = FreePort.next()
        try await SupabaseHarness.run(live: true, corsOrigins: [HeadlessChromium.origin(port: pagePort)]) { harness in
            let page = try Self.page(harness, scenario: Self.otpScenario(telegate: harness.baseURL))
            let result = try await HeadlessChromium.run(page: page, port: pagePort)
            #expect(result["error"] == nil, "\(result)")
            #expect(result["type"]?.stringValue == "supabase_otp")
            let userID = try #require(result["userId"]?.stringValue)
            #expect(UUID(uuidString: userID) != nil)
            let supabaseUsers = harness.simulator.users
            #expect(supabaseUsers.map(\.id) == [userID])
            let first = try #require(result["first"])
            #expect(first["sub"]?.stringValue == userID)
            #expect(first["role"]?.stringValue == "authenticated")
            #expect(first["userId"]?.stringValue == userID)
            #expect(first["refreshToken"] == .bool(true))
            #expect(result["stored"] == .bool(true))
            #expect(result["reuse"]?.stringValue == "otp_expired")
            #expect(result["reuseStatus"]?.integerValue == 403)
            #expect(result["refreshed"]?["sub"]?.stringValue == userID)
            #expect(result["refreshed"]?["rotated"] == .bool(true))
            #expect(result["user"]?.stringValue == userID)
            #expect(result["warm"]?["userId"]?.stringValue == userID)
            #expect(result["warm"]?["sub"]?.stringValue == userID)
            #expect(result["warm"]?["type"]?.stringValue == "magiclink")
            #expect(result["missingSDK"]?.stringValue == "supabase_sdk_missing")
            #expect(result["oidcWithoutProvider"]?.stringValue == "invalid_request")
            #expect(harness.simulator.sessions.count == 2)
            #expect(harness.simulator.sessions.allSatisfy { $0.userID == userID })
            #expect(harness.simulator.control.calls("verify") == 3)
        }
    }

    @Test(
        "Custom OIDC route: a page signs in with its own nonce as a UUID user, again with the same ID token, never with another nonce",
        Playwright.isInstalled)
    func miniAppSignInWithIdToken() async throws {
        let pagePort = FreePort.next()
        try await SupabaseHarness.run(
            live: true, adapters: [SupabaseCustomOIDCTests.oidcAdapter], corsOrigins: [HeadlessChromium.origin(port: pagePort)]
        ) { harness in
            let registered = try await SupabaseCustomOIDCTests.register(harness)
            #expect(registered.status == 201, "\(registered.body)")
            let scenario = Self.idTokenScenario(telegate: harness.baseURL, adapter: SupabaseCustomOIDCTests.oidcAdapter.name)
            let result = try await HeadlessChromium.run(page: try Self.page(harness, scenario: scenario), port: pagePort)
            #expect(result["error"] == nil, "\(result)")
            #expect(result["type"]?.stringValue == "oidc")
            let nonce = try #require(result["nonce"]?.stringValue)
            #expect(nonce.count == 32)
            let hash = SHA256.hash(data: Array(nonce.utf8)).map { String(format: "%02x", $0) }.joined()
            #expect(result["tokenNonce"]?.stringValue == hash)

            let first = try #require(result["first"])
            let userID = try #require(first["sub"]?.stringValue)
            #expect(UUID(uuidString: userID) != nil)
            #expect(first["userId"]?.stringValue == userID)
            #expect(first["role"]?.stringValue == "authenticated")
            #expect(first["provider"]?.stringValue == "custom:telegate")
            #expect(first["stored"] == .bool(true))
            // Supabase keeps no record of ID tokens it has accepted: the same token and nonce open another session
            // for the same user while the token lives.
            let again = try #require(result["again"])
            #expect(again["sub"]?.stringValue == userID)
            #expect(again["session"]?.stringValue != first["session"]?.stringValue)
            #expect(harness.simulator.users.map(\.id) == [userID])
            #expect(harness.simulator.sessions.count == 2)
            #expect(harness.simulator.sessions.allSatisfy { $0.userID == userID })

            // Supabase refuses a wrong nonce with an OAuth-style `{"error": "invalid nonce"}` that has no error code, so
            // supabase-js's error has none and the TelegateError carries the SDK's own code with Supabase's status and
            // message.
            let wrong = try #require(result["wrongNonce"])
            #expect(wrong["name"]?.stringValue == "TelegateError")
            #expect(wrong["code"]?.stringValue == "supabase_sign_in_failed")
            #expect(wrong["status"]?.integerValue == 400)
            #expect(wrong["message"]?.stringValue == "Supabase did not open a session: Nonces mismatch")
            #expect(harness.simulator.control.calls("token") == 3)
            #expect(harness.simulator.sessions.count == 2)
        }
    }

    /// The `verifyOtp` route: a session once per token hash, refreshed, then a warm sign-in and the SDK's refusals.
    private static func otpScenario(telegate: String) -> String {
        """
          const first = await exchange({ baseURL: "\(telegate)", app: "shop" });
          out.type = first.credential.type;
          out.userId = first.credential.userId;
          const data = await signInWithSupabase(supabase, first);
          const claims = claimsOf(data.session.access_token);
          out.first = { sub: claims.sub, role: claims.role, userId: data.user.id, refreshToken: !!data.session.refresh_token };
          out.stored = (await supabase.auth.getSession()).data.session === data.session;
          try { await signInWithSupabase(supabase, first.credential); out.reuse = "accepted"; }
          catch (error) { out.reuse = error.code; out.reuseStatus = error.status; }
          const refreshed = await supabase.auth.refreshSession();
          out.refreshed = { sub: claimsOf(refreshed.data.session.access_token).sub,
            rotated: refreshed.data.session.refresh_token !== data.session.refresh_token };
          out.user = (await supabase.auth.getUser()).data.user.id;
          const second = await exchange({ baseURL: "\(telegate)", app: "shop" });
          const warm = await signInWithSupabase(supabase, second.credential);
          out.warm = { userId: second.credential.userId, sub: claimsOf(warm.session.access_token).sub,
            type: second.credential.verificationType };
          try { await signInWithSupabase({}, second.credential); } catch (error) { out.missingSDK = error.code; }
          try { await signInWithSupabase(supabase, { type: "oidc", idToken: "x.y.z" }); }
          catch (error) { out.oidcWithoutProvider = error.code; }
        """
    }

    /// The custom OIDC provider route: a random nonce, an exchange through the `oidc` adapter `adapter` with it, two
    /// sign-ins with that ID token and nonce, and one with another nonce.
    private static func idTokenScenario(telegate: String, adapter: String) -> String {
        """
          const random = crypto.getRandomValues(new Uint8Array(16));
          const nonce = Array.from(random, (byte) => byte.toString(16).padStart(2, "0")).join("");
          out.nonce = nonce;
          const exchanged = await exchange({ baseURL: "\(telegate)", app: "shop", provider: "\(adapter)", nonce });
          out.type = exchanged.credential.type;
          out.tokenNonce = claimsOf(exchanged.credential.idToken).nonce;
          const options = { provider: "custom:telegate", nonce };
          const data = await signInWithSupabase(supabase, exchanged, options);
          const claims = claimsOf(data.session.access_token);
          out.first = { sub: claims.sub, role: claims.role, userId: data.user.id, session: claims.session_id,
            provider: data.user.identities[0].provider, stored: (await supabase.auth.getSession()).data.session === data.session };
          const again = await signInWithSupabase(supabase, exchanged.credential, options);
          const againClaims = claimsOf(again.session.access_token);
          out.again = { sub: againClaims.sub, session: againClaims.session_id };
          try {
            await signInWithSupabase(supabase, exchanged.credential, { provider: "custom:telegate", nonce: nonce + "0" });
            out.wrongNonce = "accepted";
          } catch (error) {
            out.wrongNonce = { name: error.name, code: error.code, status: error.status, message: error.message };
          }
        """
    }

    /// A Mini App page. `createClient` stands in for supabase-js: its `auth.verifyOtp`, `signInWithIdToken`,
    /// `refreshSession` and `getUser` send what auth-js sends (the publishable key as `apikey` and bearer, `X-Client-Info`,
    /// `X-Supabase-Api-Version`, a JSON body with `gotrue_meta_security`) and answer `{data, error}`, an error
    /// carrying the message, status and code auth-js reads from the answer. The page runs `scenario` (which fills
    /// `out`) and shows `out` as JSON.
    private static func page(_ harness: SupabaseHarness, scenario: String) throws -> String {
        let telegate = harness.baseURL
        let supabase = harness.simulatorURL
        let anonKey = SupabaseHarness.anonKey
        let initData = try SupabaseHarness.initData(now: harness.application.services.clock.now)
        return """
        <!doctype html>
        <html><body><pre id="result">pending</pre>
        <script>window.Telegram = { WebApp: { initData: \(JSONValue.string(initData).serialized) } };</script>
        <script type="module">
        import { exchange, signInWithSupabase } from "\(telegate)/sdk/telegate.js";
        function createClient(url, key) {
          const base = `${url}/auth/v1`;
          let stored = null;
          async function call(method, path, { body, jwt } = {}) {
            const headers = { apikey: key, Authorization: `Bearer ${jwt || key}`, "X-Client-Info": "supabase-js-web/2.57.4",
              "X-Supabase-Api-Version": "2024-01-01" };
            if (body) headers["Content-Type"] = "application/json;charset=UTF-8";
            const response = await fetch(base + path, { method, headers, body: body && JSON.stringify(body) });
            const json = await response.json();
            if (!response.ok) {
              const code = typeof json.code === "string" ? json.code : json.error_code;
              const message = json.msg || json.message || json.error_description || json.error || JSON.stringify(json);
              const error = Object.assign(new Error(message), { name: "AuthApiError", status: response.status, code });
              return { data: null, error };
            }
            return { data: json, error: null };
          }
          function sessionResponse({ data, error }) {
            if (error) return { data: { user: null, session: null }, error };
            const session = data.access_token ? data : null;
            if (session) stored = session;
            return { data: { session, user: data.user || data }, error: null };
          }
          return { auth: {
            async verifyOtp(params) {
              return sessionResponse(await call("POST", "/verify", { body: { ...params, gotrue_meta_security: {} } }));
            },
            async signInWithIdToken({ provider, token, nonce }) {
              return sessionResponse(await call("POST", "/token?grant_type=id_token",
                { body: { provider, id_token: token, nonce, gotrue_meta_security: {} } }));
            },
            async refreshSession() {
              return sessionResponse(await call("POST", "/token?grant_type=refresh_token", { body: { refresh_token: stored.refresh_token } }));
            },
            async getUser() {
              const { data, error } = await call("GET", "/user", { jwt: stored.access_token });
              return { data: { user: data }, error };
            },
            async getSession() { return { data: { session: stored }, error: null }; },
          } };
        }
        function claimsOf(jwt) {
          const part = jwt.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
          return JSON.parse(atob(part + "=".repeat((4 - part.length % 4) % 4)));
        }
        const supabase = createClient("\(supabase)", "\(anonKey)");
        const out = {};
        try {
        \(scenario)
        } catch (error) {
          out.error = String(error && (error.code || error.message) || error);
        }
        document.getElementById("result").textContent = JSON.stringify(out);
        </script></body></html>
        """
    }
}
