"""capreg: a registry of model capabilities, one JSON Schema per model per provider.

    >>> import registry
    >>> report = registry.validate({"model": "sync:lipsync-2@1", ...})
    >>> report.ok, [f.rule for f in report.findings]
    >>> registry.compare(registry.default_registry(), "lipsync-2").differences

The public surface is what this module exports; everything else may change.
"""

from .errors import CapregError, RegistryError, SchemaFileError, SchemaRefError, UnknownOffering
from .findings import Finding, Report, Severity
from .loading import Offering, Registry, load
from .validation import default_registry, validate

__all__ = [
    "CapregError",
    "Finding",
    "Offering",
    "Registry",
    "RegistryError",
    "Report",
    "SchemaFileError",
    "SchemaRefError",
    "Severity",
    "UnknownOffering",
    "compare",
    "default_registry",
    "load",
    "validate",
]


def __getattr__(name: str) -> object:
    # The comparison is loaded on first use, so `capreg validate` never imports it.
    if name == "compare":
        import importlib

        return importlib.import_module(".compare", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
