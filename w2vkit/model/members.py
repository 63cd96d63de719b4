"""Resampled members of a model: models trained beside it on resamples of its documents
(`train --bootstrap N`) or with other seeds on the same text (`--seeds N`), kept inside its
directory so every finding can say how much it would move (w2vkit.findings.stability).

    MODEL_DIR/members/01/  vectors.npy, vocab.tsv, meta.json: a w2vkit model (same format, same
                           checksums), compact: no training state, no n-gram table, no dictionaries

The model's meta.json lists them ("members": how they were drawn, and each member's directory and
vectors' checksum), and a member's own meta.json records its draw (the documents drawn, by
number) and seed, so members are reproducible (with --deterministic, bit for bit).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..base.records import RecordError
from ..base.trust import inside
from ..errors import CorruptModelError, OptionError
from .store import Model, load_model

MEMBERS_DIR = "members"
KINDS = ("bootstrap", "seeds")
MAX_MEMBERS = 100  # each is a training of the whole text


@dataclass(frozen=True)
class Resampling:
    """What members to train: `count` of them, by `kind` (bootstrap: resamples of the documents
    with replacement; seeds: the same text with other seeds), documents by `unit`
    (w2vkit.text.corpus.documents.parse_unit)."""

    kind: str = "bootstrap"
    count: int = 10
    unit: str = "auto"

    def __post_init__(self):
        from ..base.choices import parse_unit
        from ..base.limits import check_number

        for name, value, kind in (("kind", self.kind, str), ("count", self.count, int), ("unit", self.unit, str)):
            if not isinstance(value, kind) or isinstance(value, bool):
                raise TypeError(
                    f"Resampling's {name} must be a {kind.__name__}, not {type(value).__name__} ({value!r})"
                )
        if self.kind not in KINDS:
            raise OptionError(f"{{resampling}} kind must be bootstrap or seeds, not {self.kind!r}", "resampling")
        check_number("members", self.count)
        parse_unit(self.unit)


def member_dir(model_dir: Path, number: int) -> Path:
    return Path(model_dir) / MEMBERS_DIR / f"{number:02d}"


def load_members(model: Model) -> list[Model]:
    """The model's members (empty when it has none), each checked against the checksum the model
    recorded for it (so a member swapped from another model is refused)."""
    record = model.meta.get("members")
    if not record:
        return []
    check_members_record(model)
    out = []
    for entry in record["members"]:
        relative = entry["path"]
        try:  # (a folder inside the model, no link on the way: w2vkit.base.trust.inside)
            inside(model.path, relative, "member's folder")
        except RecordError as e:
            raise CorruptModelError(f"{e}; retrain the model") from None
        # (and each of its files opened from the model's folder, so a link swapped in at the
        # member's folder after this check is refused too: Model.door)
        root, name = model.door(relative)
        member = load_model(model.path / relative, within=(root, name))
        if member.meta.get("vectors_sha256") != entry.get("vectors_sha256"):
            raise CorruptModelError(
                f"{model.path / relative}: not the member this model was saved with (checksum differs); retrain"
            )
        if model.meta.get("view"):  # (the kind of similarity the model answers with: its members' too)
            from .views import with_view

            member = with_view(member, model.meta["view"])
        out.append(member)
    return out


def check_members_record(model: Model) -> None:
    """The model's list of members is what training writes (types are metacheck's, on load): a
    known kind, at most MAX_MEMBERS entries, each a distinct folder under members/, and a
    bootstrap's count of documents; else CorruptModelError naming meta.json and the field. Checked
    before any member is opened, so a hostile list of thousands costs nothing."""
    where = model.path / "meta.json"
    record = model.meta["members"]
    if not isinstance(record, dict) or not isinstance(record.get("members"), list):
        raise CorruptModelError(f"{where}: field 'members' is damaged; retrain the model")
    entries = record["members"]
    problem = None
    if record.get("kind") not in KINDS:
        problem = f"field 'members.kind' should be {' or '.join(KINDS)}"
    elif len(entries) > MAX_MEMBERS:
        problem = f"field 'members.members' lists {len(entries):,} members, more than training makes ({MAX_MEMBERS})"
    elif record["kind"] == "bootstrap" and not isinstance(record.get("documents"), int):
        problem = "field 'members.documents' is missing"
    seen: set[tuple[str, ...]] = set()
    for n, entry in enumerate(entries if problem is None else []):
        parts = Path(entry["path"]).parts
        if parts[:1] != (MEMBERS_DIR,) or ".." in parts or len(parts) != 2:
            problem = f"field 'members.members[{n}].path' is not a folder under {MEMBERS_DIR}/"
        elif parts in seen:
            problem = f"field 'members.members[{n}].path' names {entry['path'][:80]!r} a second time"
        seen.add(parts)
        if problem:
            break
    if problem:
        raise CorruptModelError(f"{where}: {problem}; retrain the model")


def describe_members(model: Model) -> str | None:
    """A line for `info`: how many members, drawn how (None without members)."""
    record = model.meta.get("members")
    if not record:
        return None
    check_members_record(model)
    n = len(record.get("members") or [])
    if record.get("kind") == "seeds":
        return f"{n} members: the same text, seeds {', '.join(str(m.get('seed')) for m in record['members'])}"
    return (
        f"{n} members: bootstrap resamples of {record.get('documents'):,} documents "
        f"({record.get('unit')}), drawn with replacement"
    )
