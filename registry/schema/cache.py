"""What loading proved of a schema tree, remembered between runs: that its files pass the checks.

Checking a tree (every reference, the Draft 2020-12 meta-schema, every pattern, the `x-`
annotations) is most of what loading costs, and it gives the same answer for the same
files: a tree that passed leaves its key in a file of the cache folder, and a later load
of the same files finds the key there and skips the checks. The key is a hash of all the
checks read: each file's path and bytes, the tree's base URI, the source of the loader
(registry/schema and registry/base, each file by its size and time of change), the
registered keywords' argument schemas, capreg's meta-schema, the Python version and the
jsonschema-rs build. Only what passed is kept, so a broken tree is checked (and its errors
reported) every time.

Nothing else is kept: the files are still read and parsed on every load. A cache file
that is missing, unreadable, corrupt, foreign (another user's, or not written by capreg)
or holds other keys is a miss; a folder that cannot be written to is no cache. Either
way the tree is checked as without a cache, silently.

The folder is $CAPREG_CACHE_DIR, else $XDG_CACHE_HOME/capreg, else ~/.cache/capreg;
$CAPREG_CACHE=0 turns the cache off. capreg writes there only files it names (`load-`
and a hash), each one at once (a temporary file renamed over it), and deletes nothing.
"""

from __future__ import annotations

import functools
import json
import os
import stat
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

try:  # hashlib's own BLAKE2, without importing hashlib, which loads OpenSSL (~2 ms of every start)
    from _blake2 import blake2b
except ImportError:  # a Python built without its BLAKE2 module
    from hashlib import blake2b

CACHE_ENV = "CAPREG_CACHE"  # 0, false, no or off: no cache
CACHE_DIR_ENV = "CAPREG_CACHE_DIR"
_OFF = frozenset({"0", "false", "no", "off"})
# The first line of every cache file: a file without it is not capreg's, and never overwritten.
_MAGIC = b"capreg load cache 1\n"
# Keys one cache file holds, newest first: the trees of one shape (the same file names)
# a user switches between, such as a branch and the ref `capreg breaking` compares it with.
_KEYS_KEPT = 8
_DIGEST_SIZE = 32  # bytes of a key
_KEY_SIZE = 2 * _DIGEST_SIZE  # its hex digits


def folder() -> Path | None:
    """The cache folder, or None when the cache is turned off."""
    if os.environ.get(CACHE_ENV, "").strip().lower() in _OFF:
        return None
    configured = os.environ.get(CACHE_DIR_ENV)
    if configured:
        return Path(configured)
    # The XDG base directory spec: a relative $XDG_CACHE_HOME is to be ignored.
    base = os.environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(base):
        return Path(base) / "capreg"
    try:
        return Path.home() / ".cache" / "capreg"
    except (RuntimeError, KeyError):  # no $HOME and no home in the user database: no cache
        return None


def tree_key(base_uri: str, contents: Mapping[str, bytes], checks: Iterable[bytes]) -> str | None:
    """The key of a tree: its base URI, its files (path -> bytes) and what else the checks
    read (`checks`: the meta-schema and the keywords' schemas), with the loader's own inputs;
    None when the loader's own inputs cannot be read."""
    environment = _environment()
    if environment is None:
        return None
    digest = blake2b(environment, digest_size=_DIGEST_SIZE)
    for part in (base_uri.encode(), *checks):
        _add(digest, part)
    for path, data in sorted(contents.items()):
        _add(digest, path.encode())
        _add(digest, data)
    return digest.hexdigest()


def keywords_schemas(keywords: Mapping[str, type]) -> bytes:
    """The registered keywords as the checks read them: each name and argument schema."""
    described = [(name, getattr(keyword, "argument_schema", None)) for name, keyword in keywords.items()]
    return json.dumps(described, sort_keys=True, default=repr).encode()


def proven(base_uri: str, paths: Iterable[str], key: str) -> bool:
    """Whether a tree with this key passed the checks before."""
    place = _file(base_uri, paths)
    held = None if place is None else _held(place)
    return bool(held) and key.encode() in _keys_in(held)


