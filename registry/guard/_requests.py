"""The guard in requests: an HTTPAdapter that checks each request before sending it."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from requests.adapters import HTTPAdapter

from registry.guard import _guard
from registry.schema.tree import Registry


class RequestsAdapter(HTTPAdapter):
    """`session.mount("https://", RequestsAdapter())`: every request sent through the
    session is checked first; the rest is requests' own HTTPAdapter (its keyword arguments
    after the guard's are passed on: pool sizes, retries)."""

    def __init__(self, mode: str = "raise", *, hosts: Any = None, routes: Mapping[str, str] | None = None,
                 explicit_defaults: bool = False, registry: Registry | None = None,
                 logger: logging.Logger | None = None, **adapter: Any) -> None:
        self.guard = _guard(mode, hosts, routes, explicit_defaults, registry, logger)
        super().__init__(**adapter)

    def send(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        body = request.body
        if isinstance(body, str):
            body = body.encode()
        if body is None or isinstance(body, bytes):
            checked = self.guard.check(request.method or "", request.url or "", urlsplit(request.url or "").hostname or "",
                                       body or b"", request.headers.get("Content-Type", ""))
            if checked.body is not None:
                request.body = checked.body
                request.headers["Content-Length"] = str(len(checked.body))
        else:  # a file or generator body: reading it would consume it
            self.guard.logger.debug("capreg guard: %s %s: a streamed body; not checked", request.method, request.url)
        return super().send(request, *args, **kwargs)
