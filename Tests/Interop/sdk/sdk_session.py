#!/usr/bin/env python3
"""Drive Telegate's browser SDK (createTelegate) in headless Chromium (Playwright) against a running Telegate.

Usage:
  sdk_session.py SCENARIO --base-url URL --page-port PORT --app APP --provider ADAPTER [--init-data STR]
                 [--tg-auth-result B64] [--widget JSON] [--id-token JWT --nonce STR] [--seconds N] [--no-web-locks]
                 [--ws-url URL --other-token TOKEN --refreshes N]

Scenarios:
  tabs     Two tabs of one Mini App (a Telegram.WebApp stand-in with --init-data) keep one session for --seconds:
           every 200 ms each asks getToken(); prints the tokens each tab saw, any expired token it was handed, and
           the tokens each tab's onTokenChange listener was given, and the refresh grants Telegate counted
           (telegate_refreshes_total) meanwhile, with the milliseconds between the two counts. With --no-web-locks
           an init script removes navigator.locks, so the tabs take turns through the BroadcastChannel lock. (The
           run lasts --seconds by design; every wait of the script itself is for a condition.)
  revoke   The session's refresh family is revoked behind the page's back; getToken() then signs in again.
  signout  signOut() (with the first refresh token, and after a refresh) revokes: the refresh token is refused.
  widget   No Mini App: a #tgAuthResult= return signs in (and leaves the URL), then signIn({widget}) does.
  retry    The token endpoint answers 503 (a Playwright route) to the first two refresh attempts, then Telegate
           answers: getToken({forceRefresh}) resolves with a new token; then to every attempt: it rejects. Prints the
           attempts the route saw and the milliseconds each getToken() took.
  storage  One page per Telegram WebApp stand-in (SecureStorage and DeviceStorage with Telegram's callback shapes,
           and isVersionAtLeast): both storages; a SecureStorage that answers errors; DeviceStorage alone; a client
           older than Bot API 9.0; no Telegram storage. Each signs in and refreshes once; prints the storage in use,
           where the session (its refresh token) was found, and whether the refresh token is anywhere in
           localStorage, a cookie or the URL.
  skew     Two Mini App pages whose Date.now is 90 s ahead and 90 s behind watch their token for --seconds (as
           tabs does, timed by the real clock): prints the least time (on the real clock) any token had left when
           handed out, and the refresh grants Telegate counted.
  idtoken  No Mini App: signIn({idToken, nonce}) with a Telegram Login ID token opens a session, which refreshes.
  convex   convexAuth() with an adapter whose ID token lives shorter than its access token, for --seconds: never
           an expired ID token.
  socket   The WebSocket helpers on stand-in sockets: connectionParams, an {"type":"auth"} message per refresh on an
           open socket, a controlled reconnect (close 4000, or the reconnect callback) with inPlace: false, nothing
           sent to a closed socket.
  roundtrip  A real WebSocket to --ws-url (a backend authenticating its first message, answering each "tick" with
           {"tick": n, "jti": …}): the first message is {"type":"auth"} with trpcConnectionParams' token, then
           authenticateSocket keeps the identity current while the SDK refreshes on its own; a tick is asked after
           each token change, until --refreshes refreshes. Then refreshing stops and the page waits for the server
           to close the socket at expiry; the expired token and --other-token are each sent on a new socket.

The page is served by the script at http://127.0.0.1:PORT (the app must allow that origin). Every wait is for a
condition. Chromium: /usr/bin/chromium, or CHROMIUM=path. Prints one JSON line with what was seen, then "ok";
the caller checks the figures.
"""
import argparse
import http.server
import json
import os
import re
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

from playwright.sync_api import sync_playwright

TIMEOUT = 120_000


def page_html(base_url, app, provider):
    return f"""<!doctype html><html><body><pre id="result">pending</pre>
<script type="module">
import * as sdk from "{base_url}/sdk/telegate.js";
window.sdk = sdk;
window.telegate = sdk.createTelegate({{ baseURL: "{base_url}", app: "{app}", provider: "{provider}" }});
window.ready = true;
</script></body></html>"""


