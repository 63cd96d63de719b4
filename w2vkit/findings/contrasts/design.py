"""The covariates of an embedding regression (w2vkit.findings.contrasts.regression) and the design matrix
they make: each `--by` column taken as a number or as levels (said which, and why), an intercept,
the levels against a baseline (the largest group, unless one is asked for), a number centred on its mean; the
blocks that are permuted and resampled whole, each constant in every covariate (checked, or split
with `split_blocks`); an interaction `a*b` adds its parts and a term per pair of their terms (their
product), telling how one's term differs with the other."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ...errors import UsageError
from ..alacarte import Corpus
from ..tabledocs import beyond_data_note, data_range, number_value, ordered_levels

NUMBER_VALUES = 10  # a column of numbers with at least this many distinct values is a number
MAX_LEVELS = 50  # more levels than this: a number, or a coarser column (690 years as groups helps nobody)
KINDS = ("number", "levels", "log")
# A number whose skewness passes this is carried by a few large values (authors' poem counts: 1 to
# thousands); the result says so and suggests COLUMN:log.
SKEWED = 3.0


@dataclass
class Covariate:
    """One `--by` column: a number (one term, per unit) or levels (a term per level but the first);
    or an interaction of two (`a*b`: a term per pair of their terms, their product)."""

    name: str
    kind: str
    why: str  # how the kind was chosen (said in the result)
    levels: list[str] = field(default_factory=list)  # levels: the baseline first
    center: float = 0.0  # number: the documents' mean, subtracted
    spread: float = 0.0  # number: the documents' standard deviation
    low: float = 0.0  # number: the 1st and 99th percentiles of the documents' values (where the fit has data)
    high: float = 0.0
    log: bool = False  # number: taken as log10 of the values (COLUMN:log)
    skew: float = 0.0  # number: the skewness of the documents' values
    largest: bool = False  # levels: the baseline is the largest group (none was asked for)
    parts: tuple[int, int] = (-1, -1)  # interaction: its two covariates
    pairs: list[tuple[int, int]] = field(default_factory=list)  # interaction: each term's parts' design columns

    def value(self, text: str) -> float:
        """A number as this covariate takes it (log10 for COLUMN:log); NaN for one it cannot take."""
        from ..tabledocs import number_value

        x = number_value(text)
        if x is None or (self.log and x <= 0):
            return float("nan")
        return float(np.log10(x)) if self.log else x

    @property
    def terms(self) -> list[str]:
        if self.kind == "interaction":  # (its levels: each term's label, as 宋*词)
            return [f"{self.name}={v}" for v in self.levels]
        return [self.name] if self.kind == "number" else [f"{self.name}={v}" for v in self.levels[1:]]

    def to_dict(self) -> dict:
        out: dict[str, object] = {"name": self.name, "kind": self.kind, "chosen": self.why}
        if self.kind == "interaction":
            out.update(terms=self.levels)
        elif self.kind == "levels":
            out.update(levels=self.levels, baseline=self.levels[0])
        else:
            out.update(mean=self.center, sd=self.spread)
        return out


def parse_spec(spec: str) -> tuple[str, str | None]:
    """`year`, `year:number` or `period:levels` as (column, kind or None: chosen from the values)."""
    name, sep, kind = spec.rpartition(":")
    if sep and kind in KINDS and name.strip():
        return name.strip(), kind
    return spec.strip(), None


def expand(specs: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """The specs with each interaction `a*b` as its two parts (a part named on its own too is taken
    once, as named there), and the interactions as the pairs of their columns. More than two parts,
    or an empty one: UsageError."""
    mains = [s for s in specs if "*" not in s]
    named = {parse_spec(s)[0] for s in mains}
    pairs: list[tuple[str, str]] = []
    for spec in (s for s in specs if "*" in s):
        parts = [p.strip() for p in spec.split("*")]
        if len(parts) != 2 or not all(parse_spec(p)[0] for p in parts):
            raise UsageError(f"{{by}} {spec!r}: an interaction is two columns joined by * (period*genre)", "by")
        for part in parts:
            if parse_spec(part)[0] not in named:
                mains.append(part)
                named.add(parse_spec(part)[0])
        pairs.append((parse_spec(parts[0])[0], parse_spec(parts[1])[0]))
    return mains, pairs


def columns_named(specs: list[str]) -> list[str]:
    """The table's columns the specs read (an interaction's two parts)."""
    return [parse_spec(s)[0] for s in expand(specs)[0]]


def _interactions(out: list[Covariate], pairs: list[tuple[str, str]]) -> list[Covariate]:
    """The interactions' covariates (their terms are found with the design's columns); one asked
    twice, or of a column with itself: UsageError."""
    index = {c.name: i for i, c in enumerate(out)}
    made: list[Covariate] = []
    for a, b in pairs:
        name = f"{a}*{b}"
        if a == b or name in {m.name for m in made} or f"{b}*{a}" in {m.name for m in made}:
            raise UsageError(f"{{by}} asks for {name} twice, or of one column with itself: give each once", "by")
        why = (
            f"how {a}'s term differs with {b}; {a}'s own term is then {_at(out[index[b]])}, {b}'s {_at(out[index[a]])}"
        )
        made.append(Covariate(name, "interaction", why, parts=(index[a], index[b])))
    return made


def _at(other: Covariate) -> str:
    """Where a part's own term is read when it interacts with `other`."""
    return f"at {other.name}'s mean" if other.kind == "number" else f"at {other.name}={other.levels[0]}"


