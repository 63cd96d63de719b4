"""The shape of the package: the layers in pyproject.toml hold (import-linter's `layers` contract,
imports inside functions included) and no module imports another's private names."""

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "w2vkit"


def test_layers_point_down():
    out = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
        capture_output=True,
        text=True,
        cwd=PACKAGE.parent,
    )
    assert out.returncode == 0 and "1 kept, 0 broken" in out.stdout, out.stdout[-3000:] + out.stderr


def is_private(name: str) -> bool:
    return name.startswith("_") and not name.endswith("__")  # __version__ is public


def test_no_private_name_is_imported_across_modules():
    found = []
    for path in sorted(PACKAGE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level >= 1:
                found += [f"{path.name}: {node.module}.{a.name}" for a in node.names if is_private(a.name)]
    assert found == []


def test_the_public_api_resolves_lazily():
    code = (
        "import sys, w2vkit\n"
        "heavy = [m for m in ('numpy', 'gensim', 'jieba', 'sklearn', 'matplotlib') if m in sys.modules]\n"
        "assert heavy == [], heavy\n"
        "missing = [n for n in w2vkit.__all__ if getattr(w2vkit, n, None) is None]\n"
        "assert missing == [], missing\n"
        "assert w2vkit.load_model.__module__ == 'w2vkit.store' and 'gensim' not in sys.modules\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