def serve(port, html):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def refreshes(base_url, app):
    """Telegate's own count of refresh grants by outcome."""
    text = urllib.request.urlopen(base_url + "/metrics", timeout=30).read().decode()
    counts = {}
    for outcome, count in re.findall(r'telegate_refreshes_total\{app="%s",outcome="([a-z_]+)"\} (\d+)' % re.escape(app), text):
        counts[outcome] = int(count)
    return counts


def post_form(url, fields):
    data = urllib.parse.urlencode(fields).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/x-www-form-urlencoded"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


# Telegram's callback storages (DeviceStorage, SecureStorage: `setItem(key, value, callback(error, ok))`,
# `getItem(key, callback(error, value))`, `removeItem(key, callback(error, ok))`), answering asynchronously as
# Telegram does; `failure` makes every call answer that error, as clients without the storage do. The items are kept
# in window.telegramStorages[name] for the script to read.
CALLBACK_STORAGE = """(name, failure) => {
  const items = new Map();
  (window.telegramStorages = window.telegramStorages || {})[name] = items;
  const answer = (callback, error, value) => { if (callback) setTimeout(() => callback(error, value), 0); };
  return {
    setItem(key, value, callback) {
      if (!failure) items.set(String(key), String(value));
      answer(callback, failure, failure ? undefined : true);
      return this;
    },
    getItem(key, callback) {
      answer(callback, failure, failure ? undefined : (items.has(String(key)) ? items.get(String(key)) : null));
      return this;
    },
    removeItem(key, callback) {
      if (!failure) items.delete(String(key));
      answer(callback, failure, failure ? undefined : true);
      return this;
    },
  };
}"""


def stand_in(init_data, version=None, secure_storage=None, device_storage=False):
    """The Telegram WebApp stand-in: initData, and with `version` the Bot API version isVersionAtLeast compares
    with; `secure_storage` "ok" or an error to answer, `device_storage` whether DeviceStorage is there."""
    members = ["initData: %s" % json.dumps(init_data), "initDataUnsafe: {}", "ready() {}"]
    if version:
        members += [
            "version: %s" % json.dumps(version),
            "isVersionAtLeast(v) { const a = this.version.split('.').map(Number), b = String(v).split('.').map(Number);"
            " for (let i = 0; i < Math.max(a.length, b.length); i += 1) { if ((a[i] || 0) !== (b[i] || 0))"
            " return (a[i] || 0) > (b[i] || 0); } return true; }",
        ]
    if secure_storage:
        members.append("SecureStorage: storage('secure', %s)" % json.dumps(None if secure_storage == "ok" else secure_storage))
    if device_storage:
        members.append("DeviceStorage: storage('device', null)")
    return "{ const storage = (%s); window.Telegram = { WebApp: { %s } }; }" % (CALLBACK_STORAGE, ", ".join(members))


# Removes the Web Locks API, as in WebViews without it.
NO_WEB_LOCKS = "Object.defineProperty(Navigator.prototype, 'locks', { get: () => undefined, configurable: true });"


def skewed_clock(milliseconds):
    """Moves the page's Date.now by `milliseconds`; the real clock stays readable as window.realNow()."""
    return "{ const real = Date.now.bind(Date); window.realNow = real; Date.now = () => real() + %d; }" % milliseconds


# Runs in a tab: asks getToken() every 200 ms until `deadline` (ms since the epoch on the real clock, the same for
# both tabs), recording what it was handed and the least time (real clock) a token had left then; then stops
# listening (so nothing refreshes any more) and takes the token once more, so a refresh in flight at the deadline is
# recorded too. `changed`: the access tokens the onTokenChange listener was given, in order.
WATCH = """async (deadline) => {
  const now = window.realNow || Date.now;
  const seen = [], expired = [], errors = [], changed = [];
  let leastLeft = null;
  const record = (token) => {
    const left = window.sdk.decodeJWT(token).exp * 1000 - now();
    if (left <= 0) expired.push(token.slice(-12));
    leastLeft = leastLeft === null ? left : Math.min(leastLeft, left);
    if (!seen.includes(token)) seen.push(token);
  };
  const stop = window.telegate.onTokenChange((session) => { changed.push(session ? session.accessToken.slice(-16) : null); });
  while (now() < deadline) {
    try { record(await window.telegate.getToken()); }
    catch (error) { errors.push(String(error.code || error.message || error)); }
    await new Promise((r) => setTimeout(r, 200));
  }
  stop();
  record(await window.telegate.getToken());
  return { seen: seen.map((t) => t.slice(-16)), changed, leastLeft, expired, errors };
}"""


