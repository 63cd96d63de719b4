"""A segmentation's output folder: which of its files w2vkit wrote (manifest.json lists them, this
run's and earlier runs'), refusing a folder that would mix with the inputs or with files of the
user's, staging a run's files beside them and publishing them with the manifest (w2vkit.pipeline
runs the segmentation itself)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from .corpus import STDIN, InputFile
from .errors import OutputError
from .files import check_writable, input_conflict, pid_suffix, remove_stale, write_atomic

MANIFEST = "manifest.json"


def check_segment_output(outdir: Path, inputs: list[str], files: list[InputFile]) -> None:
    """Refuse, before any work, an output folder that would overwrite or mix with the inputs (it
    is, holds or lies inside an input; an output file would be an input file), or whose files at
    the output names were not written by w2vkit segment (not listed in its manifest.json)."""
    why = input_conflict(outdir, [i for i in inputs if i != STDIN and os.path.exists(i)])
    if why:
        raise OutputError(f"{outdir}: {why}; write the segmented text to a folder outside the inputs")
    check_writable(outdir, into=True)
    if not outdir.is_dir():
        return
    ours = _manifest_outputs(outdir)
    for f in files:
        target = outdir / f.output_name
        if os.path.lexists(target) and f.output_name not in ours:
            raise OutputError(
                f"{target}: exists and was not written by w2vkit segment (not in {outdir / MANIFEST}); "
                "choose a new or empty output folder"
            )


def _manifest_outputs(outdir: Path) -> set[str]:
    """The output names the folder's manifest.json lists, this run's and earlier ones' (empty when
    it has none); a manifest.json that is not w2vkit's, or is damaged, is refused saying what to do."""
    manifest = _read_manifest(outdir)
    return {r["output"] for r in manifest["inputs"] + manifest.get("earlier", [])} if manifest else set()


def _read_manifest(outdir: Path) -> dict | None:
    path = outdir / MANIFEST
    if not os.path.lexists(path):
        return None
    try:
        manifest = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None
    except (OSError, ValueError):
        manifest = None
    if not isinstance(manifest, dict) or "w2vkit_version" not in manifest:
        raise OutputError(f"{path}: exists and was not written by w2vkit segment; choose a new or empty output folder")
    entries = manifest.get("inputs"), manifest.get("earlier", [])
    if not all(
        isinstance(e, list) and all(isinstance(r, dict) and isinstance(r.get("output"), str) for r in e)
        for e in entries
    ):
        raise OutputError(
            f"{path}: damaged (its list of outputs cannot be read); delete the folder's segmented files and "
            "manifest.json, or choose a new output folder"
        )
    return manifest


def make_staging(outdir: Path) -> Path:
    if outdir.exists() and not outdir.is_dir():
        raise OutputError(f"{outdir}: exists and is not a directory; choose another -o")
    # Staging directories of runs that were killed (their process is gone) go first.
    remove_stale(outdir, ".staging-*", lambda name: pid_suffix(name, ".staging-"))
    staging = outdir / f".staging-{os.getpid()}"
    try:
        staging.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(f"{outdir}: cannot write ({e.strerror}); choose another -o") from e
    return staging


def publish_outputs(staging: Path, outdir: Path, names: list[str], manifest: dict) -> None:
    """Move the staged files into place, then write the manifest (last: it marks a whole run). The
    manifest keeps the files of earlier runs into the same folder (under "earlier", while they are
    there and not replaced by this run), so a second run into a folder does not disown the first's;
    runs at once take turns here (a lock on the folder)."""
    import fcntl

    folder = os.open(outdir, os.O_RDONLY)
    try:
        fcntl.flock(folder, fcntl.LOCK_EX)
        for name in names:
            target = outdir / name
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / name, target)
        try:
            previous = _read_manifest(outdir)
        except OutputError:
            previous = None  # refused before the run; a file damaged since is replaced by this one
        earlier = []
        if previous:
            mine = set(names)
            for entry in previous.get("earlier", []) + [
                dict(r, options=previous.get("options"), w2vkit_version=previous.get("w2vkit_version"))
                for r in previous["inputs"]
            ]:
                if entry["output"] not in mine and os.path.lexists(outdir / entry["output"]):
                    earlier.append(entry)
                    mine.add(entry["output"])
        write_atomic(outdir / MANIFEST, json.dumps(dict(manifest, earlier=earlier), ensure_ascii=False, indent=2))
    finally:
        os.close(folder)  # (releases the lock)
