"""The `x-` rule keywords: one class each, one module each.

Adding a keyword is one class and its tests: a subclass of `Keyword` (its name, its rule,
the JSON Schema of its argument, where it sits, a docs example, `prepare`) passed to
`register` — capreg's own are listed below; a keyword of your own registers the same way,
before the tree that uses it is loaded. The index, the loading check, capreg's meta-schema,
the catalog and rules page, `capreg breaking` and the rule engine all read the table.
"""

from __future__ import annotations

from registry.schema.keywords import KEYWORDS, Keyword, KeywordUse, register
from registry.validation.keywords import count, exactly_one_of, exclusive, order, ref, requires, together, unique
from registry.validation.keywords.common import Check, Reached

__all__ = ["KEYWORDS", "Check", "Keyword", "Reached", "KeywordUse", "register"]

# capreg's own, in the order the index lists them where several sit on one schema object.
for _keyword in (ref.Ref, unique.Unique, order.Order, together.Together, exclusive.Exclusive,
                 exactly_one_of.ExactlyOneOf, requires.Requires, count.Count):
    register(_keyword)