def watch(pages, seconds):
    """Runs WATCH in `pages` at once until `seconds` from now; what each saw."""
    deadline = int(time.time() * 1000) + seconds * 1000
    for page in pages:
        page.evaluate(
            "([watch, deadline]) => { window.watched = null; (0, eval)(watch)(deadline).then((r) => { window.watched = r; }); }",
            [WATCH, deadline])
    seen = []
    for page in pages:
        page.wait_for_function("window.watched !== null", timeout=TIMEOUT + seconds * 1000)
        seen.append(page.evaluate("() => window.watched"))
    return seen


def counted(base, app, before, started):
    """The refresh grants Telegate counted since `before` (taken at `started`, time.monotonic()), by outcome, and the
    milliseconds since."""
    after = refreshes(base, app)
    return ({k: after.get(k, 0) - before.get(k, 0) for k in set(before) | set(after)},
            int((time.monotonic() - started) * 1000))


# Runs in a signed-in page: getToken({forceRefresh: true}), its outcome and how long it took.
TIMED_REFRESH = """async () => {
  const before = await window.telegate.getToken();
  const started = performance.now();
  try {
    const token = await window.telegate.getToken({ forceRefresh: true });
    const { exp } = window.sdk.decodeJWT(token);
    return { fresh: token !== before && exp * 1000 > Date.now(), ms: Math.round(performance.now() - started) };
  } catch (error) {
    return { error: String(error.code), status: error.status, ms: Math.round(performance.now() - started) };
  }
}"""


# Runs in a signed-in page: where the session is kept, and whether its refresh token is anywhere else.
STORED = """(key) => {
  const stores = window.telegramStorages || {};
  const where = {};
  let refreshToken = null;
  for (const [name, items] of [...Object.entries(stores), ["sessionStorage", new Map(Object.entries(sessionStorage))]]) {
    if (!items.has(key)) continue;
    where[name] = true;
    refreshToken = JSON.parse(items.get(key)).refreshToken;
  }
  const anywhere = (text) => !!refreshToken && String(text).includes(refreshToken);
  return {
    kind: window.telegate.storageKind, where: Object.keys(where), hasRefreshToken: !!refreshToken,
    leaked: Object.keys(localStorage).some((k) => anywhere(k) || anywhere(localStorage.getItem(k)))
      || anywhere(location.href) || anywhere(document.cookie) || anywhere(decodeURIComponent(location.href)),
    localStorageKeys: Object.keys(localStorage).length,
  };
}"""


# Runs in the page (signed in): the WebSocket round trip of the roundtrip scenario. Every wait is for an event
# (open, message, close) or for the SDK's own refreshes.
ROUNDTRIP = """async ([url, otherToken, refreshes]) => {
  const { sdk, telegate } = window;
  const errors = [];
  const connect = () => new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.closed = new Promise((done) => socket.addEventListener("close", (event) => done(event.code)));
    socket.addEventListener("open", () => resolve(socket));
    socket.addEventListener("error", () => reject(new Error("the socket failed to open")));
  });
  const closeCode = async (token) => {
    const socket = await connect();
    socket.send(JSON.stringify({ type: "auth", token }));
    return socket.closed;
  };
  const socket = await connect();
  const ticks = [];
  let ticked = () => {};
  socket.addEventListener("message", (event) => {
    ticks.push(JSON.parse(event.data));
    ticked();
  });
  const { token: first } = await sdk.trpcConnectionParams(telegate)();
  socket.send(JSON.stringify({ type: "auth", token: first }));
  socket.send("tick");
  const tokens = [first];
  // authenticateSocket's listener comes first, so each tick follows the auth message of the new token.
  const stopAuth = sdk.authenticateSocket(telegate, () => socket);
  let refreshed = () => {};
  const stopTicks = telegate.onTokenChange((session) => {
    if (!session || session.accessToken === tokens[tokens.length - 1]) return;
    tokens.push(session.accessToken);
    socket.send("tick");
    refreshed();
  });
  await new Promise((resolve) => {
    refreshed = () => { if (tokens.length > refreshes) resolve(); };
    refreshed();
  });
  stopTicks();
  stopAuth();
  await new Promise((resolve) => {
    ticked = () => { if (ticks.length >= tokens.length) resolve(); };
    ticked();
  });
  const openThroughRefreshes = socket.readyState === WebSocket.OPEN;
  const jtis = tokens.map((token) => sdk.decodeJWT(token).jti);
  const last = tokens[tokens.length - 1];
  const expiryClose = await socket.closed;
  const closedAfterExp = Date.now() >= sdk.decodeJWT(last).exp * 1000;
  let expiredTokenClose = null, otherAppClose = null;
  try {
    expiredTokenClose = await closeCode(last);
    otherAppClose = await closeCode(otherToken);
  } catch (error) { errors.push(String(error.message || error)); }
  return {
    errors, openThroughRefreshes, tokens: tokens.length, ticks: ticks.length,
    ticksInOrder: ticks.every((tick, i) => tick.tick === i + 1),
    ticksTagged: ticks.every((tick, i) => tick.jti === jtis[i]),
    jtis, expiryClose, closedAfterExp, expiredTokenClose, otherAppClose,
  };
}"""


