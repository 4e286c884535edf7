"""A receiver that accepts every webhook and GA4 request with 204: what forwarding costs, not a receiver."""

from __future__ import annotations

import argparse

from aiohttp import web


async def accept(request: web.Request) -> web.Response:
    await request.read()
    request.app["count"] += 1
    return web.Response(status=204)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    app = web.Application()
    app["count"] = 0
    app.router.add_route("*", "/{tail:.*}", accept)
    web.run_app(app, host="127.0.0.1", port=args.port, print=None)


if __name__ == "__main__":
    main()