def resolve(path, rows: list, specs: list[str], baseline: dict[str, str] | None = None) -> list[Covariate]:
    """The covariates the specs name, each a number or levels (said so, else numbers with
    NUMBER_VALUES distinct values or more), levels in the table's order but for the `baseline`
    each names (first: the one the others are against); a column named twice, a number column with
    words in it, a single level, or more than MAX_LEVELS levels beside another covariate, a baseline
    that is no level: UsageError (one column of many levels is a group contrast, each group against
    the rest). An interaction `a*b` comes after every column, its parts among them."""
    mains, pairs = expand(specs)
    parsed = [parse_spec(s) for s in mains]
    names = [n for n, _ in parsed]
    repeated = [n for n in dict.fromkeys(names) if names.count(n) > 1]
    if repeated:
        raise UsageError(f"{{by}} names {', '.join(map(repr, repeated))} twice: give each column once", "by")
    out = []
    for name, kind in parsed:
        values = [r[name].strip() for _, r in rows]
        distinct = list(dict.fromkeys(v for v in values if v))
        numbers = [number_value(v) for v in distinct]
        all_numbers = bool(distinct) and all(x is not None for x in numbers)
        _check_numbers(path, name, kind, distinct, numbers)
        if kind in ("number", "log") and not all_numbers:
            bad = next(v for v, x in zip(distinct, numbers) if x is None)
            raise UsageError(f"{path}: column {name!r} is to be a number, but has {bad!r}; drop ':{kind}'")
        if kind == "log" and min(x for x in numbers if x is not None) <= 0:
            bad = next(v for v, x in zip(distinct, numbers) if x is not None and x <= 0)
            raise UsageError(f"{path}: column {name!r} has {bad!r}; ':log' takes numbers above 0")
        if kind is None:
            kind = "number" if all_numbers and len(distinct) >= NUMBER_VALUES else "levels"
            why = (
                f"numbers, {len(distinct):,} distinct values (write {name}:levels for groups)"
                if kind == "number"
                else f"{len(distinct):,} distinct values"
                + (f" (write {name}:number to take them as a number)" if all_numbers else "")
            )
        else:
            why = f"{name}:{kind}" + (" (log10 of the values)" if kind == "log" else "")
        covariate = Covariate(name, "number" if kind == "log" else kind, why, log=kind == "log")
        if kind == "levels":
            if len(distinct) < 2:
                raise UsageError(f"{path}: column {name!r} has {len(distinct)} value; a covariate needs two or more")
            if len(distinct) > MAX_LEVELS and len(specs) > 1:
                raise UsageError(
                    f"{path}: column {name!r} has {len(distinct):,} values: too many levels; write {name}:number "
                    "if they are numbers, or choose a coarser column"
                )
            if len(distinct) > MAX_LEVELS:  # (one bound for every group contrast: each group against the rest)
                raise UsageError(
                    f"{path}: column {name!r} has {len(distinct):,} values: too many groups to contrast each against "
                    f"the rest (at most {MAX_LEVELS}); choose {{groups}} A,B or a coarser column",
                    "groups",
                )
            covariate.levels = _baseline_first(path, name, ordered_levels(distinct, values), (baseline or {}).get(name))
            covariate.largest = (baseline or {}).get(name) is None
        out.append(covariate)
    out += _interactions(out, pairs)
    levels = {c.name for c in out if c.kind == "levels"}
    stray = [name for name in baseline or {} if name not in levels]
    if stray:
        shown = ", ".join(sorted(levels)) or "none"
        raise UsageError(
            f"{{baseline}} names {stray[0]!r}, which is not a covariate of levels in {{by}} (those: {shown})",
            "baseline",
            "by",
        )
    return out


