"""Third-party test data, taken from the packages that publish it instead of copied into the
repository. Each is pinned by version and hash, fetched once with the package manager's own
client and cached outside the tree, in ${XDG_CACHE_HOME:-~/.cache}/capreg/:

| data | package | licence |
|---|---|---|
| JSON-Schema-Test-Suite: `tests/draft2020-12/`, `remotes/` | the sdist of the `jsonschema` locked in uv.lock (its `json/` folder), hash from uv.lock | MIT |
| the SARIF 2.1.0 JSON Schema | npm `@microsoft/sarif-multitool-linux` 5.7.0, `package/sarif-2.1.0.json` | MIT |
| the editors' language services | npm `vscode-json-languageservice`, `yaml-language-server` and their dependencies, as `tests/editor/package-lock.json` pins them (`npm ci`) | MIT |
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "capreg"

# No PyPI package ships the SARIF schema; this npm package, published by Microsoft from
# github.com/microsoft/sarif-sdk, does. Its integrity as the npm registry lists it.
SARIF_PACKAGE = "@microsoft/sarif-multitool-linux@5.7.0"
SARIF_INTEGRITY = "sha512-NxUbpq6ISCWoTQ/NfOYEwEDKq1Heka/rMoJ5R5LMydcAZQX/X7g5mWHcgxDub+0M07LC96tZ5LZHvF1Qy3gjTA=="
SARIF_MEMBER = "package/sarif-2.1.0.json"

# What the tests read from the jsonschema sdist, under its `json/` folder.
SUITE_PARTS = ("tests/draft2020-12/", "remotes/", "LICENSE")


class Unavailable(Exception):
    """Test data that could not be fetched (no network, no npm, a hash that does not match)."""


@dataclass(frozen=True)
class LockedSdist:
    name: str
    version: str
    sha256: str


def locked_sdist(name: str) -> LockedSdist:
    """The version and sdist hash uv.lock pins for `name`."""
    lock = tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))
    package = next(p for p in lock["package"] if p["name"] == name)
    algorithm, digest = package["sdist"]["hash"].split(":", 1)
    assert algorithm == "sha256", package["sdist"]
    return LockedSdist(name, package["version"], digest)


def jsonschema_test_suite() -> Path:
    """The JSON-Schema-Test-Suite of the locked jsonschema's sdist: the folder holding
    `tests/` and `remotes/`."""
    sdist = locked_sdist("jsonschema")

    def build(work: Path, staged: Path) -> None:
        archive = _pip_download(sdist, work)
        _extract(archive, f"{sdist.name}-{sdist.version}/json/", SUITE_PARTS, staged)

    return _cached(f"{sdist.name}-{sdist.version}-json", build)


def sarif_schema() -> Path:
    """The SARIF 2.1.0 JSON Schema file."""
    name, version = SARIF_PACKAGE.rsplit("@", 1)

    def build(work: Path, staged: Path) -> None:
        archive = _npm_pack(SARIF_PACKAGE, SARIF_INTEGRITY, work)
        _extract(archive, "package/", (SARIF_MEMBER.removeprefix("package/"),), staged)

    return _cached(f"{name.rsplit('/', 1)[-1]}-{version}", build) / SARIF_MEMBER.removeprefix("package/")


EDITOR_PROBE = ROOT / "tests" / "editor"


def editor_node_modules() -> Path:
    """node_modules of tests/editor/, installed by `npm ci` from its lock (no install
    scripts run), cached under the lock's hash so a changed lock installs afresh."""
    lock = EDITOR_PROBE / "package-lock.json"
    digest = hashlib.sha256(lock.read_bytes()).hexdigest()[:16]

    def build(work: Path, staged: Path) -> None:
        npm = shutil.which("npm")
        if npm is None:
            raise Unavailable("npm is not installed; it installs the editors' language services")
        staged.mkdir()
        for name in ("package.json", "package-lock.json"):
            shutil.copyfile(EDITOR_PROBE / name, staged / name)
        _run([npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--prefix", str(staged)],
             "npm could not install tests/editor/package-lock.json")

    return _cached(f"editor-probe-{digest}", build) / "node_modules"


def fetched(fetch: Callable[[], Path]) -> Path:
    """What `fetch` returns; when it cannot: a failure in CI, where a skip would let the run
    pass without these tests, and elsewhere a skip that says why."""
    try:
        return fetch()
    except Unavailable as exc:
        if os.environ.get("CI", "").lower() in ("true", "1"):
            pytest.fail(f"test data unavailable: {exc}", pytrace=False)
        pytest.skip(f"test data unavailable: {exc}", allow_module_level=True)


def _cached(name: str, build: Callable[[Path, Path], None]) -> Path:
    """CACHE/name, built once: staged beside it and renamed into place, so an interrupted or
    concurrent run never sees half of it."""
    target = CACHE / name
    if target.is_dir():
        return target
    CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=CACHE, prefix=f".{name}-") as work:
        staged = Path(work) / "staged"
        build(Path(work), staged)
        try:
            staged.rename(target)
        except OSError:
            if not target.is_dir():
                raise
    return target


