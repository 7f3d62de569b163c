import Foundation
import StrictJSON
import TestSupport
import Testing

/// The browser SDK in a real headless Chromium: a Mini App page (a stand-in `window.Telegram.WebApp` carrying
/// initData signed for the test bot) imports `/sdk/telegate.js` from a live Telegate, exchanges, and signs in to
/// the Clerk simulator's Frontend API through `signInWithClerk` (and `signInToClerk` on a `createTelegate` client),
/// with Clerk Core 2 and Core 3 shaped clients.
@Suite("Browser SDK")
struct BrowserSignInTests {
    @Test(
        "A Mini App page signs in to Clerk (Core 2 and 3) with a single-use ticket, and convexAuth fetches and refreshes tokens",
        Playwright.isInstalled)
    func miniAppSignIn() async throws {
        let pagePort = FreePort.next()
        try await ClerkHarness.run(live: true, corsOrigins: [HeadlessChromium.origin(port: pagePort)]) { harness in
            let page = Self.page(
                telegate: harness.baseURL, fapi: harness.simulatorURL, initData: try ClerkHarness.initData())
            let result = try await HeadlessChromium.run(page: page, port: pagePort)
            #expect(result["error"] == nil, "\(result)")
            #expect(result["type"]?.stringValue == "clerk_ticket")
            #expect(result["core2"]?["status"]?.stringValue == "complete")
            #expect(result["core2"]?["alreadyActive"] == .bool(false))
            #expect(result["core2Session"]?.stringValue?.hasPrefix("sess_") == true)
            #expect(result["reuse"]?.stringValue == "ticket_invalid_code")
            #expect(result["again"]?["alreadyActive"] == .bool(true))
            #expect(result["core3"]?["status"]?.stringValue == "complete")
            #expect(result["core3"]?["sessionId"]?.stringValue?.hasPrefix("sess_") == true)
            #expect(result["glue"]?["status"]?.stringValue == "complete", "signInToClerk on a createTelegate client")
            #expect(result["convex"]?["jwt"] == .bool(true))
            #expect(result["convex"]?["shared"] == .bool(true))
            #expect(result["convex"]?["cached"] == .bool(true))
            #expect(result["convex"]?["refreshed"] == .bool(true))
            #expect(harness.simulator.sessions.count == 3)
            #expect(harness.simulator.users.count == 1)
        }
    }

    /// A Mini App page. The Clerk clients are small stand-ins for clerk-js that talk to the simulator's Frontend
    /// API the way clerk-js does (form-encoded `strategy=ticket`).
    private static func page(telegate: String, fapi: String, initData: String) -> String {
        """
        <!doctype html>
        <html><body><pre id="result">pending</pre>
        <script>window.Telegram = { WebApp: { initData: \(JSONValue.string(initData).serialized) } };</script>
        <script type="module">
        import { exchange, signInWithClerk, convexAuth, createTelegate, memoryStorage, signInToClerk } from "\(telegate)/sdk/telegate.js";
        const FAPI = "\(fapi)";
        async function fapiSignIn(ticket) {
          const response = await fetch(FAPI + "/v1/client/sign_ins", {
            method: "POST",
            headers: { "Content-Type": "application/x-www-form-urlencoded" },
            body: new URLSearchParams({ strategy: "ticket", ticket }).toString(),
          });
          const json = await response.json();
          if (!response.ok) throw new Error(json.errors[0].code);
          return json;
        }
        function activate(clerk, client, sessionId) {
          const session = client.sessions.find((s) => s.id === sessionId);
          clerk.session = { id: session.id };
          clerk.user = { id: session.user.id };
        }
        function core2Clerk() {
          let last = null;
          const clerk = {
            user: null, session: null,
            client: { signIn: { async create({ strategy, ticket }) {
              if (strategy !== "ticket") throw new Error("unexpected strategy");
              last = await fapiSignIn(ticket);
              return { status: last.response.status, createdSessionId: last.response.created_session_id };
            } } },
            async setActive({ session }) { activate(clerk, last.client, session); },
            async signOut() { clerk.session = null; clerk.user = null; },
          };
          return clerk;
        }
        function core3Clerk() {
          const clerk = { user: null, session: null };
          let last = null;
          clerk.signIn = {
            status: "needs_identifier", createdSessionId: null,
            async ticket({ ticket }) {
              try { last = await fapiSignIn(ticket); } catch (error) { return { error }; }
              this.status = last.response.status;
              this.createdSessionId = last.response.created_session_id;
              return { error: null };
            },
            async finalize() { activate(clerk, last.client, this.createdSessionId); },
          };
          return clerk;
        }
        const out = {};
        try {
          const first = await exchange({ baseURL: "\(telegate)", app: "shop" });
          out.type = first.credential.type;
          const clerk = core2Clerk();
          out.core2 = await signInWithClerk(clerk, first);
          out.core2Session = clerk.session && clerk.session.id;
          try { await fapiSignIn(first.credential.ticket); out.reuse = "accepted"; } catch (error) { out.reuse = error.message; }
          const second = await exchange({ baseURL: "\(telegate)", app: "shop" });
          out.again = await signInWithClerk(clerk, second.credential);
          const third = await exchange({ baseURL: "\(telegate)", app: "shop" });
          out.core3 = await signInWithClerk(core3Clerk(), third.credential);
          const client = createTelegate({ baseURL: "\(telegate)", app: "shop", provider: "clerk", storage: memoryStorage() });
          out.glue = await signInToClerk(client, core3Clerk());
          const fetchAccessToken = convexAuth({ baseURL: "\(telegate)", app: "shop", provider: "convex" });
          const [a, b] = await Promise.all([fetchAccessToken({ forceRefreshToken: false }), fetchAccessToken({ forceRefreshToken: false })]);
          const cached = await fetchAccessToken({ forceRefreshToken: false });
          const refreshed = await fetchAccessToken({ forceRefreshToken: true });
          out.convex = { jwt: typeof a === "string" && a.split(".").length === 3, shared: a === b, cached: cached === a,
            refreshed: typeof refreshed === "string" && refreshed !== a };
        } catch (error) {
          out.error = String(error && (error.code || error.message) || error);
        }
        document.getElementById("result").textContent = JSON.stringify(out);
        </script></body></html>
        """
    }
}
