"""The records of the validate path are neither dataclasses (importing dataclasses and
creating them was a third of the start-up) nor typing.NamedTuples (~180 µs a class), yet
the public ones behave as the dataclasses they were, and the others as the NamedTuples;
a pyproject.toml is read once per run. tests/test_startup.py keeps dataclasses off the path."""

from __future__ import annotations

import copy
import dataclasses
import gc
import os
import pickle
import tomllib
from types import MappingProxyType
from typing import NamedTuple

import pytest

import registry
from registry import Finding, Report, Severity
from registry.base import pyproject
from registry.base.errors import ConfigError
from registry.base.frozen import record
from registry.io.config import find_config
from registry.schema.tree import default_builtin, default_roots


def a_finding(**changes):
    return Finding(**{"rule": "type-mismatch", "severity": Severity.ERROR, "pointer": "/a", "message": "m",
                      "hint": "h", "ctx": {"expected": ["x"]}, "omitted": 0, **changes})


def test_a_finding_compares_and_hashes_on_its_fields_but_hashes_without_ctx():
    assert a_finding() == a_finding()
    assert a_finding() != a_finding(pointer="/b")
    assert a_finding() != a_finding(ctx={"expected": ["y"]})
    assert hash(a_finding()) == hash(a_finding(ctx={"other": 1}))
    assert a_finding() != ("type-mismatch", Severity.ERROR, "/a", "m", "h", {"expected": ["x"]}, 0)
    assert len({a_finding(), a_finding(), a_finding(omitted=3)}) == 2