def _baseline_first(path, name: str, levels: list[str], baseline: str | None) -> list[str]:
    """The levels with the baseline asked for first (UsageError when the column lacks it)."""
    if baseline is None:
        return levels
    if baseline not in levels:
        raise UsageError(
            f"{path}: {{baseline}} gives {name}={baseline!r}; column {name!r} has {', '.join(levels[:20])}", "baseline"
        )
    return [baseline] + [v for v in levels if v != baseline]


def _check_numbers(path, name: str, kind: str | None, distinct: list[str], numbers: list) -> None:
    """A column of numbers with a missing value spelt as one (nan, inf) or a number too large to
    fit is said in one line, rather than read silently as hundreds of levels."""
    import math

    from ..tabledocs import MAX_NUMBER, MISSING_NUMBERS

    if kind == "levels":
        return
    texts = [v for v, x in zip(distinct, numbers) if x is None]
    for v in texts:
        try:
            huge = math.isfinite(float(v)) and abs(float(v)) > MAX_NUMBER and "_" not in v
        except ValueError:
            huge = False
        if huge:
            raise UsageError(f"{path}: column {name!r} has values too large to fit ({v[:30]}); rescale it")
    # (a missing value spelt as one, or a few words among many numbers: a typo or a note, not groups)
    stray = all(v.lower() in MISSING_NUMBERS for v in texts) or len(texts) <= max(1, len(distinct) // 100)
    if texts and stray and len(distinct) - len(texts) >= NUMBER_VALUES:
        raise UsageError(
            f"{path}: column {name!r} holds numbers and {texts[0][:30]!r}: leave a missing value's cell empty (its rows "
            f"are left out), or write {name}:levels to take every value as a group"
        )


@dataclass
class Design:
    """The documents of a regression: their tokens, design rows (an intercept first), whether each
    has every covariate, and their blocks."""

    corpus: Corpus
    x: np.ndarray  # documents x terms (float64); the intercept first
    terms: list[str]  # "(intercept)", then each covariate's terms
    term_covariate: np.ndarray  # the covariate of each term (-1: the intercept)
    covariates: list[Covariate]
    valid: np.ndarray  # documents with every covariate
    block: np.ndarray  # block index per document
    block_names: list[str]
    split: int = 0  # blocks a covariate varies inside ({split_blocks}): p by regstats.wild_p
    lines: list[int] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    frequent: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))  # words seen often in the table
    counts: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # each model word's, in the table
    comparable: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))  # words, not punctuation
    # each peer's debiased norms by (row, the terms kept), fitted once per regression: the words of
    # one call share most of their peers (50 words of about one frequency: 2,500 peers, 92 distinct)
    peer_norms: dict = field(default_factory=dict)

    def columns_of(self, c: int) -> np.ndarray:
        return np.flatnonzero(self.term_covariate == c)

    def products(self) -> dict[int, tuple[int, int]]:
        """Each interaction column's two parts' columns."""
        out = {}
        for c, cov in enumerate(self.covariates):
            out.update({int(j): pair for j, pair in zip(self.columns_of(c), cov.pairs)})
        return out


def design_rows(rows: list, covariates: list[Covariate]) -> tuple[np.ndarray, np.ndarray, list[str], np.ndarray]:
    """The design matrix of the rows (intercept, numbers centred, levels as indicators but the
    baseline), which rows have every covariate, the terms and each term's covariate."""
    n = len(rows)
    valid = np.ones(n, dtype=bool)
    blocks: list[np.ndarray] = [np.ones((n, 1))]
    owner = [-1]
    for c, cov in enumerate(covariates):
        if cov.kind == "interaction":  # (its products: after every column, _products)
            continue
        raw = [r[cov.name].strip() for _, r in rows]
        if cov.kind == "number":
            x = np.array([number_value(v) if v else None for v in raw], dtype=float)  # (None: nan)
            if cov.log:
                x = np.log10(x)  # (every value above 0: resolve())
            ok = np.isfinite(x)
            valid &= ok
            cov.center = float(x[ok].mean()) if ok.any() else 0.0
            cov.spread = float(x[ok].std()) if ok.any() else 0.0
            cov.low, cov.high = data_range(x[ok])
            cov.skew = float(np.mean((x[ok] - cov.center) ** 3) / cov.spread**3) if cov.spread > 0 else 0.0
            blocks.append(np.where(ok, x - cov.center, 0.0)[:, None])
            owner.append(c)
        else:
            index = {v: i for i, v in enumerate(cov.levels)}
            level = np.array([index.get(v, -1) for v in raw])
            valid &= level >= 0
            indicators = (level[:, None] == np.arange(1, len(cov.levels))[None, :]).astype(float)
            blocks.append(indicators)
            owner.extend([c] * (len(cov.levels) - 1))
    x = np.hstack(blocks)
    x, owner = _products(x, valid, owner, covariates)
    terms = ["(intercept)"] + [t for cov in covariates for t in cov.terms]
    return x, valid, terms, np.array(owner)


