#!/usr/bin/env python3
"""Writes the seed inputs of every fuzz target into OUT/<target>/, one file per input.

The seeds are Telegram's published vectors (Tests/TelegramAuthTests/Fixtures/telegram-vectors.json) and the inputs
of the security catalogue's bad-input cases (their ids in the file names: A8, D14, ...). run.sh --long merges them
with the committed corpus and what fuzzing found, keeping only inputs that add coverage.

Usage: python3 Fuzz/make-seeds.py OUT
"""
import base64
import json
import os
import sys
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VECTORS = json.load(open(os.path.join(ROOT, "Tests/TelegramAuthTests/Fixtures/telegram-vectors.json")))["vectors"]


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def compact(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def query(pairs):
    return "&".join(urllib.parse.quote(k, safe="-_.~") + "=" + urllib.parse.quote(v, safe="-_.~") for k, v in pairs)


class Seeds:
    def __init__(self, out):
        self.out = out

    def add(self, target, name, data):
        if isinstance(data, str):
            data = data.encode("utf-8", "surrogateescape")
        folder = os.path.join(self.out, target)
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, name), "wb") as f:
            f.write(data)


def vector(vector_id):
    return next(v for v in VECTORS if v["id"] == vector_id)


def telegram_proof(seeds):
    add = lambda name, data: seeds.add("FuzzTelegramProof", name, data)
    for v in VECTORS:
        if v["kind"].startswith("initdata"):
            add("vector-" + v["id"], v["input"])
        elif v["kind"] == "widget" and isinstance(v["input"], dict):
            fields = list(v["input"].items())
            add("vector-" + v["id"] + "-query", query(fields))
            add("vector-" + v["id"] + "-json", compact(v["input"]))
            numbers = {k: (int(x) if k in ("id", "auth_date") else x) for k, x in fields}
            add("vector-" + v["id"] + "-tgauthresult", "tgAuthResult=" + b64url(compact(numbers).encode()))
        elif v["kind"] == "widget":
            add("vector-" + v["id"], v["input"])

    real = vector("hmac-real-7342037359-a")["input"]
    parts = [p.split("=", 1) for p in real.split("&")]

    def variant(name, replace=None, drop=(), extra=()):
        out = []
        for key, value in parts:
            if key in drop:
                continue
            out.append(key + "=" + (replace[key] if replace and key in replace else value))
        out += list(extra)
        add(name, "&".join(out))

    for label, value in [("missing", None), ("empty", ""), ("negative", "-1"), ("exponent", "1e9"), ("plus", "%2B123"),
                         ("hex", "0x10"), ("overflow", "99999999999999999999"), ("fraction", "1733584787.5")]:
        if value is None:
            variant("A4-auth-date-" + label, drop=("auth_date",))
        else:
            variant("A4-auth-date-" + label, replace={"auth_date": value})
    user = dict(parts)["user"]
    variant("A5-tampered-user-id", replace={"user": user.replace("279058397", "279058398")})
    variant("A6-extra-field", extra=("admin=1",))
    variant("A7-user-removed", drop=("user",))
    variant("A7-signature-removed", drop=("signature",))
    variant("A8-duplicate-user", extra=("user=" + user,))
    variant("A8-duplicate-hash", extra=("hash=" + dict(parts)["hash"],))
    variant("A8-duplicate-auth-date", extra=("auth_date=1",))
    variant("A9-hash-missing", drop=("hash",))
    variant("A9-hash-empty", replace={"hash": ""})
    variant("A10-hash-not-hex", replace={"hash": "zz" * 32})
    variant("A10-hash-short", replace={"hash": dict(parts)["hash"][:63]})
    variant("A10-hash-uppercase", replace={"hash": dict(parts)["hash"].upper()})
    add("A12-reordered", "&".join(k + "=" + v for k, v in reversed(parts)))
    variant("A12-lowercase-escapes", replace={"user": user.replace("%7B", "%7b").replace("%7D", "%7d")})
    variant("A12-plus-for-space", replace={"user": user.replace("%20", "+")})
    for label, bad in [("zz", "%ZZ"), ("lone", "%"), ("truncated", "%E0%A4")]:
        variant("A13-escape-" + label, extra=("note=" + bad,))
    for label, bad in [("overlong-nul", "%C0%80"), ("surrogate", "%ED%A0%80"), ("overlong-slash", "%E0%80%AF"),
                       ("raw-ff", "\udcff"), ("above-max", "%F4%90%80%80")]:
        variant("A14-utf8-" + label, extra=("note=" + bad,))
    legit = {"id": 279058397, "first_name": "Ann + & = \U0001F600 \u202e", "last_name": "", "username": "ann"}
    variant("A16-legit-name-characters", replace={"user": urllib.parse.quote(compact(legit), safe="")})
    variant("A17-unknown-keys", extra=("new_field_from_client=1", "theme=dark"))
    bad_users = {
        "not-object": "[1]", "id-missing": '{"first_name":"A"}', "id-zero": '{"id":0,"first_name":"A"}',
        "id-negative": '{"id":-1,"first_name":"A"}', "id-string": '{"id":"1","first_name":"A"}',
        "id-float": '{"id":1.5,"first_name":"A"}', "id-exponent": '{"id":1e12,"first_name":"A"}',
        "id-over-2-52": '{"id":4503599627370496,"first_name":"A"}', "duplicate-keys": '{"id":1,"id":2,"first_name":"A"}',
        "malformed": '{"id":1,', "deep": '{"id":1,"x":' + "[" * 40 + "]" * 40 + "}",
    }
    for label, value in bad_users.items():
        variant("A18-user-" + label, replace={"user": urllib.parse.quote(value, safe="")})
    variant("A19-value-too-long", extra=("pad=" + "a" * 4200,))
    variant("A19-too-many-fields", extra=tuple("f%d=1" % i for i in range(30)))
    for label, value in [("not-base64url", "not*base64"), ("short", "AAAA"), ("standard-alphabet", "ab+/" * 21 + "AA"),
                         ("padded", dict(parts)["signature"] + "==")]:
        variant("B3-signature-" + label, replace={"signature": value})
    for label, key in [("header-like", "X-Admin"), ("carriage-return", "K%0D"), ("cyrillic", "%D0%BA%D0%BB%D1%8E%D1%87"),
                       ("long", "k" * 200), ("uppercase", "User"), ("space", "a%20b")]:
        variant("noncanonical-key-" + label, extra=(key + "=1",))
    variant("noncanonical-value-carriage-return", extra=("note=a%0Db",))
    for name, text in [("separator-semicolon", "a=1;b=2"), ("empty-part", "a=1&&b=2"), ("trailing-ampersand", "a=1&"),
                       ("empty-key", "=1"), ("no-equals", "abc"), ("equals-in-key", "a%3Db=1"),
                       ("line-feed", "a=1%0Ab=2"), ("empty", ""), ("json-object", '{"id":1,"hash":"00"}'),
                       ("jwt", "eyJhbGciOiJub25lIn0.eyJpZCI6MX0."), ("tgauthresult-false", "tgAuthResult=false"),
                       ("tgauthresult-escaped-padding", "tgAuthResult=eyJpZCI6MX0%3D")]:
        add("shape-" + name, text)
    widget = vector("widget-wesleym-full")["input"]
    add("C3-widget-id-number", compact({**widget, "id": 12345678}))
    add("C3-widget-last-name-empty", compact({**widget, "last_name": ""}))
    add("C3-widget-photo-missing", compact({k: x for k, x in widget.items() if k != "photo_url"}))
    add("C4-widget-photo-metadata", compact({**widget, "photo_url": "http://169.254.169.254/latest"}))


