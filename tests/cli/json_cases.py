"""The commands whose JSON is held against what w2vkit printed before the one-renderer refactor
(issue 57), on models and texts made here from fixed seeds: run by test_same_numbers.py, and by
this module as a script to write the reference files (`python tests/cli/json_cases.py DIR`, with
the checkout to record on first on PYTHONPATH)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).parent


def make_inputs(folder: Path) -> dict:
    """A model with 6 members (40 words), a second one, a text of its words and a table."""
    import numpy as np

    sys.path.insert(0, str(HERE.parent))
    from conftest import WORDS, model_with_members

    a = model_with_members(folder, members=6, seed=0, name="a")
    base = np.random.default_rng(0).normal(size=(len(WORDS), 8)).astype(np.float32)
    shifted = base + 0.3 * np.random.default_rng(1).normal(size=base.shape).astype(np.float32)
    b = model_with_members(folder, members=6, seed=1, name="b", base=shifted)
    rng = np.random.default_rng(3)
    lines = [" ".join(rng.choice(WORDS, 12)) for _ in range(200)]
    (folder / "lines.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {"A": str(a), "B": str(b), "LINES": str(folder / "lines.txt")}


CASES = {
    "similar": ["similar", "w01", "-n", "5", "-m", "A"],
    "similar_ensemble": ["similar", "w01", "-n", "5", "--rank", "ensemble", "-m", "A"],
    "similarity": ["similarity", "w01", "w02", "w03", "w04", "-m", "A"],
    "analogy": ["analogy", "w01", "w02", "w03", "-n", "5", "-m", "A"],
    "doesnt_match": ["doesnt-match", "w01", "w02", "w03", "w30", "-m", "A"],
    "expand": ["expand", "w01", "w02", "-n", "5", "--min-count", "1", "-m", "A"],
    "axis": ["axis", "w01", "w02", "--vs", "w04", "-w", "w10", "-w", "w11", "-w", "w12", "-m", "A"],
    "compare": ["compare", "A", "B", "w05", "w10", "w11"],
    "compare_moved": ["compare", "A", "B", "-n", "5", "--min-count", "1"],
    "kwic": ["kwic", "w07", "--in", "LINES", "-n", "5"],
    "search": ["search", "w01 w02 w03", "--in", "LINES", "-n", "5", "-m", "A"],
}


def run_all(folder: Path) -> dict[str, dict]:
    """Each case's JSON document, run in-process."""
    from click.testing import CliRunner

    from w2vkit.cli import cli

    paths = make_inputs(folder)
    out = {}
    for name, args in CASES.items():
        argv = [paths.get(a, a) for a in args] + ["--format", "json"]
        r = CliRunner().invoke(cli, argv, catch_exceptions=False)
        assert r.exit_code == 0, (name, r.output)
        out[name] = json.loads(r.stdout.replace(str(folder), "DIR"))  # (paths: the same wherever it runs)
    return out


if __name__ == "__main__":
    import tempfile

    target = Path(sys.argv[1])
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, doc in run_all(Path(tmp)).items():
            doc.pop("provenance", None)
            for key in ("model", "model_a", "model_b", "source"):
                doc.pop(key, None)
            for row in doc.get("results", []):
                row.pop("file", None)
            (target / f"{name}.json").write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
