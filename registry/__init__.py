"""capreg: a registry of model capabilities, one JSON Schema per model per provider.

    >>> import registry
    >>> report = registry.validate({"model": "sync:lipsync-2@1", ...})
    >>> report.ok, [f.rule for f in report.findings]

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
    "default_registry",
    "load",
    "validate",
]
