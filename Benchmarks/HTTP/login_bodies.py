#!/usr/bin/env python3
"""Write one submitted login form per line: the hosted login page's form of an authorization request (client,
redirect URI, scopes, state, nonce, S256 PKCE challenge and the CSRF token) with signed initData of a distinct user
added, form-encoded, as a browser posts it to /apps/{app}/authorize.

Usage: login_bodies.py TOKEN COUNT CLIENT_ID REDIRECT_URI VERIFIER CSRF OUTPUT
"""
import base64
import hashlib
import sys
import time
from urllib.parse import urlencode

from sign_bodies import sign


def main():
    token, count, client_id, redirect_uri, verifier, csrf, output = sys.argv[1:8]
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    now = int(time.time())
    with open(output, "w") as out:
        for index in range(int(count)):
            user_id = 2_000_001 + index
            out.write(urlencode({
                "client_id": client_id, "redirect_uri": redirect_uri, "response_type": "code", "scope": "openid profile",
                "state": f"s{index}", "nonce": f"n{index}", "code_challenge": challenge, "code_challenge_method": "S256",
                "csrf": csrf, "initData": sign(token, user_id, now),
            }) + "\n")


if __name__ == "__main__":
    main()
