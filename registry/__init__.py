"""capreg: a registry of model capabilities, one JSON Schema per model per provider.

    >>> import registry
    >>> report = registry.validate({"model": "sync:lipsync-2@1", ...})
    >>> report.ok, [f.rule for f in report.findings]
    >>> registry.compare(registry.default_registry(), "lipsync-2").differences

The public surface is what this module exports; everything else may change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from registry.base.errors import CapregError, GitRefError, RegistryError, SchemaFileError, SchemaRefError, UnknownOffering
from registry.base.findings import Finding, Report, Severity
from registry.schema.tree import Offering, Registry, load
from registry.validation.validate import default_registry, validate

if TYPE_CHECKING:
    from registry.tools.compare import Comparison

__all__ = [
    "CapregError",
    "Finding",
    "GitRefError",
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


def compare(registry: Registry, model: str) -> Comparison:
    """One model's concepts lined up across every offering of it (see registry.tools.compare)."""
    from registry.tools.compare import compare as compare_model  # loaded on first use: `capreg validate` never needs it

    return compare_model(registry, model)
