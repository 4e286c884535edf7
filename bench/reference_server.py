"""The benchmark's reference: a bare aiohttp handler that only answers 302.

Lantern's redirect throughput is reported as a ratio to this server,
measured in the same run on the same machine.
"""

from __future__ import annotations

import argparse

from aiohttp import web


async def redirect(_request: web.Request) -> web.Response:
    """302 to a fixed target, nothing else."""
    return web.Response(status=302, headers={"Location": "https://example.com/"})


def main() -> None:
    """Serve the reference on --port."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument("--reuse-port", action="store_true", help="Share the port with sibling processes.")
    args = parser.parse_args()
    app = web.Application()
    app.router.add_get("/{slug}", redirect)
    web.run_app(
        app, host="127.0.0.1", port=args.port, access_log=None, print=None, reuse_port=args.reuse_port or None
    )


if __name__ == "__main__":
    main()
