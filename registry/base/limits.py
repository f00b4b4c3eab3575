"""How much capreg reads and checks: hostile input is refused at these sizes, with a finding."""

# Request payloads are a few kilobytes; anything near this size is a mistake or an attack,
# and reading it whole would cost memory for nothing.
MAX_DOCUMENT_BYTES = 16 * 1024 * 1024
# Payloads are a few levels deep. The pure-Python engine recurses about four frames a level
# (about 250 levels fit in Python's default limit); jsonschema-rs overflows its stack (a crash,
# not an exception) between 10^4 and 10^5 levels under a recursive schema.
MAX_DEPTH = 64
# A payload with bounding boxes for every frame of a long video holds ~10^5 values; a
# million costs ~100 MB once parsed (16 MiB of `{}` would cost ~450 MB).
MAX_VALUES = 1_000_000
# PyYAML spends ~300 bytes (libyaml) to ~700 bytes and ~40 µs (pure Python) on a node, and
# aliases let a few lines stand for billions of nodes; a hand-written payload has hundreds.
MAX_YAML_NODES = 100_000
