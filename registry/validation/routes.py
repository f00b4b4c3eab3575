"""Which offering an HTTP request is for, from its URL and, where several offerings share a
path, the model id in its body: the `x-route` annotation of every offering, read as data.

A request resolves to one of three things:
- `Routed`: the routes its URL names (several when the body's model id chooses among them:
  sync.so's /v2/generate, Runware's /v1);
- `Ignored`: not a request capreg checks — a host no offering lists, another method, a path
  an offering marks as a status call (fal's `/requests/<id>`), another path on a host whose
  requests all go to known paths (sync.so's uploads);
- `Unknown`: shaped like a request of a provider capreg knows, but for nothing it has a
  schema of (a fal endpoint, a Replicate model, version or deployment it does not know): a
  `route-unknown` finding, never an error, since the provider may well serve it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from registry.base import pointers
from registry.base.catalog import rule
from registry.base.findings import Finding
from registry.base.frozen import record
from registry.base.text import shortened
from registry.base.suggest import closest
from registry.schema.tree import Offering, Registry, derived

MODEL_ID = "{model-id}"


@record
class Route:
    """One offering's `x-route`, with `{model-id}` written out."""

    offering: Offering
    method: str
    hosts: frozenset[str]
    template: str  # the path as written, `{model-id}` and all
    paths: tuple[str, ...]  # the offering's own paths (one per model id and alias)
    body: str | None  # where the model id sits in each payload, when the path is shared
    envelope: str | None
    version_path: str | None
    version_pointer: str | None
    versions: tuple[str, ...]  # full version ids or recorded prefixes of them
    mapped: tuple[str, ...]  # path patterns whose offering only the caller's mapping names
    ignored: tuple[str, ...]  # path patterns that are not requests (status calls)
    query: tuple[tuple[str, str], ...]  # query parameter -> the format its value must have

    def names(self, model_id: Any) -> bool:
        return model_id in self.offering.model_ids

    def has_version(self, version: str) -> bool:
        return any(version.startswith(known) for known in self.versions)


@record
class Url:
    method: str
    host: str
    path: str
    query: tuple[tuple[str, str], ...]
    shown: str  # how findings name the request: method, host and path, shortened


@record
class Routed:
    url: Url
    routes: tuple[Route, ...]
    chosen_by: str  # "path" | "version" | "mapping": for the messages


@record
class Ignored:
    url: Url


@record
class Unknown:
    url: Url
    finding: Finding


Resolution = Routed | Ignored | Unknown


def parse_url(url: str, method: str) -> Url:
    parts = urlsplit(url)
    path = parts.path.rstrip("/") or "/"
    return Url(method.upper(), (parts.hostname or "").lower(), path, tuple(parse_qsl(parts.query)),
               shortened(f"{method.upper()} {parts.hostname or ''}{path}", 120))


def resolve(registry: Registry, url: Url, body: Any, mapping: Mapping[str, str] | None = None) -> Resolution:
    """The routes a request is for (see the module's docstring). `mapping` names the offering
    of URLs or paths the schemas cannot (Replicate deployments); it is asked first."""
    mapped = _from_mapping(registry, url, mapping or {})
    if mapped is not None:
        return mapped
    on_host = [r for r in _routes_by_host(registry).get(url.host, ()) if r.method == url.method]
    if not on_host or any(_matches(pattern, url.path) for r in on_host for pattern in r.ignored):
        return Ignored(url)
    by_path = [r for r in on_host if url.path in r.paths]
    if by_path:
        return Routed(url, tuple(by_path), "path")
    versioned = [r for r in on_host if r.version_path == url.path]
    if versioned:
        return _by_version(url, versioned, body)
    if any(_matches(pattern, url.path) for r in on_host for pattern in r.mapped):
        return Unknown(url, _unknown(url, "its offering depends on what the deployment runs",
                                     f"name it: routes={{{url.path!r}: 'replicate/lipsync-2'}} (any offering id)"))
    if not any(_matches(r.template.replace(MODEL_ID, "**"), url.path) for r in on_host):
        return Ignored(url)  # another call on the host: an upload, a file, a batch
    suggestion = closest(url.path, [p for r in on_host for p in r.paths])
    return Unknown(url, _unknown(url, "no offering is sent there",
                                 f"did you mean {suggestion}?" if suggestion else "`capreg list` shows every offering"))


