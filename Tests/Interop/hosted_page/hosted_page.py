#!/usr/bin/env python3
"""Drive Telegate's hosted login page in headless Chromium (Playwright), the way a browser, a Mini App and
Telegram's Login Widget use it, and keep a screenshot of each state.

Usage:
  hosted_page.py stand-in [--pages DIR] --artifacts DIR
      Serves the pages rendered into DIR (by default the artifacts directory) (login.html, login-hostile.html, consent.html, error.html) at a routed
      https origin with the CSP each page names, and checks what the page's script posts (the POST is answered with
      204 so the page stays on screen for its screenshot).
  hosted_page.py live --authorize-url URL --consent-authorize-url URL --redirect-uri URI --init-data STR
                      --hostile-init-data STR --tg-auth-result B64 --artifacts DIR
      Against a running Telegate: the Mini App login (no click), single sign-on with the session it started, the
      tgAuthResult return, the consent page for a user whose first_name is hostile (then allow), and the error page
      of an unregistered redirect URI. Each login must end at the client's redirect URI (http://127.0.0.1:PORT/…,
      served by the script itself) with a code and the request's state. Prints {"codes": {scenario: code}} for the caller to redeem.

Nothing is fetched from telegram.org: Telegram's scripts and the widget's frame are replaced by stand-ins.
Chromium: /usr/bin/chromium (apt-get install -y chromium), or CHROMIUM=path. Exits 0 and prints "ok" when every
scenario passes; prints the failures and exits 1 otherwise.
"""
import argparse
import html
import http.server
import json
import os
import sys
import threading
import urllib.parse

from playwright.sync_api import sync_playwright

ORIGIN = "https://id.example"
AUTHORIZE = ORIGIN + "/apps/site/authorize"
HOSTILE = "<img src=x onerror=alert(1)>"
# Every wait is for a condition, bounded generously: the machine running the tests may be busy.
PLAYWRIGHT_TIMEOUT = 60_000

# What telegram-web-app.js does that the page relies on: keep Telegram.WebApp (the Mini App stand-in injected it
# before any script ran) and publish its theme as --tg-theme-* variables.
WEB_APP_STAND_IN = """
(function(){
  window.Telegram = window.Telegram || {};
  var w = window.Telegram.WebApp = window.Telegram.WebApp || {initData: '', initDataUnsafe: {}, themeParams: {}, ready: function(){}};
  var p = w.themeParams || {};
  for (var k in p) document.documentElement.style.setProperty('--tg-theme-' + k.split('_').join('-'), p[k]);
})();
"""

# telegram-widget.js reduced to what the page meets: a frame from oauth.telegram.org inserted before the script.
WIDGET_STAND_IN = """
(function(){
  var s = document.currentScript, f = document.createElement('iframe');
  f.src = 'https://oauth.telegram.org/embed/' + s.getAttribute('data-telegram-login') + '?origin=' + encodeURIComponent(location.origin);
  f.width = 238; f.height = 40; f.style.border = 'none';
  s.parentNode.insertBefore(f, s);
})();
"""


def mini_app_init_script(init_data, color_scheme="dark"):
    theme = {"bg_color": "#17212b", "secondary_bg_color": "#0e1621", "text_color": "#f5f5f5", "hint_color": "#708499",
             "button_color": "#5288c1", "button_text_color": "#ffffff", "link_color": "#6ab3f3"}
    return ("window.Telegram = {WebApp: {initData: %s, initDataUnsafe: {}, colorScheme: %s, themeParams: %s, "
            "ready: function(){ window.__telegateReady = true; }}};"
            % (json.dumps(init_data), json.dumps(color_scheme), json.dumps(theme)))


def widget_frame(auth_data):
    """The widget's frame, answering as Telegram's does once the user confirms: an auth_user message to its parent."""
    message = json.dumps({"event": "auth_user", "auth_data": auth_data})
    return "<script>parent.postMessage(%s, '*');</script>" % json.dumps(message).replace("</", "<\\/")


