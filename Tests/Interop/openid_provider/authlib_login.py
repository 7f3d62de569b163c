"""A public OAuth client built with Authlib logs in through Telegate's OpenID Provider with PKCE.

Usage: authlib_login.py ISSUER CLIENT_ID REDIRECT_URI INIT_DATA

Reads the discovery document, starts an authorization with an S256 code challenge and a nonce, submits the hosted
page's form with the signed `initData`, redeems the code with the verifier, validates the ID token against the
published key set (issuer, audience, nonce, expiry, at_hash), and reads userinfo. Prints one JSON object with the
ID token's claims, the userinfo answer and the granted scope.
"""

import json
import secrets
import sys

import requests
from authlib.integrations.requests_client import OAuth2Session
from authlib.jose import JsonWebKey, jwt
from authlib.oidc.core import CodeIDToken

from hosted_form import log_in

issuer, client_id, redirect_uri, init_data = sys.argv[1:5]

metadata = requests.get(issuer + "/.well-known/openid-configuration", timeout=30).json()
if metadata["issuer"] != issuer:
    raise SystemExit(f"discovery names issuer {metadata['issuer']}, not {issuer}")

client = OAuth2Session(
    client_id, scope="openid profile telegram offline_access", redirect_uri=redirect_uri,
    code_challenge_method="S256", token_endpoint_auth_method="none")
verifier = secrets.token_urlsafe(48)
nonce = secrets.token_urlsafe(16)
url, state = client.create_authorization_url(metadata["authorization_endpoint"], code_verifier=verifier, nonce=nonce)
callback = log_in(requests.Session(), url, {"initData": init_data})
token = client.fetch_token(metadata["token_endpoint"], authorization_response=callback, code_verifier=verifier, state=state)

keys = JsonWebKey.import_key_set(requests.get(metadata["jwks_uri"], timeout=30).json())
claims = jwt.decode(
    token["id_token"], keys, claims_cls=CodeIDToken,
    claims_options={"iss": {"essential": True, "value": issuer}, "aud": {"essential": True, "value": client_id}},
    claims_params={"nonce": nonce, "client_id": client_id, "access_token": token["access_token"]})
claims.validate()

userinfo = client.get(metadata["userinfo_endpoint"], timeout=30)
userinfo.raise_for_status()
print(json.dumps({
    "id_token": dict(claims),
    "userinfo": userinfo.json(),
    "scope": token.get("scope"),
    "has_refresh_token": "refresh_token" in token,
}))
