"""The `x-` rule keywords a schema may use: one table, filled by `register`.

A keyword is one class (capreg's own are in registry/validation/keywords/, one module
each): its name, the rule it reports (an entry of the catalog), the JSON Schema of its
argument, where it sits and an example for the docs, and `prepare`, which turns one use of
it in a schema into a check of payloads. Everything else is derived from the classes: the
index collects a plan for each use, loading checks each argument against its schema, the
meta-schema's keyword part is composed from them (`meta_schema`), the catalog lists their
rules, and the docs, `capreg breaking` and the rule engine read them here.

The table sits in this layer, below the rule engine, because loading and indexing a tree
need it; a keyword registers itself when its module is imported, and `import registry`
imports capreg's own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from registry.base import catalog
from registry.base.catalog import Rule
from registry.base.frozen import record


@record
class KeywordUse:
    """One use of a rule keyword in a schema: the payload location it applies to and its argument."""

    keyword: str
    tokens: tuple[str, ...]  # where the keyword sits, as a pointer pattern
    argument: Any


class Keyword:
    """An `x-` rule keyword. Subclasses set every class attribute and `prepare`."""

    name: ClassVar[str]  # "x-order"
    rule: ClassVar[Rule]  # family "cross-field", its `keyword` the name
    argument_schema: ClassVar[dict[str, Any]]  # its `description` is the keyword's entry on the rules page
    where: ClassVar[str]  # what it sits on, for the docs: "the root", "an object", "a string property"
    example: ClassVar[str]  # how a user meets its finding, for the rules page
    # Its argument is one rule (x-ref's patterns), not a list of independent rules (groups,
    # pairs, counts): `capreg breaking` then compares the argument as a whole.
    whole: ClassVar[bool] = False

    @classmethod
    def prepare(cls, plan: KeywordUse) -> Callable[..., list[Any]]:
        """The check of one use: (payload, the values its location reaches, listing) -> findings.
        The argument has passed `argument_schema` when the tree was loaded."""
        raise NotImplementedError


KEYWORDS: dict[str, type[Keyword]] = {}


def register(keyword: type[Keyword]) -> type[Keyword]:
    """Add a keyword (usable as a class decorator). Its name and its rule's id must be new."""
    if not keyword.name.startswith("x-") or keyword.name in KEYWORDS:
        raise ValueError(f"keyword {keyword.name!r}: a name must start with x- and be new")
    if keyword.rule.keyword != keyword.name or keyword.rule.family != "cross-field":
        raise ValueError(f"keyword {keyword.name!r}: its rule must be of the cross-field family, for this keyword")
    catalog.add(keyword.rule)
    KEYWORDS[keyword.name] = keyword
    return keyword


def meta_schema(base: dict[str, Any]) -> dict[str, Any]:
    """capreg's meta-schema for offering files: `base` (schemas/meta/offering.schema.json,
    which holds everything but the rule keywords) with the argument schema of every keyword
    allowed in every subschema."""
    import copy  # loading checks a tree with it; a tree proven before (registry.schema.cache) is not

    composed = copy.deepcopy(base)
    allowed = composed["$defs"]["subschema"]["properties"]
    allowed.update({name: copy.deepcopy(keyword.argument_schema) for name, keyword in KEYWORDS.items()})
    return composed
