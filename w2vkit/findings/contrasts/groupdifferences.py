"""A two-group contrast's `--to` difference (issue 92: only the regression had `cos_W_vs`): the
second group's cosine with each word less the first's, with its interval, from the regression of
the same rows on the group column as levels against the first group. The two-group contrast is the
regression's one-level case, so the difference is the regression's own, with the interval its
coverage harness measured (regfit: the permutations inverted, narrowed by the jackknife), not a
second construction beside it."""

from __future__ import annotations

from ...base.results import Result
from ...queries.query import Engine
from .contrastquestion import ContrastQuestion
from .regression import regress

ENDS = ("_vs", "_vs_low", "_vs_high")


def with_differences(
    result: Result, engine: Engine, question: ContrastQuestion, rows: list, table, groups: list[str]
) -> Result:
    """`result` (a contrast of two groups with `question.to`) with each word's columns cos_W_vs,
    cos_W_vs_low and cos_W_vs_high after its cos_W_high: on the second group's row, the regression's
    difference from the first group; empty on the first's."""
    by = question.by[0]
    asked = ContrastQuestion(
        **{**question.__dict__, "by": [f"{by}:levels"], "baseline": {by: groups[0]}, "at": None, "picture": False}
    )
    mine = [(n, row) for n, row in rows if row[by].strip() in groups]
    fitted = regress(engine, asked, mine, table).records()
    differences = {
        r["word"]: [r.get(f"cos_{w}{end}") for w in question.to or [] for end in ENDS]
        for r in fitted
        if r["covariate"] == by and r["term"] == groups[1]
    }
    columns = list(result.columns)
    out: list[dict] = []
    for row in result.rows:
        cells = dict(zip(columns, row))
        found = differences.get(cells["word"]) if cells.get("group") == groups[1] else None
        for k, w in enumerate(question.to or []):
            for e, end in enumerate(ENDS):
                cells[f"cos_{w}{end}"] = found[3 * k + e] if found else None
        out.append(cells)
    wider = []
    for c in columns:
        wider.append(c)
        if c.startswith("cos_") and c.endswith("_high"):
            wider += [c[: -len("_high")] + end for end in ENDS]
    result.columns, result.rows = wider, [tuple(cells.get(c) for c in wider) for cells in out]
    return result
