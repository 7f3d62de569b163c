#!/usr/bin/env python3
"""Open a test page in headless Chromium (Playwright for Python, handed the system's Chromium) and print its DOM once
the page's scripts have reported: pages write their JSON result into <pre id="result">, which says "pending" until
then. The wait is for that condition (at most TIMEOUT ms), never for a clock.

Usage: page_result.py URL
Chromium: /usr/bin/chromium, or CHROMIUM=path. Prints the DOM on stdout; when the page never reports, its console
messages and script errors go to stderr first, and the DOM is printed as it is.
"""
import os
import sys

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import sync_playwright

TIMEOUT = 150_000
REPORTED = "() => { const r = document.getElementById('result'); return r !== null && r.textContent !== 'pending'; }"


def main():
    url = sys.argv[1]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        page = browser.new_page()
        messages = []
        page.on("console", lambda message: messages.append(f"console.{message.type}: {message.text}"))
        page.on("pageerror", lambda error: messages.append(f"page error: {error}"))
        page.goto(url)
        try:
            page.wait_for_function(REPORTED, timeout=TIMEOUT)
        except PlaywrightTimeoutError:
            print(f"the page did not report within {TIMEOUT} ms", file=sys.stderr)
            print("\n".join(messages), file=sys.stderr)
        print(page.content())
        browser.close()


if __name__ == "__main__":
    main()
