"""The query path against an earlier w2vkit (issue 48): a cold `similar` (a fresh command each) on a
model without members and on one with members, this checkout against another one of w2vkit (give
its folder: `git worktree add /tmp/before 893416d`), run alternately; the ratio is the median of the
rounds' own ratios. Also the w2vkit modules each cold command imports, and whether any is a
findings module.

    python benchmarks/query_path.py --before /tmp/before -m MODEL --members-model MODEL [--rounds 7]
    python benchmarks/query_path.py --tiny
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

MODULES = (
    "import sys, runpy\n"
    "sys.argv = ['w2vkit', *sys.argv[1:]]\n"
    "try:\n"
    "    runpy.run_module('w2vkit', run_name='__main__')\n"
    "except SystemExit:\n"
    "    pass\n"
    "print(sorted(m for m in sys.modules if m.startswith('w2vkit.')), file=sys.__stderr__)\n"
)


def command(checkout: Path, *args) -> tuple[list[str], dict]:
    env = dict(os.environ, PYTHONPATH=str(checkout))
    return [sys.executable, "-m", "w2vkit", *map(str, args), "-q"], env


def timed(args, env) -> float:
    t = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True, env=env)
    return time.perf_counter() - t


def modules(checkout: Path, *args) -> list[str]:
    env = dict(os.environ, PYTHONPATH=str(checkout))
    out = subprocess.run(
        [sys.executable, "-c", MODULES, *map(str, args), "-q"], capture_output=True, text=True, env=env
    )
    return eval(out.stderr.strip().splitlines()[-1])  # noqa: S307 (our own child's list of names)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--before", default=None, help="a checkout of the w2vkit to compare with")
    p.add_argument("-m", "--model", default=None, help="a model without members")
    p.add_argument("--members-model", default=None, help="a model with members (optional)")
    p.add_argument("--word", default="孙悟空")
    p.add_argument("--rounds", type=int, default=7)
    p.add_argument("--tiny", action="store_true", help="tiny models, this checkout against itself")
    p.add_argument("--json", default=None)
    args = p.parse_args()
    figures = {}
    with tempfile.TemporaryDirectory() as tmp:
        if args.tiny:
            sys.path.insert(0, str(ROOT / "benchmarks"))
            from tiny import tiny_novel

            novel = tiny_novel()
            for name, extra in (("plain", []), ("boot", ["--bootstrap", "2"])):
                subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        "w2vkit",
                        "train",
                        novel,
                        "-o",
                        f"{tmp}/{name}",
                        "--epochs",
                        "1",
                        "-q",
                        *extra,
                    ],
                    check=True,
                    env=dict(os.environ, PYTHONPATH=str(ROOT)),
                )
            args.model, args.members_model, args.rounds = f"{tmp}/plain", f"{tmp}/boot", 1
            args.before = args.before or str(ROOT)
        before, now = Path(args.before), ROOT
        for label, model in (("no members", args.model), ("members", args.members_model)):
            if model is None:  # (--members-model is optional)
                continue
            old, new = [], []
            for _ in range(args.rounds):
                old.append(timed(*command(before, "similar", args.word, "-m", model)))
                new.append(timed(*command(now, "similar", args.word, "-m", model)))
            ratio = statistics.median(n / o for o, n in zip(old, new))
            imported = modules(now, "similar", args.word, "-m", model)
            earlier = modules(before, "similar", args.word, "-m", model)
            findings = [m for m in imported if m.startswith("w2vkit.findings")]
            print(
                f"cold similar, {label}: before {statistics.median(old) * 1000:.0f} ms, now "
                f"{statistics.median(new) * 1000:.0f} ms = {ratio:.2f}x; w2vkit modules imported: {len(earlier)} before, "
                f"{len(imported)} now; findings modules now: {findings or 'none'}",
                flush=True,
            )
            figures[label] = {
                "before_ms": statistics.median(old) * 1000,
                "now_ms": statistics.median(new) * 1000,
                "ratio": ratio,
                "modules_before": len(earlier),
                "modules_now": len(imported),
                "findings_now": findings,
            }
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
