"""The page tag's cost: its size, and a page's load time with and without it, in Debian's Chromium.

`python -m bench.page_tag_bench` prints a Markdown table (the README quotes it). Both variants
are loaded alternately from a local server, so the machine's noise hits them alike.
"""

from __future__ import annotations

import asyncio
import gzip
import statistics
import sys
import tempfile
from pathlib import Path

from aiohttp import web
from aiohttp.test_utils import TestServer
from playwright.async_api import async_playwright

from lantern.composition import PARTS, build_app
from tracking.settings import Settings
from tracking.storage.sites import SqlSites
from tracking.web.collect import SCRIPT

ROUNDS = 40
DESKTOP = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
BODY = "<p>" + "Dark social is the sharing that analytics cannot see. " * 200 + "</p>"


async def main() -> None:
    folder = Path(tempfile.mkdtemp())
    lantern_server = TestServer(build_app(Settings(database_url=f"sqlite+aiosqlite:///{folder / 'b.db'}")))
    await lantern_server.start_server()
    lantern = str(lantern_server.make_url("")).rstrip("/")
    parts = lantern_server.app[PARTS]
    tag: list[str] = [""]

    async def page(request: web.Request) -> web.Response:
        with_tag = request.match_info["variant"] == "with"
        head = tag[0] if with_tag else ""
        return web.Response(text=f"<!doctype html><html><head>{head}</head><body>{BODY}</body></html>",
                            content_type="text/html")  # fmt: skip

    app = web.Application()
    app.router.add_get("/{variant}", page)
    site = TestServer(app)
    await site.start_server()
    origin = str(site.make_url("")).rstrip("/")
    key = (await SqlSites(parts.engine, clock=parts.clock).add(origin)).key
    tag[0] = f'<script defer src="{lantern}/lantern.js" data-site="{key}"></script>'
    timings: dict[str, list[float]] = {"without": [], "with": [], "arrival": [], "fetch": []}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        for n in range(ROUNDS):
            for variant, suffix in (
                ("without", "without"),
                ("with", "with"),
                ("arrival", "with#lt=Bench0000000"),
            ):
                context = await browser.new_context(user_agent=DESKTOP)
                tab = await context.new_page()
                await tab.goto(f"{origin}/{suffix}")
                await tab.wait_for_load_state("load")
                load = await tab.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
                fetch = await tab.evaluate(
                    "(performance.getEntriesByType('resource').find(e => e.name.endsWith('/lantern.js'))"
                    " || {duration: 0}).duration"
                )
                if n:  # the first round warms caches and the JIT
                    timings[variant].append(float(load))
                    if variant == "with":
                        timings["fetch"].append(float(fetch))
                await context.close()
        await browser.close()
    await site.close()
    await lantern_server.close()
    raw = SCRIPT.read_bytes()
    median = {name: statistics.median(values) for name, values in timings.items()}
    lines = [
        "| what | figure |",
        "| --- | --- |",
        f"| `lantern.js` size | {len(raw):,} bytes, {len(gzip.compress(raw, 9)):,} gzipped |",
        f"| page load (`loadEventEnd`), no tag | {median['without']:.1f} ms (median of {ROUNDS - 1}) |",
        f"| page load with the tag, plain view | {median['with']:.1f} ms "
        f"(+{median['with'] - median['without']:.1f} ms) |",
        f"| of which fetching `lantern.js` from Lantern (cold cache, new connection) "
        f"| {median['fetch']:.1f} ms |",
        f"| page load with the tag, tokened arrival (beacon sent) | {median['arrival']:.1f} ms "
        f"(+{median['arrival'] - median['without']:.1f} ms) |",
    ]
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    asyncio.run(main())
