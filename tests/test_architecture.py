"""The shape of the package: the layers in pyproject.toml hold (import-linter's `layers` contract,
imports inside functions included) and no module imports another's private names."""

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "w2vkit"
PYPROJECT = PACKAGE.parent / "pyproject.toml"
# Code run in a fresh interpreter starts with this to run a command line's --help in-process.
RUN_HELP = (
    "import sys\n"
    "from w2vkit.cli import cli\n"
    "def run_help(*args):\n"
    "    try:\n"
    "        cli.main([*args, '--help'], prog_name='w2vkit')\n"
    "    except SystemExit as e:\n"
    "        assert e.code == 0, e.code\n"
)


def run_fresh(code: str) -> subprocess.CompletedProcess:
    """Run code in a new interpreter (nothing imported yet) and require it to succeed."""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return out


def test_layers_point_down():
    out = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
        capture_output=True,
        text=True,
        cwd=PACKAGE.parent,
    )
    contracts = PYPROJECT.read_text(encoding="utf-8").count("[[tool.importlinter.contracts]]")
    assert out.returncode == 0 and f"{contracts} kept, 0 broken" in out.stdout, out.stdout[-3000:] + out.stderr


def test_the_modules_live_in_the_layers_sub_packages():
    """The layers the README names are sub-packages, each a layer of the top contract, each with
    its modules layered inside it; only the package's entry points and its errors stay on top."""
    import tomllib

    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"]
    config = [c for c in config if c["type"] == "layers"]  # (the forbidden contracts name no containers)
    top = next(c for c in config if c["containers"] == ["w2vkit"])
    named = {name.strip() for layer in top["layers"] for name in layer.split("|")}
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert packages == named - {"__main__", "errors"}
    assert sorted(p.name for p in PACKAGE.glob("*.py")) == ["__init__.py", "__main__.py", "errors.py"]
    inner = {c["containers"][0].removeprefix("w2vkit.") for c in config if c is not top}
    folders = {  # (text's reading, segmenting and corpus, and findings' contrast family, each layered inside too)
        f"{p.name}.{q.name}"
        for p in PACKAGE.iterdir()
        if (p / "__init__.py").is_file()
        for q in p.iterdir()
        if (q / "__init__.py").is_file()
    }
    assert folders == {"text.reading", "text.segmenting", "text.corpus", "findings.contrasts"}
    assert inner == (packages - {"cli"}) | folders
    assert {
        "base",
        "text",
        "model",
        "training",
        "queries",
        "sentences",
        "evaluation",
        "findings",
        "pictures",
    } <= packages


def is_private(name: str) -> bool:
    return name.startswith("_") and not name.endswith("__")  # __version__ is public


MAX_MODULE_LINES = 500