class Run:
    def __init__(self, browser, artifacts):
        self.browser = browser
        self.artifacts = artifacts
        self.failures = []

    def check(self, scenario, condition, what):
        if not condition:
            self.failures.append(f"{scenario}: {what}")

    def context(self, **options):
        context = self.browser.new_context(viewport={"width": 390, "height": 760}, **options)
        context.set_default_timeout(PLAYWRIGHT_TIMEOUT)
        context.route("https://telegram.org/js/telegram-web-app.js*",
                      lambda route: route.fulfill(content_type="text/javascript", body=WEB_APP_STAND_IN))
        context.route("https://telegram.org/js/telegram-widget.js*",
                      lambda route: route.fulfill(content_type="text/javascript", body=WIDGET_STAND_IN))
        # The widget's frame stays silent unless a scenario routes it to answer (later routes win).
        context.route("https://oauth.telegram.org/**", lambda route: route.fulfill(content_type="text/html", body=""))
        return context

    def watch(self, page):
        """Dialogs (a script that ran from a value) and CSP violations (a script the policy blocked)."""
        events = {"dialogs": [], "csp": []}
        page.on("dialog", lambda dialog: (events["dialogs"].append(dialog.message), dialog.dismiss()))
        page.on("console", lambda message: events["csp"].append(message.text)
                if "Content Security Policy" in message.text else None)
        return events

    def shoot(self, page, name):
        page.screenshot(path=os.path.join(self.artifacts, name + ".png"), full_page=True)


def serve_pages(context, pages):
    """Routes the stand-in origin: GET the authorization endpoint → login.html (or the page named by ?page=) with
    the CSP in csp.txt (the pages share one nonce); POST → 204, recorded."""
    posts = []

    def handle(route):
        request = route.request
        if request.method == "POST":
            posts.append(urllib.parse.parse_qsl(request.post_data or "", keep_blank_values=True))
            route.fulfill(status=204)
            return
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(request.url).query)
        name = query.get("page", ["login"])[0]
        with open(os.path.join(pages, name + ".html"), encoding="utf-8") as file:
            html = file.read()
        with open(os.path.join(pages, "csp.txt"), encoding="utf-8") as file:
            policy = file.read().strip()
        route.fulfill(status=200, body=html, headers={"Content-Type": "text/html; charset=utf-8",
                                                       "Content-Security-Policy": policy})

    context.route(AUTHORIZE + "*", handle)
    return posts


def submitted(page, action):
    """The fields of the form POST that `action` leads to, once the page shows its progress notice."""
    with page.expect_request(lambda request: request.method == "POST") as request:
        action()
    page.wait_for_function("() => !document.getElementById('telegate-progress').hidden")
    return urllib.parse.parse_qsl(request.value.post_data or "", keep_blank_values=True)


def form_fields(page):
    return [tuple(field) for field in page.eval_on_selector_all("#telegate-login input", "els => els.map(e => [e.name, e.value])")]


