"""The admin console in real headless Chromium (Playwright for Python, handed the system's Chromium).

One journey against a live Telegate: log in with an admin token, create an app, add its bot, add a Clerk adapter
through the form generated from the kind's schema (pointing at the test's Clerk simulator) and test its connection,
exchange initData for a user (signed by the test; Clerk issues the ticket), find the user, disable them and see the
next exchange refused; a user whose first
name and username hold markup is shown as text with no dialog opened. Every page is screenshotted (light, and the
apps page at phone width and in dark mode) and, when axe-playwright-python is installed, checked by axe-core.
Prints one JSON line with what it saw; the Swift test asserts on it.
"""

import argparse
import json
import os
import sys

from playwright.sync_api import sync_playwright

try:
    from axe_playwright_python.sync_playwright import Axe
except ImportError:  # the accessibility check is reported as skipped
    Axe = None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--app", required=True)
    parser.add_argument("--bot-token", required=True)
    parser.add_argument("--init-data", action="append", required=True, help="two proofs of the user, then the hostile user's")
    parser.add_argument("--telegram-id", required=True)
    parser.add_argument("--hostile-id", required=True)
    parser.add_argument("--screenshots", required=True)
    parser.add_argument("--clerk-url", required=True, help="the Clerk simulator's base URL")
    parser.add_argument("--clerk-secret", required=True, help="a reference to the simulator's secret key (file:PATH)")
    args = parser.parse_args()
    os.makedirs(args.screenshots, exist_ok=True)
    base = args.base_url
    seen = {"dialogs": [], "axe": {}, "pages": []}
    axe = Axe() if Axe else None
    seen["axeAvailable"] = axe is not None

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"), args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context(viewport={"width": 1100, "height": 800})
        page = context.new_page()
        page.set_default_timeout(15000)
        page.on("dialog", lambda dialog: (seen["dialogs"].append(dialog.message), dialog.dismiss()))
        console_errors = []
        page.on("console", lambda message: console_errors.append(message.text) if message.type == "error" else None)

        def visit(name):
            page.screenshot(path=os.path.join(args.screenshots, f"{name}.png"), full_page=True)
            seen["pages"].append(name)
            if axe:
                results = axe.run(page)
                serious = [
                    {"id": v["id"], "impact": v["impact"], "nodes": len(v["nodes"])}
                    for v in results.response["violations"] if v["impact"] in ("serious", "critical")
                ]
                seen["axe"][name] = serious

        def arrive(pattern):
            try:
                page.wait_for_url(pattern)
            except Exception:
                raise AssertionError(f"expected {pattern}, at {page.url}: {page.locator('main').inner_text()[:600]}")

        def exchange(init_data):
            reply = page.request.post(f"{base}/v1/apps/{args.app}/exchange", data={"initData": init_data})
            return {"status": reply.status, "code": (reply.json() or {}).get("code") if reply.status >= 400 else None}

        page.goto(f"{base}/console")
        seen["loginURL"] = page.url
        visit("login")
        page.fill("#login-token", args.token)
        page.click("#login button[type=submit]")
        arrive("**/console/apps")
        visit("apps")

        page.fill("#create-app-id", args.app)
        page.click("#create-app button[type=submit]")
        arrive(f"**/console/apps/{args.app}?done=created")
        visit("app")

        page.fill("#add-bot-token", args.bot_token)
        page.fill("#add-bot-label", "journey")
        page.click("#add-bot button[type=submit]")
        arrive("**done=bot_added**")
        seen["botNotice"] = page.locator(".notice").inner_text()
        seen["tokenShown"] = args.bot_token in page.content() or args.bot_token.split(":")[1] in page.content()
        visit("bot-added")

        # The app's adapter: added through the form generated from the Clerk kind's schema, then its connection tested.
        page.click(f"a[href='/console/apps/{args.app}/adapters']")
        arrive(f"**/console/apps/{args.app}/adapters")
        visit("adapters")
        page.click("a[href$='?kind=clerk#add']")
        arrive("**kind=clerk**")
        page.fill("#add-adapter-name", "clerk")
        page.fill("#add-adapter-config_secret_key", args.clerk_secret)
        page.fill("#add-adapter-config_api_url", args.clerk_url)
        page.check("#add-adapter-config_allow_insecure_loopback")
        visit("adapter-form")
        page.click("#add-adapter button[type=submit]")
        arrive("**/adapters/clerk?done=added")
        visit("adapter")
        page.click("#check-adapter button[type=submit]")
        page.wait_for_selector("#check-result")
        seen["adapterCheck"] = page.locator("#check-result").inner_text()
        seen["secretReferenceShown"] = args.clerk_secret in page.content()
        visit("adapter-checked")
        page.goto(f"{base}/console/apps/{args.app}")
        seen["firstExchange"] = exchange(args.init_data[0])
        seen["hostileExchange"] = exchange(args.init_data[2])

        page.click("text=Find users")
        page.fill("#q", args.telegram_id)
        page.click("form[role=search] button[type=submit]")
        visit("users")
        page.click("td a[href*='/users/usr_']")
        visit("user")
        page.click("#disable-user button[type=submit]")
        arrive("**done=disabled")
        seen["disabledNotice"] = page.locator(".notice").inner_text()
        visit("user-disabled")
        seen["secondExchange"] = exchange(args.init_data[1])

        page.goto(f"{base}/console/apps/{args.app}/users?q={args.hostile_id}")
        visit("users-hostile")
        page.click("td a[href*='/users/usr_']")
        visit("user-hostile")
        seen["hostileText"] = page.locator("dl").inner_text()
        seen["imagesOnPage"] = page.locator("main img").count()
        seen["scriptsOnPage"] = page.locator("script").count()

        page.goto(f"{base}/console/audit?app={args.app}")
        visit("audit")
        seen["auditText"] = page.locator("table").inner_text()

        phone = browser.new_context(viewport={"width": 375, "height": 740}, color_scheme="dark", storage_state=context.storage_state())
        small = phone.new_page()
        small.goto(f"{base}/console/apps/{args.app}")
        small.screenshot(path=os.path.join(args.screenshots, "app-phone-dark.png"), full_page=True)
        seen["phoneOverflow"] = small.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
        seen["phoneBackground"] = small.evaluate("getComputedStyle(document.body).backgroundColor")
        small.keyboard.press("Tab")
        seen["firstFocus"] = small.evaluate("document.activeElement.textContent")
        phone.close()

        page.click("header button[type=submit]")
        arrive("**/console/login")
        page.goto(f"{base}/console/apps")
        seen["afterLogout"] = page.url
        seen["consoleErrors"] = console_errors
        browser.close()
    print(json.dumps(seen))


if __name__ == "__main__":
    sys.exit(main())