def test_no_module_is_longer_than_the_limit():
    long = {
        str(p.relative_to(PACKAGE)): n
        for p in PACKAGE.rglob("*.py")
        if (n := len(p.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


def test_no_private_name_is_imported_across_modules():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
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
        "assert w2vkit.load_model.__module__ == 'w2vkit.model.store' and 'gensim' not in sys.modules\n"
    )
    run_fresh(code)


def test_the_command_line_loads_no_heavy_module_for_help():
    """`w2vkit --help` (which loads every command to list it) reads choices and defaults from light
    modules: no numpy, no segmenter, no model code, no dataclasses (creating them at import is what
    made --help slow)."""
    code = RUN_HELP + (
        "run_help()\n"
        "assert all(m in sys.modules for m in ('w2vkit.cli.model', 'w2vkit.cli.query', 'w2vkit.cli.analysis'))\n"
        "loaded = [m for m in ('numpy', 'gensim', 'jieba', 'sklearn', 'matplotlib', 'tqdm', 'dataclasses',\n"
        "          'w2vkit.text.segmenting.segment', 'w2vkit.text.reading.inputs', 'w2vkit.model.store', 'w2vkit.queries.query', 'w2vkit.findings.analysis',\n"
        "          'w2vkit.base.render', 'w2vkit.training.trainoptions', 'w2vkit.training.countmodel', 'w2vkit.evaluation.evalsets') if m in sys.modules]\n"
        "assert loaded == [], loaded\n"
    )
    assert "similar " in run_fresh(code).stdout


def test_a_command_loads_only_its_own_module_of_the_command_line():
    code = RUN_HELP + (
        "run_help('similarity')\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('w2vkit.cli.'))\n"
        "assert loaded == ['w2vkit.cli.app', 'w2vkit.cli.options', 'w2vkit.cli.output', 'w2vkit.cli.query'], loaded\n"
    )
    run_fresh(code)


def test_the_table_of_command_modules_names_every_command_where_it_is():
    import importlib

    from w2vkit.cli.app import COMMAND_MODULES

    package = importlib.import_module("w2vkit.cli")
    found = {}
    for path in sorted(Path(package.__file__).parent.glob("*.py")):
        module = importlib.import_module(f"w2vkit.cli.{path.stem}")
        for command in getattr(module, "COMMANDS", ()):
            found[command.name] = path.stem
    assert found == COMMAND_MODULES


def test_an_option_error_names_parameters_for_python_and_flags_for_the_command_line(invoke, tmp_path):
    from w2vkit.errors import OptionError
    from w2vkit.training.trainoptions import TrainOptions

    try:
        TrainOptions(min_n=4, max_n=2)
    except OptionError as e:
        assert str(e) == "min_n and max_n need 1 <= min-n <= max-n"
    else:
        raise AssertionError("no error")
    r = invoke(["train", "xiyouji", "-o", tmp_path / "m", "--min-n", "4", "--max-n", "2"])
    assert (r.exit_code, r.stderr) == (2, "Error: --min-n and --max-n need 1 <= min-n <= max-n\n")


def test_public_functions_are_not_shadowed_by_modules():
    """Importing a submodule sets it as an attribute of the package: a module named like a public
    function (w2vkit/train.py beside w2vkit.train) would replace the function once imported. (The
    modules of an optional extra, Milvus and the explorer's server, need it installed.)"""
    import subprocess
    import sys

    code = (
        "import w2vkit, importlib, pkgutil\n"
        "for m in pkgutil.walk_packages(w2vkit.__path__, 'w2vkit.'):\n"
        "    if not m.name.startswith(('w2vkit.__main__', 'w2vkit.sentences.milvusindex', 'w2vkit.explore.server')):\n"
        "        importlib.import_module(m.name)\n"
        "bad = [n for n in w2vkit.__all__ if type(getattr(w2vkit, n)).__name__ == 'module']\n"
        "bad += [n for n in ('train', 'plot', 'segment_corpus', 'load_model') if not callable(getattr(w2vkit, n))]\n"
        "print(bad)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_command_line_and_the_library_share_their_defaults():
    """What a command does by default is what the library function it calls does by default
    (issue 39.6: compare showed 10 words on the command line and 20 from Python), by one rule
    (issue 57): the command's option is unset (None) and the library fills it, and --help shows the
    library's own default, read here from the function's signature. No click default repeats a
    library default."""
    import inspect

    from w2vkit.cli import app
    from w2vkit.evaluation.evaluate import run_evaluation
    from w2vkit.evaluation.nextitem import run_next_item
    from w2vkit.findings.analysis import expand
    from w2vkit.findings.axes import axis, text_axis
    from w2vkit.findings.comparison import compare
    from w2vkit.findings.contrasts import contrast
    from w2vkit.model.members import Resampling
    from w2vkit.model.postprocess import Steps
    from w2vkit.pictures.plotting import plot
    from w2vkit.queries.answers import analogy
    from w2vkit.queries.ensemble import similar
    from w2vkit.queries.kwic import passages
    from w2vkit.queries.modelinfo import model_record
    from w2vkit.sentences.embed import Embedder
    from w2vkit.sentences.searching import search
    from w2vkit.sentences.vectorindex import build_index

    pairs = [  # command, library function, {command parameter: library parameter}
        ("similar", similar, {"topn": "topn", "rank": "rank", "hubness": "hubness"}),
        ("analogy", analogy, {"topn": "topn", "method": "method"}),
        ("search", search, {"topn": "topn", "method": "method"}),
        ("embed", Embedder, {"method": "method"}),
        ("index", build_index, {"kind": "kind", "metric": "metric", "unit": "unit"}),
        ("index", Embedder, {"method": "method"}),
        (
            "compare",
            compare,
            {"topn": "topn", "k": "k", "anchors": "anchors", "min_count": "min_count", "rank": "rank", "by": "by"},
        ),
        ("expand", expand, {"topn": "topn", "min_count": "min_count", "iterations": "iterations"}),
        ("axis", axis, {"topn": "topn", "min_count": "min_count"}),
        ("axis", text_axis, {"text_unit": "unit"}),
        ("kwic", passages, {"limit": "limit", "width": "width", "text_column": "text_column"}),
        ("contrast", contrast, {"text_column": "text_column", "seed": "seed"}),
        ("evaluate", run_evaluation, {"restrict_vocab": "restrict_vocab"}),
        ("evaluate", run_next_item, {"k": "k"}),
        ("plot", plot, {"neighbors": "neighbors", "method": "method", "seed": "seed"}),
        ("info", model_record, {"top": "top"}),
        ("train", Resampling, {"unit": "unit"}),
        ("postprocess", Steps, {"remove_top": "remove_top"}),
    ]
    group = app.cli
    for name, function, params in pairs:
        command = group.get_command(None, name)
        options = {p.name: p for p in command.params}
        signature = inspect.signature(function).parameters
        for cli_name, lib_name in params.items():
            option = options[cli_name]
            assert option.default is None, (name, cli_name, option.default)
            assert f"[default: {signature[lib_name].default}]" in (option.help or ""), (name, cli_name, option.help)
    # evaluate's method: the first of the library's methods ("both" is the command line's own)
    evaluate = {p.name: p for p in group.get_command(None, "evaluate").params}
    assert evaluate["method"].default is None
    assert f"[default: {inspect.signature(run_evaluation).parameters['methods'].default[0]}]" in evaluate["method"].help


def test_the_type_checker_passes():
    """mypy over the package, as configured in pyproject.toml ([tool.mypy])."""
    out = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental"], capture_output=True, text=True, cwd=PACKAGE.parent
    )
    assert out.returncode == 0 and "Success: no issues found" in out.stdout, out.stdout[-3000:] + out.stderr


def test_the_tools_that_gate_ci_have_upper_bounds_and_mypy_checks_untyped_bodies():
    """A new release of a gating tool cannot break main overnight: each is bounded above in
    pyproject.toml (the test extra, or the dependencies for click), and mypy reads the bodies of
    functions without annotations too."""
    import re

    import tomllib

    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    requirements = project["project"]["dependencies"] + project["project"]["optional-dependencies"]["test"]
    bounded = {}
    for line in requirements:
        name = re.match(r"[A-Za-z0-9_.-]+", line).group(0).lower()
        bounded[name] = "<" in line
    for tool in ("mypy", "ruff", "import-linter", "click", "pytest"):
        assert bounded.get(tool), f"{tool} has no upper bound in pyproject.toml"
    assert project["tool"]["mypy"].get("check_untyped_defs") is True


def test_the_model_layer_imports_nothing_of_the_text_layer():
    """Reading a model folder needs no segmenter (a forbidden contract, checked by lint-imports
    above); the contract is there and names both packages."""
    import tomllib

    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"]
    assert any(
        c["type"] == "forbidden"
        and c["source_modules"] == ["w2vkit.model"]
        and c["forbidden_modules"] == ["w2vkit.text"]
        for c in config
    )
