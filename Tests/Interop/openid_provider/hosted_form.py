"""The hosted login page as a script sees it: read the form, add a Telegram proof, submit.

Telegate's authorization endpoint answers with a page holding `<form id="telegate-login">`; its `action` and hidden
inputs carry the authorization request. Adding one proof field (`initData`, `tgAuthResult` or the widget fields)
and posting the form completes the login with a 303 to the client's redirect URI.
"""

from html.parser import HTMLParser
from urllib.parse import urljoin

import requests


class _LoginForm(HTMLParser):
    def __init__(self):
        super().__init__()
        self.action = None
        self.fields = {}
        self._inside = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form" and attributes.get("id") == "telegate-login":
            self.action, self._inside = attributes.get("action"), True
        elif tag == "input" and self._inside and attributes.get("type") == "hidden" and attributes.get("name"):
            self.fields[attributes["name"]] = attributes.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._inside = False


def log_in(session: requests.Session, authorization_url: str, proof: dict) -> str:
    """Opens the authorization URL in `session`, submits the login form with `proof`; returns the redirect target."""
    page = session.get(authorization_url, allow_redirects=False, timeout=30)
    if page.status_code != 200:
        raise SystemExit(f"the authorization endpoint answered {page.status_code}, not the login page: {page.text[:300]}")
    form = _LoginForm()
    form.feed(page.text)
    if form.action is None:
        raise SystemExit("the login page has no <form id=\"telegate-login\">")
    answer = session.post(urljoin(page.url, form.action), data={**form.fields, **proof}, allow_redirects=False, timeout=30)
    if answer.status_code != 303 or "Location" not in answer.headers:
        raise SystemExit(f"the login form answered {answer.status_code}, not a 303 redirect: {answer.text[:300]}")
    return answer.headers["Location"]