def strict_json(seeds):
    add = lambda name, data: seeds.add("FuzzStrictJSON", name, data)
    for v in VECTORS:
        expect = v.get("expect") or {}
        if "user" in expect:
            add("vector-user-" + v["id"], compact(expect["user"]))
        if v["kind"] == "oidc":
            add("vector-" + v["id"], json.dumps(v["input"], indent=1))
    cases = {
        "N4-nesting-32": "[" * 32 + "]" * 32, "N4-nesting-33": "[" * 33 + "]" * 33,
        "N4-objects-33": '{"a":' * 33 + "1" + "}" * 33, "D15-duplicate-names": '{"a":1,"a":2}',
        "control-character": '"a\x01b"', "escapes": r'"\" \\ \/ \b \f \n \r \t \u0041 \u00e9 \u2028"',
        "lone-high-surrogate": r'"\ud800"', "lone-low-surrogate": r'"\udc00x"', "surrogate-pair": r'"\ud83d\ude00"',
        "reversed-surrogates": r'"\udc00\ud800"', "bad-escape": r'"\x"', "short-unicode-escape": r'"\u12"',
        "invalid-utf8": b'"\xff"', "overlong-utf8": b'"\xc0\x80"', "surrogate-utf8": b'"\xed\xa0\x80"',
        "D16-utf16-bom": b'\xfe\xff\x00{\x00}', "utf8-bom": b'\xef\xbb\xbf{}', "numbers": "[0,-0,1.5e+10,-1E-5,123456789012345678901234567890]",
        "number-leading-zero": "01", "number-trailing-dot": "1.", "number-leading-dot": ".5", "number-plus": "+1",
        "number-exponent-empty": "1e", "big-exponent": "1e400", "literals": "[true,false,null]", "literal-prefix": "tru",
        "literal-suffix": "nullx", "trailing-data": "{} {}", "trailing-comma": "[1,]", "whitespace": " \t\r\n{ \"a\" : [ ] } \n",
        "empty": "", "unterminated-string": '"abc', "unterminated-object": '{"a":1', "key-not-string": "{1:2}",
        "del-character": '"\x7f"', "line-separators": '"\u2028\u2029"',
    }
    for name, text in cases.items():
        add(name, text)


