#!/usr/bin/env python3
"""Write one exchange request body per line: initData for USERS distinct users, signed with the bot token.

Usage: sign_bodies.py TOKEN USERS OUTPUT
"""
import hashlib
import hmac
import json
import sys
import time
from urllib.parse import quote


def sign(token, user_id, auth_date):
    user = json.dumps(
        {"id": user_id, "first_name": f"Bench {user_id}", "username": f"bench_{user_id}", "language_code": "en",
         "allows_write_to_pm": True},
        separators=(",", ":"), ensure_ascii=False,
    ).replace("/", "\\/")
    fields = {"query_id": f"AAH{user_id}", "user": user, "auth_date": str(auth_date)}
    check = "\n".join(f"{key}={fields[key]}" for key in sorted(fields))
    secret = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    fields["hash"] = hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()
    return "&".join(f"{key}={quote(value, safe='-_.~')}" for key, value in fields.items())


def main():
    token, users, output = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    now = int(time.time())
    with open(output, "w") as out:
        for user_id in range(1_000_001, 1_000_001 + users):
            out.write(json.dumps({"initData": sign(token, user_id, now)}) + "\n")


if __name__ == "__main__":
    main()
