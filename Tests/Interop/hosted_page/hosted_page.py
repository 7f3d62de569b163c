#!/usr/bin/env python3
"""Drive Telegate's hosted login page in headless Chromium (Playwright), the way a browser, a Mini App and
Telegram's Login Widget use it, and keep a screenshot of each state.

Usage:
  hosted_page.py stand-in --pages DIR --artifacts DIR
      Serves the pages rendered into DIR (login.html, login-hostile.html, consent.html, error.html) at a routed
      https origin with the CSP each page names, and checks what the page's script posts (the POST is answered with
      204 so the page stays on screen for its screenshot).
  hosted_page.py live --authorize-url URL --redirect-uri URI --init-data STR [--tg-auth-result B64] --artifacts DIR
      Runs the Mini App (and, with --tg-auth-result, the tgAuthResult) login against a running Telegate and expects
      each to end at the client's redirect URI with a code and the request's state.

Nothing is fetched from telegram.org: Telegram's scripts and the widget's frame are replaced by stand-ins.
Chromium: /usr/bin/chromium (apt-get install -y chromium), or CHROMIUM=path. Exits 0 and prints "ok" when every
scenario passes; prints the failures and exits 1 otherwise.
"""
import argparse
import json
import os
import sys
import urllib.parse

from playwright.sync_api import sync_playwright

ORIGIN = "https://id.example"
AUTHORIZE = ORIGIN + "/apps/site/authorize"
HOSTILE = "<img src=x onerror=alert(1)>"

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


def live(run, authorize_url, redirect_uri, init_data, tg_auth_result):
    state = urllib.parse.parse_qs(urllib.parse.urlsplit(authorize_url).query).get("state", [None])[0]
    scenarios = [("live-mini-app", authorize_url, init_data)]
    if tg_auth_result:
        scenarios.append(("live-tg-auth-result", authorize_url + "#tgAuthResult=" + tg_auth_result, None))
    for name, url, mini_app_data in scenarios:
        context = run.context()
        if mini_app_data:
            context.add_init_script(mini_app_init_script(mini_app_data))
        context.route(redirect_uri + "*", lambda route: route.fulfill(content_type="text/plain", body="redirected"))
        page = context.new_page()
        events = run.watch(page)
        page.goto(url, wait_until="commit")
        page.wait_for_url(redirect_uri + "*")
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query)
        run.check(name, "code" in query, f"no code in {page.url}")
        run.check(name, query.get("state", [None])[0] == state, f"state not echoed: {page.url}")
        run.check(name, not events["dialogs"] and not events["csp"], f"{events}")
        run.shoot(page, name)
        context.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["stand-in", "live"])
    parser.add_argument("--pages")
    parser.add_argument("--authorize-url")
    parser.add_argument("--redirect-uri")
    parser.add_argument("--init-data")
    parser.add_argument("--tg-auth-result")
    parser.add_argument("--artifacts", required=True)
    arguments = parser.parse_args()
    os.makedirs(arguments.artifacts, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"))
        run = Run(browser, arguments.artifacts)
        try:
            if arguments.mode == "stand-in":
                stand_in(run, arguments.pages)
            else:
                live(run, arguments.authorize_url, arguments.redirect_uri, arguments.init_data, arguments.tg_auth_result)
        finally:
            browser.close()
    if run.failures:
        print("\n".join(run.failures))
        sys.exit(1)
    print("ok")


if __name__ == "__main__":
    main()