def test_a_finding_is_read_only():
    finding = a_finding()
    for name in ("rule", "ctx", "new"):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(finding, name, None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        del finding.rule
    with pytest.raises(TypeError):
        finding.ctx["expected"] = None  # type: ignore[index]
    assert not hasattr(finding, "__dict__")


def test_a_finding_keeps_the_defaults_and_repr_of_the_dataclass_it_was():
    finding = Finding("payload-not-object", Severity.ERROR, "", "must be an object")
    assert (finding.hint, dict(finding.ctx), finding.omitted) == (None, {}, 0)
    assert isinstance(finding.ctx, MappingProxyType)
    assert repr(a_finding(omitted=2)) == (
        "Finding(rule='type-mismatch', severity=<Severity.ERROR: 'error'>, pointer='/a', message='m', hint='h', "
        "ctx=mappingproxy({'expected': ['x']}), omitted=2)")
    assert Finding.__match_args__ == ("rule", "severity", "pointer", "message", "hint", "ctx", "omitted")


def test_findings_and_reports_pickle_and_copy():
    report = Report("runware/lipsync-2", (a_finding(), a_finding(omitted=4)))
    for copied in (pickle.loads(pickle.dumps(report)), copy.copy(report), copy.deepcopy(report)):
        assert copied == report and hash(copied) == hash(report)
        assert isinstance(copied.findings[0].ctx, MappingProxyType)


def test_dataclasses_functions_still_work_on_findings_and_reports():
    finding = a_finding()
    assert dataclasses.is_dataclass(finding) and dataclasses.is_dataclass(Report)
    assert [f.name for f in dataclasses.fields(Finding)] == list(Finding.__match_args__)
    assert [f.default for f in dataclasses.fields(Report)] == [dataclasses.MISSING, ()]
    moved = dataclasses.replace(finding, pointer="/b")
    assert moved == a_finding(pointer="/b") and type(moved) is Finding
    report = Report("o", (finding,))
    assert dataclasses.replace(report, offering=None) == Report(None, (finding,))
    assert dataclasses.asdict(Report("o")) == {"offering": "o", "findings": ()}


def test_a_report_is_read_only_and_says_what_it_holds():
    report = Report("o", (a_finding(), a_finding(severity=Severity.WARNING)))
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.offering = None  # type: ignore[misc]
    assert (report.ok, len(report.errors), len(report.warnings)) == (False, 1, 1)
    assert repr(Report(None)) == "Report(offering=None, findings=())"
    assert Report("o") == Report("o", ()) and Report("o") != Report("p")


def test_offerings_compare_without_their_schema_and_registries_by_identity():
    offering = registry.default_registry().offering("runware/lipsync-2")
    other = dataclasses.replace(offering, schema={})
    assert other == offering and hash(other) == hash(offering)
    assert dataclasses.replace(offering, title="another") != offering
    assert "schema=" not in repr(offering) and repr(offering).startswith("Offering(id='runware/lipsync-2', ")
    assert pickle.loads(pickle.dumps(offering)) == offering
    with pytest.raises(dataclasses.FrozenInstanceError):
        offering.title = "x"  # type: ignore[misc]
    loaded = registry.load()
    assert loaded == loaded and loaded != registry.load()


@pytest.fixture
def counted_reads(monkeypatch, tmp_path):
    """The number of times a pyproject.toml is parsed, in a project at tmp_path."""
    reads = []
    parse = tomllib.loads
    monkeypatch.setattr(tomllib, "loads", lambda text: reads.append(text) or parse(text))
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CAPREG_SCHEMAS", raising=False)
    monkeypatch.delenv("CAPREG_BUILTIN", raising=False)
    return reads


def test_a_run_parses_the_pyproject_toml_once(counted_reads, tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.capreg]\nignore = ["unset-default"]\n')
    assert default_roots() == ()
    assert default_builtin() is True
    assert find_config(tmp_path).ignore == ("unset-default",)
    assert len(counted_reads) == 1


def test_an_edited_pyproject_toml_is_read_again(counted_reads, tmp_path):
    settings = tmp_path / "pyproject.toml"
    settings.write_text('[tool.capreg]\nignore = ["unset-default"]\n')
    assert find_config(tmp_path).ignore == ("unset-default",)
    settings.write_text('[tool.capreg]\nignore = ["unset-defaulX"]\n')  # the same size
    os.utime(settings, ns=(settings.stat().st_atime_ns, settings.stat().st_mtime_ns + 1_000_000_000))
    assert find_config(tmp_path).ignore == ("unset-defaulX",)
    settings.write_text('[tool.capreg]\nselect = ["unset-default"]\n')
    assert find_config(tmp_path).select == ("unset-default",)
    assert len(counted_reads) == 3


def test_a_broken_pyproject_toml_says_so_every_time(counted_reads, tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.capreg\n")
    for _ in range(2):
        with pytest.raises(ConfigError, match="cannot read"):
            pyproject.capreg_table(tmp_path / "pyproject.toml")


@record
class Made:
    """A record as the validate path writes them."""

    name: str
    count: int = 0
    tags: tuple[str, ...] = ()

    @property
    def shown(self) -> str:
        return f"{self.name}×{self.count}"

    def more(self) -> Made:
        return self._replace(count=self.count + 1)


class Typed(NamedTuple):
    name: str
    count: int = 0
    tags: tuple[str, ...] = ()


def test_a_record_is_the_namedtuple_typing_would_make():
    made, typed = Made("a", 2), Typed("a", 2)
    assert made == typed == ("a", 2, ())
    assert hash(made) == hash(typed)
    assert (Made._fields, Made._field_defaults) == (Typed._fields, Typed._field_defaults)
    assert repr(made) == "Made(name='a', count=2, tags=())"
    assert (made.shown, made.more(), Made("b").count) == ("a×2", Made("a", 3), 0)
    assert Made.__doc__ == "A record as the validate path writes them."
    assert (Made.__qualname__, Made.__module__) == ("Made", __name__)
    assert pickle.loads(pickle.dumps(made)) == made and type(pickle.loads(pickle.dumps(made))) is Made
    assert made._asdict() == {"name": "a", "count": 2, "tags": ()}
    with pytest.raises(AttributeError):
        made.name = "b"  # type: ignore[misc]
    # the annotations are kept as written, never evaluated (that check is what made NamedTuple slow)
    assert Made.__annotations__ == {"name": "str", "count": "int", "tags": "tuple[str, ...]"}


def test_a_record_refuses_a_field_without_a_default_after_one_with_one():
    with pytest.raises(TypeError, match="without a default follows"):
        @record
        class Broken:
            first: int = 0
            second: int


def test_the_click_free_path_leaves_the_collector_on_when_it_hands_over_to_click(tmp_path):
    from registry.cli import fast

    assert gc.isenabled()
    try:
        fast.run(["validate", "--offering", "nobody/nothing", str(tmp_path / "x.json")])  # click says it is unknown
        assert gc.isenabled()
    finally:
        gc.unfreeze()  # the test process's objects go back to the collector