def _from_mapping(registry: Registry, url: Url, mapping: Mapping[str, str]) -> Resolution | None:
    offering_id = mapping.get(f"https://{url.host}{url.path}", mapping.get(url.path))
    if offering_id is None:
        return None
    offering = registry.offerings.get(offering_id)
    if offering is None:
        suggestion = closest(offering_id, list(registry.offerings))
        return Unknown(url, rule("offering-unknown").finding(
            "", hint=f"did you mean {suggestion!r}?" if suggestion else "`capreg list` shows every offering",
            what="offering (in the routes mapping)", value=repr(offering_id)))
    route = route_of(registry, offering)
    if route is None:  # an offering without x-route: its payload is the body
        route = Route(offering, url.method, frozenset({url.host}), url.path, (url.path,), None, None, None, None, (), (), (), ())
    return Routed(url, (route,), "mapping")


def _by_version(url: Url, routes: list[Route], body: Any) -> Resolution:
    pointer = routes[0].version_pointer or ""
    version = next(iter(pointers.values(body, pointers.parse(pointer))), None) if isinstance(body, dict) else None
    if not isinstance(version, str):
        return Unknown(url, _unknown(url, f"the body names no version at {pointer}", "give the version id"))
    chosen = named_by_version(routes, version)
    if chosen:
        return Routed(url, tuple(chosen), "version")
    return Unknown(url, _unknown(url, f"version {shortened(version)} is not in capreg's version table",
                                 "send it to /v1/models/<owner>/<name>/predictions, or name its offering with routes={...}"))


def named_by_version(routes: list[Route], version: str) -> list[Route]:
    """The routes a version names: a version id (or `owner/name:id`) in their table, or
    `owner/name` alone, their model id."""
    model, _, version_id = version.rpartition(":")
    chosen = [r for r in routes if (r.names(model) if model else r.has_version(version_id))]
    return chosen or [r for r in routes if r.names(version)]


def _unknown(url: Url, reason: str, hint: str) -> Finding:
    return rule("route-unknown").finding("", hint=hint, request=url.shown, reason=reason)


def route_of(registry: Registry, offering: Offering) -> Route | None:
    return all_routes(registry).get(offering.id)


def preload_routes(registry: Registry) -> None:
    """Work out the route tables `validate_request` reads, before a pre-fork server forks."""
    _routes_by_host(registry)


@derived
def _routes_by_host(registry: Registry) -> dict[str, tuple[Route, ...]]:
    by_host: dict[str, list[Route]] = {}
    for route in all_routes(registry).values():
        for host in route.hosts:
            by_host.setdefault(host, []).append(route)
    return {host: tuple(routes) for host, routes in by_host.items()}


@derived
def all_routes(registry: Registry) -> dict[str, Route]:
    return {o.id: _route(o, o.schema["x-route"]) for o in registry.offerings.values() if "x-route" in o.schema}


def _route(offering: Offering, data: dict[str, Any]) -> Route:
    versions = data.get("versions", {})
    return Route(
        offering=offering, method=data["method"], hosts=frozenset(data["hosts"]), template=data["path"],
        paths=tuple(dict.fromkeys(data["path"].replace(MODEL_ID, model_id).rstrip("/") or "/" for model_id in offering.model_ids)),
        body=data.get("body"), envelope=data.get("envelope"),
        version_path=versions.get("path"), version_pointer=versions.get("pointer"), versions=tuple(versions.get("ids", ())),
        mapped=tuple(data.get("mapped", ())), ignored=tuple(data.get("ignore", ())),
        query=tuple(data.get("query", {}).items()),
    )


def _matches(pattern: str, path: str) -> bool:
    return _pattern_regex(pattern).fullmatch(path) is not None


@functools.cache
def _pattern_regex(pattern: str) -> re.Pattern[str]:
    """`*` one path segment, `**` any number of them (none included)."""
    return re.compile("".join("(?:/[^/]+)*" if segment == "**" else "/[^/]+" if segment == "*" else "/" + re.escape(segment)
                              for segment in pattern.strip("/").split("/")))
