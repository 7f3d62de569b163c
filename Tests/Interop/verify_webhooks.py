"""Verifies webhook requests with the standardwebhooks package (pip install standardwebhooks), independently of
Telegate's signer, and optionally validates each body against a JSON Schema (jsonschema).

Reads a JSON array from the file named by the first argument; each item: {"secret": "whsec_...", "headers": {...}, "body": "<base64 of the exact
bytes>", "now": <unix seconds the timestamp is checked against, optional>, "schema": <a JSON Schema, optional>}.
Prints "ok" when every item verifies; otherwise one line per failing item and exits 1.
"""
import base64
import json
import sys
from datetime import datetime, timedelta, timezone

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


class WebhookAt(Webhook):
    """The library's verifier, with its five-minute timestamp window around a given time instead of the wall clock
    (deliveries sent under a test clock)."""

    def __init__(self, secret, now):
        super().__init__(secret)
        self._now = now

    def _Webhook__verify_timestamp(self, timestamp_header):
        timestamp = datetime.fromtimestamp(float(timestamp_header), tz=timezone.utc)
        now = datetime.fromtimestamp(self._now, tz=timezone.utc)
        if abs(timestamp - now) > timedelta(minutes=5):
            raise WebhookVerificationError("Message timestamp out of window")
        return timestamp


failures = []
for index, item in enumerate(json.load(open(sys.argv[1]))):
    body = base64.b64decode(item["body"])
    hook = WebhookAt(item["secret"], item["now"]) if "now" in item else Webhook(item["secret"])
    try:
        payload = hook.verify(body, item["headers"])
    except WebhookVerificationError as error:
        failures.append("%d: %s" % (index, error))
        continue
    if "schema" in item:
        import jsonschema
        try:
            jsonschema.validate(payload, item["schema"])
        except jsonschema.ValidationError as error:
            failures.append("%d: schema: %s" % (index, error.message))
if failures:
    print("\n".join(failures))
    sys.exit(1)
print("ok")
