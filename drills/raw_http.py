"""HTTP/1.1 requests written byte by byte, for what a polite client library refuses to send.

Oversized header lines, hundreds of headers, CR/LF inside a header value:
aiohttp's client rejects them before they leave, but an attacker's socket
does not.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass


@dataclass(frozen=True)
class RawResponse:
    """The status code and the response headers (names lower-cased); status 0 if the server hung up."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> list[str]:
        return [value for key, value in self.headers if key == name.lower()]


async def send(port: int, request: bytes, within: float = 15.0) -> RawResponse:
    """Send `request` as-is on a fresh connection to 127.0.0.1 and read the whole answer."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    raw = b""
    try:
        writer.write(request)
        # The server may answer and hang up before it has read an oversized request to the end.
        with contextlib.suppress(ConnectionError):
            await writer.drain()
        with contextlib.suppress(ConnectionError):
            raw = await asyncio.wait_for(reader.read(-1), within)
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()
    return parse(raw)


def parse(raw: bytes) -> RawResponse:
    """Split a raw HTTP/1.1 answer into status, headers and body."""
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    if not lines[0].startswith("HTTP/"):
        return RawResponse(0, [], raw)
    status = int(lines[0].split()[1])
    headers = []
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.append((name.strip().lower(), value.strip()))
    return RawResponse(status, headers, body)


def request(method: str, path: str, headers: list[tuple[str, str]] | None = None, body: bytes = b"") -> bytes:
    """The bytes of one request; header values go out verbatim (CR/LF included)."""
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers or []]
    if body or method == "POST":
        lines.append(f"Content-Length: {len(body)}")
    return "\r\n".join(lines).encode("utf-8", "surrogateescape") + b"\r\n\r\n" + body