def _products(x: np.ndarray, valid: np.ndarray, owner: list[int], covariates: list[Covariate]):
    """The design with each interaction's columns added: the product of a column of each part, but
    for a pair no row holds (元 has no 词), which no data can fit; each interaction's labels and
    parts' columns set on it."""
    columns, owner = [x], list(owner)
    for c, cov in enumerate(covariates):
        if cov.kind != "interaction":
            continue
        first, second = (np.flatnonzero(np.array(owner) == part) for part in cov.parts)
        cov.levels, cov.pairs = [], []
        for ja in first.tolist():
            for jb in second.tolist():
                product = x[:, ja] * x[:, jb]
                if not np.any(product[valid] != 0):
                    continue
                cov.levels.append(f"{_label(covariates, owner, ja)}*{_label(covariates, owner, jb)}")
                cov.pairs.append((ja, jb))
                columns.append(product[:, None])
                owner.append(c)
    return np.hstack(columns), owner


def _label(covariates: list[Covariate], owner: list[int], j: int) -> str:
    """A design column's name in an interaction's term: a level's value, or a number's column."""
    cov = covariates[owner[j]]
    return cov.name if cov.kind == "number" else cov.levels[owner[: j + 1].count(owner[j])]


def blocks_of(path, rows: list, x: np.ndarray, valid: np.ndarray, block: str | None, split: bool):
    """Each row's block (its `block` value, else the row), the block names, and how many blocks a
    covariate varies inside: none may (a block is permuted whole), else UsageError naming one; or,
    with `split`, those blocks are kept whole and p comes from a wild bootstrap of whole blocks
    (regstats.wild_p), since no block can be permuted whole then. (Splitting them into a block per
    value, as before, permuted rows of one author as if independent: p < 0.05 for 17% of null words.)"""
    names = [r[block].strip() for _, r in rows] if block else [str(n) for n, _ in rows]
    index: dict[str, int] = {}
    of = np.array([index.setdefault(b, len(index)) for b in names], dtype=np.int64)
    if not block:
        return of, list(index), 0
    seen: dict[int, bytes] = {}
    varied: set[int] = set()
    for b, ok, row in zip(of.tolist(), valid.tolist(), x):
        if ok:
            key = row.tobytes()
            if seen.setdefault(b, key) != key:
                varied.add(b)
    if varied and not split:
        shown = ", ".join(repr(list(index)[b]) for b in sorted(varied)[:3])
        raise UsageError(
            f"{path}: {len(varied):,} {block} blocks have several values of the covariates ({shown}): a block is "
            "permuted whole; choose another {block}, or {split_blocks} to keep them whole and resample them instead",
            "block",
            "split_blocks",
        )
    return of, list(index), len(varied)


def outside_note(design: Design, at: list[dict[str, str]]) -> str | None:
    """A fitted vector at a number outside the documents' range extends the line past its data:
    said once, with the range (None when every point lies inside)."""
    for cov in design.covariates:
        if cov.kind != "number":
            continue
        outside = [a[cov.name] for a in at if cov.name in a and not cov.low <= cov.value(a[cov.name]) <= cov.high]
        if outside:
            return beyond_data_note(cov.name, outside, cov.low, cov.high)
    return None


def point_terms(design: Design, values: dict[str, str]) -> tuple[dict[str, str], dict[int, float]]:
    """A fitted point `at` names ({"year": "700", "period": "宋"}) as term values; a covariate not named
    stays at the word's mean. An unknown column or level: UsageError."""
    terms: dict[int, float] = {}
    names = {c.name: i for i, c in enumerate(design.covariates)}
    for name, value in values.items():
        if name not in names:
            raise UsageError(f"{{at}} names {name!r}, which is not a covariate ({', '.join(names)})", "at")
        c = names[name]
        cov = design.covariates[c]
        cols = design.columns_of(c)
        if cov.kind == "interaction":
            raise UsageError(f"{{at}} names {name!r}, an interaction: give the value of each of its columns", "at")
        if cov.kind == "number":
            x = cov.value(value)  # (nan, inf and numbers too large to fit are no place to fit at)
            if x != x:
                above = " above 0" if cov.log else ""
                raise UsageError(f"{{at}} gives {name}={value!r}: {name} is a finite number{above}", "at")
            terms[int(cols[0])] = x - cov.center
        else:
            if value not in cov.levels:
                raise UsageError(f"{{at}} gives {name}={value!r}; {name} has {', '.join(cov.levels)}", "at")
            for k, j in enumerate(cols, 1):
                terms[int(j)] = 1.0 if cov.levels[k] == value else 0.0
    return values, terms