def stand_in(run, pages):
    init_data = "query_id=AAH&user=%7B%22id%22%3A42%2C%22first_name%22%3A%22" + urllib.parse.quote(HOSTILE) + "%22%7D&auth_date=1&hash=ab"

    # A Mini App: posts initData at once, no click, in Telegram's theme.
    context = run.context()
    context.add_init_script(mini_app_init_script(init_data))
    serve_pages(context, pages)
    page = context.new_page()
    events = run.watch(page)
    posted = submitted(page, lambda: page.goto(AUTHORIZE, wait_until="commit"))
    run.check("mini-app", dict(posted).get("initData") == init_data, "initData not posted verbatim")
    run.check("mini-app", posted == form_fields(page), "the POST is not the form's fields")
    run.check("mini-app", page.evaluate("window.__telegateReady === true"), "Telegram.WebApp.ready() not called")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    run.check("mini-app", background == "rgb(14, 22, 33)", f"theme not followed: body background {background}")
    run.shoot(page, "mini-app")
    run.check("mini-app", not events["dialogs"] and not events["csp"], f"{events}")
    context.close()

    # The return from oauth.telegram.org: the fragment is posted as tgAuthResult and leaves the address bar.
    context = run.context()
    serve_pages(context, pages)
    page = context.new_page()
    events = run.watch(page)
    result = "eyJpZCI6NDIsImZpcnN0X25hbWUiOiJBbmEiLCJhdXRoX2RhdGUiOjEsImhhc2giOiJhYiJ9"
    posted = submitted(page, lambda: page.goto(AUTHORIZE + "#tgAuthResult=" + result, wait_until="commit"))
    run.check("tg-auth-result", dict(posted).get("tgAuthResult") == result, f"posted {posted}")
    run.check("tg-auth-result", page.evaluate("location.hash") == "", "the fragment stayed in the address")
    run.shoot(page, "tg-auth-result")
    run.check("tg-auth-result", not events["dialogs"] and not events["csp"], f"{events}")
    context.close()

    # A cancelled login (tgAuthResult=false): nothing posted, a notice shown.
    context = run.context()
    posts = serve_pages(context, pages)
    page = context.new_page()
    page.goto(AUTHORIZE + "#tgAuthResult=false", wait_until="commit")
    page.wait_for_selector("#telegate-cancelled", state="visible")
    run.check("cancelled", posts == [], f"posted {posts}")
    run.shoot(page, "cancelled")
    context.close()

    # The Login Widget: its frame's auth_user message fills the form; a hostile first_name is posted as text.
    auth_data = {"id": 42, "first_name": HOSTILE, "last_name": "\"'</script>", "username": "ana",
                 "photo_url": "https://t.me/i/userpic/320/ana.jpg", "auth_date": 1, "hash": "ab"}
    for color_scheme in ["light", "dark"]:
        context = run.context(color_scheme=color_scheme)
        serve_pages(context, pages)
        context.route("https://oauth.telegram.org/embed/**",
                      lambda route: route.fulfill(content_type="text/html", body=widget_frame(auth_data)))
        page = context.new_page()
        events = run.watch(page)
        fields = dict(submitted(page, lambda: page.goto(AUTHORIZE, wait_until="commit")))
        for key, value in auth_data.items():
            run.check("widget", fields.get(key) == str(value), f"{key} posted as {fields.get(key)!r}")
        run.shoot(page, "widget-" + color_scheme)
        run.check("widget", not events["dialogs"] and not events["csp"], f"{events}")
        context.close()

    # A message from any other origin than the widget's frame is ignored.
    context = run.context()
    posts = serve_pages(context, pages)
    page = context.new_page()
    page.goto(AUTHORIZE, wait_until="commit")
    page.evaluate("window.postMessage(JSON.stringify({event: 'auth_user', auth_data: {id: 1, hash: 'x'}}), '*')")
    page.wait_for_function("() => document.getElementById('telegate-widget').querySelector('iframe') !== null")
    run.check("widget-origin", posts == [], f"a message from the page itself was accepted: {posts}")
    context.close()

    # Hostile values in every field: rendered as text, no script runs, the form still carries them exactly.
    context = run.context()
    serve_pages(context, pages)
    page = context.new_page()
    events = run.watch(page)
    page.goto(AUTHORIZE + "?page=login-hostile")
    run.check("hostile", page.locator("img").count() == 0, "an img element was created")
    run.check("hostile", all(value == HOSTILE for name, value in form_fields(page) if name == "state"), "state altered")
    run.check("hostile", HOSTILE in page.inner_text("main"), "the hostile app id is not shown as text")
    run.shoot(page, "hostile")
    run.check("hostile", not events["dialogs"], f"{events}")
    context.close()

    # Without JavaScript: the Telegram redirect is still a button.
    context = run.context(java_script_enabled=False)
    serve_pages(context, pages)
    page = context.new_page()
    page.goto(AUTHORIZE, wait_until="commit")
    links = page.eval_on_selector_all("a.button", "els => els.map(e => e.href)")
    run.check("no-js", any(link.startswith("https://oauth.telegram.org/auth?") for link in links), f"links {links}")
    run.shoot(page, "no-js")
    context.close()

    for name in ["consent", "error"]:
        for color_scheme in ["light", "dark"]:
            context = run.context(color_scheme=color_scheme)
            serve_pages(context, pages)
            page = context.new_page()
            events = run.watch(page)
            page.goto(AUTHORIZE + "?page=" + name)
            run.shoot(page, f"{name}-{color_scheme}")
            run.check(name, not events["dialogs"] and not events["csp"], f"{events}")
            context.close()