def id_token(seeds):
    add = lambda name, data: seeds.add("FuzzIDToken", name, data)
    claims = dict(vector("oidc-docs-example-claims")["input"])
    claims["nonce"] = "n-0S6_WzA2Mj"
    jwks = vector("oidc-jwks-snapshot")["input"]

    def signed(name, header, body=None, jwks_text=None):
        text = compact(header) + "\n" + (body if isinstance(body, str) else compact(body if body is not None else claims))
        if jwks_text is not None:
            text += "\n" + jwks_text
        add(name, text)

    es = {"alg": "ES256", "kid": "oidc-es256-1", "typ": "JWT"}
    ed = {"alg": "EdDSA", "kid": "oidc-eddsa-1"}
    rs = {"alg": "RS256", "kid": "oidc-1", "typ": "JWT"}
    signed("valid-es256", es)
    signed("valid-eddsa", ed)
    signed("valid-rs256", rs)
    for alg in ["none", "None", "nOnE", "HS256", "ES256K", "RS1", "PS256", "es256"]:
        signed("D1-D3-alg-" + alg, {**es, "alg": alg})
    for label, kid in [("path", "../../x"), ("sql", "' OR 1=1--"), ("nul", "a\u0000b"), ("long", "k" * 300), ("empty", "")]:
        signed("D5-kid-" + label, {**es, "kid": kid})
    signed("D4-unknown-kid", {**es, "kid": "oidc-9"})
    signed("D2-alg-key-mismatch", {**rs, "kid": "oidc-es256-1"})
    for member in ["jku", "x5u"]:
        signed("D6-" + member, {**es, member: "https://attacker.example/jwks.json"})
    signed("D6-jwk", {**es, "jwk": jwks["keys"][1]})
    signed("D7-crit", {**es, "crit": ["exp"]})
    signed("D17-typ-at-jwt", {**es, "typ": "at+jwt"})
    signed("typ-application-jwt", {**es, "typ": "application/jwt"})
    for label, iss in [("trailing-slash", "https://oauth.telegram.org/"), ("http", "http://oauth.telegram.org"),
                       ("case", "https://OAUTH.telegram.org"), ("other", "https://accounts.google.com")]:
        signed("D8-iss-" + label, es, {**claims, "iss": iss})
    signed("D9-aud-other", es, {**claims, "aud": "987654321"})
    signed("D9-aud-array-extra", es, {**claims, "aud": ["123456789", "other"]})
    signed("D9-aud-array-single", es, {**claims, "aud": ["123456789"]})
    signed("D9-azp-mismatch", es, {**claims, "azp": "other"})
    signed("D10-expired", es, {**claims, "exp": 1_699_990_000})
    signed("D10-nbf-future", es, {**claims, "nbf": 1_700_010_000})
    signed("D10-iat-future", es, {**claims, "iat": 1_700_010_000})
    signed("D10-stale", es, {**claims, "iat": 1_699_000_000})
    signed("D10-fractional-times", es, {**claims, "iat": 1_700_000_000.5, "exp": 1.7000036e9})
    signed("D11-nonce-missing", es, {k: x for k, x in claims.items() if k != "nonce"})
    signed("D11-nonce-mismatch", es, {**claims, "nonce": "other"})
    signed("D15-duplicate-claims", es, compact(claims)[:-1] + ',"iss":"https://oauth.telegram.org"}')
    signed("D15-deep-claims", es, {**claims, "x": json.loads("[" * 31 + "]" * 31)})
    signed("D18-no-id", es, {k: x for k, x in claims.items() if k != "id"})
    signed("id-as-string", es, {**claims, "id": "987654321"})
    signed("id-float", es, {**claims, "id": 1.5})
    signed("E1-telegram-snapshot", es, None, compact(jwks))
    signed("E1-unknown-kty", es, None, compact({"keys": [{"kty": "oct", "kid": "x", "k": "AAAA"}, jwks["keys"][1]]}))
    e4 = [dict(jwks["keys"][1], use="enc"), dict(jwks["keys"][1], key_ops=["encrypt"]),
          dict(jwks["keys"][1], alg="RS256"), {"kty": "RSA", "kid": "oidc-1", "n": b64url(b"\x01" * 128), "e": "AQAB"}]
    signed("E4-unusable-keys", es, None, compact({"keys": e4}))
    signed("E3-empty-keys", es, None, '{"keys":[]}')
    signed("E3-html", es, None, "<html>error</html>")

    def raw(name, token, jwks_text=None):
        add(name, token if jwks_text is None else token + "\n" + jwks_text)

    header = b64url(compact(es).encode())
    payload = b64url(compact(claims).encode())
    signature = b64url(b"\x01" * 64)
    raw("raw-wrong-signature", f"{header}.{payload}.{signature}")
    raw("D1-raw-alg-none-empty-signature", b64url(b'{"alg":"none"}') + f".{payload}.")
    raw("D13-truncated-signature", f"{header}.{payload}.{signature[:40]}")
    raw("D13-empty-segments", "a.b.")
    raw("D14-jws-json-serialization", compact({"payload": payload, "protected": header, "signature": signature}))
    raw("D14-jwe-five-segments", f"{header}.{payload}.AAAA.BBBB.{signature}")
    raw("D14-four-segments", f"{header}.{payload}.{signature}.x")
    raw("D14-whitespace", f" {header}.{payload}.{signature} ")
    raw("D14-padding", f"{header}==.{payload}.{signature}")
    raw("D14-standard-alphabet", f"{header}.{payload}.{signature.replace('A', '+')}")
    raw("D15-oversized", f"{header}.{payload}{'A' * 8300}.{signature}")
    raw("D16-utf16-header", b64url('{"alg":"ES256"}'.encode("utf-16")) + f".{payload}.{signature}")
    raw("wrong-proof-kind-initdata", "user=%7B%7D&hash=00")
    raw("raw-with-jwks", f"{header}.{payload}.{signature}", compact(jwks))


