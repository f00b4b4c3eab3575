# Sourced by the scripts: create or reuse .venv and install capreg into it.
# Reinstalls only when pyproject.toml changed since the last install.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
python="${PYTHON:-python3}"
"$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
  echo "capreg needs Python 3.11 or newer (set PYTHON=/path/to/python3.11)" >&2; exit 2; }
extras="${1:-}"
[ -x .venv/bin/python ] || "$python" -m venv .venv
stamp=".venv/.capreg-installed${extras:+-$extras}"
want="$(cat pyproject.toml | "$python" -c 'import hashlib,sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())')"
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".${extras:+[$extras]}"
  echo "$want" > "$stamp"
fi
