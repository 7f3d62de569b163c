import Foundation
import StrictJSON
import TestSupport
import Testing

/// `signInWithSupabase` in a real headless Chromium: a Mini App page imports `/sdk/telegate.js` from a live
/// Telegate, exchanges initData for a one-time token hash and opens a session at the Supabase simulator through a
/// stand-in of supabase-js v2 that makes its REST calls with its headers (`POST /auth/v1/verify`, the refresh grant
/// of `/auth/v1/token` and `GET /auth/v1/user`), cross-origin as from a Mini App.
@Suite("Supabase browser SDK")
struct SupabaseBrowserSignInTests {
    @Test(
        "A Mini App page gets a real Supabase session whose sub is the stored UUID, once per token hash, refreshes it, and signs in again warm",
        HeadlessChromium.isInstalled)
    func miniAppSignIn() async throws {
        let pagePort = FreePort.next()
        try await SupabaseHarness.run(live: true, corsOrigins: [HeadlessChromium.origin(port: pagePort)]) { harness in
            let page = Self.page(
                telegate: harness.baseURL, supabase: harness.simulatorURL, anonKey: SupabaseHarness.anonKey,
                initData: try SupabaseHarness.initData(now: harness.application.services.clock.now))
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

    /// A Mini App page. `createClient` stands in for supabase-js: its `auth.verifyOtp`, `refreshSession` and
    /// `getUser` send what auth-js sends (the publishable key as `apikey` and bearer, `X-Client-Info`,
    /// `X-Supabase-Api-Version`, a JSON body with `gotrue_meta_security`) and answer `{data, error}`.
    private static func page(telegate: String, supabase: String, anonKey: String, initData: String) -> String {
        """
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
              const error = Object.assign(new Error(json.msg || json.message), { name: "AuthApiError", status: response.status, code });
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
        } catch (error) {
          out.error = String(error && (error.code || error.message) || error);
        }
        document.getElementById("result").textContent = JSON.stringify(out);
        </script></body></html>
        """
    }
}
