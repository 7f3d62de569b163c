"""Every page of the admin console in real headless Chromium (Playwright for Python, handed the system's Chromium).

Logs in with an admin token and follows every link to a /console page it finds, breadth first, from the first
page (GET only: no form is submitted). On each page it records the HTTP status, the page weight (the document and
every resource it loaded, in bytes), the serious and critical axe-core violations (when axe-playwright-python is
installed), images and scripts that are not the console's own, POST forms other than logout (and every POST form
without a CSRF token), and which of the given --expect-text strings are in the page's text. Dialogs opened and console errors (a CSP
violation is one) are recorded for the whole crawl. A full-page screenshot of each page is kept in --screenshots.

Prints one JSON line with what it saw; the Swift test asserts on it.
"""

import argparse
import json
import os
import re
import sys
from collections import deque
from urllib.parse import urldefrag, urljoin, urlparse

from playwright.sync_api import sync_playwright

try:
    from axe_playwright_python.sync_playwright import Axe
except ImportError:  # the accessibility check is reported as skipped
    Axe = None

MAX_PAGES = 120
# Query parameters that only select a notice of the change that led to a page: the same page for the crawl.
NOTICE_PARAMETERS = re.compile(r"(^|&)(done|bot|kid)=[^&]*")


def page_key(url):
    """A page's identity for the crawl: its path and query without notice parameters."""
    parsed = urlparse(url)
    query = NOTICE_PARAMETERS.sub("", parsed.query).strip("&")
    return parsed.path + ("?" + query if query else "")


def screenshot_name(key):
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", key.strip("/"))[:120] or "console"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--screenshots", required=True)
    parser.add_argument("--label", required=True, help="names this crawl's screenshots")
    parser.add_argument("--start", action="append", default=[], help="extra paths to begin from (besides /console)")
    parser.add_argument("--expect-text", action="append", default=[], help="text to look for on every page")
    args = parser.parse_args()
    os.makedirs(args.screenshots, exist_ok=True)
    base = args.base_url.rstrip("/")
    origin = urlparse(base)
    seen = {"pages": [], "dialogs": [], "consoleErrors": [], "axeAvailable": Axe is not None, "truncated": False}
    axe = Axe() if Axe else None

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"), args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context(viewport={"width": 1100, "height": 800})
        page = context.new_page()
        page.set_default_timeout(30000)
        # Every page's weight counts its stylesheet and script, so nothing comes from the cache.
        context.new_cdp_session(page).send("Network.setCacheDisabled", {"cacheDisabled": True})
        page.on("dialog", lambda dialog: (seen["dialogs"].append(dialog.message), dialog.dismiss()))
        page.on("console", lambda message: seen["consoleErrors"].append(message.text) if message.type == "error" else None)
        loaded = []
        page.on("requestfinished", lambda request: loaded.append(request))

        page.goto(f"{base}/console/login")
        page.fill("#login-token", args.token)
        page.click("#login button[type=submit]")
        page.wait_for_url(re.compile(r".*/console/(apps|overview).*"))

        queue = deque([page_key(f"{base}/console")] + [page_key(base + path) for path in args.start])
        visited = set()
        while queue:
            key = queue.popleft()
            if key in visited:
                continue
            if len(visited) >= MAX_PAGES:
                seen["truncated"] = True
                break
            visited.add(key)
            loaded.clear()
            response = page.goto(base + key)
            page.wait_for_load_state("load")
            weight = 0
            for request in loaded:
                sizes = request.sizes()
                weight += sizes["responseBodySize"] + sizes["responseHeadersSize"]
            record = {
                "path": key,
                "url": page_key(page.url),
                "status": response.status if response else 0,
                "weight": weight,
                "foreignImages": page.locator("img").count(),
                "foreignScripts": page.evaluate(
                    "[...document.scripts].filter(s => !s.src || !new URL(s.src).pathname.startsWith('/console/')).length"),
                "postForms": page.locator("form[method=post]:not([action$='/console/logout'])").count(),
                "formsWithoutCSRF": page.locator("form[method=post]:not(:has(input[type=hidden][name=csrf]))").count(),
                "missing": [],
            }
            text = page.inner_text("body")
            record["found"] = [expected for expected in args.expect_text if expected in text]
            page.screenshot(path=os.path.join(args.screenshots, f"{args.label}-{screenshot_name(key)}.png"), full_page=True)
            if axe:
                results = axe.run(page)
                record["axe"] = [
                    {"id": v["id"], "impact": v["impact"], "nodes": len(v["nodes"])}
                    for v in results.response["violations"] if v["impact"] in ("serious", "critical")
                ]
            seen["pages"].append(record)
            for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))"):
                target = urlparse(urldefrag(urljoin(page.url, href))[0])
                if (target.scheme, target.netloc) != (origin.scheme, origin.netloc):
                    continue
                if not target.path.startswith("/console") or target.path.startswith("/console/assets"):
                    continue
                queue.append(page_key(target.geturl()))
        browser.close()
    print(json.dumps(seen))


if __name__ == "__main__":
    sys.exit(main())