def _pip_download(sdist: LockedSdist, work: Path) -> Path:
    # --no-binary for this package only: with :all:, pip also builds the sdist's build
    # backend from source to read its metadata, ten times slower for the same file.
    requirements = work / "requirements.txt"
    requirements.write_text(f"{sdist.name}=={sdist.version} --hash=sha256:{sdist.sha256}\n", encoding="utf-8")
    _run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", sdist.name,
          "--require-hashes", "-r", str(requirements), "--dest", str(work)],
         f"pip could not download the {sdist.name} {sdist.version} sdist")
    (archive,) = work.glob("*.tar.gz")
    _check_digest(archive, "sha256", bytes.fromhex(sdist.sha256))
    return archive


def _npm_pack(package: str, integrity: str, work: Path) -> Path:
    npm = shutil.which("npm")
    if npm is None:
        raise Unavailable(f"npm is not installed; it fetches {package}")
    _run([npm, "pack", "--silent", "--pack-destination", str(work), package], f"npm could not fetch {package}")
    (archive,) = work.glob("*.tgz")
    algorithm, digest = integrity.split("-", 1)
    _check_digest(archive, algorithm, base64.b64decode(digest))
    return archive


def _run(command: list[str], failure: str) -> None:
    try:
        subprocess.run(command, check=True, capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)
    except subprocess.CalledProcessError as exc:
        raise Unavailable(f"{failure} (exit {exc.returncode}): {(exc.stderr or exc.stdout).strip()[-800:]}") from None
    except subprocess.TimeoutExpired:
        raise Unavailable(f"{failure}: no answer within 600 s") from None


def _check_digest(path: Path, algorithm: str, expected: bytes) -> None:
    actual = hashlib.new(algorithm, path.read_bytes()).digest()
    if actual != expected:
        raise Unavailable(f"{path.name} has {algorithm} {actual.hex()}, the pin says {expected.hex()}")


def _extract(archive: Path, prefix: str, parts: tuple[str, ...], staged: Path) -> None:
    """The regular files of `archive` under prefix/part (each part a folder ending in / or a
    file), written under `staged` without the prefix."""
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            inner = member.name.removeprefix(prefix)
            wanted = any(inner.startswith(part) if part.endswith("/") else inner == part for part in parts)
            if member.isfile() and inner != member.name and wanted and ".." not in Path(inner).parts:
                destination = staged / inner
                destination.parent.mkdir(parents=True, exist_ok=True)
                with tar.extractfile(member) as source:  # type: ignore[union-attr]
                    destination.write_bytes(source.read())
    if not staged.is_dir():
        raise Unavailable(f"{archive.name} holds nothing under {prefix} of {', '.join(parts)}")
