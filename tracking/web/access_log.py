"""One line per request, written so that the log never holds a whole IP address or a secret.

- the client is its network (/24 for IPv4, /48 for IPv6), as visits store it,
  found through `LANTERN_TRUSTED_PROXIES` the same way;
- the path is logged without its query string (a query may carry tokens),
  percent-encoded as it came, so nothing in it can forge a log line;
- no header is logged: not Authorization, not cookies, not the user agent.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from aiohttp.abc import AbstractAccessLogger
from aiohttp.web import BaseRequest, StreamResponse

from tracking.core.visits import Network, client_ip, truncate_ip

LOGGER = logging.getLogger("lantern.access")


def access_line(
    request: BaseRequest, response: StreamResponse, seconds: float, trusted: Sequence[Network]
) -> str:
    """`203.0.113.0/24 "GET /AbC12xy" 302 0B 1.2ms`."""
    peer = request.remote or ""
    network = truncate_ip(client_ip(peer, request.headers.get("X-Forwarded-For", ""), trusted)) or "-"
    path = request.raw_path.split("?", 1)[0]
    size = response.body_length
    return f'{network} "{request.method} {path}" {response.status} {size}B {seconds * 1000:.1f}ms'


def access_logger_class(trusted: Sequence[Network]) -> type[AbstractAccessLogger]:
    """aiohttp builds its access logger from a class; this one knows the trusted proxies."""
    networks = tuple(trusted)

    class PrivateAccessLogger(AbstractAccessLogger):
        """aiohttp's access log hook, writing `access_line`."""

        def log(self, request: BaseRequest, response: StreamResponse, time: float) -> None:
            self.logger.info(access_line(request, response, time, networks))

        @property
        def enabled(self) -> bool:
            return self.logger.isEnabledFor(logging.INFO)

    return PrivateAccessLogger