def with_query(url, **changes):
    """`url` with the query parameters in `changes` set (replacing any of the same name)."""
    parts = urllib.parse.urlsplit(url)
    query = [(k, v) for k, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=True) if k not in changes]
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query + list(changes.items()))))


class Live:
    """The scenarios against a running Telegate. The client's redirect URI (on 127.0.0.1) is served here by a small
    HTTP server that shows what the client received but not the code: a redirect's follow-up request never reaches
    a Playwright route, so a real loopback server keeps everything on this machine. Each code is collected for the
    caller to redeem."""

    def __init__(self, run, redirect_uri):
        self.run = run
        self.redirect_uri = redirect_uri
        self.codes = {}
        address = urllib.parse.urlsplit(redirect_uri)

        class Callback(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
                shown = "".join(f"<li>{html.escape(name)}: {'received' if name == 'code' else html.escape(values[0])}</li>"
                                for name, values in query.items())
                body = f"<!doctype html><meta charset=utf-8><h1>Back at the client</h1><ul>{shown}</ul>".encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *arguments):
                pass

        self.server = http.server.ThreadingHTTPServer((address.hostname, address.port), Callback)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def context(self):
        return self.run.context()

    def redirected(self, name, page, state):
        """Waits for the redirect to the client; checks code and state, keeps the code and a screenshot."""
        page.wait_for_url(lambda url: url.split("?")[0] == self.redirect_uri)
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query)
        self.run.check(name, len(query.get("code", [])) == 1, "no code in the redirect")
        self.run.check(name, query.get("state") == [state], f"state not echoed: {query.get('state')}")
        self.codes[name] = query.get("code", [""])[0]
        self.run.shoot(page, name + "-redirected")


