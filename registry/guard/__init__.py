"""Stop bad requests inside a service's own HTTP client, before a byte leaves.

    import httpx, registry.guard
    client = httpx.Client(event_hooks={"request": [registry.guard.httpx_hook()]})
    client = httpx.Client(transport=registry.guard.GuardTransport(httpx.HTTPTransport()))
    session.mount("https://", registry.guard.RequestsAdapter())          # requests
    aiohttp.ClientSession(middlewares=(registry.guard.aiohttp_middleware(),))
    fal_client.submit(app, guard.checked(f"https://queue.fal.run/{app}", arguments))

Every request is put to `validate_request` (its URL chooses the offering); requests that are
none capreg checks (status polls, uploads, other hosts) pass untouched. Modes:
- `raise`: a request with an error raises `RequestRejected` carrying the reports; warnings
  are logged;
- `warn`: errors and warnings are logged and given to `warnings.warn` (GuardWarning); the
  request goes;
- `log`: everything is logged (errors as errors, warnings as warnings, infos as debug).

`hosts` limits the guard to those hosts. `explicit_defaults=True` writes out the parameters
whose default differs between providers of the model (each a `default-made-explicit` info
in the reports, logged), so a request behaves the same wherever it goes.

httpx and requests are imported only when a hook, transport or adapter is made:
`import registry` stays as light as before.
"""

from __future__ import annotations

import json
import logging
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from registry.base.errors import CapregError
from registry.base.findings import Report, Severity
from registry.schema.tree import Registry
from registry.validation.requests import checked_parts, with_explicit_defaults

__all__ = ["Guard", "GuardTransport", "GuardWarning", "RequestRejected", "RequestsAdapter", "aiohttp_middleware",
           "httpx_hook"]

MODES = ("raise", "warn", "log")
LOG = logging.getLogger("registry.guard")


class RequestRejected(CapregError, ValueError):
    """A request the guard stopped before sending: `reports` says why, `request` what it was."""

    def __init__(self, request: str, reports: tuple[Report, ...]) -> None:
        self.request = request
        self.reports = reports
        super().__init__(f"{request}: {_describe(reports, Severity.ERROR)}")


class GuardWarning(UserWarning):
    """What the guard found in a request it let through (mode `warn`)."""


@dataclass(frozen=True, slots=True)
class Checked:
    body: bytes | None  # the body to send: None when unchanged
    reports: tuple[Report, ...]


@dataclass(frozen=True)
class Guard:
    """What the hooks, the transport and the adapter share: the check and what follows it."""

    mode: str = "raise"
    hosts: frozenset[str] | None = None
    routes: Mapping[str, str] | None = None  # URL or path -> offering id (Replicate deployments)
    explicit_defaults: bool = False
    registry: Registry | None = field(default=None, repr=False)
    logger: logging.Logger = field(default=LOG, repr=False)

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}; got {self.mode!r}")
        if self.hosts is not None:
            object.__setattr__(self, "hosts", frozenset(host.lower() for host in self.hosts))

    def check(self, method: str, url: str, host: str, content: bytes, content_type: str) -> Checked:
        """Check one request as its client holds it (body bytes); raise RequestRejected in mode
        `raise` when it has an error. `Checked.body` is the body to send when it was rewritten."""
        if self.hosts is not None and host.lower() not in self.hosts:
            return Checked(None, ())
        if method.upper() not in _WRITING_METHODS or "json" not in content_type.lower() and content_type:
            return Checked(None, ())  # a form upload or a poll: no JSON payload to check
        try:
            body = json.loads(content) if content else None
        except ValueError as exc:
            self.logger.debug("capreg guard: %s %s: the body is not JSON (%s); not checked", method, url, exc)
            return Checked(None, ())
        sent, reports = self._checked(url, body, method)
        return Checked(None if sent is body else json.dumps(sent, ensure_ascii=False).encode(), reports)

    def checked(self, url: str, body: Any, method: str = "POST") -> Any:
        """The body to send to `url` (parsed JSON): checked, and with explicit_defaults
        rewritten; raises RequestRejected in mode `raise` when it has an error. For clients
        with no transport to wrap (fal_client): `fal_client.submit(app, guard.checked(url, args))`."""
        if self.hosts is not None and (urlsplit(url).hostname or "") not in self.hosts:
            return body
        return self._checked(url, body, method)[0]

    def _checked(self, url: str, body: Any, method: str) -> tuple[Any, tuple[Report, ...]]:
        parts = checked_parts(url, body, method, registry=self.registry, routes_map=self.routes)
        reports = tuple(report for _, report in parts)
        sent = body
        if self.explicit_defaults and parts:
            sent, reports = with_explicit_defaults(body, parts, self.registry)
        self._act(f"{method.upper()} {url}", reports)
        return sent, reports

    def _act(self, request: str, reports: tuple[Report, ...]) -> None:
        if not reports:
            return
        has = {f.severity for r in reports for f in r.findings}
        if self.mode == "raise" and Severity.ERROR in has:
            self.logger.error("capreg guard: stopped %s: %s", request, _describe(reports, Severity.ERROR))
            raise RequestRejected(request, reports)
        for severity, level in ((Severity.ERROR, logging.ERROR), (Severity.WARNING, logging.WARNING),
                                (Severity.INFO, logging.DEBUG)):
            if severity in has:
                self.logger.log(level, "capreg guard: %s: %s", request, _describe(reports, severity))
        if self.mode == "warn" and has & {Severity.ERROR, Severity.WARNING}:
            worst = Severity.ERROR if Severity.ERROR in has else Severity.WARNING
            warnings.warn(f"capreg guard: {request}: {_describe(reports, worst)}", GuardWarning, stacklevel=4)


