# Sourced by the scripts: create or reuse .venv and install capreg with every extra into it,
# at the exact versions and hashes of uv.lock (pyproject.toml keeps open ranges for users;
# the tests run against what the lock says, so a new release on PyPI cannot turn them red).
# Reinstalls only when pyproject.toml, uv.lock or the uv pin changed since the last install.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
python="${PYTHON:-python3}"
"$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
  echo "capreg needs Python 3.11 or newer (set PYTHON=/path/to/python3.11)" >&2; exit 2; }
[ -x .venv/bin/python ] || "$python" -m venv .venv
# uv itself lives beside the environment, not in it: `uv sync` keeps .venv exactly as locked.
uv=.venv/uv/bin/uv
stamp=.venv/.capreg-installed
want="$(cat pyproject.toml uv.lock scripts/uv-requirements.txt | "$python" -c 'import hashlib,sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())')"
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
  "$python" -m pip install --quiet --require-hashes --no-deps --upgrade --target .venv/uv -r scripts/uv-requirements.txt
  # The build group first: capreg is then built with the locked hatchling, not the newest one.
  "$uv" sync --quiet --frozen --all-extras --no-install-project
  "$uv" sync --quiet --frozen --all-extras
  echo "$want" > "$stamp"
fi
