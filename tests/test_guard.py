"""registry.guard in the real HTTP clients and the real provider SDKs, offline: each records
what reaches its transport (httpx MockTransport, a loopback server for aiohttp), so a bad
request is shown to be stopped before anything is sent, and a good one to go unchanged."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import warnings
from urllib.parse import urlencode

import httpx
import pytest
import requests

import registry
from registry.guard import Guard, GuardWarning, RequestRejected

from .conftest import example

SYNC_URL = "https://api.sync.so/v2/generate"
VIDEO, AUDIO = "https://example.com/media/interview.mp4", "https://example.com/media/voice.wav"


GOOD_SYNC = {"model": "lipsync-2", "input": [{"type": "video", "url": VIDEO}, {"type": "audio", "url": AUDIO}],
             "options": {"sync_mode": "bounce"}}
# A segment naming an audio input that does not exist: sync.so's own SDK sends it as it is.
BAD_SYNC = {**GOOD_SYNC, "segments": [{"startTime": 0, "endTime": 2, "audioInput": {"refId": "missing"}}]}


class Recorder:
    """An httpx MockTransport that keeps every request it is given."""

    def __init__(self, answer: dict | None = None) -> None:
        self.requests: list[httpx.Request] = []
        self.answer = answer or {"id": "gen-1", "status": "PENDING"}
        self.transport = httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(201, json=self.answer)

    def bodies(self) -> list:
        return [json.loads(r.content) for r in self.requests if r.content]


# -- the guard in httpx and requests -------------------------------------------------------

def test_hook_stops_a_bad_request_before_the_transport():
    recorder = Recorder()
    client = httpx.Client(transport=recorder.transport, event_hooks={"request": [registry.guard.httpx_hook()]})
    with pytest.raises(RequestRejected) as raised:
        client.post(SYNC_URL, json=BAD_SYNC)
    assert recorder.requests == []
    (report,) = raised.value.reports
    assert [f.rule for f in report.errors] == ["ref-unknown"]
    assert report.errors[0].pointer == "/segments/0/audioInput/refId"
    assert "ref-unknown" in str(raised.value) and SYNC_URL in str(raised.value)


def test_hook_lets_a_good_request_through_unchanged():
    recorder = Recorder()
    client = httpx.Client(transport=recorder.transport, event_hooks={"request": [registry.guard.httpx_hook()]})
    sent = client.post(SYNC_URL, json=GOOD_SYNC)
    assert sent.status_code == 201
    assert recorder.bodies() == [GOOD_SYNC]


def test_hook_serves_async_clients_too():
    recorder = Recorder()

    async def send(payload):
        async with httpx.AsyncClient(transport=recorder.transport,
                                     event_hooks={"request": [registry.guard.httpx_hook()]}) as client:
            return await client.post(SYNC_URL, json=payload)

    assert asyncio.run(send(GOOD_SYNC)).status_code == 201
    with pytest.raises(RequestRejected):
        asyncio.run(send(BAD_SYNC))
    assert recorder.bodies() == [GOOD_SYNC]


def test_transport_wraps_sync_and_async_transports():
    recorder = Recorder()
    client = httpx.Client(transport=registry.guard.GuardTransport(recorder.transport))
    with pytest.raises(RequestRejected):
        client.post(SYNC_URL, json=BAD_SYNC)
    client.post(SYNC_URL, json=GOOD_SYNC)

    async def send(payload):
        async with httpx.AsyncClient(transport=registry.guard.GuardTransport(recorder.transport)) as async_client:
            return await async_client.post(SYNC_URL, json=payload)

    with pytest.raises(RequestRejected):
        asyncio.run(send(BAD_SYNC))
    asyncio.run(send(GOOD_SYNC))
    assert recorder.bodies() == [GOOD_SYNC, GOOD_SYNC]


def test_requests_adapter_stops_a_bad_request_before_sending(monkeypatch):
    sent = []
    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", lambda self, request, *a, **k: sent.append(request) or _ok())
    session = requests.Session()
    session.mount("https://", registry.guard.RequestsAdapter())
    with pytest.raises(RequestRejected):
        session.post(SYNC_URL, json=BAD_SYNC)
    assert sent == []
    session.post(SYNC_URL, json=GOOD_SYNC)
    assert [json.loads(r.body) for r in sent] == [GOOD_SYNC]


def _ok() -> requests.Response:
    response = requests.Response()
    response.status_code = 201
    return response


def test_warn_mode_warns_and_sends(caplog):
    recorder = Recorder()
    client = httpx.Client(transport=registry.guard.GuardTransport(recorder.transport, "warn"))
    with pytest.warns(GuardWarning, match="ref-unknown"), caplog.at_level(logging.WARNING, "registry.guard"):
        client.post(SYNC_URL, json=BAD_SYNC)
    assert recorder.bodies() == [BAD_SYNC]
    assert any("ref-unknown" in r.getMessage() and r.levelno == logging.ERROR for r in caplog.records)


def test_log_mode_only_logs(caplog):
    recorder = Recorder()
    client = httpx.Client(transport=registry.guard.GuardTransport(recorder.transport, "log"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with caplog.at_level(logging.DEBUG, "registry.guard"):
            client.post(SYNC_URL, json=BAD_SYNC)
    assert recorder.bodies() == [BAD_SYNC]
    assert any("ref-unknown" in r.getMessage() for r in caplog.records)


def test_hosts_filter_leaves_other_hosts_alone():
    recorder = Recorder()
    client = httpx.Client(transport=registry.guard.GuardTransport(recorder.transport, hosts=["api.runware.ai"]))
    client.post(SYNC_URL, json=BAD_SYNC)
    assert recorder.bodies() == [BAD_SYNC]


def test_requests_that_are_not_generations_pass_untouched():
    recorder = Recorder()
    client = httpx.Client(transport=registry.guard.GuardTransport(recorder.transport))
    client.get("https://queue.fal.run/fal-ai/sync-lipsync/requests/abc/status")
    client.post("https://api.sync.so/v2/assets", json={"anything": True})
    client.post("https://example.com/v2/generate", json=BAD_SYNC)
    client.post(SYNC_URL, content=b"--form\r\n", headers={"content-type": "multipart/form-data; boundary=form"})
    assert len(recorder.requests) == 4


def test_unknown_route_is_logged_not_raised(caplog):
    recorder = Recorder()
    client = httpx.Client(transport=registry.guard.GuardTransport(recorder.transport))
    with caplog.at_level(logging.DEBUG, "registry.guard"):
        client.post("https://fal.run/fal-ai/flux/dev", json={"prompt": "a cat"})
    assert len(recorder.requests) == 1
    assert any("route-unknown" in r.getMessage() for r in caplog.records)


def test_explicit_defaults_write_out_the_differing_default_and_report_it():
    recorder = Recorder()
    guard = registry.guard.GuardTransport(recorder.transport, explicit_defaults=True)
    client = httpx.Client(transport=guard)
    task = example("runware/lipsync-2/valid/minimal.json")
    client.post("https://api.runware.ai/v1", json=[task])
    (sent,) = recorder.bodies()
    assert sent == [{**task, "providerSettings": {"sync": {"syncMode": "bounce"}}}]
    checked = guard.guard._checked("https://api.runware.ai/v1", [task], "POST")[1]
    assert [(f.rule, f.pointer) for f in checked[0].findings] == [("default-made-explicit", "/0/providerSettings/sync/syncMode")]
    # Off by default: the same task goes as it is, with its warning.
    plain = Recorder()
    httpx.Client(transport=registry.guard.GuardTransport(plain.transport)).post("https://api.runware.ai/v1", json=[task])
    assert plain.bodies() == [[task]]


def test_guard_checked_returns_the_body_to_send():
    guard = Guard()
    body = example("fal/lipsync-2/valid/minimal.json")
    assert guard.checked("https://fal.run/fal-ai/sync-lipsync/v2", body) is body
    with pytest.raises(RequestRejected):
        guard.checked("https://fal.run/fal-ai/sync-lipsync/v2", {**body, "sync_mode": "sideways"})
    with pytest.raises(ValueError, match="mode must be one of"):
        Guard(mode="loud")


def test_import_registry_does_not_import_the_http_clients():
    import subprocess
    import sys

    probe = "import sys, registry, registry.guard; print(sorted({'httpx', 'requests', 'aiohttp'} & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


# -- recipes: the real provider SDKs -------------------------------------------------------

def test_recipe_syncsdk():
    from sync import Sync

    recorder = Recorder()
    http = httpx.Client(transport=recorder.transport, event_hooks={"request": [registry.guard.httpx_hook()]})
    client = Sync(api_key="test-key", httpx_client=http)
    arguments = {"model": "lipsync-2", "input": GOOD_SYNC["input"], "options": {"sync_mode": "bounce"}}
    with pytest.raises(RequestRejected) as raised:
        client.generations.create(**arguments, segments=BAD_SYNC["segments"])
    assert recorder.requests == []
    assert [f.rule for f in raised.value.reports[0].errors] == ["ref-unknown"]
    generation = client.generations.create(**arguments)
    assert generation.id == "gen-1"
    assert recorder.bodies() == [GOOD_SYNC]
    assert str(recorder.requests[0].url) == SYNC_URL


def test_recipe_replicate():
    import replicate

    recorder = Recorder({"id": "p1", "model": "sync/lipsync-2", "version": "3190ef7d", "status": "succeeded",
                         "output": "https://example.com/out.mp4",
                         "urls": {"get": "https://api.replicate.com/v1/predictions/p1"}})
    client = replicate.Client(api_token="test-token", transport=registry.guard.GuardTransport(recorder.transport))
    good = example("replicate/lipsync-2/valid/minimal.json")
    with pytest.raises(RequestRejected) as raised:
        client.run("sync/lipsync-2", input={**good, "sync_mode": "sideways"})
    assert recorder.requests == []
    assert [(f.rule, f.pointer) for f in raised.value.reports[0].errors] == [("enum", "/input/sync_mode")]
    with pytest.raises(RequestRejected) as raised:
        client.predictions.create(version="3190ef7dc0cbca29458d0032c032ef140a840087141cf10333e8d19a213f9194",
                                  input=good, webhook="not a url", webhook_events_filter=["completed"])
    assert [(f.rule, f.pointer) for f in raised.value.reports[0].errors] == [("format", "/webhook")]
    assert recorder.requests == []
    assert client.run("sync/lipsync-2", input=good, use_file_output=False) == "https://example.com/out.mp4"
    first = recorder.requests[0]
    assert first.url.path == "/v1/models/sync/lipsync-2/predictions"
    assert json.loads(first.content) == {"input": good}


def test_recipe_fal_client():
    import fal_client
    from fal_client.client import BackupDomainTransport

    recorder = Recorder({"request_id": "r1", "response_url": "https://queue.fal.run/fal-ai/sync-lipsync/requests/r1",
                         "status_url": "https://queue.fal.run/fal-ai/sync-lipsync/requests/r1/status",
                         "cancel_url": "https://queue.fal.run/fal-ai/sync-lipsync/requests/r1/cancel"})
    fal = fal_client.SyncClient(key="test-key")
    # The SDK's own seam: its httpx client over its backup-domain transport, here over the recorder.
    fal.__dict__["_client"] = httpx.Client(transport=BackupDomainTransport(transport=recorder.transport))
    guard = Guard()

    def submit(endpoint, arguments, webhook_url=None):
        query = "?" + urlencode({"fal_webhook": webhook_url}) if webhook_url else ""
        checked = guard.checked(f"https://queue.fal.run/{endpoint}{query}", arguments)
        return fal.submit(endpoint, checked, webhook_url=webhook_url)

    good = example("fal/lipsync-2/valid/minimal.json")
    with pytest.raises(RequestRejected) as raised:
        submit("fal-ai/sync-lipsync/v2/pro", {**good, "model": "lipsync-2-pro"})  # /v2 takes `model`, /v2/pro does not
    assert recorder.requests == []
    assert [(f.rule, f.pointer) for f in raised.value.reports[0].errors] == [("unknown-property", "/model")]
    with pytest.raises(RequestRejected):
        submit("fal-ai/sync-lipsync/v2", good, webhook_url="not a url")
    assert recorder.requests == []
    handle = submit("fal-ai/sync-lipsync/v2", good, webhook_url="https://example.com/hook")
    assert handle.request_id == "r1"
    (sent,) = recorder.requests
    assert sent.url.path == "/fal-ai/sync-lipsync/v2" and json.loads(sent.content) == good


class _Loopback:
    """Resolves every host to 127.0.0.1, so the SDK's real host names reach a local server."""

    async def resolve(self, host, port=0, family=socket.AF_INET):
        return [{"hostname": host, "host": "127.0.0.1", "port": port, "family": socket.AF_INET, "proto": 0, "flags": 0}]

    async def close(self):
        pass


