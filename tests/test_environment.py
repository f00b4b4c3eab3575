"""What users read must not depend on the versions installed around capreg: a too-deep YAML
file gets capreg's own finding whichever layer (libyaml, PyYAML, capreg) notices the depth
first."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from registry import payloads

TOO_DEEP = (f"not valid YAML: it is nested more than {payloads.MAX_DEPTH} levels deep; "
            f"capreg reads at most {payloads.MAX_DEPTH} levels of arrays and objects")


def _finding(text: str) -> str:
    with pytest.raises(payloads.ReadError) as refused:
        list(payloads._parse_yaml(text))
    return str(refused.value)


class NestingLimitedLoader(yaml.SafeLoader):
    """A YAML parser with a nesting limit of its own below capreg's, worded its own way, as a
    libyaml of another version may have: it refuses the text before capreg sees that deep."""

    def check_event(self, *choices: Any) -> bool:
        # The parser's own state: how many collections are open, counted by PyYAML.
        if len(self.states) > 8:
            raise yaml.scanner.ScannerError("while increasing flow level", None,
                                            "some other wording of a nesting limit", self.get_mark())
        return super().check_event(*choices)


@pytest.mark.parametrize("text", [
    pytest.param("model: " + "[" * 100_000 + "]" * 100_000, id="flow, 10^5 levels on one line"),
    pytest.param("model: " + "[" * (payloads.MAX_DEPTH + 1) + "]" * (payloads.MAX_DEPTH + 1), id="flow, one too many"),
    pytest.param("".join("  " * level + f"k{level}:\n" for level in range(payloads.MAX_DEPTH + 1)) + "  " * 66 + "x: 1\n",
                 id="block mappings"),
])
@pytest.mark.parametrize("parser", ["installed", "pure Python", "another nesting limit"])
def test_too_deep_yaml_gets_capregs_finding_whichever_parser_notices_first(monkeypatch, text, parser):
    if parser == "pure Python":
        monkeypatch.delattr(yaml, "CSafeLoader", raising=False)
    elif parser == "another nesting limit":
        monkeypatch.setattr(yaml, "CSafeLoader", NestingLimitedLoader, raising=False)
    assert _finding(text) == TOO_DEEP


def test_another_parse_error_keeps_the_parsers_message(monkeypatch):
    monkeypatch.setattr(yaml, "CSafeLoader", NestingLimitedLoader, raising=False)
    assert _finding("a: [1, 2\nb: 3\n").startswith("not valid YAML: ")
    assert _finding("a: [1, 2\nb: 3\n") != TOO_DEEP