def live(run, arguments):
    """Mini App login with no click (and a screenshot of the login page in Telegram's theme), then
    single sign-on in the same browser; the tgAuthResult return; a hostile first_name on the consent page, then
    allow; an unregistered redirect URI's error page. Prints the codes as JSON, by scenario."""
    flows = Live(run, arguments.redirect_uri)
    endpoint = arguments.authorize_url.split("?")[0]

    # (a) Inside a Mini App the page posts initData at once. First its picture, in Telegram's theme: the POST is
    # answered with 204 so the page stays on screen (a browser cannot draw a page whose navigation is pending).
    context = flows.context()
    context.add_init_script(mini_app_init_script(arguments.init_data))
    context.route(lambda url: url.split("?")[0] == endpoint,
                  lambda route: route.fulfill(status=204) if route.request.method == "POST" else route.continue_())
    page = context.new_page()
    events = run.watch(page)
    posted = submitted(page, lambda: page.goto(with_query(arguments.authorize_url, state="live-mini-app"), wait_until="commit"))
    run.check("live-mini-app", dict(posted).get("initData") == arguments.init_data, "initData not posted verbatim")
    run.check("live-mini-app", page.evaluate("window.__telegateReady === true"), "Telegram.WebApp.ready() not called")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    run.check("live-mini-app", background == "rgb(14, 22, 33)", f"theme not followed: body background {background}")
    run.shoot(page, "live-mini-app-login")
    run.check("live-mini-app", not events["dialogs"] and not events["csp"], f"{events}")
    context.close()

    # Then the login itself, to the client with a code and no click; and (d) single sign-on in the same browser.
    context = flows.context()
    context.add_init_script(mini_app_init_script(arguments.init_data))
    posts = []
    context.on("request", lambda request: posts.append(request.url)
               if request.method == "POST" and request.url.split("?")[0] == endpoint else None)
    page = context.new_page()
    events = run.watch(page)
    page.goto(with_query(arguments.authorize_url, state="live-mini-app"), wait_until="commit")
    flows.redirected("live-mini-app", page, "live-mini-app")
    run.check("live-mini-app", len(posts) == 1, f"{len(posts)} login form posts")
    run.check("live-mini-app", not events["dialogs"] and not events["csp"], f"{events}")
    page.close()
    page = context.new_page()
    page.goto(with_query(arguments.authorize_url, state="live-sso"), wait_until="commit")
    flows.redirected("live-sso", page, "live-sso")
    run.check("live-sso", len(posts) == 1, f"{len(posts) - 1} more login form posts: the session was not used")
    context.close()

    # (b) The return from oauth.telegram.org with #tgAuthResult=…
    context = flows.context()
    page = context.new_page()
    events = run.watch(page)
    page.goto(with_query(arguments.authorize_url, state="live-tg-auth-result") + "#tgAuthResult=" + arguments.tg_auth_result,
              wait_until="commit")
    flows.redirected("live-tg-auth-result", page, "live-tg-auth-result")
    run.check("live-tg-auth-result", not events["dialogs"] and not events["csp"], f"{events}")
    context.close()

    # (c) A first_name of <img src=x onerror=alert(1)> on the consent page: text, no element, no dialog; then allow.
    context = flows.context()
    context.add_init_script(mini_app_init_script(arguments.hostile_init_data, color_scheme="light"))
    page = context.new_page()
    events = run.watch(page)
    page.goto(with_query(arguments.consent_authorize_url, state="live-consent"), wait_until="commit")
    page.wait_for_selector("#telegate-consent")
    shown = page.inner_text("#telegate-user")
    run.check("live-consent", HOSTILE in shown, f"the user's name is not shown as text: {shown!r}")
    run.check("live-consent", page.locator("img").count() == 0, "an img element was created")
    run.shoot(page, "live-consent-hostile-name")
    page.click("button[value=allow]")
    flows.redirected("live-consent", page, "live-consent")
    run.check("live-consent", not events["dialogs"] and not events["csp"], f"{events}")
    context.close()

    # An unregistered redirect URI: the error page, never a redirect.
    context = flows.context()
    page = context.new_page()
    events = run.watch(page)
    unregistered = "https://unregistered.example/callback"
    response = page.goto(with_query(arguments.authorize_url, redirect_uri=unregistered, state="live-error"))
    run.check("live-error", response is not None and response.status == 400, f"status {response and response.status}")
    run.check("live-error", page.url.startswith(endpoint), f"left the error page for {page.url}")
    run.check("live-error", page.locator("#telegate-login").count() == 0, "the error page has a login form")
    run.shoot(page, "live-error")
    run.check("live-error", not events["dialogs"] and not events["csp"], f"{events}")
    context.close()

    flows.close()
    print(json.dumps({"codes": flows.codes}))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["stand-in", "live"])
    parser.add_argument("--pages")
    parser.add_argument("--authorize-url")
    parser.add_argument("--redirect-uri")
    parser.add_argument("--consent-authorize-url")
    parser.add_argument("--init-data")
    parser.add_argument("--hostile-init-data")
    parser.add_argument("--tg-auth-result")
    parser.add_argument("--artifacts", required=True)
    arguments = parser.parse_args()
    os.makedirs(arguments.artifacts, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"))
        run = Run(browser, arguments.artifacts)
        try:
            if arguments.mode == "stand-in":
                stand_in(run, arguments.pages or arguments.artifacts)
            else:
                live(run, arguments)
        finally:
            browser.close()
    if run.failures:
        print("\n".join(run.failures))
        sys.exit(1)
    print("ok")


if __name__ == "__main__":
    main()