def test_recipe_runware_sdk():
    import aiohttp
    from aiohttp import web
    from aiohttp.test_utils import TestServer
    from runware import Runware
    from runware.types.sdk import RuntimeDependencies

    received: list = []

    async def answer(request):
        tasks = await request.json()
        received.append((request.host.split(":")[0], tasks))
        # Done at once, so the SDK has nothing to poll for.
        return web.json_response({"data": [{"taskType": "videoInference", "taskUUID": t["taskUUID"], "status": "success",
                                            "videoURL": "https://example.com/out.mp4"} for t in tasks]})

    async def scenario():
        app = web.Application()
        app.router.add_post("/v1", answer)
        async with TestServer(app, host="127.0.0.1") as server:
            session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(resolver=_Loopback()),
                                            middlewares=(registry.guard.aiohttp_middleware(),))
            async with session:
                runware = Runware(api_key="test-key", transport="rest", max_retries=0,
                                  http_base_url=f"http://api.runware.ai:{server.port}/v1",
                                  dependencies=RuntimeDependencies(session=session))
                task = example("runware/lipsync-2/valid/minimal.json")
                bad = {**task, "providerSettings": {"sync": {"syncMode": "sideways"}}}
                with pytest.raises(RequestRejected) as raised:
                    await runware.run(bad)
                assert received == []
                assert [(f.rule, f.pointer) for f in raised.value.reports[0].errors] == [
                    ("enum", "/0/providerSettings/sync/syncMode")]
                results = await runware.run(task)
                await runware.close()
                return task, results

    task, results = asyncio.run(scenario())
    assert results[0]["videoURL"] == "https://example.com/out.mp4"
    ((host, (sent,)),) = received
    assert host == "api.runware.ai" and sent == {**task, "deliveryMethod": "async"}  # the SDK's default, added