def configuration_yaml(seeds):
    add = lambda name, data: seeds.add("FuzzConfigurationYAML", name, data)
    doc = open(os.path.join(ROOT, "docs/configuration.md"), encoding="utf-8").read()
    for index, block in enumerate(doc.split("```yaml\n")[1:]):
        add("docs-configuration-%d" % index, block.split("```", 1)[0])
    cases = {
        "anchor-alias": "a: &x {b: 1}\nc: *x\n", "merge-key": "a: &x {b: 1}\nc:\n  <<: *x\n",
        "duplicate-key": "a: 1\na: 2\n", "non-string-key": "? [1, 2]\n: x\n", "integer-key": "1: x\n",
        "tags": "a: !!binary aGVsbG8=\nb: !!float 1\nc: !!str 1\nd: !custom x\n",
        "special-floats": "a: .inf\nb: -.Inf\nc: .nan\nd: 1e400\n", "numbers": "a: 0x1F\nb: 0o17\nc: 1_000\nd: +12\ne: 1:30\n",
        "booleans-nulls": "a: yes\nb: No\nc: ~\nd: null\ne: on\nf:\n", "timestamp": "a: 2001-12-14t21:59:43.10-05:00\n",
        "block-scalars": "a: |\n  line\n  line\nb: >-\n  folded\n  text\n", "multi-document": "a: 1\n---\nb: 2\n...\n",
        "flow": "{apps: [{id: poll, bots: [{token: 'env:X'}]}]}", "deep": "a: " + "[" * 60 + "]" * 60 + "\n",
        "K11-literal-secret": "apps:\n  - id: poll\n    bots:\n      - token: '123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'\n",
        "unknown-key": "server:\n  hots: 0.0.0.0\n", "tab-indent": "a:\n\tb: 1\n", "empty": "", "comment-only": "# nothing\n",
        "quotes": "a: 'it''s'\nb: \"\\u00e9\\x41\\n\"\n", "directive": "%YAML 1.1\n---\na: 1\n",
        "bom": "\ufeffa: 1\n", "control-character": "a: \"\\x01\"\n", "long-key": "k" * 200 + ": 1\n",
    }
    for name, text in cases.items():
        add(name, text)


