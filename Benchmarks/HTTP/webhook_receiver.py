"""A webhook receiver for the events benchmark: answers every POST with 204 and counts it; GET answers the count of
POSTs, of distinct webhook-ids, and the time of the last POST (monotonic seconds). webhook_receiver.py PORT."""
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

lock = threading.Lock()
received = 0
ids = set()
last = 0.0


class Receiver(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        global received, last
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with lock:
            received += 1
            ids.add(self.headers.get("webhook-id"))
            last = time.monotonic()
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):
        with lock:
            body = f"{received} {len(ids)} {last:.3f}".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *arguments):
        pass


ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Receiver).serve_forever()