_WRITING_METHODS = frozenset({"POST", "PUT", "PATCH"})


def _describe(reports: tuple[Report, ...], severity: Severity) -> str:
    found = [f for r in reports for f in r.findings if f.severity is severity]
    shown = "; ".join(f"{f.rule} {f.pointer or '/'}: {f.message}" for f in found[:5])
    return shown + (f" (and {len(found) - 5} more)" if len(found) > 5 else "")


def _guard(mode: str, hosts: Any, routes: Mapping[str, str] | None, explicit_defaults: bool,
           registry: Registry | None, logger: logging.Logger | None) -> Guard:
    return Guard(mode, hosts, routes, explicit_defaults, registry, logger or LOG)


class _Done:
    """What the hook returns: nothing to an httpx.Client, an awaitable that is already done
    to an httpx.AsyncClient (which awaits every hook), so one hook serves both."""

    def __await__(self) -> Iterator[None]:
        return iter(())


def httpx_hook(mode: str = "raise", *, hosts: Any = None, routes: Mapping[str, str] | None = None,
               explicit_defaults: bool = False, registry: Registry | None = None,
               logger: logging.Logger | None = None) -> Callable[[Any], _Done]:
    """A request event hook for httpx.Client and httpx.AsyncClient:
    `httpx.Client(event_hooks={"request": [registry.guard.httpx_hook()]})`."""
    guard = _guard(mode, hosts, routes, explicit_defaults, registry, logger)

    def hook(request: Any) -> _Done:
        from registry.guard._httpx import check_request

        check_request(guard, request)
        return _Done()

    return hook


def aiohttp_middleware(mode: str = "raise", *, hosts: Any = None, routes: Mapping[str, str] | None = None,
                       explicit_defaults: bool = False, registry: Registry | None = None,
                       logger: logging.Logger | None = None) -> Callable[[Any, Any], Any]:
    """A client middleware for aiohttp (3.12+), the seam of SDKs built on aiohttp (Runware's):
    `aiohttp.ClientSession(middlewares=(registry.guard.aiohttp_middleware(),))`."""
    guard = _guard(mode, hosts, routes, explicit_defaults, registry, logger)

    async def middleware(request: Any, handler: Any) -> Any:
        content = await request.body.as_bytes() if request.body else b""
        checked = guard.check(request.method, str(request.url), request.url.host or "", content,
                              request.headers.get("Content-Type", ""))
        if checked.body is not None:
            await request.update_body(checked.body)
        return await handler(request)

    return middleware


def __getattr__(name: str) -> Any:
    """GuardTransport and RequestsAdapter subclass httpx's and requests' own classes: they are
    defined, and those packages imported, when first asked for."""
    if name == "GuardTransport":
        from registry.guard._httpx import GuardTransport

        return GuardTransport
    if name == "RequestsAdapter":
        from registry.guard._requests import RequestsAdapter

        return RequestsAdapter
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
