"""A local receiver that stands in for webhook endpoints and GA4: it records, and fails on demand."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer


@dataclass
class Received:
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Recorder:
    """Records every request; answers `fail_first` of them with 500, then `status`."""

    fail_first: int = 0
    status: int = 204
    hang_seconds: float = 0.0
    validation_messages: list[dict[str, str]] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    attempts: int = 0
    server: TestServer | None = None
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    attempted: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.attempts += 1
        self.attempted.set()
        body = await request.read()
        if self.hang_seconds:
            await asyncio.sleep(self.hang_seconds)
        if self.attempts <= self.fail_first:
            return web.Response(status=500, text="receiver down")
        self.received.append(Received(request.path, dict(request.query), dict(request.headers), body))
        self.arrived.set()
        if request.path.startswith("/debug/"):
            return web.json_response({"validationMessages": self.validation_messages})
        return web.Response(status=self.status)

    async def start(self) -> str:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self.handle)
        self.server = TestServer(app, host="127.0.0.1")
        await self.server.start_server()
        return str(self.server.make_url("")).rstrip("/")

    @property
    def url(self) -> str:
        """The receiver's root URL (after start)."""
        assert self.server is not None, "start() first"
        return str(self.server.make_url("")).rstrip("/")

    async def stop(self) -> None:
        if self.server is not None:
            await self.server.close()

    async def wait_for(self, count: int, *, within: float = 10.0) -> list[Received]:
        """Wait until `count` requests were accepted (fails the test after `timeout` seconds)."""
        deadline = asyncio.get_running_loop().time() + within
        while len(self.received) < count:
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"{len(self.received)} of {count} deliveries arrived in {within} s")
            await asyncio.sleep(0.05)
        return self.received
