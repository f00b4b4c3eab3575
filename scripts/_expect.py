"""Compare `capreg validate --format json` (on stdin) with each payload's `.expect` file: one
`<rule-id> <pointer>` a line (`#` comments), exactly the errors the payload must raise.
Prints a line per difference; exit 1 when there is any."""

import json
import sys
from pathlib import Path


def expected(payload_file: Path) -> set[tuple[str, str]]:
    lines = payload_file.with_suffix(".expect").read_text(encoding="utf-8").splitlines()
    return {tuple(line.strip().partition(" ")[::2]) for line in lines if line.strip() and not line.startswith("#")}


def main() -> int:
    report = json.load(sys.stdin)
    differences = 0
    for entry in report["files"]:
        path = Path(entry["file"])
        if not path.with_suffix(".expect").is_file():
            print(f"MISMATCH {path}: no .expect file")
            differences += 1
            continue
        found = {(f["rule"], f["pointer"]) for payload in entry["payloads"] for f in payload["findings"]
                 if f["severity"] == "error"}
        want = expected(path)
        for rule, pointer in sorted(want - found):
            print(f"MISMATCH {path}: expected {rule} {pointer or '(payload)'}, not reported")
        for rule, pointer in sorted(found - want):
            print(f"MISMATCH {path}: reported {rule} {pointer or '(payload)'}, not in its .expect file")
        differences += len(want ^ found)
    checked = len(report["files"])
    print(f"{checked} invalid examples, {differences} difference{'s' * (differences != 1)} from their .expect files")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