def remember(base_uri: str, paths: Iterable[str], key: str) -> None:
    """Keep the key of a tree that passed the checks; give up silently where that is not possible."""
    place = _file(base_uri, paths)
    if place is None:
        return
    held = _MAGIC if not os.path.lexists(place) else _held(place)
    if not held:
        return  # not a file capreg wrote, or one it cannot read
    kept = [key.encode(), *(k for k in _keys_in(held) if k != key.encode())][:_KEYS_KEPT]
    _write_at_once(place, _MAGIC + b"".join(k + b"\n" for k in kept))


def _file(base_uri: str, paths: Iterable[str]) -> Path | None:
    """The cache file of the trees with this base URI and these file names."""
    place = folder()
    if place is None:
        return None
    shape = blake2b("\0".join((base_uri, *sorted(paths))).encode(), digest_size=16).hexdigest()
    return place / f"load-{sys.implementation.cache_tag}-{shape}"


def _held(place: Path) -> bytes:
    """The cache file's content; empty when it is missing, unreadable, not a plain file
    (a FIFO would hang a read), another user's or not one capreg wrote."""
    try:
        # O_NONBLOCK: opening a FIFO does not wait for a writer.
        descriptor = os.open(place, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return b""
    with open(descriptor, "rb") as handle:
        try:
            status = os.fstat(descriptor)
            if not stat.S_ISREG(status.st_mode) or (hasattr(os, "getuid") and status.st_uid != os.getuid()):
                return b""  # another user's word is no proof
            held = handle.read(len(_MAGIC) + _KEYS_KEPT * (_KEY_SIZE + 1))
        except OSError:
            return b""
    return held if held.startswith(_MAGIC) else b""


def _keys_in(held: bytes) -> list[bytes]:
    lines = held[len(_MAGIC):].split(b"\n")
    return [line for line in lines if len(line) == _KEY_SIZE]


def _write_at_once(place: Path, data: bytes) -> None:
    """Write `place` whole or not at all: readers see the old file or the new one."""
    temporary = place.with_name(f".{place.name}.{os.getpid()}.tmp")
    try:
        place.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # O_EXCL: never onto a file that is already there, whoever made it.
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError:
        return
    try:
        with open(descriptor, "wb") as handle:
            handle.write(data)
        os.replace(temporary, place)
    except OSError:
        try:
            temporary.unlink()  # ours: created above
        except OSError:
            pass


@functools.lru_cache(maxsize=1)
def _environment() -> bytes | None:
    """What every key shares: the Python version, the loader's source and the jsonschema-rs build."""
    digest = blake2b(digest_size=_DIGEST_SIZE)
    _add(digest, sys.version.encode())
    package = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
    try:
        for folder in ("schema", "base"):
            _add(digest, _files_stated(os.path.join(package, folder), ".py"))
        _add(digest, _jsonschema_rs_build())
    except OSError:
        return None
    return digest.digest()


def _jsonschema_rs_build() -> bytes:
    """The jsonschema-rs that is (or would be) imported, told apart without importing it."""
    module = sys.modules.get("jsonschema_rs")
    if module is not None and module.__file__:
        location = os.path.dirname(module.__file__)
    else:
        location = next((found for entry in sys.path
                         if os.path.isdir(found := os.path.join(entry or ".", "jsonschema_rs"))), "")
    return _files_stated(location) if location else b""


def _files_stated(folder: str, suffix: str = "") -> bytes:
    """The files of a folder (those ending in `suffix`) told apart by name, size and time of
    change, as Python tells a module's source from the bytecode it compiled before: read
    instead, the loader's own source would cost more than the rest of the key."""
    entries = []
    with os.scandir(folder) as listing:
        for entry in listing:
            if entry.name.endswith(suffix) and entry.is_file():
                status = entry.stat()
                entries.append(f"{entry.name} {status.st_size} {status.st_mtime_ns}")
    return "\n".join(sorted(entries)).encode()


def _add(digest: blake2b, part: bytes) -> None:
    """One part of a hashed message, after its length: no two messages run together alike."""
    digest.update(len(part).to_bytes(8, "big"))
    digest.update(part)
