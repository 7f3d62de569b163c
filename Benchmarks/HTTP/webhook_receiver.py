"""A webhook receiver for the events benchmark: answers every POST with 204 and counts it; GET answers the count of
POSTs, of distinct webhook-ids, and the time of the last POST (monotonic seconds). webhook_receiver.py PORT.

It shares the benchmark's cores with Telegate, so it is kept cheap: one asyncio loop, keep-alive connections, the
least of HTTP/1.1 parsing a Telegate delivery needs (Content-Length bodies, no chunking)."""
import asyncio
import sys
import time

received = 0
ids = set()
last = 0.0


async def serve(reader, writer):
    global received, last
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method = lines[0].split(" ", 1)[0]
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            length = int(headers.get("content-length", "0"))
            if length:
                await reader.readexactly(length)
            if method == "POST":
                received += 1
                ids.add(headers.get("webhook-id"))
                last = time.monotonic()
                writer.write(b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n")
            else:
                body = f"{received} {len(ids)} {last:.3f}".encode()
                writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: %d\r\n\r\n%s" % (len(body), body))
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def main(port):
    server = await asyncio.start_server(serve, "127.0.0.1", port)
    async with server:
        await server.serve_forever()


asyncio.run(main(int(sys.argv[1])))
