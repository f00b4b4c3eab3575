"""The guard in httpx: the hook's check, and a transport that wraps another."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import httpx

from registry.guard import Guard, _guard
from registry.schema.tree import Registry


def check_request(guard: Guard, request: httpx.Request) -> None:
    try:
        content = request.content
    except httpx.RequestNotRead:  # a streamed body: reading it here would consume it
        guard.logger.debug("capreg guard: %s %s: a streamed body; not checked", request.method, request.url)
        return
    checked = guard.check(request.method, str(request.url), request.url.host, content,
                          request.headers.get("content-type", ""))
    if checked.body is not None:
        # The request is built already: its stream, the content it caches and its length
        # are replaced together, as httpx.Request.__init__ sets them.
        request.stream = httpx.ByteStream(checked.body)
        request._content = checked.body
        request.headers["Content-Length"] = str(len(checked.body))


class GuardTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Checks every request, then hands it to `transport` (httpx's default when None):
    `httpx.Client(transport=GuardTransport(httpx.HTTPTransport()))`; for an AsyncClient, wrap
    an async transport (httpx.AsyncHTTPTransport())."""

    def __init__(self, transport: Any = None, mode: str = "raise", *, hosts: Any = None,
                 routes: Mapping[str, str] | None = None, explicit_defaults: bool = False,
                 registry: Registry | None = None, logger: logging.Logger | None = None) -> None:
        self.transport = transport
        self.guard = _guard(mode, hosts, routes, explicit_defaults, registry, logger)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        check_request(self.guard, request)
        if self.transport is None:
            self.transport = httpx.HTTPTransport()
        return self.transport.handle_request(request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        check_request(self.guard, request)
        if self.transport is None:
            self.transport = httpx.AsyncHTTPTransport()
        return await self.transport.handle_async_request(request)

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()

    async def aclose(self) -> None:
        if self.transport is not None:
            await self.transport.aclose()