def exchange_body(seeds):
    add = lambda name, data: seeds.add("FuzzExchangeBody", name, data)
    init_data = vector("hmac-real-7342037359-a")["input"]
    widget = vector("widget-wesleym-full")["input"]
    token = b64url(b'{"alg":"RS256","kid":"oidc-1"}') + "." + b64url(compact(vector("oidc-docs-example-claims")["input"]).encode()) + ".c2ln"
    body = lambda value: "\n" + compact(value)
    add("initdata", body({"initData": init_data}))
    add("initdata-provider-organization", body({"initData": init_data, "provider": "clerk", "organization": "org_1"}))
    add("widget-object", body({"widget": widget}))
    add("widget-tgauthresult", body({"widget": vector("widget-allauth-tgauthresult")["input"]}))
    add("idtoken-nonce", body({"idToken": token, "nonce": "n-0S6_WzA2Mj"}))
    add("header-only", "tma " + init_data + "\n")
    add("header-uppercase-scheme-and-body", "TMA " + init_data + "\n" + compact({"provider": "oidc"}))
    add("header-and-body-proof", "tma " + init_data + body({"initData": init_data}))
    add("header-other-scheme", "Bearer abc\n")
    add("header-empty-initdata", "tma \n")
    add("header-invalid-utf8-ff", b"tma user=\xff&hash=00\n")
    add("header-invalid-utf8-overlong", b"tma user=\xc0\x80&hash=00\n")
    add("A21-tenant-mismatch", body({"initData": init_data, "bot_id": 1}))
    add("A21-app-member", body({"initData": init_data, "app": "other"}))
    add("unknown-member", body({"initData": init_data, "admin": True}))
    add("two-proofs", body({"initData": init_data, "idToken": token}))
    add("nonce-without-idtoken", body({"initData": init_data, "nonce": "n"}))
    add("empty-proof", body({"initData": ""}))
    add("proof-not-string", body({"initData": 1}))
    add("widget-array", body({"widget": [1]}))
    add("organization-too-long", body({"initData": init_data, "organization": "o" * 129}))
    add("no-proof", body({"provider": "oidc"}))
    add("not-object", body([init_data]))
    add("malformed-json", '\n{"initData":')
    add("duplicate-member", '\n{"initData":"a=1","initData":"b=2"}')
    add("empty", "")
    add("N4-deep", "\n" + '{"widget":' * 40 + "1" + "}" * 40)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    seeds = Seeds(sys.argv[1])
    telegram_proof(seeds)
    strict_json(seeds)
    id_token(seeds)
    configuration_yaml(seeds)
    exchange_body(seeds)


if __name__ == "__main__":
    main()
