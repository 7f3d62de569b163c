#!/usr/bin/env python3
"""Validate Telegate's tokens with an independent JOSE implementation (joserfc), using only the discovery URL.

Usage: verify_tokens.py DISCOVERY_URL AUDIENCE RESOURCE ID_TOKEN ACCESS_TOKEN
Exits 0 and prints "ok" when both tokens are valid and name different audiences; prints the failure and exits 1
otherwise.
"""
import json
import sys
import time
import urllib.request

from joserfc import jwt
from joserfc.jwk import KeySet
from joserfc.jwt import JWTClaimsRegistry


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        content_type = response.headers.get("Content-Type", "")
        if not content_type.startswith("application/json"):
            raise SystemExit(f"{url}: unexpected Content-Type {content_type!r}")
        return json.load(response)


def main():
    discovery_url, audience, resource, id_token, access_token = sys.argv[1:6]
    discovery = fetch(discovery_url)
    issuer = discovery["issuer"]
    if discovery_url != issuer + "/.well-known/openid-configuration":
        raise SystemExit("discovery issuer does not match the URL it was fetched from")
    jwks_document = fetch(discovery["jwks_uri"])
    private_members = {"d", "p", "q", "dp", "dq", "qi", "k"}
    if any(private_members & set(key) for key in jwks_document["keys"]):
        raise SystemExit("the JWKS publishes private key material")
    keys = KeySet.import_key_set(jwks_document)
    algorithms = discovery["id_token_signing_alg_values_supported"]
    now = int(time.time())

    token = jwt.decode(id_token, keys, algorithms=algorithms)
    if token.header.get("typ") != "JWT" or "kid" not in token.header:
        raise SystemExit(f"ID token header {token.header}")
    JWTClaimsRegistry(
        iss={"essential": True, "value": issuer},
        aud={"essential": True, "value": audience},
        sub={"essential": True},
        exp={"essential": True},
        iat={"essential": True},
    ).validate(token.claims)
    if not isinstance(token.claims["aud"], str):
        raise SystemExit("ID token aud must be a single string")

    access = jwt.decode(access_token, keys, algorithms=["RS256", "ES256", "EdDSA"])
    if access.header.get("typ") not in ("at+jwt", "application/at+jwt"):
        raise SystemExit(f"access token typ {access.header.get('typ')!r}")
    JWTClaimsRegistry(
        iss={"essential": True, "value": issuer},
        aud={"essential": True, "value": resource},
        sub={"essential": True},
        exp={"essential": True},
        iat={"essential": True},
        jti={"essential": True},
        client_id={"essential": True},
    ).validate(access.claims)
    if access.claims["aud"] == token.claims["aud"]:
        raise SystemExit("the ID token and the access token name the same audience")
    if access.claims["exp"] <= now or token.claims["exp"] <= now:
        raise SystemExit("expired")
    print("ok")


if __name__ == "__main__":
    main()
