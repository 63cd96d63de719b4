"""A newcomer's path: a clone in a folder named w2vkit, installed editable into its own venv as
the README says; scripts in the folder beside the clone import the installed package, not the
clone folder as an empty namespace package (issue 39.2)."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_import_from_the_clones_parent_folder_gets_the_package(tmp_path):
    clone = tmp_path / "w2vkit"
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    for name in tracked.splitlines():  # the working tree's tracked files: what a clone holds
        source = ROOT / name
        if source.is_file():
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, clone / name)
    venv = tmp_path / "venv"
    # (the dependencies from this interpreter's site-packages: the test is about the import; the
    # build backend, setuptools and wheel, comes from the package registry as in any install)
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "-e", str(clone)], check=True)
    code = "import w2vkit; print(w2vkit.__file__); print(len(w2vkit.__all__)); print(callable(w2vkit.train))"
    out = subprocess.run([str(python), "-c", code], cwd=tmp_path, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    file, count, train = out.stdout.split()
    assert Path(file) == clone / "w2vkit" / "__init__.py" and int(count) > 10 and train == "True"