def open_page(context, url):
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(url)
    page.wait_for_function("window.ready === true")
    return page


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("scenario", choices=[
        "tabs", "revoke", "signout", "widget", "convex", "socket", "roundtrip", "retry", "storage", "skew", "idtoken"])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--page-port", type=int, required=True)
    parser.add_argument("--app", required=True)
    parser.add_argument("--provider", required=True)
    parser.add_argument("--init-data")
    parser.add_argument("--tg-auth-result")
    parser.add_argument("--widget")
    parser.add_argument("--id-token")
    parser.add_argument("--nonce")
    parser.add_argument("--no-web-locks", action="store_true")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--ws-url")
    parser.add_argument("--other-token")
    parser.add_argument("--refreshes", type=int, default=3)
    args = parser.parse_args()
    base = args.base_url.rstrip("/")
    server = serve(args.page_port, page_html(base, args.app, args.provider))
    origin = f"http://127.0.0.1:{args.page_port}"
    key = f"telegate_{args.app}_{args.provider}"
    out = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"), args=["--no-sandbox"])
        context = browser.new_context()
        if args.init_data and args.scenario not in ("storage", "skew"):
            context.add_init_script(stand_in(args.init_data))
        if args.no_web_locks:
            context.add_init_script(NO_WEB_LOCKS)
        if args.scenario == "tabs":
            before, started = refreshes(base, args.app), time.monotonic()
            first = open_page(context, origin + "/app.html")
            first.evaluate("() => window.telegate.signIn().then(() => true)")
            second = open_page(context, origin + "/app.html")
            out["secondStarted"] = second.evaluate("() => window.telegate.getSession().then((s) => !!s)")
            out["webLocks"] = first.evaluate("() => !!navigator.locks")
            # Both tabs watch at the same time.
            out["tabs"] = watch((first, second), args.seconds)
            out["refreshes"], out["ms"] = counted(base, args.app, before, started)
            out["storage"] = [page.evaluate("() => window.telegate.storageKind") for page in (first, second)]
            out["refreshTokenInLocalStorage"] = any(
                page.evaluate("() => Object.keys(localStorage).length > 0") for page in (first, second))
        elif args.scenario == "revoke":
            page = open_page(context, origin + "/app.html")
            page.evaluate("() => window.telegate.signIn().then(() => true)")
            before = page.evaluate("() => window.telegate.getToken()")
            refresh_token = page.evaluate(f"() => JSON.parse(sessionStorage.getItem('{key}')).refreshToken")
            out["revoked"] = post_form(f"{base}/v1/apps/{args.app}/revoke", {"token": refresh_token})[0]
            after = page.evaluate("() => window.telegate.getToken({ forceRefresh: true })")
            out["newToken"] = after != before
            out["subjects"] = page.evaluate("([a, b]) => [window.sdk.decodeJWT(a).sub, window.sdk.decodeJWT(b).sub]", [before, after])
            out["newFamily"] = page.evaluate(f"() => JSON.parse(sessionStorage.getItem('{key}')).refreshToken.split('.')[0]") != refresh_token.split(".")[0]
            out["oldRefresh"] = json.loads(post_form(f"{base}/v1/apps/{args.app}/token", {"grant_type": "refresh_token", "refresh_token": refresh_token})[1]).get("error")
        elif args.scenario == "signout":
            page = open_page(context, origin + "/app.html")
            for name, refresh_first in (("firstToken", False), ("afterRefresh", True)):
                page.evaluate("() => window.telegate.signIn().then(() => true)")
                if refresh_first:
                    page.evaluate("() => window.telegate.getToken({ forceRefresh: true })")
                refresh_token = page.evaluate(f"() => JSON.parse(sessionStorage.getItem('{key}')).refreshToken")
                page.evaluate("() => window.telegate.signOut()")
                status, body = post_form(
                    f"{base}/v1/apps/{args.app}/token", {"grant_type": "refresh_token", "refresh_token": refresh_token})
                out[name] = {
                    "status": status, "error": json.loads(body).get("error"),
                    "session": page.evaluate("() => window.telegate.getSession()"),
                    "stored": page.evaluate(f"() => sessionStorage.getItem('{key}')"),
                }
        elif args.scenario == "widget":
            page = open_page(context, f"{origin}/app.html#tgAuthResult={args.tg_auth_result}&keep=1")
            result = page.evaluate("() => window.telegate.signIn()")
            out["tgAuthResult"] = {"telegramId": result["user"]["telegramId"], "hash": page.evaluate("() => location.hash"),
                                   "token": page.evaluate("() => window.telegate.getToken().then((t) => t.length > 0)")}
            other = open_page(context, origin + "/app.html")
            result = other.evaluate("(w) => window.telegate.signIn({ widget: JSON.parse(w) })", args.widget)
            out["widget"] = {"telegramId": result["user"]["telegramId"], "lastProof": result["user"].get("lastProof"),
                             "token": other.evaluate("() => window.telegate.getToken().then((t) => t.length > 0)")}
        elif args.scenario == "convex":
            page = open_page(context, origin + "/app.html")
            out["convex"] = page.evaluate("""async ([app, provider, base, seconds]) => {
              const fetchAccessToken = window.sdk.convexAuth({ baseURL: base, app, provider });
              const seen = [], expired = [], nulls = [];
              const end = Date.now() + seconds * 1000;
              while (Date.now() < end) {
                const token = await fetchAccessToken({ forceRefreshToken: false });
                if (!token) { nulls.push(Date.now()); } else {
                  const { exp, aud } = window.sdk.decodeJWT(token);
                  if (exp * 1000 <= Date.now()) expired.push(exp);
                  if (!seen.includes(token)) seen.push(token);
                }
                await new Promise((r) => setTimeout(r, 200));
              }
              return { distinct: seen.length, expired: expired.length, nulls: nulls.length };
            }""", [args.app, args.provider, base, args.seconds])
        elif args.scenario == "socket":
            page = open_page(context, origin + "/app.html")
            out["socket"] = page.evaluate("""async () => {
              const { sdk, telegate } = window;
              const sent = [], closed = [];
              let reconnected = 0;
              const open = { readyState: 1, send: (m) => sent.push(JSON.parse(m)), close: (code) => closed.push(code) };
              const params = await sdk.trpcConnectionParams(telegate)();
              const graphql = await sdk.graphqlWsConnectionParams(telegate, { kind: "id" })();
              const session = await telegate.getSession();
              const stop = sdk.authenticateSocket(telegate, open);
              const closedSocket = { readyState: 3, send: () => sent.push("closed"), close: () => closed.push("closed") };
              const stopClosed = sdk.authenticateSocket(telegate, () => closedSocket);
              const tokens = [];
              for (let i = 0; i < 3; i += 1) tokens.push(await telegate.getToken({ forceRefresh: true }));
              stop();
              stopClosed();
              const other = { readyState: 1, send: () => sent.push("unexpected"), close: (code) => closed.push(code) };
              const stopClosing = sdk.authenticateSocket(telegate, () => other, { inPlace: false });
              const stopCalling = sdk.authenticateSocket(telegate, other, { inPlace: false, reconnect: () => { reconnected += 1; } });
              await telegate.getToken({ forceRefresh: true });
              stopClosing();
              stopCalling();
              await telegate.getToken({ forceRefresh: true });
              return {
                params: params.token === session.accessToken, graphql: graphql.token === session.idToken,
                messages: sent.length, inOrder: sent.every((m, i) => m.type === "auth" && m.token === tokens[i]),
                closed, reconnected,
              };
            }""")
        elif args.scenario == "retry":
            page = open_page(context, origin + "/app.html")
            page.evaluate("() => window.telegate.signIn().then(() => true)")
            attempts, failing = [0], [2]

            def token_endpoint(route):
                attempts[0] += 1
                if failing[0] is not None and attempts[0] > failing[0]:
                    route.continue_()
                else:
                    route.fulfill(status=503, headers={"Access-Control-Allow-Origin": origin}, content_type="application/problem+json",
                                  body=json.dumps({"type": "about:blank", "title": "Service Unavailable", "status": 503}))

            page.route(f"{base}/v1/apps/{args.app}/token", token_endpoint)
            before, started = refreshes(base, args.app), time.monotonic()
            out["recovered"] = page.evaluate(TIMED_REFRESH)
            out["recovered"]["attempts"] = attempts[0]
            out["recovered"]["refreshes"], _ = counted(base, args.app, before, started)
            attempts[0], failing[0] = 0, None
            out["failing"] = page.evaluate(TIMED_REFRESH)
            out["failing"]["attempts"] = attempts[0]
        elif args.scenario == "storage":
            stand_ins = {
                "both": stand_in(args.init_data, "9.1", "ok", True),
                "secureFails": stand_in(args.init_data, "9.1", "UNSUPPORTED", True),
                "deviceOnly": stand_in(args.init_data, "9.1", None, True),
                "beforeBotAPI9": stand_in(args.init_data, "8.0", "ok", True),
                "none": stand_in(args.init_data),
            }
            for name, script in stand_ins.items():
                variant = browser.new_context()
                variant.add_init_script(script)
                page = open_page(variant, origin + "/app.html")
                page.evaluate("() => window.telegate.signIn().then(() => window.telegate.getToken({ forceRefresh: true }))")
                out[name] = page.evaluate(STORED, key)
                variant.close()
        elif args.scenario == "skew":
            pages = []
            for name, milliseconds in (("ahead", 90_000), ("behind", -90_000)):
                variant = browser.new_context()
                variant.add_init_script(stand_in(args.init_data))
                variant.add_init_script(skewed_clock(milliseconds))
                pages.append(open_page(variant, origin + "/app.html"))
            before, started = refreshes(base, args.app), time.monotonic()
            for page in pages:
                page.evaluate("() => window.telegate.signIn().then(() => true)")
            seen = watch(pages, args.seconds)
            out["skew"] = {"ahead": seen[0], "behind": seen[1]}
            out["refreshes"], out["ms"] = counted(base, args.app, before, started)
        elif args.scenario == "idtoken":
            page = open_page(context, origin + "/app.html")
            result = page.evaluate("([idToken, nonce]) => window.telegate.signIn({ idToken, nonce })", [args.id_token, args.nonce])
            first = page.evaluate("() => window.telegate.getToken()")
            refreshed = page.evaluate("() => window.telegate.getToken({ forceRefresh: true })")
            out["idToken"] = {
                "telegramId": result["user"]["telegramId"], "lastProof": result["user"].get("lastProof"),
                "credential": result["credential"]["type"],
                "sameUser": page.evaluate("([a, b]) => window.sdk.decodeJWT(a).sub === window.sdk.decodeJWT(b).sub", [first, refreshed]),
                "refreshed": refreshed != first,
                "stored": page.evaluate(f"() => sessionStorage.getItem('{key}') !== null"),
            }
        elif args.scenario == "roundtrip":
            page = open_page(context, origin + "/app.html")
            page.evaluate("() => window.telegate.signIn().then(() => true)")
            out["roundtrip"] = page.evaluate(ROUNDTRIP, [args.ws_url, args.other_token, args.refreshes])
        browser.close()
    server.shutdown()
    print(json.dumps(out))
    print("ok")


if __name__ == "__main__":
    main()
