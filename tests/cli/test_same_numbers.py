"""Behaviour unchanged by the one-renderer refactor (issue 57): the same commands on the same
models give the same rows and fields as w2vkit printed before it (tests/cli/before/, written by
json_cases.py from the commit before the refactor), provenance and the notes the refactor added
aside. Where the refactor changed an answer on purpose, the case says so."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from json_cases import CASES, run_all

BEFORE = Path(__file__).parent / "before"
# fields a Result gained by the refactor (they were not printed before)
ADDED = {"notes", "provenance", "grown_seeds", "shared"}


def close(a, b, path="") -> None:
    if isinstance(a, float) or isinstance(b, float):
        assert a is not None and b is not None and math.isclose(a, b, rel_tol=1e-5, abs_tol=1e-6), (path, a, b)
    elif isinstance(a, dict):
        assert isinstance(b, dict) and set(a) == set(b), (path, sorted(a), sorted(b))
        for k in a:
            close(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), (path, a, b)
        for i, (x, y) in enumerate(zip(a, b)):
            close(x, y, f"{path}[{i}]")
    else:
        assert a == b, (path, a, b)


@pytest.fixture(scope="module")
def now(tmp_path_factory):
    return run_all(tmp_path_factory.mktemp("json-cases"))


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_same_rows_and_fields_as_before(now, name):
    before = json.loads((BEFORE / f"{name}.json").read_text(encoding="utf-8"))
    doc = {k: v for k, v in now[name].items() if k not in ADDED and k not in ("model", "model_a", "model_b", "source")}
    for row in doc.get("results", []):
        row.pop("file", None)
    if "notes" in before:  # (a command that had notes says the same ones)
        assert now[name]["notes"] == before.pop("notes"), name
    close(before, doc, name)
